import Foundation
import HTTPTypes
import KioskCore
import KioskHTTPTestSupport
import KioskStore
import KioskTestSupport
import NIOCore
import Testing

@testable import KioskHTTP

/// The employer desk over HTTP: who may call it, refusals named field by field in both
/// languages, the candidates' reasons worded from the officer's side, and the figures' CSV.
@Suite struct EmployerAPITests {
    static let employer = """
        {"name": "Тээвэр ХХК", "registerNumber": "501 2345", "sector": "H", "aimagCode": "UB-SB",
         "soumCode": "UB-SB-05", "contactName": "Б. Төмөр", "phone": "99114455"}
        """

    @Test func onlyOfficersAndTheHeadReachTheDesk() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let (anonymous, _) = try await client.json(.get, "/api/v1/staff/employers?q=a")
            #expect(anonymous.status == .unauthorized)
            try await app.environment.staff.addStaff(
                id: "tech", displayName: "Техник", role: .technician, pin: "2468", at: Fixtures.now)
            let signIn = try await client.execute(
                uri: "/api/v1/staff/sessions", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: "{\"username\": \"tech\", \"pin\": \"2468\", \"counter\": 1}")
            ) { $0 }
            let technician = String((signIn.headers[.setCookie] ?? "").split(separator: ";").first ?? "")
            let (refused, body) = try await client.staffPost(
                "/api/v1/staff/employers", Self.employer, cookie: technician)
            #expect(refused.status == .forbidden)
            #expect(body.error["code"] as? String == "staff.role")
            let page = try await client.execute(uri: "/staff/employers", method: .get, headers: [.cookie: technician]) {
                $0
            }
            #expect(page.status == .seeOther)
        }
    }

    @Test func refusalsNameTheirFieldsInBothLanguages() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let cookie = try await client.staffCookie(app)
            let (bad, body) = try await client.staffPost(
                "/api/v1/staff/employers",
                #"{"name": "", "registerNumber": "12", "sector": "H", "aimagCode": "UB-SB", "soumCode": "UB-SB-05", "contactName": "Б", "phone": "8811"}"#,
                cookie: cookie)
            #expect(bad.status == .unprocessableContent)
            let fields = body.fieldErrors
            let number = try #require(fields.first { $0["field"] as? String == "registerNumber" })
            let message = try #require(number["message"] as? [String: String])
            #expect(message["mn"] == "Улсын бүртгэлийн дугаар яг 7 оронтой тоо байна.")
            #expect(message["en"] == "A state registration number has exactly 7 digits.")
            #expect(body.codes(for: "phone") == ["wrongLength"])
            #expect(body.codes(for: "name") == ["required"])

            let (created, employer) = try await client.staffPost(
                "/api/v1/staff/employers", Self.employer, cookie: cookie)
            #expect(created.status == .created && employer["registerNumber"] as? String == "5012345")
            let (again, duplicate) = try await client.staffPost(
                "/api/v1/staff/employers", Self.employer, cookie: cookie)
            #expect(again.status == .conflict)
            #expect(duplicate.error["existingId"] as? String == employer["id"] as? String)
            let (unknown, _) = try await client.staffGet(
                "/api/v1/staff/office-vacancies/V-UB-SB-2026-09999/candidates", cookie: cookie)
            #expect(unknown.status == .notFound)
        }
    }

    @Test func candidatesAreWordedForTheOfficerAndFiguresComeAsCSV() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let cookie = try await client.staffCookie(app)
            _ = try await app.environment.registrations.register(try Fixtures.details(), at: Fixtures.now)
            let (_, employer) = try await client.staffPost("/api/v1/staff/employers", Self.employer, cookie: cookie)
            let id = try #require(employer["id"] as? String)
            let (created, vacancy) = try await client.staffPost(
                "/api/v1/staff/employers/\(id)/vacancies",
                """
                {"title": "Ачааны машины жолооч", "iscoCode": "8332", "skills": ["жолоо барих"], "aimagCode": "UB-SB",
                 "soumCode": "UB-SB-05", "hours": "fullTime", "posts": 2, "closesOn": "2026-12-31",
                 "howToApply": "Ажилтан 3-т", "newlyCreated": true}
                """, cookie: cookie)
            #expect(created.status == .created)
            let reference = try #require(vacancy["reference"] as? String)
            let (ok, found) = try await client.staffGet(
                "/api/v1/staff/office-vacancies/\(reference)/candidates", cookie: cookie)
            #expect(ok.status == .ok && found["total"] as? Int == 1)
            let candidate = try #require((found["candidates"] as? [[String: Any]])?.first)
            // 50 (1 of 1 skill) + 20 (group 83 holds 8332) + 15 (khoroo 5) + 10.
            #expect(candidate["score"] as? Int == 95)
            let reasons = (candidate["reasons"] as? [[String: Any]])?.compactMap {
                ($0["text"] as? [String: String])?["en"]
            }
            #expect(reasons == ["Their occupation", "Has 1 of 1 skills", "Lives in the soum or khoroo"])
            let (badStatus, _) = try await client.staffGet(
                "/api/v1/staff/office-vacancies/\(reference)/candidates?status=asleep", cookie: cookie)
            #expect(badStatus.status == .unprocessableContent)

            let csv = try await client.execute(
                uri: "/api/v1/staff/employer-figures.csv?from=2026-11-01&to=2026-11-30", method: .get,
                headers: [.cookie: cookie]
            ) { $0 }
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let text = String(buffer: csv.body)
            #expect(text.contains("vacanciesRegistered,1\r\n") && text.contains("newlyCreatedPosts,2\r\n"))
            #expect(text.contains("\"Тээвэр ХХК\",H,1,0"))
            let (backwards, _) = try await client.staffGet(
                "/api/v1/staff/employer-figures?from=2026-11-30&to=2026-11-01", cookie: cookie)
            #expect(backwards.status == .unprocessableContent)
        }
    }
}
