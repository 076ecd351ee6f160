import Foundation
import HTTPTypes
import Hummingbird
import InMemoryLogging
import KioskCore
import KioskHTTPTestSupport
import KioskStore
import KioskTestSupport
import Logging
import Testing

/// A returning visitor updates their details after everything that hangs on a registration
/// (a ticket, a referral, enrolled fingers), over several office days; every revision is kept and
/// staff see them. And a store that fails is answered with a logged reference, never an empty 500.
@Suite struct RegistrationUpdateTests {
    static func put(
        _ client: RouterTestClient, _ id: String, _ form: RegistrationForm, cookie: String? = nil,
        proof: String? = nil
    ) async throws -> (TestResponse, [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let cookie {
            headers[.cookie] = cookie
            headers[.origin] = TestApp.origin
        }
        if let proof { headers[HTTPFields.proofName] = proof }
        let response = try await client.execute(
            uri: "/api/v1/registrations/\(id)", method: .put, headers: headers, body: ByteBuffer(string: encoded(form))
        ) { $0 }
        let object =
            (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
        return (response, object)
    }

    /// Signs the test officer in again (a session lasts one working day).
    static func signIn(_ client: RouterTestClient) async throws -> String {
        let response = try await client.execute(
            uri: "/api/v1/staff/sessions", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"username": "tester", "pin": "2468", "counter": 1}"#)
        ) { $0 }
        #expect(response.status == .created || response.status == .ok)
        return String((response.headers[.setCookie] ?? "").split(separator: ";").first ?? "")
    }

    @Test("an update after a ticket, a referral and fingers, on later days, keeps the person whole")
    func updateKeepsEverythingAttached() async throws {
        let clock = TestClock()
        let app = try await TestApp(fingerprintReader: FingerprintAPITests.reader(), clock: clock)
        try await VacancyFixtures.store(VacancyAPITests.vacancies, in: app.temp.database)
        try await app.test { client in
            // Day 1: registered with a finger, a ticket for job placement (В), a referral.
            let (_, enrolment) = try await client.json(.post, "/api/v1/fingerprint/enrolments")
            let enrolmentID = try #require(enrolment["id"] as? String)
            _ = try await FingerprintAPITests.enrol("rightIndex", into: enrolmentID, client)
            let (created, person) = try await client.json(
                .post, "/api/v1/registrations?fingerprints=\(enrolmentID)", encoded(Fixtures.form()))
            #expect(created.status == .created)
            #expect(person["fingerprints"] as? Int == 1)
            let id = try #require(person["id"] as? String)
            let reference = try #require(person["reference"] as? String)
            let (issued, ticket) = try await client.json(
                .post, "/api/v1/tickets", #"{"serviceCode": "В", "registrationId": "\#(id)"}"#)
            #expect(issued.status == .created)
            let ticketID = try #require(ticket["id"] as? String)
            var cookie = try await client.staffCookie(app)
            let (referred, _) = try await client.staffPost(
                "/api/v1/referrals", #"{"registrationId": "\#(id)", "vacancyReference": "V-TRUCK"}"#, cookie: cookie)
            #expect(referred.status == .created)

            // Day 2: back at the kiosk, confirmed by an officer, a new phone and one more skill (the
            // defect: 500, empty body).
            clock.advance(days: 1)
            cookie = try await Self.signIn(client)
            let dayTwo = try await client.staffProof("УБ90051223", cookie: cookie)
            var form = Fixtures.form()
            form.phone = "88112233"
            form.skills = ["жолоо барих", "засвар", "гагнуур"]
            let (updated, revision2) = try await Self.put(client, id, form, proof: dayTwo.token)
            #expect(updated.status == .ok, "\(revision2)")
            #expect(revision2["id"] as? String == id)
            #expect(revision2["reference"] as? String == reference)
            #expect(revision2["revision"] as? Int == 2)

            // Everything that hung on the registration still does.
            cookie = try await Self.signIn(client)
            let (_, record) = try await client.staffGet("/api/v1/registrations/\(id)", cookie: cookie)
            #expect(record["phone"] as? String == "88112233")
            #expect(record["skills"] as? [String] == ["жолоо барих", "засвар", "гагнуур"])
            #expect(record["createdAt"] as? String != record["updatedAt"] as? String)
            let (ticketStatus, _) = try await client.json(.get, "/api/v1/tickets/\(ticketID)")
            #expect(ticketStatus.status == .ok)
            let (_, fingers) = try await client.staffGet(
                "/api/v1/staff/registrations/\(id)/fingerprints", cookie: cookie)
            #expect((fingers["fingers"] as? [Any])?.count == 1)
            let (_, matches) = try await client.staffGet(
                "/api/v1/staff/matches?registryNumber=%D0%A3%D0%9190051223", cookie: cookie)
            #expect((matches["referred"] as? [String]) == ["V-TRUCK"])

            // Day 3: a new ticket, then an officer corrects the experience at their counter.
            clock.advance(days: 1)
            cookie = try await Self.signIn(client)
            let (again, _) = try await client.json(
                .post, "/api/v1/tickets", #"{"serviceCode": "В", "registrationId": "\#(id)"}"#)
            #expect(again.status == .created)
            form.experienceYears = 7
            let (byStaff, revision3) = try await Self.put(client, id, form, cookie: cookie)
            #expect(byStaff.status == .ok && revision3["revision"] as? Int == 3)
            // Nothing changed is still a kept revision, saying so (at the kiosk, with a new proof).
            let dayThree = try await client.staffProof("УБ90051223", cookie: cookie)
            let (unchanged, revision4) = try await Self.put(client, id, form, proof: dayThree.token)
            #expect(unchanged.status == .ok && revision4["revision"] as? Int == 4)

            // Staff see every revision, newest first: when, through which channel, what changed.
            let (anonymous, _) = try await client.json(.get, "/api/v1/staff/registrations/\(id)/revisions")
            #expect(anonymous.status == .unauthorized)
            let (listed, history) = try await client.staffGet(
                "/api/v1/staff/registrations/\(id)/revisions", cookie: cookie)
            #expect(listed.status == .ok)
            let revisions = try #require(history["revisions"] as? [[String: Any]])
            #expect(revisions.compactMap { $0["revision"] as? Int } == [4, 3, 2, 1])
            #expect(revisions.compactMap { $0["channel"] as? String } == ["kiosk", "staff", "kiosk", "kiosk"])
            #expect(revisions[0]["changedFields"] as? [String] == [])
            #expect(revisions[1]["changedFields"] as? [String] == ["experienceYears"])
            #expect(revisions[1]["staff"] as? String == "Тест" && revisions[1]["counter"] as? Int == 1)
            #expect(revisions[2]["changedFields"] as? [String] == ["phone", "skills"])
            #expect(revisions[2]["at"] as? String == "2026-11-23T06:00:00Z")
            #expect(revisions[2]["localTime"] as? String == "2026-11-23 14:00")
            #expect((revisions[3]["changedFields"] as? [String])?.contains("registryNumber") == true)
            // Each revision holds the record as it stood: the first still has the first phone.
            #expect((revisions[3]["registration"] as? [String: Any])?["phone"] as? String == "99112233")
            #expect((revisions[2]["registration"] as? [String: Any])?["phone"] as? String == "88112233")
            let (unknown, _) = try await client.staffGet(
                "/api/v1/staff/registrations/\(UUID().uuidString)/revisions", cookie: cookie)
            #expect(unknown.status == .notFound)
        }
    }

    struct DiskFull: Error {}

    @Test("a store that fails is logged with the request and answered with a reference in both languages")
    func storeFailureIsLoggedAndAnswered() async throws {
        let registrations = InMemoryRegistrationRepository()
        let logs = InMemoryLogHandler()
        let app = try await TestApp(
            registrations: registrations, logger: Logger(label: "kiosk-test") { _ in logs })
        try await app.test { client in
            let screen = try await client.kioskSession()
            let (created, person) = try await client.json(
                .post, "/api/v1/registrations", encoded(Fixtures.form()), headers: .session(screen.id))
            #expect(created.status == .created)
            let id = try #require(person["id"] as? String)
            let proof = try #require((person["proof"] as? [String: Any])?["token"] as? String)
            registrations.fail(with: DiskFull())
            var form = Fixtures.form()
            form.phone = "88112233"
            let (failed, body) = try await Self.put(client, id, form, proof: proof)
            #expect(failed.status == .internalServerError)
            #expect(failed.headers[.contentType] == "application/json; charset=utf-8")
            #expect(body.error["code"] as? String == "unexpected")
            let reference = try #require(body.error["requestId"] as? String)
            #expect(reference.count == 8)
            let message = try #require(body.error["message"] as? [String: String])
            #expect(message["mn"]?.contains(reference) == true && message["en"]?.contains(reference) == true)
            #expect(message["mn"] != message["en"])

            let failures = logs.entries.filter { $0.level == .error }
            #expect(failures.count == 1)
            let entry = try #require(failures.first)
            #expect(entry.metadata["kiosk.error.type"]?.description.hasSuffix("DiskFull") == true)
            #expect(entry.metadata["kiosk.request.reference"]?.description == reference)
            #expect(entry.metadata["kiosk.request.id"]?.description.hasSuffix(reference.lowercased()) == true)
            #expect(entry.metadata["kiosk.request.method"]?.description == "PUT")
            #expect(entry.metadata["kiosk.request.route"]?.description == "/api/v1/registrations/{id}")
            // Never the person's data.
            let logged = logs.entries.map { "\($0.message) \($0.metadata)" }.joined()
            for secret in ["УБ90051223", "88112233", "Болд", "Сарангэрэл"] { #expect(!logged.contains(secret)) }

            // A page asked for by a browser gets the same words as a page.
            let page = try await client.execute(
                uri: "/api/v1/registrations/lookup", method: .post,
                headers: [.contentType: "application/json", .accept: "text/html"],
                body: ByteBuffer(string: #"{"registryNumber": "УБ90051223"}"#)
            ) { $0 }
            #expect(page.status == .internalServerError)
            // The store works again: the same update succeeds; nothing was half written.
            registrations.fail(with: nil)
            let (updated, revision) = try await Self.put(client, id, form, proof: proof)
            #expect(updated.status == .ok && revision["revision"] as? Int == 2)
        }
    }
}
