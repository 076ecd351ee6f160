import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTPTestSupport
import KioskStore
import KioskTestSupport
import NIOCore
import Testing

@Suite("Registration API")
struct RegistrationAPITests {
    @Test func healthReportsTheDatabase() async throws {
        try await TestApp().test { client in
            let (response, body) = try await client.json(.get, "/healthz")
            #expect(response.status == .ok)
            #expect(body["status"] as? String == "ok")
        }
        try await TestApp(healthy: false).test { client in
            let status1 = try await client.json(.get, "/healthz").0.status
            #expect(status1 == .serviceUnavailable)
        }
    }

    @Test func createThenRead() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let (created, body) = try await client.json(.post, "/api/v1/registrations", encoded(Fixtures.form()))
            #expect(created.status == .created)
            #expect(body["reference"] as? String == "UB-SB-000001")
            let id = try #require(body["id"] as? String)
            #expect(created.headers[.location] == "/api/v1/registrations/\(id)")

            let (anonymous, _) = try await client.json(.get, "/api/v1/registrations/\(id)")
            #expect(anonymous.status == .unauthorized)
            let cookie = try await client.staffCookie(app)
            let (read, record) = try await client.staffGet("/api/v1/registrations/\(id)", cookie: cookie)
            #expect(read.status == .ok)
            #expect(record["registryNumber"] as? String == "УБ90051223")
            #expect(record["birthDate"] as? String == "1990-05-12")
            #expect(record["sex"] as? String == "female")
            #expect(record["familyName"] as? String == "Болд")
            #expect(record["skills"] as? [String] == ["жолоо барих", "засвар"])
            #expect(read.headers[.cacheControl] == "no-store")
        }
    }

    @Test func invalidFieldsAnswer422WithAMessageInBothLanguages() async throws {
        try await TestApp().test { client in
            var form = Fixtures.form(registryNumber: "УБ20250123")
            form.phone = "70112233"
            form.consent = false
            let (response, body) = try await client.json(.post, "/api/v1/registrations", encoded(form))
            #expect(response.status == .unprocessableContent)
            #expect(body.codes(for: "registryNumber") == ["registryNumber.tooYoung"])
            #expect(body.codes(for: "phone") == ["notMobile"])
            #expect(body.codes(for: "consent") == ["mustAccept"])
            let message = try #require(body.fieldErrors.first?["message"] as? [String: String])
            #expect(message["mn"]?.isEmpty == false)
            #expect(message["en"]?.isEmpty == false)
            #expect(message["mn"] != message["en"])
        }
    }

    @Test func aKnownRegistryNumberConflictsInsteadOfDuplicating() async throws {
        try await TestApp().test { client in
            let (_, first) = try await client.json(.post, "/api/v1/registrations", encoded(Fixtures.form()))
            // Same person typed with Latin look-alikes and lower case.
            let (response, body) = try await client.json(
                .post, "/api/v1/registrations", encoded(Fixtures.form(registryNumber: "yб90051223")))
            #expect(response.status == .conflict)
            #expect(body.error["code"] as? String == "alreadyRegistered")
            // Known, as a lookup says it: the ways of proving, never the registration's id.
            #expect(body.error["existingId"] == nil)
            #expect(body.error["proofs"] as? [String] == ["staff"])
            let text = String(buffer: response.body)
            #expect(!text.contains(first["id"] as? String ?? "?") && !text.contains("Сарангэрэл"))
        }
    }

    @Test(arguments: [
        ("{\"registryNumber\": ", "malformedJSON"),
        ("[1, 2]", "notAnObject"),
        ("\"text\"", "notAnObject"),
        ("{\"registryNumber\": 42}", "wrongType"),
        ("{\"experienceYears\": \"six\"}", "wrongType"),
        ("{\"experienceYears\": 1.5}", "wrongType"),
        ("{\"consent\": \"yes\"}", "wrongType"),
        ("{\"skills\": \"welding\"}", "wrongType"),
        ("{\"password\": \"x\"}", "unknownField"),
        ("", "malformedJSON"),
    ])
    func malformedBodiesAnswer400(_ body: String, _ code: String) async throws {
        try await TestApp().test { client in
            let (response, answer) = try await client.json(.post, "/api/v1/registrations", body)
            #expect(response.status == .badRequest)
            #expect(answer.error["code"] as? String == code)
        }
    }

    @Test func wrongTypesNameTheField() async throws {
        try await TestApp().test { client in
            let (_, answer) = try await client.json(.post, "/api/v1/registrations", "{\"experienceYears\": \"six\"}")
            #expect(answer.error["field"] as? String == "experienceYears")
            let (_, fraction) = try await client.json(
                .post, "/api/v1/registrations", "{\"givenName\": \"Бат\", \"experienceYears\": 1.5}")
            #expect(fraction.error["field"] as? String == "experienceYears")
            let (_, unknown) = try await client.json(
                .post, "/api/v1/registrations", "{\"givenName\": \"Бат\", \"salary\": 1}")
            #expect(unknown.error["field"] as? String == "salary")
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        try await TestApp().test { client in
            let huge = "{\"desiredJob\": \"" + String(repeating: "а", count: 70_000) + "\"}"
            let (response, answer) = try await client.json(.post, "/api/v1/registrations", huge)
            #expect(response.status == .contentTooLarge)
            #expect(answer.error["code"] as? String == "bodyTooLarge", "\(String(buffer: response.body).prefix(200))")
        }
    }

    @Test func otherContentTypesAreRefused() async throws {
        try await TestApp().test { client in
            let response = try await client.execute(
                uri: "/api/v1/registrations", method: .post, headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: "registryNumber=УБ90051223")
            ) { $0 }
            #expect(response.status == .unsupportedMediaType)
        }
    }

    @Test func unknownOrMalformedIdsAreClear() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let cookie = try await client.staffCookie(app)
            let status2 = try await client.staffGet("/api/v1/registrations/not-a-uuid", cookie: cookie).0.status
            #expect(status2 == .badRequest)
            let status3 = try await client.staffGet("/api/v1/registrations/\(UUID().uuidString)", cookie: cookie).0
                .status
            #expect(status3 == .notFound)
        }
    }

    @Test func lookupRecognisesAReturningPersonWithoutRevealingContactDetails() async throws {
        try await TestApp().test { client in
            let (_, unknown) = try await client.json(
                .post, "/api/v1/registrations/lookup", "{\"registryNumber\": \"УБ90051223\"}")
            #expect(unknown["status"] as? String == "new")
            #expect(unknown["birthDate"] as? String == "1990-05-12")

            _ = try await client.json(.post, "/api/v1/registrations", encoded(Fixtures.form()))
            let (response, known) = try await client.json(
                .post, "/api/v1/registrations/lookup", "{\"registryNumber\": \"уб 9005 1223\"}")
            #expect(response.status == .ok)
            #expect(known["status"] as? String == "known")
            // No name, no detail, no id: only that the number is known and how to prove it.
            #expect(Set(known.keys) == ["status", "proofs"])
            #expect(known["proofs"] as? [String] == ["staff"])

            let (invalid, errors) = try await client.json(
                .post, "/api/v1/registrations/lookup", "{\"registryNumber\": \"УБ90133123\"}")
            #expect(invalid.status == .unprocessableContent)
            #expect(errors.codes(for: "registryNumber") == ["registryNumber.impossibleDate"])
        }
    }

    @Test func updateKeepsTheStoredPhoneWhenAsked() async throws {
        let app = try await TestApp()
        try await app.test { client in
            // Registered at a screen session: the answer carries the new person's proof.
            let screen = try await client.kioskSession()
            let (_, created) = try await client.json(
                .post, "/api/v1/registrations", encoded(Fixtures.form()), headers: .session(screen.id))
            let id = try #require(created["id"] as? String)
            let token = try #require((created["proof"] as? [String: Any])?["token"] as? String)
            #expect(token.count == 64)
            var form = Fixtures.form()
            form.phone = nil
            form.keepPhone = true
            form.skills = ["гагнуур"]
            let (response, updated) = try await client.json(
                .put, "/api/v1/registrations/\(id)", encoded(form), headers: .proof(token))
            #expect(response.status == .ok)
            #expect(updated["revision"] as? Int == 2)
            let (_, record) = try await client.staffGet(
                "/api/v1/registrations/\(id)", cookie: try await client.staffCookie(app))
            #expect(record["phone"] as? String == "99112233")
            #expect(record["skills"] as? [String] == ["гагнуур"])

            form.keepPhone = nil
            let (missing, answer) = try await client.json(
                .put, "/api/v1/registrations/\(id)", encoded(form), headers: .proof(token))
            #expect(missing.status == .unprocessableContent)
            #expect(answer.codes(for: "phone") == ["required"])

            let (other, changed) = try await client.json(
                .put, "/api/v1/registrations/\(id)", encoded(Fixtures.form(registryNumber: "ЧЕ05231414")),
                headers: .proof(token))
            #expect(other.status == .unprocessableContent)
            #expect(changed.error["code"] as? String == "registryNumberChanged")
        }
    }

    @Test func stepValidationChecksOnlyTheNamedFields() async throws {
        try await TestApp().test { client in
            let (response, body) = try await client.json(
                .post, "/api/v1/registrations/validate?fields=familyName,givenName", "{\"familyName\": \"Болд\"}")
            #expect(response.status == .ok)
            let errors = try #require(body["errors"] as? [[String: Any]])
            #expect(errors.map { $0["field"] as? String } == ["givenName"])
            let (bad, _) = try await client.json(.post, "/api/v1/registrations/validate?fields=salary", "{}")
            #expect(bad.status == .badRequest)
        }
    }
}
