public import Foundation

/// An open vacancy as the kiosk holds it (downloaded from the LMIS).
public struct Vacancy: Codable, Sendable, Hashable {
    /// The code a person quotes at the desk, `V-2026-00042`.
    public var reference: String
    public var title: String
    public var titleEn: String?
    /// ISCO-08 unit group, four digits.
    public var iscoCode: String
    public var employer: String
    public var aimagCode: String
    public var soumCode: String?
    /// Monthly, in tögrög.
    public var wageMin: Int?
    public var wageMax: Int?
    /// `fullTime`, `partTime`, `shift` or `seasonal`.
    public var hours: String
    /// Minimum education level code (`upper_secondary`), when the job requires one.
    public var education: String?
    public var skills: [String]
    /// Licences the job cannot be done without (`driving-c`).
    public var licences: [String]
    public var experienceYears: Int
    public var posts: Int
    /// `YYYY-MM-DD`.
    public var postedOn: String
    public var closesOn: String
    public var howToApply: String

    public init(
        reference: String, title: String, titleEn: String?, iscoCode: String, employer: String, aimagCode: String,
        soumCode: String?, wageMin: Int?, wageMax: Int?, hours: String, education: String?, skills: [String],
        licences: [String] = [], experienceYears: Int, posts: Int, postedOn: String, closesOn: String,
        howToApply: String
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
        self.education = education
        self.skills = skills
        self.licences = licences
        self.experienceYears = experienceYears
        self.posts = posts
        self.postedOn = postedOn
        self.closesOn = closesOn
        self.howToApply = howToApply
    }

    private enum CodingKeys: String, CodingKey {
        case reference, title, titleEn, iscoCode, employer, aimagCode, soumCode, wageMin, wageMax, hours, education
        case skills, licences, experienceYears, posts, postedOn, closesOn, howToApply
    }

    /// Reads the stored JSON; fields that older records lack take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            reference: try c.decode(String.self, forKey: .reference), title: try c.decode(String.self, forKey: .title),
            titleEn: try c.decodeIfPresent(String.self, forKey: .titleEn),
            iscoCode: try c.decode(String.self, forKey: .iscoCode),
            employer: try c.decode(String.self, forKey: .employer),
            aimagCode: try c.decode(String.self, forKey: .aimagCode),
            soumCode: try c.decodeIfPresent(String.self, forKey: .soumCode),
            wageMin: try c.decodeIfPresent(Int.self, forKey: .wageMin),
            wageMax: try c.decodeIfPresent(Int.self, forKey: .wageMax),
            hours: try c.decode(String.self, forKey: .hours),
            education: try c.decodeIfPresent(String.self, forKey: .education),
            skills: try c.decodeIfPresent([String].self, forKey: .skills) ?? [],
            licences: try c.decodeIfPresent([String].self, forKey: .licences) ?? [],
            experienceYears: try c.decodeIfPresent(Int.self, forKey: .experienceYears) ?? 0,
            posts: try c.decodeIfPresent(Int.self, forKey: .posts) ?? 1,
            postedOn: try c.decode(String.self, forKey: .postedOn),
            closesOn: try c.decode(String.self, forKey: .closesOn),
            howToApply: try c.decode(String.self, forKey: .howToApply))
    }
}

/// What a visitor asks for on the vacancy screen. Every filter is optional.
public struct VacancyQuery: Sendable, Hashable {
    /// Words in Mongolian or English; each matches the start of a word in the title, employer or
    /// skills, whatever the case (Ө/ө, Ү/ү included).
    public var text: String = ""
    public var aimagCode: String?
    public var soumCode: String?
    /// An ISCO-08 group: 1 to 4 leading digits (`8` drivers and operators, `83` drivers).
    public var occupationGroup: String?
    public var hours: String?
    /// Lowest acceptable monthly wage: vacancies whose top of range reaches it.
    public var minimumWage: Int?
    public var postedWithinDays: Int?
    public var page: Int = 1
    public var pageSize: Int = 10

    public init() {}

    public static let hoursValues: Set<String> = ["fullTime", "partTime", "shift", "seasonal"]

    /// Problems with the query, each naming its field; empty when it can run.
    public var problems: [String] {
        var problems: [String] = []
        if text.count > 100 { problems.append("q: at most 100 characters") }
        if let group = occupationGroup,
            !(1...4).contains(group.count) || !group.allSatisfy({ $0.isASCII && $0.isNumber })
        {
            problems.append("occupation: 1 to 4 digits of an ISCO-08 code")
        }
        if let hours, !Self.hoursValues.contains(hours) {
            problems.append("hours: one of \(Self.hoursValues.sorted().joined(separator: ", "))")
        }
        if let wage = minimumWage, wage < 0 || wage > 100_000_000 { problems.append("minWage: 0 to 100000000") }
        if let days = postedWithinDays, !(1...365).contains(days) { problems.append("postedWithinDays: 1 to 365") }
        if page < 1 || page > 10_000 { problems.append("page: 1 to 10000") }
        if !(1...50).contains(pageSize) { problems.append("pageSize: 1 to 50") }
        return problems
    }

    /// The FTS5 expression for `text`: every word as a prefix, all required; nil without words.
    public var ftsExpression: String? {
        let words = text.split { !($0.isLetter || $0.isNumber) }.prefix(8)
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"*" }.joined(separator: " ")
    }
}

public struct VacancyPage: Sendable, Hashable {
    public var total: Int
    public var vacancies: [Vacancy]

    public init(total: Int, vacancies: [Vacancy]) {
        self.total = total
        self.vacancies = vacancies
    }
}

/// A vacancy on a person's ranked list, with why it is there.
public struct MatchedVacancy: Sendable, Hashable {
    public var match: VacancyMatch
    public var vacancy: Vacancy

    public init(match: VacancyMatch, vacancy: Vacancy) {
        self.match = match
        self.vacancy = vacancy
    }
}

public struct MatchPage: Sendable, Hashable {
    public var total: Int
    public var matches: [MatchedVacancy]

    public init(total: Int, matches: [MatchedVacancy]) {
        self.total = total
        self.matches = matches
    }
}

/// The open vacancies a kiosk holds. Closed and expired ones never come back.
public protocol VacancyCatalog: Sendable {
    func search(_ query: VacancyQuery, today: CivilDate) async throws -> VacancyPage
    func vacancy(reference: String, today: CivilDate) async throws -> Vacancy?
    /// The open ones among `references`, in that order.
    func vacancies(references: [String], today: CivilDate) async throws -> [Vacancy]
    /// The person's ranked matches (see `JobMatcher`), one page of them.
    func matches(for profile: JobseekerProfile, matcher: JobMatcher, today: CivilDate, page: Int, pageSize: Int)
        async throws -> MatchPage
}
