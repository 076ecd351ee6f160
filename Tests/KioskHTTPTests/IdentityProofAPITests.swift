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

/// Issue 20's attacks on a person's data, each refused: a lookup by registry number reveals
/// nothing personal; reading, updating, attaching fingers, matches and the receipt need the
/// person's proof (a token bound to one registration and one screen session) or staff; the
/// proof never opens another person and ends with time and with the session; an officer
/// releases a proof only to the screen showing the code; lookups and identifications are
/// throttled.
@Suite struct IdentityProofAPITests {
    /// Sarangerel (УБ90051223, phone 99112233) and Khongor (ЧЕ05231414), registered at the kiosk
    /// by a screen session that then ends: their ids, as an attacker might have learnt them.
    static func twoPeople(_ client: RouterTestClient) async throws -> (a: String, b: String) {
        let (_, a) = try await client.json(.post, "/api/v1/registrations", encoded(Fixtures.form()))
        let (_, b) = try await client.json(
            .post, "/api/v1/registrations", encoded(Fixtures.form(registryNumber: "ЧЕ05231414")))
        return (try #require(a["id"] as? String), try #require(b["id"] as? String))
    }

    @Test("a lookup says only new or known and the ways of proving: no name, no detail, no id")
    func lookupRevealsNothing() async throws {
        try await TestApp(fingerprintReader: FingerprintAPITests.reader()).test { client in
            let (a, _) = try await Self.twoPeople(client)
            let (response, known) = try await client.json(
                .post, "/api/v1/registrations/lookup", #"{"registryNumber": "УБ90051223"}"#)
            #expect(response.status == .ok)
            #expect(Set(known.keys) == ["status", "proofs"])
            #expect(known["status"] as? String == "known")
            // No fingers enrolled: an officer is the way (a reader alone is not).
            #expect(known["proofs"] as? [String] == ["staff"])
            let text = String(buffer: response.body)
            for secret in [a, "Сарангэрэл", "Болд", "2233", "99112233", "1990-05-12", "female", "83", "UB-SB"] {
                #expect(!text.contains(secret), "\(secret)")
            }
            // Registering the known number again answers the same way, never the id.
            let (again, conflict) = try await client.json(.post, "/api/v1/registrations", encoded(Fixtures.form()))
            #expect(again.status == .conflict && conflict.error["proofs"] as? [String] == ["staff"])
            #expect(!String(buffer: again.body).contains(a))
        }
    }

    @Test("reading, updating, attaching fingers, matches and the receipt are refused without proof")
    func refusedWithoutProof() async throws {
        let app = try await TestApp(fingerprintReader: FingerprintAPITests.reader())
        try await app.test { client in
            let (a, _) = try await Self.twoPeople(client)
            var form = Fixtures.form()
            form.phone = "88000000"
            form.familyName = "Хулгайч"
            let (_, enrolment) = try await client.json(.post, "/api/v1/fingerprint/enrolments")
            let enrolmentID = try #require(enrolment["id"] as? String)
            _ = try await FingerprintAPITests.enrol("rightIndex", into: enrolmentID, client)
            let attempts: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/api/v1/registrations/\(a)", nil),
                (.put, "/api/v1/registrations/\(a)", encoded(form)),
                (.put, "/api/v1/registrations/\(a)?fingerprints=\(enrolmentID)", encoded(Fixtures.form())),
                (.get, "/api/v1/registrations/\(a)/matches", nil),
                (.post, "/api/v1/registrations/\(a)/receipt", nil),
                (.post, "/api/v1/vacancies/print", #"{"printer": "a4", "registrationId": "\#(a)"}"#),
            ]
            for (method, uri, body) in attempts {
                let (refused, answer) = try await client.json(method, uri, body)
                #expect(refused.status == .unauthorized, "\(method) \(uri)")
                #expect(answer.error["code"] as? String == "proof.required", "\(method) \(uri)")
                let message = try #require(answer.error["message"] as? [String: String])
                #expect(message["mn"]?.isEmpty == false && message["en"]?.contains("confirm who you are") == true)
            }
            // Nothing changed, no finger was attached: the 1:N search greets nobody.
            let cookie = try await client.staffCookie(app)
            let (_, record) = try await client.staffGet("/api/v1/registrations/\(a)", cookie: cookie)
            #expect(record["phone"] as? String == "99112233" && record["familyName"] as? String == "Болд")
            let (_, fingers) = try await client.staffGet(
                "/api/v1/staff/registrations/\(a)/fingerprints", cookie: cookie)
            #expect((fingers["fingers"] as? [Any])?.isEmpty == true)
            // A made-up token opens nothing either.
            let (forged, forgedBody) = try await client.json(
                .put, "/api/v1/registrations/\(a)", encoded(form), headers: .proof(Secret.token()))
            #expect(forged.status == .unauthorized && forgedBody.error["code"] as? String == "proof.invalid")
        }
    }

    @Test("a proof opens its person only, until it expires or its screen session finishes")
    func proofOpensOnePersonForAWhile() async throws {
        let clock = TestClock()
        let app = try await TestApp(fingerprintReader: FingerprintAPITests.reader(), clock: clock)
        try await app.test { client in
            let (a, b) = try await Self.twoPeople(client)
            let cookie = try await client.staffCookie(app)
            let (session, token) = try await client.staffProof("УБ90051223", cookie: cookie)
            #expect(token.count == 64)

            // The person's own details, phone masked; their update, their fingers, their matches.
            let (read, person) = try await client.json(.get, "/api/v1/registrations/\(a)", headers: .proof(token))
            #expect(read.status == .ok)
            #expect(
                person["displayName"] as? String == "Б. Сарангэрэл" && person["maskedPhone"] as? String == "•••• 2233")
            #expect(!String(buffer: read.body).contains("99112233"))
            var form = Fixtures.form()
            form.phone = nil
            form.keepPhone = true
            form.experienceYears = 8
            let (updated, revision) = try await client.json(
                .put, "/api/v1/registrations/\(a)", encoded(form), headers: .proof(token))
            #expect(updated.status == .ok && revision["revision"] as? Int == 2)
            let (_, enrolment) = try await client.json(.post, "/api/v1/fingerprint/enrolments")
            let enrolmentID = try #require(enrolment["id"] as? String)
            _ = try await FingerprintAPITests.enrol("rightIndex", into: enrolmentID, client)
            let (attached, attachBody) = try await client.json(
                .put, "/api/v1/registrations/\(a)?fingerprints=\(enrolmentID)", encoded(form), headers: .proof(token))
            #expect(attached.status == .ok && attachBody["fingerprints"] as? Int == 1)
            let (matches, _) = try await client.json(.get, "/api/v1/registrations/\(a)/matches", headers: .proof(token))
            #expect(matches.status == .ok)

            // A's token never opens B.
            for (method, uri, body) in [
                (HTTPRequest.Method.get, "/api/v1/registrations/\(b)", nil),
                (.put, "/api/v1/registrations/\(b)", encoded(Fixtures.form(registryNumber: "ЧЕ05231414"))),
                (.get, "/api/v1/registrations/\(b)/matches", nil),
                (.post, "/api/v1/registrations/\(b)/receipt", nil),
            ] as [(HTTPRequest.Method, String, String?)] {
                let (refused, answer) = try await client.json(method, uri, body, headers: .proof(token))
                #expect(refused.status == .forbidden, "\(method) \(uri)")
                #expect(answer.error["code"] as? String == "proof.otherPerson")
            }

            // Unused for five minutes, it is gone.
            clock.advance(by: 4 * 60)
            #expect(try await client.json(.get, "/api/v1/registrations/\(a)", headers: .proof(token)).0.status == .ok)
            clock.advance(by: 5 * 60)
            let (expired, expiredBody) = try await client.json(
                .put, "/api/v1/registrations/\(a)", encoded(form), headers: .proof(token))
            #expect(expired.status == .unauthorized && expiredBody.error["code"] as? String == "proof.expired")

            // "Finish" (or the idle reset) ends the session and its proof at once.
            let (session2, token2) = try await client.staffProof("УБ90051223", cookie: cookie)
            #expect(try await client.json(.get, "/api/v1/registrations/\(a)", headers: .proof(token2)).0.status == .ok)
            let finished = try await client.json(.post, "/api/v1/kiosk/sessions/finish", headers: .session(session2))
            #expect(finished.0.status == .noContent)
            let (after, afterBody) = try await client.json(
                .get, "/api/v1/registrations/\(a)/matches", headers: .proof(token2))
            #expect(after.status == .unauthorized && afterBody.error["code"] as? String == "proof.invalid")
            _ = session
        }
    }

    @Test("an officer confirms a visitor for the screen showing the code; that screen alone gets the proof")
    func staffAssistedRelease() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let (a, _) = try await Self.twoPeople(client)
            let screen = try await client.kioskSession()
            let elsewhere = try await client.kioskSession()
            #expect(screen.code.count == 6 && screen.code != elsewhere.code)
            let (waiting, waitingBody) = try await client.json(
                .get, "/api/v1/kiosk/sessions/current", headers: .session(screen.id))
            #expect(waiting.status == .ok && waitingBody["status"] as? String == "waiting")
            let release = #"{"sessionCode": "\#(screen.code)", "registryNumber": "УБ90051223"}"#

            // Nobody signed in, or a technician, may not release anything.
            let (anonymous, _) = try await client.json(.post, "/api/v1/staff/kiosk-proofs", release)
            #expect(anonymous.status == .unauthorized)
            try await app.environment.staff.addStaff(
                id: "tech", displayName: "Техник", role: .technician, pin: "2468", at: Fixtures.now)
            let techSignIn = try await client.execute(
                uri: "/api/v1/staff/sessions", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"username": "tech", "pin": "2468", "counter": 1}"#)
            ) { $0 }
            let techCookie = String((techSignIn.headers[.setCookie] ?? "").split(separator: ";").first ?? "")
            let (technician, technicianBody) = try await client.staffPost(
                "/api/v1/staff/kiosk-proofs", release, cookie: techCookie)
            #expect(technician.status == .forbidden && technicianBody.error["code"] as? String == "staff.role")

