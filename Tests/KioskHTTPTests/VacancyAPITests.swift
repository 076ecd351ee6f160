import Foundation
import HTTPTypes
import KioskCore
import KioskHTTPTestSupport
import KioskStore
import KioskTestSupport
import Testing

@testable import KioskHTTP

/// Vacancy search, detail, a person's matches and staff referrals over HTTP (printing is in
/// `PrintAPITests`, at the lab's printers).
@Suite struct VacancyAPITests {
    /// Open on the fixtures' day (2026-11-22), but for the last.
    static let vacancies = [
        VacancyFixtures.vacancy(
            "V-TRUCK", "Ачааны машины жолооч", titleEn: "Truck driver", isco: "8332", employer: "Өргөө тээвэр ХХК",
            wage: (1_500_000, 2_200_000), skills: ["жолоо барих", "засвар"], posted: "2026-11-20"),
        VacancyFixtures.vacancy(
            "V-BUS", "Автобусны жолооч", titleEn: "Bus driver", isco: "8331", soum: "UB-SB-01",
            skills: ["жолоо барих", "зорчигч үйлчилгээ"], licences: ["driving-d"], posted: "2026-11-19"),
        VacancyFixtures.vacancy(
            "V-COOK", "Тогооч", titleEn: "Cook", isco: "5120", aimag: "HOVD", soum: "HOVD-01", wage: (900_000, nil),
            hours: "shift", skills: ["хоол хийх"]),
        VacancyFixtures.vacancy(
            "V-MECH", "Авто засварчин", titleEn: "Car mechanic", isco: "7231", skills: ["засвар"],
            posted: "2026-11-01"),
        VacancyFixtures.vacancy("V-CLOSED", "Жолооч", isco: "8332", skills: ["жолоо барих"], closes: "2026-11-21"),
    ]

    func app() async throws -> TestApp {
        let app = try await TestApp()
        try await VacancyFixtures.store(Self.vacancies, in: app.temp.database)
        return app
    }

    @Test func searchFiltersPagesAndRefusesBadSettings() async throws {
        let app = try await app()
        try await app.test { client in
            let (ok, found) = try await client.json(.get, "/api/v1/vacancies?q=%D0%96%D0%9E%D0%9B%D0%9E%D0%9E%D0%A7")
            #expect(ok.status == .ok)
            #expect(found["total"] as? Int == 2)  // "ЖОЛООЧ": the truck and the bus, not the closed one
            let references = (found["vacancies"] as? [[String: Any]])?.compactMap { $0["reference"] as? String }
            #expect(references == ["V-TRUCK", "V-BUS"])
            let (_, shift) = try await client.json(.get, "/api/v1/vacancies?hours=shift&minWage=800000")
            #expect((shift["vacancies"] as? [[String: Any]])?.first?["reference"] as? String == "V-COOK")
            let (_, second) = try await client.json(.get, "/api/v1/vacancies?pageSize=3&page=2")
            #expect(second["total"] as? Int == 4 && (second["vacancies"] as? [Any])?.count == 1)
            let (bad, error) = try await client.json(.get, "/api/v1/vacancies?minWage=lots")
            #expect(bad.status == .badRequest)
            #expect(error.error["field"] as? String == "minWage")
            let (closed, _) = try await client.json(.get, "/api/v1/vacancies/V-CLOSED")
            #expect(closed.status == .notFound)
            let (detail, truck) = try await client.json(.get, "/api/v1/vacancies/V-TRUCK")
            #expect(detail.status == .ok && truck["wageMax"] as? Int == 2_200_000)
        }
    }

