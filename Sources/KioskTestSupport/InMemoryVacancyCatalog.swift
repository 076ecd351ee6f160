public import KioskCore

/// A fixed list of vacancies, for use-case tests: those not yet closed are open. A search
/// answers every open vacancy (its words and filters unread), one page at a time; a person's
/// matches are the `JobMatcher`'s ranking of the open ones.
public struct InMemoryVacancyCatalog: VacancyCatalog {
    let all: [Vacancy]

    public init(_ vacancies: [Vacancy]) {
        all = vacancies
    }

    func open(_ today: CivilDate) -> [Vacancy] {
        all.filter { CivilDate(iso8601: $0.closesOn).map { !($0 < today) } ?? true }
    }

    public func search(_ query: VacancyQuery, today: CivilDate) async throws -> VacancyPage {
        let open = open(today)
        return VacancyPage(total: open.count, vacancies: Self.page(open, query.page, query.pageSize))
    }

    public func vacancy(reference: String, today: CivilDate) async throws -> Vacancy? {
        open(today).first { $0.reference == reference }
    }

    public func vacancies(references: [String], today: CivilDate) async throws -> [Vacancy] {
        let open = open(today)
        return references.compactMap { reference in open.first { $0.reference == reference } }
    }

    public func matches(for profile: JobseekerProfile, matcher: JobMatcher, today: CivilDate, page: Int, pageSize: Int)
        async throws -> MatchPage
    {
        let open = open(today)
        let byReference = Dictionary(open.map { ($0.reference, $0) }) { first, _ in first }
        let ranked = matcher.rank(profile, open.map(Self.facts), today: today.description)
        return MatchPage(
            total: ranked.count,
            matches: Self.page(ranked, page, pageSize).compactMap { match in
                byReference[match.reference].map { MatchedVacancy(match: match, vacancy: $0) }
            })
    }

    static func page<Element>(_ all: [Element], _ page: Int, _ pageSize: Int) -> [Element] {
        let start = min(all.count, max(0, page - 1) * pageSize)
        return Array(all[start..<min(all.count, start + pageSize)])
    }

    /// What the matcher reads of a vacancy.
    static func facts(_ vacancy: Vacancy) -> VacancyFacts {
        VacancyFacts(
            reference: vacancy.reference, iscoCode: vacancy.iscoCode, aimagCode: vacancy.aimagCode,
            soumCode: vacancy.soumCode, wageMin: vacancy.wageMin, wageMax: vacancy.wageMax, hours: vacancy.hours,
            education: vacancy.education, skills: vacancy.skills, licences: vacancy.licences,
            experienceYears: vacancy.experienceYears, postedOn: vacancy.postedOn, closesOn: vacancy.closesOn)
    }
}
