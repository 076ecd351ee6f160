import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTP
import KioskHTTPTestSupport
import KioskStore
import KioskTestSupport
import NIOCore
import Testing

/// Appointments and programmes over the real router and a SQLite file: who may call each route,
/// the refusals in both languages, the check-in to the booked counsellor's queue, and referrals
/// against the quota.
@Suite struct AppointmentAndProgrammeAPITests {
    func person(_ app: TestApp, _ index: Int) async throws -> Registration {
        try await SQLiteRegistrationRepository(database: app.temp.database, officeCode: Fixtures.office.code).register(
            try Fixtures.details(Fixtures.form(registryNumber: Fixtures.registryNumber(index))), at: Fixtures.now)
    }

    func signIn(
        _ client: RouterTestClient, _ app: TestApp, _ id: String, role: StaffRole, counter: Int, add: Bool = true
    ) async throws -> String {
        if add {
            try await app.environment.staff.addStaff(id: id, displayName: id, role: role, pin: "2468", at: Fixtures.now)
        }
        let response = try await client.execute(
            uri: "/api/v1/staff/sessions", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"username": "\#(id)", "pin": "2468", "counter": \#(counter)}"#)
        ) { $0 }
        #expect(response.status == .created)
        return String((response.headers[.setCookie] ?? "").split(separator: ";").first ?? "")
    }

