import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import LMISProtocol
import LMISSync
import Testing

/// Employer services through the hub (issue 27): a vacancy one office takes in reaches the hub
/// once and, through the vacancy feed, another office's kiosk; a hire there fills a post; the
/// last post filled takes it out of every office's search; outcomes and follow-ups are kept.
@Suite(.serialized) struct EmployerSyncTests {
    static let officer = StaffSession(
        token: "t", staffID: "ajiltan1", displayName: "Бат", role: .staff, counter: 1, expiresAt: .distantFuture)

    @Test func anOfficesVacancyReachesAnotherOfficeAndLeavesWhenFilled() async throws {
        let hub = try await HubHarness.start()
        let sukhbaatar = try KioskHarness(officeCode: "UB-SB")
        let bayanzurkh = try KioskHarness(officeCode: "UB-BZ")
        defer {
            sukhbaatar.temp.remove()
            bayanzurkh.temp.remove()
        }
        try await sukhbaatar.enrol(hub)
        try await bayanzurkh.enrol(hub)
        let person = try await sukhbaatar.register(1)
        let catalog = SQLiteVacancyCatalog(database: sukhbaatar.temp.database)
        let desk = EmployerDesk(
            repository: SQLiteEmployerRepository(database: sukhbaatar.temp.database, officeCode: "UB-SB"),
            registrations: sukhbaatar.registrations, catalog: try Fixtures.catalog(), office: sukhbaatar.office,
            now: { Date() })
        let referrals = Referrals(
            referrals: SQLiteReferralRepository(database: sukhbaatar.temp.database, officeCode: "UB-SB"),
            registrations: sukhbaatar.registrations, vacancies: catalog, office: sukhbaatar.office, now: { Date() })

        let employer = try await desk.register(
            EmployerForm(
                name: "Тээвэр ХХК", registerNumber: "5012345", sector: "H", aimagCode: "UB-SB", soumCode: "UB-SB-05",
                contactName: "Б. Төмөр", phone: "99114455"), by: Self.officer)
        let closes = sukhbaatar.office.today(at: Date()).adding(days: 60).description
        let vacancy = try await desk.recordVacancy(
            VacancyForm(
                title: "Ачааны машины жолооч", iscoCode: "8332", skills: ["жолоо барих"], aimagCode: "UB-SB",
                soumCode: "UB-SB-05", hours: "fullTime", posts: 1, closesOn: closes, howToApply: "Ажилтан 3-т",
                newlyCreated: true), employerID: employer.id, by: Self.officer)
        #expect(try await sukhbaatar.syncUntilDone().error == nil)
        #expect(try hub.count("SELECT count(*) FROM employer WHERE register_number = '5012345'") == 1)
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM vacancy WHERE reference = '\(vacancy.reference)' AND office_code = 'UB-SB'
                AND newly_created AND NOT deleted AND data ->> 'title' = 'Ачааны машины жолооч'
                """) == 1)

        // The other office's kiosk finds it in its search after a sync.
        #expect(try await bayanzurkh.syncUntilDone().error == nil)
        let inFeed = "SELECT COUNT(*) FROM vacancy WHERE reference = '\(vacancy.reference)'"
        #expect(try await bayanzurkh.scalar(inFeed) == 1)

        // Referred and hired at the first office: the one post filled.
        let referral = try await referrals.refer(
            registrationID: person.id.uuidString, vacancyReference: vacancy.reference, note: nil, by: Self.officer)
        let hired = try await desk.recordOutcome(
            referralID: referral.id, outcome: .hired, on: nil, newlyCreated: nil, by: Self.officer)
        #expect(hired.vacancy.status == .filled)
        let first = try await sukhbaatar.syncUntilDone()
        #expect(first.error == nil)
        #expect(try hub.count("SELECT count(*) FROM office_vacancy WHERE status = 'filled' AND filled_posts = 1") == 1)
        #expect(try hub.count("SELECT count(*) FROM vacancy WHERE reference = '\(vacancy.reference)' AND deleted") == 1)
        #expect(try hub.count("SELECT count(*) FROM referral_outcome WHERE outcome = 'hired'") == 1)
        #expect(try hub.count("SELECT count(*) FROM placement WHERE newly_created AND isco_code = '8332'") == 1)
        #expect(try hub.count("SELECT count(*) FROM follow_up WHERE answer IS NULL") == 3)
        // Sent once: a second round has nothing to send.
        #expect(await sukhbaatar.engine.round().uploaded.isEmpty)
        #expect(try await sukhbaatar.scalar("SELECT COUNT(*) FROM outbox WHERE sync_state IS NOT 'applied'") == 0)

        let due = try await desk.dueFollowUps(counsellorID: nil, withinDays: 366)
        _ = try await desk.recordFollowUpAnswer(
            followUpID: due[0].followUp.id, answer: .otherJob, channel: .call, staffID: "ajiltan1")
        #expect(try await sukhbaatar.syncUntilDone().error == nil)
        #expect(try hub.count("SELECT count(*) FROM follow_up WHERE answer = 'otherJob' AND channel = 'call'") == 1)

        // Gone from the other office's search too.
        #expect(try await bayanzurkh.syncUntilDone().error == nil)
        #expect(try await bayanzurkh.scalar(inFeed) == 0)

        // The month's indicators count the vacancy, its newly created post and the placement.
        let month = String(sukhbaatar.office.today(at: Date()).description.prefix(7))
        let (status, body) = try await hub.call("GET", "/admin/offices/UB-SB/indicators?month=\(month)")
        #expect(status == 200)
        let indicators = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(indicators["registeredVacancies"] as? Int == 1)
        #expect(indicators["newlyCreatedJobs"] as? Int == 1)
        #expect(indicators["foundJobThroughOffice"] as? Int == 1)

        // The other office takes in two posts of the same employer (its own registration of the
        // same number) and one of a shop: the breakdown across offices, by employer and by sector.
        let other = EmployerDesk(
            repository: SQLiteEmployerRepository(database: bayanzurkh.temp.database, officeCode: "UB-BZ"),
            registrations: bayanzurkh.registrations, catalog: try Fixtures.catalog(), office: bayanzurkh.office,
            now: { Date() })
        for (name, number, sector, posts) in [("Тээвэр ХХК", "5012345", "H", 2), ("Дэлгүүр ХХК", "6012345", "G", 1)] {
            let employer = try await other.register(
                EmployerForm(
                    name: name, registerNumber: number, sector: sector, aimagCode: "UB-BZ", soumCode: "UB-BZ-01",
                    contactName: "Д. Сүх", phone: "88114455"), by: Self.officer)
            _ = try await other.recordVacancy(
                VacancyForm(
                    title: "Ажилтан", iscoCode: "5223", skills: ["худалдаа"], aimagCode: "UB-BZ", soumCode: "UB-BZ-01",
                    hours: "fullTime", posts: posts, closesOn: closes, howToApply: "Утсаар", newlyCreated: false),
                employerID: employer.id, by: Self.officer)
        }
        #expect(try await bayanzurkh.syncUntilDone().error == nil)
        let today = sukhbaatar.office.today(at: Date()).description
        let (answer, data) = try await hub.call("GET", "/admin/employer-breakdown?from=\(month)-01&to=\(today)")
        #expect(answer == 200)
        let breakdown = try LMISCoding.decoder.decode(EmployerBreakdown.self, from: data)
        #expect(breakdown.byEmployer.map(\.registerNumber) == ["6012345", "5012345"])
        let transport = try #require(breakdown.byEmployer.last)
        #expect(transport.offices == ["UB-BZ", "UB-SB"])
        #expect(
            transport.figures
                == .init(
                    vacancies: 2, posts: 3, newlyCreatedPosts: 1, vacanciesFilled: 1, placements: 1,
                    newlyCreatedPlacements: 1))
        #expect(breakdown.bySector.map(\.sector) == ["G", "H"])
        #expect(breakdown.bySector.first?.figures.posts == 1)
        // One office only; a bad period is refused with the reason; the token is required.
        let (_, sbData) = try await hub.call(
            "GET", "/admin/employer-breakdown?from=\(month)-01&to=\(today)&office=UB-SB")
        let sukhbaatarOnly = try LMISCoding.decoder.decode(EmployerBreakdown.self, from: sbData)
        #expect(sukhbaatarOnly.byEmployer.map(\.figures.posts) == [1])
        let (refused, problem) = try await hub.call("GET", "/admin/employer-breakdown?from=\(today)&to=2020-01-01")
        #expect(refused == 400)
        #expect(String(decoding: problem, as: UTF8.self).contains("from must not be after to"))
        await hub.stop()
    }
}
