import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// Referrals over in-memory stores and a hand-moved clock.
@Suite struct ReferralsTests {
    let clock = TestClock()
    let people = InMemoryRegistrationRepository()
    let store = InMemoryReferralRepository()
    let officer = StaffSession(
        token: "t", staffID: "bold", displayName: "Болд", role: .staff, counter: 3, expiresAt: .distantFuture)

    func referrals() -> Referrals {
        Referrals(
            referrals: store, registrations: people,
            vacancies: InMemoryVacancyCatalog([
                VacancyFixtures.vacancy("V-1", "Жолооч", closes: "2026-11-22"),
                VacancyFixtures.vacancy("V-2", "Нярав", closes: "2026-12-31"),
            ]), office: Fixtures.office, now: clock.now)
    }

    @Test func aPersonIsReferredOnceToAnOpenVacancyByTheOfficerAtTheirCounter() async throws {
        let referrals = referrals()
        let person = try await people.register(try Fixtures.details(), at: clock.now(), by: .kiosk)
        let referral = try await referrals.refer(
            registrationID: person.id.uuidString, vacancyReference: "V-1", note: "  Маргааш 10 цагт ", by: officer)
        #expect(referral.note == "Маргааш 10 цагт")
        #expect(referral.staffID == "bold" && referral.counter == 3 && referral.createdAt == Fixtures.now)
        await #expect(throws: ReferralError.alreadyReferred(referral)) {
            try await referrals.refer(
                registrationID: person.id.uuidString, vacancyReference: "V-1", note: nil, by: officer)
        }
        #expect(try await referrals.referredVacancies(of: person.id) == ["V-1"])
    }

    @Test func aVacancyClosedOvernightTakesNoMoreReferrals() async throws {
        let referrals = referrals()
        let person = try await people.register(try Fixtures.details(), at: clock.now(), by: .kiosk)
        clock.advance(days: 1)
        await #expect(throws: ReferralRequestError.vacancyNotFound) {
            try await referrals.refer(
                registrationID: person.id.uuidString, vacancyReference: "V-1", note: nil, by: officer)
        }
        #expect(
            try await referrals.refer(
                registrationID: person.id.uuidString, vacancyReference: "V-2", note: nil, by: officer
            ).createdAt == Fixtures.now.addingTimeInterval(86_400))
    }

    @Test func badNotesIdsAndPeopleAreRefusedInThatOrder() async throws {
        let referrals = referrals()
        await #expect(throws: ReferralRequestError.invalidNote) {
            try await referrals.refer(
                registrationID: "x", vacancyReference: "V-1", note: String(repeating: "а", count: 201), by: officer)
        }
        await #expect(throws: ReferralRequestError.invalidRegistrationID) {
            try await referrals.refer(registrationID: "x", vacancyReference: "V-1", note: nil, by: officer)
        }
        await #expect(throws: ReferralError.unknownRegistration) {
            try await referrals.refer(
                registrationID: UUID().uuidString, vacancyReference: "V-1", note: nil, by: officer)
        }
    }
}
