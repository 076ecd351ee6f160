import Foundation
import KioskCore
import KioskTestSupport
import LMISProtocol
import Testing

@testable import KioskStore

/// The employer desk on a real SQLite file: a vacancy taken in is in the search at once, each
/// change is one outbox record, a hire fills a post and sets follow-ups, and the last hire takes
/// the vacancy out of the search.
@Suite struct EmployerRepositoryTests {
    let office = Fixtures.office

    func desk(_ temp: TemporaryDatabase, now: @escaping @Sendable () -> Date = { Fixtures.now }) throws
        -> (EmployerDesk, Referrals, SQLiteVacancyCatalog)
    {
        let catalog = SQLiteVacancyCatalog(database: temp.database)
        let registrations = SQLiteRegistrationRepository(database: temp.database, officeCode: office.code)
        let desk = EmployerDesk(
            repository: SQLiteEmployerRepository(database: temp.database, officeCode: office.code),
            registrations: registrations, catalog: try Fixtures.catalog(), office: office, now: now)
        let referrals = Referrals(
            referrals: SQLiteReferralRepository(database: temp.database, officeCode: office.code),
            registrations: registrations, vacancies: catalog, office: office, now: now)
        return (desk, referrals, catalog)
    }

    static let officer = StaffSession(
        token: "t", staffID: "ajiltan1", displayName: "Бат", role: .staff, counter: 2, expiresAt: .distantFuture)

    func outbox(_ temp: TemporaryDatabase) async throws -> [String] {
        try await temp.database.testSQL("SELECT record_type FROM outbox ORDER BY seq").map { $0[0] ?? "" }
    }

    @Test func aVacancyTakenInIsSearchableFilledAndFollowedUp() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let (desk, referrals, catalog) = try desk(temp)
        let person = try await SQLiteRegistrationRepository(database: temp.database, officeCode: office.code)
            .register(try Fixtures.details(), at: Fixtures.now)
        let before = try await outbox(temp).count

        let employer = try await desk.register(
            EmployerForm(
                name: "Тээвэр ХХК", registerNumber: "5012345", sector: "H", aimagCode: "UB-SB", soumCode: "UB-SB-05",
                contactName: "Б. Төмөр", phone: "99114455"), by: Self.officer)
        await #expect(throws: EmployerError.self) {
            _ = try await desk.register(
                EmployerForm(
                    name: "Өөр", registerNumber: "5012345", sector: "H", aimagCode: "UB-SB", soumCode: "UB-SB-05",
                    contactName: "Б", phone: "99114455"), by: Self.officer)
        }
        #expect(try await desk.find("тээвэр").map(\.id) == [employer.id])
        #expect(try await desk.find("501").map(\.id) == [employer.id])

        var form = VacancyForm(
            title: "Ачааны машины жолооч", iscoCode: "8332", skills: ["жолоо барих"], aimagCode: "UB-SB",
            soumCode: "UB-SB-05", hours: "fullTime", posts: 2, closesOn: "2027-01-31", howToApply: "Ажилтан 3-т")
        let vacancy = try await desk.recordVacancy(form, employerID: employer.id, by: Self.officer)
        #expect(vacancy.reference == "V-UB-SB-2026-00001")
        var query = VacancyQuery()
        query.text = "жолооч"
        let today = office.today(at: Fixtures.now)
        #expect(try await catalog.search(query, today: today).vacancies.map(\.reference) == [vacancy.reference])

        // The person (a driver, group 83) is a candidate; once referred, no longer.
        let candidates = try await desk.candidates(for: vacancy.reference, filter: CandidateFilter())
        #expect(candidates.map(\.registrationID) == [person.id])
        let referral = try await referrals.refer(
            registrationID: person.id.uuidString, vacancyReference: vacancy.reference, note: nil, by: Self.officer)
        #expect(try await desk.candidates(for: vacancy.reference, filter: CandidateFilter()).isEmpty)

        let hired = try await desk.recordOutcome(
            referralID: referral.id, outcome: .hired, on: nil, newlyCreated: nil, by: Self.officer)
        #expect(hired.vacancy.filledPosts == 1 && hired.vacancy.status == .open)
        #expect(hired.followUps.map(\.months) == [3, 6, 12])
        #expect(hired.followUps[0].dueOn == today.adding(months: 3))
        await #expect(throws: EmployerError(.outcomeRecorded)) {
            _ = try await desk.recordOutcome(
                referralID: referral.id, outcome: .notHired, on: nil, newlyCreated: nil, by: Self.officer)
        }
        let due = try await desk.dueFollowUps(counsellorID: "ajiltan1", withinDays: 366)
        #expect(due.map(\.followUp.months) == [3, 6, 12])
        #expect(try await desk.dueFollowUps(counsellorID: "ajiltan2", withinDays: 366).isEmpty)
        let answered = try await desk.recordFollowUpAnswer(
            followUpID: due[0].followUp.id, answer: .stillInJob, channel: .sms, staffID: nil)
        #expect(answered.answer == .stillInJob)
        #expect(try await desk.dueFollowUps(counsellorID: nil, withinDays: 366).count == 2)

        // Filling the last post (by an edit to one post) takes it out of the search.
        form.posts = 1
        let edited = try await desk.editVacancy(reference: vacancy.reference, form: form, by: Self.officer)
        #expect(edited.status == .filled)
        #expect(try await catalog.search(query, today: today).vacancies.isEmpty)

        // One record a change, in order; the hub learns each once.
        #expect(
            Array(try await outbox(temp).dropFirst(before)) == [
                "employer.registered", "vacancy.recorded", "referral.recorded", "vacancy.recorded",
                "referral.outcome", "followUp.answered", "vacancy.recorded",
            ])
        let payloads = try await temp.database.testSQL(
            "SELECT payload FROM outbox WHERE record_type = 'vacancy.recorded' ORDER BY seq")
        let last = try OutboxPayload.decoder.decode(VacancyRecorded.self, from: Data(payloads[2][0]!.utf8))
        #expect(last.status == "filled" && last.revision == 3 && last.vacancy.officeCode == office.code)
        #expect(last.filledPosts == 1)

        let figures = try await desk.figures(from: today, to: today)
        #expect(figures.vacanciesRegistered == 1 && figures.postsFilled == 1 && figures.vacanciesFilled == 1)
        #expect(figures.medianDaysToFill == 0 && figures.referralsPerVacancy == 1)
        #expect(figures.sectors.map(\.sector) == ["H"])
    }
}
