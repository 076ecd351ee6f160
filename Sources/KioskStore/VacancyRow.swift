import Foundation
import GRDB
import KioskCore

/// A row of `vacancy`, read and written by column name: the columns search and matching read
/// (the full-text index and the change count follow by trigger) and the JSON the screens are
/// sent. Written by the sync service for each downloaded vacancy, and by tests and benchmarks.
struct VacancyRow: FetchableRecord, TableRecord {
    static let databaseTableName = "vacancy"

    var reference: String
    var title: String
    /// The English title, `''` when there is none.
    var titleEn: String
    var iscoCode: String
    var employer: String
    var aimagCode: String
    var soumCode: String?
    var wageMin: Int?
    var wageMax: Int?
    var hours: String
    var postedOn: String
    var closesOn: String
    /// The vacancy as JSON (`Vacancy`'s shape; the sync service's carries the wire record's
    /// office and whether the job is new, which the dashboard reads).
    var data: String
    /// The feed's generation the row was last seen in.
    var generation: String
    /// The skills joined by commas, for the full-text index.
    var skills: String
    var education: String?
    /// The skills, one a line.
    var skillList: String
    /// Licence codes joined by commas.
    var licences: String
    var experienceYears: Int

    init(_ v: Vacancy, data: String, generation: String) {
        reference = v.reference
        title = v.title
        titleEn = v.titleEn ?? ""
        iscoCode = v.iscoCode
        employer = v.employer
        aimagCode = v.aimagCode
        soumCode = v.soumCode
        wageMin = v.wageMin
        wageMax = v.wageMax
        hours = v.hours
        postedOn = v.postedOn
        closesOn = v.closesOn
        self.data = data
        self.generation = generation
        skills = v.skills.joined(separator: ", ")
        education = v.education
        skillList = v.skills.joined(separator: "\n")
        licences = v.licences.joined(separator: ",")
        experienceYears = v.experienceYears
    }

    init(row: Row) {
        reference = row[Columns.reference]
        title = row[Columns.title]
        titleEn = row[Columns.titleEn]
        iscoCode = row[Columns.iscoCode]
        employer = row[Columns.employer]
        aimagCode = row[Columns.aimagCode]
        soumCode = row[Columns.soumCode]
        wageMin = row[Columns.wageMin]
        wageMax = row[Columns.wageMax]
        hours = row[Columns.hours]
        postedOn = row[Columns.postedOn]
        closesOn = row[Columns.closesOn]
        data = row[Columns.data]
        generation = row[Columns.generation]
        skills = row[Columns.skills]
        education = row[Columns.education]
        skillList = row[Columns.skillList]
        licences = row[Columns.licences]
        experienceYears = row[Columns.experienceYears]
    }

    enum Columns {
        static let reference = Column("reference")
        static let title = Column("title")
        static let titleEn = Column("title_en")
        static let iscoCode = Column("isco_code")
        static let employer = Column("employer")
        static let aimagCode = Column("aimag_code")
        static let soumCode = Column("soum_code")
        static let wageMin = Column("wage_min")
        static let wageMax = Column("wage_max")
        static let hours = Column("hours")
        static let postedOn = Column("posted_on")
        static let closesOn = Column("closes_on")
        static let data = Column("data")
        static let generation = Column("generation")
        static let skills = Column("skills")
        static let education = Column("education")
        static let skillList = Column("skill_list")
        static let licences = Column("licences")
        static let experienceYears = Column("experience_years")
    }

    /// The domain value, from the stored JSON.
    func vacancy() throws -> Vacancy { try JSONDecoder().decode(Vacancy.self, from: Data(data.utf8)) }

    /// Inserts the row or updates the one with its reference in place (its rowid, which the
    /// full-text index and the in-memory facts key on, stays). One cached statement with the
    /// values in order: a download of 50 000 vacancies does not build its SQL 50 000 times
    /// (`PersistableRecord.upsert` would, and read each rowid back).
    func insertOrUpdate(_ db: Database) throws {
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
            data, generation, titleEn, skills, education, skillList, licences, experienceYears,
        ])
    }
}

/// What search and matching keep in memory of a `vacancy` row, read by column name.
struct VacancyFactsRow: FetchableRecord {
    var rowid: Int64
    var facts: VacancyFacts

    /// The columns `init(row:)` reads.
    static let selection = """
        rowid, reference, isco_code, aimag_code, soum_code, wage_min, wage_max, hours, education, skill_list,
        licences, experience_years, posted_on, closes_on
        """

    init(row: Row) {
        typealias C = VacancyRow.Columns
        rowid = row["rowid"]
        let skills: String = row[C.skillList]
        let licences: String = row[C.licences]
        facts = VacancyFacts(
            reference: row[C.reference], iscoCode: row[C.iscoCode], aimagCode: row[C.aimagCode],
            soumCode: row[C.soumCode], wageMin: row[C.wageMin], wageMax: row[C.wageMax], hours: row[C.hours],
            education: row[C.education], skills: skills.isEmpty ? [] : skills.split(separator: "\n").map(String.init),
            licences: licences.isEmpty ? [] : licences.split(separator: ",").map(String.init),
            experienceYears: row[C.experienceYears], postedOn: row[C.postedOn], closesOn: row[C.closesOn])
    }
}

/// A vacancy's JSON and rowid, read by column name.
struct VacancyDataRow: FetchableRecord {
    var rowid: Int64
    var data: String

    init(row: Row) {
        rowid = row["rowid"]
        data = row[VacancyRow.Columns.data]
    }
}
