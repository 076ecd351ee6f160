import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTPTestSupport
import KioskStore
import KioskTestSupport
import NIOCore
import Testing

@testable import KioskHTTP

@Suite("A questionnaire the hub sends is asked at once; a profile begun under the one before keeps it")
struct QuestionnaireLiveTests {
    static let newQuestion = "Сүүлийн ажлаасаа хойш хэдэн сар өнгөрсөн бэ"

    /// Stores a reworded copy of the bundled questionnaire as the hub's newest, as a sync round does.
    func receive(_ app: TestApp, version: String) async throws {
        var questionnaire = try ProfilingQuestionnaire.load(
            Data(contentsOf: Fixtures.kioskDirectory.appendingPathComponent("reference/profiling.json")))
        questionnaire.version = version
        questionnaire.questions[0].text = LocalizedText(mn: Self.newQuestion, en: "Months since your last job")
        let document = String(decoding: try JSONEncoder().encode(questionnaire), as: UTF8.self)
        _ = try await app.temp.database.testSQL(
            "INSERT INTO profiling_questionnaire (version, document, received_at) VALUES (?, ?, ?)",
            arguments: [version, document, "2026-12-07T12:00:00Z"])
    }

    func send(_ client: RouterTestClient, _ uri: String, _ body: String, cookie: String) async throws
        -> (HTTPResponse.Status, [String: Any])
    {
        let response = try await client.execute(
            uri: uri, method: .post,
            headers: [.cookie: cookie, .origin: TestApp.origin, .contentType: "application/json"],
            body: ByteBuffer(string: body)
        ) { $0 }
        return (response.status, response.jsonObject)
    }

    @Test("asked, spoken and read under the version each profile was given in, without a restart")
    func live() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let (_, before) = try await client.json(.get, "/api/v1/profiling/questionnaire")
            let bundled = try #require(before["version"] as? String)
            let (_, oldPlan) = try await client.json(
                .post, "/api/v1/speech/plan", #"{"language": "mn", "texts": ["\#(Self.newQuestion)"]}"#)
            let oldUnknown = try #require((oldPlan["utterances"] as? [[String: Any]])?.first?["unknownWords"] as? Int)
            #expect(oldUnknown > 0)

            try await receive(app, version: "hub-2027.1")
            let (_, after) = try await client.json(.get, "/api/v1/profiling/questionnaire")
            #expect(after["version"] as? String == "hub-2027.1")
            let first = try #require((after["questions"] as? [[String: Any]])?.first)
            #expect((first["text"] as? [String: String])?["mn"] == Self.newQuestion)
            // The voice's catalogue was built again: the new question is spoken whole.
            let (_, newPlan) = try await client.json(
                .post, "/api/v1/speech/plan", #"{"language": "mn", "texts": ["\#(Self.newQuestion)"]}"#)
            let utterance = try #require((newPlan["utterances"] as? [[String: Any]])?.first)
            #expect(utterance["unknownWords"] as? Int == 0)
            #expect(utterance["clips"] as? [String] == ["/api/v1/speech/clips/mn/profiling.timeOutOfWork"])

            let officer = try await app.staffCookie(client, "oyuna", .staff, displayName: "Оюуна", counter: 2)
            let begun = try await app.environment.registrations.register(
                try Fixtures.details(Fixtures.form(registryNumber: Fixtures.registryNumber(3))), at: Fixtures.now)
            let fresh = try await app.environment.registrations.register(
                try Fixtures.details(Fixtures.form(registryNumber: Fixtures.registryNumber(7))), at: Fixtures.now)
            // Begun under the bundled version before the new one came: kept.
            let (kept, keptCase) = try await send(
                client, "/api/v1/staff/cases/\(begun.id.uuidString.lowercased())/profile",
                #"{"answers": \#(CaseAPITests.answers), "version": "\#(bundled)"}"#, cookie: officer)
            #expect(kept == .created)
            let keptProfile = try #require(keptCase["profile"] as? [String: Any])
            #expect(keptProfile["version"] as? String == bundled)
            let keptFirst = try #require((keptProfile["answers"] as? [[String: Any]])?.first)
            #expect((keptFirst["question"] as? [String: String])?["mn"] != Self.newQuestion)
            // A new profile: the hub's version, its answers read under it.
            let (made, madeCase) = try await send(
                client, "/api/v1/staff/cases/\(fresh.id.uuidString.lowercased())/profile",
                #"{"answers": \#(CaseAPITests.answers)}"#, cookie: officer)
            #expect(made == .created)
            let madeProfile = try #require(madeCase["profile"] as? [String: Any])
            #expect(madeProfile["version"] as? String == "hub-2027.1")
            let madeFirst = try #require((madeProfile["answers"] as? [[String: Any]])?.first)
            #expect((madeFirst["question"] as? [String: String])?["mn"] == Self.newQuestion)
            // A version the kiosk never had: refused, in both languages, naming the field.
            let (unknown, refusal) = try await send(
                client, "/api/v1/staff/cases/\(fresh.id.uuidString.lowercased())/profile",
                #"{"answers": \#(CaseAPITests.answers), "version": "never-1"}"#, cookie: officer)
            #expect(unknown == .unprocessableContent)
            #expect(refusal.error["code"] as? String == "case.unknownQuestionnaire")
            #expect(refusal.error["field"] as? String == "version")
            #expect((refusal.error["message"] as? [String: String])?["mn"]?.isEmpty == false)
        }
    }
}