    @Test func printedSearchesAreReadAsTheBrowserWritesThem() {
        #expect(
            VacancyAPI.formDecoded("q=%D0%B3%D0%B0%D1%80+%D0%B1%D0%B0%D0%B3%D0%B0%D0%B6&aimag=UB-SB&x")
                == ["q": "гар багаж", "aimag": "UB-SB", "x": ""])
        #expect(VacancyAPI.formDecoded("q=жолооч") == ["q": "жолооч"])
        #expect(VacancyAPI.formDecoded("q=%E0%A4") == nil)
        #expect(VacancyAPI.formDecoded("") == [:])
    }

    @Test func aRegisteredPersonSeesRankedMatchesWithReasonsInBothLanguages() async throws {
        let app = try await app()
        try await app.test { client in
            // Registered at a screen: the screen holds the new person's proof.
            let screen = try await client.kioskSession()
            let (_, created) = try await client.json(
                .post, "/api/v1/registrations", encoded(Fixtures.form()), headers: .session(screen.id))
            let id = try #require(created["id"] as? String)
            let proof = try #require((created["proof"] as? [String: Any])?["token"] as? String)
            let (response, body) = try await client.json(
                .get, "/api/v1/registrations/\(id)/matches", headers: .proof(proof))
            #expect(response.status == .ok)
            let matches = try #require(body["matches"] as? [[String: Any]])
            // The bus needs licence D; the mechanic's one skill is held; the cook is elsewhere and unheld.
            #expect(
                matches.compactMap { ($0["vacancy"] as? [String: Any])?["reference"] as? String } == [
                    "V-TRUCK", "V-MECH",
                ])
            let reasons = try #require(matches.first?["reasons"] as? [[String: Any]])
            #expect(reasons.compactMap { $0["code"] as? String } == ["yourOccupation", "skills", "inYourSoum"])
            let skills = try #require(reasons[1]["text"] as? [String: String])
            #expect(skills["en"] == "2 of 2 skills")
            #expect(skills["mn"] == "2 ур чадвараас 2 нь танд бий")
            // Another person's matches are not this proof's to see.
            let (unknown, _) = try await client.json(
                .get, "/api/v1/registrations/01930000-0000-7000-8000-000000000000/matches", headers: .proof(proof))
            #expect(unknown.status == .forbidden)
            let (badPage, _) = try await client.json(
                .get, "/api/v1/registrations/\(id)/matches?pageSize=0", headers: .proof(proof))
            #expect(badPage.status == .badRequest)
        }
    }

    @Test func staffSeeTheSameListAndReferOnceWithTheActionRecordedAndQueuedForTheLMIS() async throws {
        let app = try await app()
        try await app.test { client in
            let (_, created) = try await client.json(.post, "/api/v1/registrations", encoded(Fixtures.form()))
            let id = try #require(created["id"] as? String)
            let (anonymous, _) = try await client.json(.get, "/api/v1/staff/matches?registryNumber=УБ90051223")
            #expect(anonymous.status == .unauthorized)
            let cookie = try await client.staffCookie(app)
            let (found, list) = try await client.staffGet(
                "/api/v1/staff/matches?registryNumber=%D1%83%D0%B190051223", cookie: cookie)
            #expect(found.status == .ok)
            #expect((list["jobseeker"] as? [String: Any])?["id"] as? String == id)
            #expect((list["results"] as? [String: Any])?["total"] as? Int == 2)
            let (badNumber, badBody) = try await client.staffGet(
                "/api/v1/staff/matches?registryNumber=12", cookie: cookie)
            #expect(badNumber.status == .badRequest && badBody.error["field"] as? String == "registryNumber")

            func refer(_ body: String) async throws -> (TestResponse, [String: Any]) {
                try await client.staffPost("/api/v1/referrals", body, cookie: cookie)
            }
            let (referred, referral) = try await refer(
                #"{"registrationId": "\#(id)", "vacancyReference": "V-TRUCK", "note": "Даваа гарагт очно"}"#)
            #expect(referred.status == .created)
            #expect(referral["staffId"] as? String == "tester")
            let (again, conflict) = try await refer(#"{"registrationId": "\#(id)", "vacancyReference": "V-TRUCK"}"#)
            #expect(again.status == .conflict && conflict.error["code"] as? String == "alreadyReferred")
            let (closed, _) = try await refer(#"{"registrationId": "\#(id)", "vacancyReference": "V-CLOSED"}"#)
            #expect(closed.status == .notFound)
            let long = String(repeating: "ж", count: 201)
            let (tooLong, _) = try await refer(
                #"{"registrationId": "\#(id)", "vacancyReference": "V-MECH", "note": "\#(long)"}"#)
            #expect(tooLong.status == .unprocessableContent)
            let (control, _) = try await refer(
                #"{"registrationId": "\#(id)", "vacancyReference": "V-MECH", "note": "a\u0000b"}"#)
            #expect(control.status == .unprocessableContent)
            let (badID, badIDBody) = try await refer(#"{"registrationId": "nope", "vacancyReference": "V-MECH"}"#)
            #expect(badID.status == .badRequest && badIDBody.error["field"] as? String == "registrationId")

            let (_, after) = try await client.staffGet(
                "/api/v1/staff/matches?registrationId=\(id)", cookie: cookie)
            #expect(after["referred"] as? [String] == ["V-TRUCK"])
            // The person updates their details (licence D now) and keeps the referral; the bus,
            // which needs licence D, is a match now.
            // (An officer confirms them for the kiosk screen they stand at.)
            let (_, proof) = try await client.staffProof("УБ90051223", cookie: cookie)
            var form = Fixtures.form()
            form.licences = ["driving-d", "driving-c"]
            let (updated, _) = try await client.json(
                .put, "/api/v1/registrations/\(id)", encoded(form), headers: .proof(proof))
            #expect(updated.status == .ok)
            let (_, later) = try await client.staffGet(
                "/api/v1/staff/matches?registrationId=\(id)", cookie: cookie)
            #expect(later["referred"] as? [String] == ["V-TRUCK"])
            #expect((later["results"] as? [String: Any])?["total"] as? Int == 3)
            form.licences = ["pilot"]
            let (refused, problem) = try await client.json(
                .put, "/api/v1/registrations/\(id)", encoded(form), headers: .proof(proof))
            #expect(refused.status == .unprocessableContent)
            #expect(
                (problem.error["fields"] as? [[String: Any]])?.first?["field"] as? String == "licences")
            let record = try await app.temp.database.testSQL(
                "SELECT record_type, payload FROM outbox WHERE record_type = 'referral.recorded'"
            ).first
            let audit = try await app.temp.database.testSQL(
                "SELECT action FROM staff_audit WHERE staff_id = 'tester'"
            ).map { $0[0] ?? "" }
            let payload = try #require(record?[1])
            #expect(payload.contains(#""vacancyReference":"V-TRUCK""#) && payload.contains(#""officeCode":"UB-SB""#))
            #expect(audit.contains("referral"))
        }
    }
}
