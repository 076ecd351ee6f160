import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// The vacancy use case over in-memory stores and a hand-moved clock. The person of
/// `Fixtures.details()` drives (occupation 83, `жолоо барих`), lives in soum UB-SB-05 and has
/// six years of experience.
@Suite struct VacancySearchUseCaseTests {
    let clock = TestClock()
    let people = InMemoryRegistrationRepository()
    let referrals = InMemoryReferralRepository()
    let reference: ReferenceCatalog
    /// V-1: a driver's job in the person's soum asking their skill; V-2: a storekeeper asking a
    /// skill they lack; V-3: a driver's job elsewhere asking no skill, closing today; V-4: closed.
    let catalog = InMemoryVacancyCatalog([
        VacancyFixtures.vacancy("V-1", "Жолооч", isco: "8332", skills: ["жолоо барих"]),
        VacancyFixtures.vacancy("V-2", "Нярав", isco: "4321", skills: ["нягтлан бодох"]),
        VacancyFixtures.vacancy(
            "V-3", "Ачааны жолооч", isco: "8322", aimag: "UB-BZ", soum: nil, experience: 12, closes: "2026-11-22"),
        VacancyFixtures.vacancy("V-4", "Жолооч", isco: "8322", closes: "2026-11-21"),
    ])

    init() throws {
        reference = try Fixtures.catalog()
    }

    func search(referrals: (any ReferralRepository)? = nil) -> VacancySearch {
        VacancySearch(
            catalog: catalog, registrations: people, referrals: referrals, reference: reference,
            office: Fixtures.office, now: clock.now)
    }

    @Test func aSearchAnswersOnePageOfOpenVacanciesWithTheirPlacesNamed() async throws {
        var query = VacancyQuery()
        query.pageSize = 2
        let found = try await search().search(query)
        #expect(found.total == 3)
        #expect(found.vacancies.map(\.reference) == ["V-1", "V-2"])
        #expect(Set(found.places.keys) == ["UB-SB", "UB-SB-05"])
        #expect(found.places["UB-SB-05"] == reference.adminUnit("UB-SB-05")?.name)
        query.page = 2
        #expect(try await search().search(query).vacancies.map(\.reference) == ["V-3"])
    }

    @Test func aSearchOutOfRangeIsRefusedNamingTheField() async throws {
        var query = VacancyQuery()
        query.pageSize = 51
        await #expect(throws: VacancySearchError.invalidQuery(problem: "pageSize: 1 to 50")) {
            try await search().search(query)
        }
        #expect(VacancySearchError.invalidQuery(problem: "pageSize: 1 to 50").field == "pageSize")
        #expect(VacancySearchError.notFound.field == nil)
        query = VacancyQuery()
        query.hours = "weekends"
        await #expect(throws: VacancySearchError.self) { try await search().search(query) }
    }

    @Test func aWholeListIgnoresTheScreensPagingButNotTheFilters() async throws {
        var query = VacancyQuery()
        query.page = 0
        query.pageSize = 500
        #expect(try await search().list(query, limit: 2).map(\.reference) == ["V-1", "V-2"])
        query.minimumWage = -1
        await #expect(throws: VacancySearchError.invalidQuery(problem: "minWage: 0 to 100000000")) {
            try await search().list(query, limit: 2)
        }
    }

    @Test func aVacancyIsFoundUntilTheDayItCloses() async throws {
        #expect(try await search().vacancy(reference: "V-3").title == "Ачааны жолооч")
        await #expect(throws: VacancySearchError.notFound) { try await search().vacancy(reference: "V-4") }
        await #expect(throws: VacancySearchError.notFound) { try await search().vacancy(reference: "V-9") }
        clock.advance(days: 1)
        await #expect(throws: VacancySearchError.notFound) { try await search().vacancy(reference: "V-3") }
    }

    @Test func aPersonsMatchesAreRankedBestFirstWithTheirReasons() async throws {
        let person = try await people.register(try Fixtures.details(), at: clock.now(), by: .kiosk)
        let found = try await search().matches(of: person.id, page: nil, pageSize: nil)
        #expect(found.person.id == person.id)
        #expect(found.total == 2)
        #expect(found.matches.map(\.vacancy.reference) == ["V-1", "V-3"])
        // The person's sub-major group (83) holds the vacancy's unit group (8332): 20 of the 25
        // points of the same code.
        #expect(found.matches[0].match.score == 95)
        #expect(found.matches[0].match.reasons == [.yourOccupation, .skills(matched: 1, required: 1), .inYourSoum])
        #expect(found.matches[1].match.reasons == [.yourOccupation, .lessExperience(has: 6, required: 12)])
        #expect(found.places["UB-BZ"] == reference.adminUnit("UB-BZ")?.name)
        #expect(found.referred.isEmpty)
        let second = try await search().matches(of: person.id, page: 2, pageSize: 1)
        #expect(second.total == 2 && second.matches.map(\.vacancy.reference) == ["V-3"])
        clock.advance(days: 1)
        #expect(try await search().matchList(of: person.id, limit: 10).map(\.reference) == ["V-1"])
    }

    @Test func pagingIsCheckedBeforeThePersonIsLookedUp() async throws {
        await #expect(throws: VacancySearchError.invalidQuery(problem: "page: 1 to 10000")) {
            try await search().matches(of: UUID(), page: 0, pageSize: 10)
        }
        await #expect(throws: VacancySearchError.invalidQuery(problem: "pageSize: 1 to 50")) {
            try await search().matches(of: UUID(), page: 1, pageSize: 51)
        }
        await #expect(throws: VacancySearchError.notFound) {
            try await search().matches(of: UUID(), page: 1, pageSize: 10)
        }
    }

    @Test func staffFindAPersonByRegistryNumberAndSeeTheirReferrals() async throws {
        let details = try Fixtures.details()
        let person = try await people.register(details, at: clock.now(), by: .kiosk)
        _ = try await referrals.refer(
            registrationID: person.id, vacancyReference: "V-3", note: nil, staffID: "bold", counter: 2,
            at: clock.now())
        let found = try await search(referrals: referrals).staffMatches(
            of: .registryNumber(details.registryNumber), page: 1, pageSize: 10)
        #expect(found.person.id == person.id)
        #expect(found.referred == ["V-3"])
        #expect(found.matches.count == 2)
        // A kiosk that keeps no referrals has no staff list.
        await #expect(throws: VacancySearchError.notFound) {
            try await search().staffMatches(of: .id(person.id), page: 1, pageSize: 10)
        }
        await #expect(throws: VacancySearchError.notFound) {
            try await search(referrals: referrals).staffMatches(of: .id(UUID()), page: 1, pageSize: 10)
        }
    }
}