    @Test func bookCheckInAndTheCounsellorCallsTheBookedTicketFirst() async throws {
        let clock = TestClock()
        let app = try await TestApp(clock: clock)
        let booked = try await person(app, 1)
        let walkIn = try await person(app, 2)
        try await app.test { client in
            // Nobody signed in, and the technician, are refused on the server.
            #expect(try await client.json(.get, "/api/v1/staff/appointments").0.status == .unauthorized)
            let technician = try await signIn(client, app, "tech", role: .technician, counter: 2)
            let (refused, refusal) = try await client.staffGet("/api/v1/staff/appointments", cookie: technician)
            #expect(refused.status == .forbidden && refusal.error["code"] as? String == "staff.role")

            let cookie = try await signIn(client, app, "bold", role: .staff, counter: 3)
            func book(_ date: String, _ time: String, _ who: String = #""staffId": "bold""#) async throws -> (
                TestResponse, [String: Any]
            ) {
                try await client.staffPost(
                    "/api/v1/staff/appointments",
                    #"{"registrationId": "\#(booked.id.uuidString)", "serviceCode": "Б", "date": "\#(date)", "time": "\#(time)", \#(who)}"#,
                    cookie: cookie)
            }
            // Sunday 14:00 in Ulaanbaatar: a bad time, a public holiday, the past, a stranger.
            let (badTime, badTimeBody) = try await book("2026-11-23", "25:00")
            #expect(badTime.status == .unprocessableContent && badTimeBody.error["field"] as? String == "time")
            let (holiday, holidayBody) = try await book("2026-11-26", "10:00")
            #expect(holiday.status == .unprocessableContent)
            #expect(holidayBody.error["code"] as? String == "appointment.closedDay")
            let message = holidayBody.error["message"] as? [String: String]
            #expect(message?["mn"]?.contains("ажиллахгүй") == true && message?["en"]?.contains("closed") == true)
            #expect(try await book("2026-11-22", "13:00").1.error["code"] as? String == "appointment.inPast")
            #expect(
                try await book("2026-11-23", "10:00", #""staffId": "nobody""#).1.error["code"] as? String
                    == "appointment.unknownCounsellor")
            #expect(
                try await book("2026-11-23", "10:00", #""staffId": "bold", "counter": 3"#).1.error["code"] as? String
                    == "appointment.counsellorOrCounter")
            let (created, appointment) = try await book("2026-11-23", "10:00")
            #expect(created.status == .created)
            #expect(appointment["at"] as? String == "2026-11-23T02:00:00Z" && appointment["time"] as? String == "10:00")
            #expect(try await book("2026-11-23", "10:15").1.error["code"] as? String == "appointment.slotTaken")

            // Monday 09:50: a walk-in came at 09:40; the booked person checks in by registry number.
            clock.advance(by: 19 * 3600 + 40 * 60)
            let (walk, _) = try await client.json(
                .post, "/api/v1/tickets", #"{"serviceCode": "Б", "registrationId": "\#(walkIn.id.uuidString)"}"#)
            #expect(walk.status == .created)
            clock.advance(by: 10 * 60)
            // Two taps with one key (or a retry after a lost answer): one ticket, the same answer.
            let key = UUID().uuidString
            let body = #"{"registryNumber": "\#(Fixtures.registryNumber(1))", "language": "en"}"#
            let (checked, checkIn) = try await client.json(
                .post, "/api/v1/appointments/check-in", body, headers: [HTTPField.Name("Idempotency-Key")!: key])
            #expect(checked.status == .created)
            let (again, replay) = try await client.json(
                .post, "/api/v1/appointments/check-in", body, headers: [HTTPField.Name("Idempotency-Key")!: key])
            #expect(again.status == .created && again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(
                (replay["ticket"] as? [String: Any])?["id"] as? String == (checkIn["ticket"] as? [String: Any])?["id"]
                    as? String)
            let ticket = try #require(checkIn["ticket"] as? [String: Any])
            #expect(ticket["number"] as? String == "Б-002" && checkIn["time"] as? String == "10:00")
            #expect(ticket["peopleAhead"] as? Int == 0)
            // Only with the proof of who one is may a screen check in by the person's id.
            let (unproved, _) = try await client.json(
                .post, "/api/v1/appointments/check-in", #"{"registrationId": "\#(walkIn.id.uuidString)"}"#)
            #expect(unproved.status == .unauthorized)
            // The counsellor signs in for the new day (yesterday's session has ended).
            let monday = try await signIn(client, app, "bold", role: .staff, counter: 3, add: false)
            let (called, next) = try await client.staffPost("/api/v1/counters/3/call-next", "", cookie: monday)
            #expect(called.status == .ok && next["number"] as? String == "Б-002")

            // The day as the counsellor sees it; and what reminder texts are sent for.
            let (_, day) = try await client.staffGet("/api/v1/staff/appointments?date=2026-11-23", cookie: monday)
            let listed = try #require((day["appointments"] as? [[String: Any]])?.first)
            #expect(listed["state"] as? String == "checkedIn" && listed["staffName"] as? String == "bold")
            let (bad, badDay) = try await client.staffGet("/api/v1/staff/appointments?date=23.11.2026", cookie: monday)
            #expect(bad.status == .badRequest && badDay.error["field"] as? String == "date")
        }
    }

    @Test func eligibilityReasonsAndReferralsAgainstTheQuota() async throws {
        let app = try await TestApp()
        var data = try Fixtures.bundledReferenceData()
        let skills = try #require(data.programmes.firstIndex { $0.code == "skills" })
        data.programmes[skills].quotas = ["*": 40, Fixtures.office.code: 1]
        try await ReferenceStore(database: app.temp.database).install(data, source: .bundled, at: Fixtures.now)
        let first = try await person(app, 1)
        let second = try await person(app, 2)
        try await app.test { client in
            let cookie = try await signIn(client, app, "bold", role: .staff, counter: 4)
            let (_, answer) = try await client.staffGet(
                "/api/v1/staff/programmes/eligibility/\(first.id.uuidString)?profileGroup=medium", cookie: cookie)
            let programmes = try #require(answer["programmes"] as? [[String: Any]])
            #expect(programmes.count == 6)
            #expect(
                programmes.filter { $0["eligible"] as? Bool == true }.compactMap { $0["code"] as? String } == [
                    "skills", "seniors",
                ])
            let youth = try #require(programmes.first { $0["code"] as? String == "youth" })
            let reasons = try #require(youth["reasons"] as? [[String: Any]])
            let age = try #require(reasons.first { $0["rule"] as? String == "age" })
            let text = try #require(age["text"] as? [String: String])
            #expect(text["en"] == "Age 56: the programme is for ages 15–34.")
            #expect(text["mn"] == "Нас 56: хөтөлбөр 15–34 насныханд зориулагдсан.")
            let (badGroup, _) = try await client.staffGet(
                "/api/v1/staff/programmes/eligibility/\(first.id.uuidString)?profileGroup=vip", cookie: cookie)
            #expect(badGroup.status == .badRequest)

            func refer(_ person: Registration, _ code: String) async throws -> (TestResponse, [String: Any]) {
                try await client.staffPost(
                    "/api/v1/staff/programmes/referrals",
                    #"{"registrationId": "\#(person.id.uuidString)", "programmeCode": "\#(code)"}"#, cookie: cookie)
            }
            #expect(try await refer(first, "youth").1.error["code"] as? String == "programme.notEligible")
            let (referred, referral) = try await refer(first, "skills")
            #expect(referred.status == .created)
            #expect(try await refer(first, "skills").1.error["code"] as? String == "programme.alreadyEnrolled")
            let (full, fullBody) = try await refer(second, "skills")
            #expect(full.status == .conflict && fullBody.error["code"] as? String == "programme.quotaFull")
            // Who did not go frees the place.
            let id = try #require(referral["id"] as? String)
            let (future, _) = try await client.staffPost(
                "/api/v1/staff/programmes/referrals/\(id)/outcome", #"{"outcome": "didNotGo", "date": "2026-12-01"}"#,
                cookie: cookie)
            #expect(future.status == .unprocessableContent)
            let (recorded, _) = try await client.staffPost(
                "/api/v1/staff/programmes/referrals/\(id)/outcome", #"{"outcome": "didNotGo", "date": "2026-11-22"}"#,
                cookie: cookie)
            #expect(recorded.status == .ok)
            #expect(try await refer(second, "skills").0.status == .created)
            let (_, places) = try await client.staffGet("/api/v1/staff/programmes", cookie: cookie)
            let row = try #require(
                (places["programmes"] as? [[String: Any]])?.first { $0["code"] as? String == "skills" })
            #expect(row["quota"] as? Int == 1 && row["used"] as? Int == 1 && row["didNotGo"] as? Int == 1)
            let outbox = try await app.temp.database.testSQL(
                "SELECT count(*) FROM outbox WHERE record_type = 'programme.referral'")
            #expect(outbox.first?.first == "3")
        }
    }
}
