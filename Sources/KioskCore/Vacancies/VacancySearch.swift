public import Foundation

/// Why a vacancy search, a vacancy or a person's matches were refused.
public enum VacancySearchError: Error, Hashable, Sendable {
    /// A part of the search or of the paging is out of range; `problem` reads `field: what is
    /// allowed` (`page: 1 to 10000`).
    case invalidQuery(problem: String)
    /// No open vacancy has the reference, the office holds no such person, or the kiosk keeps
    /// no referrals to list beside a person's matches.
    case notFound

    /// The refused field: the part of `problem` before the colon.
    public var field: String? {
        guard case .invalidQuery(let problem) = self else { return nil }
        return String(problem.prefix { $0 != ":" })
    }
}

/// One page of a search, with the names of the places on it.
public struct FoundVacancies: Sendable, Hashable {
    public var total: Int
    public var vacancies: [Vacancy]
    /// Names of the aimags, districts, soums and khoroos of `vacancies`, by unit code.
    public var places: [String: LocalizedText]
}

/// One page of a person's ranked matches.
public struct PersonMatches: Sendable, Hashable {
    public var person: Registration
    public var total: Int
    public var matches: [MatchedVacancy]
    public var places: [String: LocalizedText]
    /// The vacancies the person was already referred to (for staff; empty for the kiosk).
    public var referred: [String]
}

/// A jobseeker as staff look them up for their matches.
public enum JobseekerKey: Sendable, Hashable {
    case id(UUID)
    case registryNumber(RegistryNumber)
}

/// The vacancy use case: a search of the open vacancies, one vacancy, and a jobseeker's ranked
/// matches (`JobMatcher` over their registration). It checks the search and the paging, finds
/// the person, and names the places; the office's clock says which vacancies are still open.
public struct VacancySearch: Sendable {
    let catalog: any VacancyCatalog
    let registrations: any RegistrationRepository
    /// Nil where the kiosk keeps no referrals.
    let referrals: (any ReferralRepository)?
    let reference: ReferenceCatalog
    let office: Office
    let now: @Sendable () -> Date

    /// The pages a screen may ask for, and their length.
    public static let pages = 1...10_000
    public static let pageSizes = 1...50

    public init(
        catalog: any VacancyCatalog, registrations: any RegistrationRepository,
        referrals: (any ReferralRepository)? = nil, reference: ReferenceCatalog, office: Office,
        now: @escaping @Sendable () -> Date
    ) {
        self.catalog = catalog
        self.registrations = registrations
        self.referrals = referrals
        self.reference = reference
        self.office = office
        self.now = now
    }

    var today: CivilDate { office.today(at: now()) }

    var matcher: JobMatcher { JobMatcher(reference: reference) }

    /// One page of open vacancies; `invalidQuery` names the first problem of `query`.
    public func search(_ query: VacancyQuery) async throws -> FoundVacancies {
        if let problem = query.problems.first { throw VacancySearchError.invalidQuery(problem: problem) }
        let found = try await catalog.search(query, today: today)
        return FoundVacancies(total: found.total, vacancies: found.vacancies, places: places(found.vacancies))
    }

    /// The first `limit` vacancies of a search as a whole list (a printed one): the query's own
    /// paging is not used.
    public func list(_ query: VacancyQuery, limit: Int) async throws -> [Vacancy] {
        var query = query
        query.page = 1
        query.pageSize = 1
        if let problem = query.problems.first { throw VacancySearchError.invalidQuery(problem: problem) }
        query.pageSize = limit
        return try await catalog.search(query, today: today).vacancies
    }

    /// An open vacancy, or `notFound`.
    public func vacancy(reference: String) async throws -> Vacancy {
        guard let vacancy = try await catalog.vacancy(reference: reference, today: today) else {
            throw VacancySearchError.notFound
        }
        return vacancy
    }

    /// One page of the person's matches, best first. `page` and `pageSize` nil: the first ten.
    public func matches(of person: UUID, page: Int?, pageSize: Int?) async throws -> PersonMatches {
        let (page, pageSize) = try Self.paging(page, pageSize)
        return try await matches(of: registration(.id(person)), page: page, pageSize: pageSize, referred: [])
    }

    /// The same page for staff, found by id or registry number, with the vacancies the person was
    /// already referred to.
    public func staffMatches(of key: JobseekerKey, page: Int?, pageSize: Int?) async throws -> PersonMatches {
        let (page, pageSize) = try Self.paging(page, pageSize)
        guard let referrals else { throw VacancySearchError.notFound }
        let person = try await registration(key)
        let referred = try await referrals.referrals(registrationID: person.id).map(\.vacancyReference)
        return try await matches(of: person, page: page, pageSize: pageSize, referred: referred)
    }

    /// The person's best `limit` matches as a whole list (a printed one).
    public func matchList(of person: UUID, limit: Int) async throws -> [Vacancy] {
        try await matches(of: registration(.id(person)), page: 1, pageSize: limit, referred: []).matches.map(\.vacancy)
    }

    func matches(of person: Registration, page: Int, pageSize: Int, referred: [String]) async throws
        -> PersonMatches
    {
        let found = try await catalog.matches(
            for: JobseekerProfile(person.details), matcher: matcher, today: today, page: page, pageSize: pageSize)
        return PersonMatches(
            person: person, total: found.total, matches: found.matches,
            places: places(found.matches.map(\.vacancy)), referred: referred)
    }

    func registration(_ key: JobseekerKey) async throws -> Registration {
        let found =
            switch key {
            case .id(let id): try await registrations.registration(id: id)
            case .registryNumber(let number): try await registrations.registration(registryNumber: number)
            }
        guard let found else { throw VacancySearchError.notFound }
        return found
    }

    /// A screen's page and page length (the first ten when not given).
    static func paging(_ page: Int?, _ pageSize: Int?) throws(VacancySearchError) -> (page: Int, pageSize: Int) {
        let page = page ?? 1
        let pageSize = pageSize ?? 10
        guard pages.contains(page) else { throw .invalidQuery(problem: "page: 1 to 10000") }
        guard pageSizes.contains(pageSize) else { throw .invalidQuery(problem: "pageSize: 1 to 50") }
        return (page, pageSize)
    }

    /// Names of the aimags, districts, soums and khoroos of `vacancies`.
    func places(_ vacancies: [Vacancy]) -> [String: LocalizedText] {
        var names: [String: LocalizedText] = [:]
        for code in vacancies.flatMap({ [$0.aimagCode, $0.soumCode].compactMap { $0 } }) {
            if let unit = reference.adminUnit(code) { names[code] = unit.name }
        }
        return names
    }
}