            let cookie = try await client.staffCookie(app)
            let wrongCode = screen.code == "000000" && elsewhere.code != "111111" ? "111111" : "000000"
            let (unknownCode, unknownBody) = try await client.staffPost(
                "/api/v1/staff/kiosk-proofs", #"{"sessionCode": "\#(wrongCode)", "registryNumber": "УБ90051223"}"#,
                cookie: cookie)
            #expect(unknownCode.status == .notFound)
            #expect(unknownBody.error["code"] as? String == "proof.unknownSessionCode")
            let (released, person) = try await client.staffPost("/api/v1/staff/kiosk-proofs", release, cookie: cookie)
            #expect(released.status == .ok)
            #expect(person["name"] as? String == "Б. Сарангэрэл" && person["registrationId"] as? String == a)

            // Only that screen receives it, once.
            let (_, other) = try await client.json(
                .get, "/api/v1/kiosk/sessions/current", headers: .session(elsewhere.id))
            #expect(other["status"] as? String == "waiting")
            let (_, proved) = try await client.json(
                .get, "/api/v1/kiosk/sessions/current", headers: .session(screen.id))
            #expect(proved["status"] as? String == "proved")
            #expect((proved["person"] as? [String: Any])?["displayName"] as? String == "Б. Сарангэрэл")
            let proof = try #require(proved["proof"] as? [String: Any])
            #expect(proof["method"] as? String == "staff" && proof["expiresInSeconds"] as? Int == 300)
            let token = try #require(proof["token"] as? String)
            let (_, collected) = try await client.json(
                .get, "/api/v1/kiosk/sessions/current", headers: .session(screen.id))
            #expect(collected["status"] as? String == "waiting")
            #expect(
                try await client.json(.get, "/api/v1/registrations/\(a)/matches", headers: .proof(token)).0.status
                    == .ok)
            // A finished screen is nobody's to release to.
            _ = try await client.json(.post, "/api/v1/kiosk/sessions/finish", headers: .session(screen.id))
            let (gone, _) = try await client.staffPost("/api/v1/staff/kiosk-proofs", release, cookie: cookie)
            #expect(gone.status == .notFound)
            let (unknownSession, _) = try await client.json(
                .get, "/api/v1/kiosk/sessions/current", headers: .session(screen.id))
            #expect(unknownSession.status == .unauthorized)

            // Staff may also update the record directly at their counter.
            var form = Fixtures.form()
            form.experienceYears = 11
            let response = try await client.execute(
                uri: "/api/v1/registrations/\(a)", method: .put,
                headers: [.cookie: cookie, .origin: TestApp.origin, .contentType: "application/json"],
                body: ByteBuffer(string: encoded(form))
            ) { $0 }
            #expect(response.status == .ok)
            let (_, revisions) = try await client.staffGet("/api/v1/staff/registrations/\(a)/revisions", cookie: cookie)
            #expect((revisions["revisions"] as? [[String: Any]])?.first?["channel"] as? String == "staff")
        }
    }

    @Test("without proof a returning person still takes a ticket; nothing about them comes back")
    func ticketWithoutProof() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let (a, _) = try await Self.twoPeople(client)
            let (issued, ticket) = try await client.json(
                .post, "/api/v1/tickets", #"{"serviceCode": "Б", "registryNumber": "УБ90051223"}"#)
            #expect(issued.status == .created)
            #expect(!String(buffer: issued.body).contains(a) && !String(buffer: issued.body).contains("Сарангэрэл"))
            #expect(ticket["number"] as? String == "Б-001")
            let linked = try await app.temp.database.testSQL("SELECT registration_id FROM ticket").map { $0[0] ?? "" }
            #expect(linked == [a])
            let (unknown, unknownBody) = try await client.json(
                .post, "/api/v1/tickets", #"{"serviceCode": "Б", "registryNumber": "ТА85061512"}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(unknownBody.codes(for: "registryNumber") == ["queue.unknownRegistration"])
        }
    }

    @Test("lookups and identifications are throttled per client: 429, a clear message, Retry-After")
    func throttled() async throws {
        let clock = TestClock()
        let app = try await TestApp(fingerprintReader: FingerprintAPITests.reader(), clock: clock)
        try await app.test { client in
            // 3,000 lookups in two seconds was the attack; now a burst, then one every three seconds.
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<(ThrottleRate.lookups.burst + 5) {
                statuses.append(
                    try await client.json(.post, "/api/v1/registrations/lookup", #"{"registryNumber": "УБ90051223"}"#)
                        .0.status)
            }
            #expect(statuses.filter { $0 == .ok }.count == ThrottleRate.lookups.burst)
            let (refused, body) = try await client.json(
                .post, "/api/v1/registrations/lookup", #"{"registryNumber": "УБ90051223"}"#)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "3")
            #expect(body.error["code"] as? String == "throttled")
            let message = try #require(body.error["message"] as? [String: String])
            #expect(message["mn"]?.isEmpty == false && message["en"]?.contains("Too many tries") == true)
            clock.advance(by: 3)
            #expect(
                try await client.json(.post, "/api/v1/registrations/lookup", #"{"registryNumber": "УБ90051223"}"#)
                    .0.status == .ok)

            let screen = try await client.kioskSession()
            var identifications: [HTTPResponse.Status] = []
            for _ in 0..<(ThrottleRate.identifications.burst + 1) {
                identifications.append(
                    try await client.json(.post, "/api/v1/fingerprint/identify", headers: .session(screen.id)).0.status)
            }
            #expect(identifications.last == .tooManyRequests)
            #expect(identifications.dropLast().allSatisfy { $0 == .ok })
        }
    }
}
