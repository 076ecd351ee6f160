public import GRDB

/// A vacancy as the kiosk's `vacancy` table holds it: the columns search and matching read (the
/// full-text index and the change count follow by trigger) and the JSON the screens are sent.
/// Written by the sync service for each downloaded vacancy, and by tests and benchmarks.
public struct StoredVacancy: Sendable {
    public var reference: String
    public var title: String
    public var titleEn: String?
    public var iscoCode: String
    public var employer: String
    public var aimagCode: String
    public var soumCode: String?
    public var wageMin: Int?
    public var wageMax: Int?
    public var hours: String
    public var postedOn: String
    public var closesOn: String
    public var education: String?
    public var skills: [String]
    public var licences: [String]
    public var experienceYears: Int
    /// The vacancy as JSON (`Vacancy`'s shape).
    public var json: String

    public init(
        reference: String, title: String, titleEn: String?, iscoCode: String, employer: String, aimagCode: String,
        soumCode: String?, wageMin: Int?, wageMax: Int?, hours: String, postedOn: String, closesOn: String,
        education: String?, skills: [String], licences: [String], experienceYears: Int, json: String
    ) {
        self.reference = reference
        self.title = title
        self.titleEn = titleEn
        self.iscoCode = iscoCode
        self.employer = employer
        self.aimagCode = aimagCode
        self.soumCode = soumCode
        self.wageMin = wageMin
        self.wageMax = wageMax
        self.hours = hours
        self.postedOn = postedOn
        self.closesOn = closesOn
        self.education = education
        self.skills = skills
        self.licences = licences
        self.experienceYears = experienceYears
        self.json = json
    }

    /// Inserts the vacancy or replaces the one with its reference, marked with `generation`.
    public func upsert(_ db: Database, generation: String) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO vacancy (reference, title, isco_code, employer, aimag_code, soum_code, wage_min,
                    wage_max, hours, posted_on, closes_on, data, generation, title_en, skills, education,
                    skill_list, licences, experience_years)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (reference) DO UPDATE SET title = excluded.title, isco_code = excluded.isco_code,
                    employer = excluded.employer, aimag_code = excluded.aimag_code, soum_code = excluded.soum_code,
                    wage_min = excluded.wage_min, wage_max = excluded.wage_max, hours = excluded.hours,
                    posted_on = excluded.posted_on, closes_on = excluded.closes_on, data = excluded.data,
                    generation = excluded.generation, title_en = excluded.title_en, skills = excluded.skills,
                    education = excluded.education, skill_list = excluded.skill_list,
                    licences = excluded.licences, experience_years = excluded.experience_years
                """
        ).execute(arguments: [
            reference, title, iscoCode, employer, aimagCode, soumCode, wageMin, wageMax, hours, postedOn, closesOn,
            json, generation, titleEn ?? "", skills.joined(separator: ", "), education,
            skills.joined(separator: "\n"), licences.joined(separator: ","), experienceYears,
        ])
    }
}
