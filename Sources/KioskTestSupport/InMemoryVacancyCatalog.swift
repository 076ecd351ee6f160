public import KioskCore

/// A fixed list of vacancies, for use-case tests: those not yet closed are open. Search and
/// matches answer every open vacancy, unranked.
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
        return VacancyPage(total: open.count, vacancies: open)
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
        MatchPage(total: 0, matches: [])
    }
}
