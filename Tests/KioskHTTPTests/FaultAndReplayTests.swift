import Foundation
import HTTPTypes
import Hummingbird
import InMemoryLogging
import KioskCore
import KioskHTTP
import KioskHTTPTestSupport
import KioskStore
import KioskTestSupport
import Logging
import NIOCore
import Testing

@Suite("Faults and replays")
struct FaultAndReplayTests {
    static let ticket = "{\"serviceCode\": \"А\", \"language\": \"mn\"}"

    func post(
        _ client: RouterTestClient, _ uri: String, _ body: String, key: String?
    ) async throws -> (TestResponse, [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        let response = try await client.execute(
            uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)
        ) { $0 }
        let object =
            (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
        return (response, object)
    }

    func ticketCount(_ app: TestApp) async throws -> Int {
        Int(try await app.temp.database.testSQL("SELECT COUNT(*) FROM ticket")[0][0] ?? "") ?? -1
    }

    @Test("the same key twice gives one ticket and the same answer; another key a second ticket")
    func sameKeyOneTicket() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let key = UUID().uuidString
            let (first, ticket) = try await post(client, "/api/v1/tickets", Self.ticket, key: key)
            #expect(first.status == .created)
            let (again, replayed) = try await post(client, "/api/v1/tickets", Self.ticket, key: key.lowercased())
            #expect(again.status == .created)
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(Data(again.body.readableBytesView) == Data(first.body.readableBytesView))
            #expect(replayed["number"] as? String == ticket["number"] as? String)
            #expect(try await ticketCount(app) == 1)

            let (other, second) = try await post(client, "/api/v1/tickets", Self.ticket, key: UUID().uuidString)
            #expect(other.status == .created)
            #expect(second["number"] as? String == "А-002")
            #expect(try await ticketCount(app) == 2)

            // Without a key each request is a ticket of its own; a key that is no UUID is refused.
            let (plain, _) = try await post(client, "/api/v1/tickets", Self.ticket, key: nil)
            #expect(plain.status == .created)
            let (bad, refused) = try await post(client, "/api/v1/tickets", Self.ticket, key: "twice")
            #expect(bad.status == .badRequest)
            #expect(refused.error["code"] as? String == "invalidIdempotencyKey")
            #expect(try await ticketCount(app) == 3)
        }
    }

    @Test("two requests with one key at the same moment give one ticket")
    func concurrentSameKey() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let key = UUID().uuidString
            let numbers = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let (response, ticket) = try await post(client, "/api/v1/tickets", Self.ticket, key: key)
                        #expect(response.status == .created)
                        return ticket["number"] as? String
                    }
                }
                var numbers: [String?] = []
                for try await number in group { numbers.append(number) }
                return numbers
            }
            #expect(Set(numbers) == ["А-001"])
            #expect(try await ticketCount(app) == 1)
        }
    }

    @Test("a registration and a grievance sent twice with one key are kept once")
    func registrationAndGrievanceOnce() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let key = UUID().uuidString
            let (created, person) = try await post(client, "/api/v1/registrations", encoded(Fixtures.form()), key: key)
            #expect(created.status == .created)
            let (again, same) = try await post(client, "/api/v1/registrations", encoded(Fixtures.form()), key: key)
            #expect(again.status == .created)
            #expect(same["id"] as? String == person["id"] as? String)
            // The same key on another route is another request.
            let grievance = #"{"category": "serviceQuality", "text": "Дараалал удаан байна."}"#
            let (filed, first) = try await post(client, "/api/v1/grievances", grievance, key: key)
            #expect(filed.status == .created, "\(first)")
            let (refiled, second) = try await post(client, "/api/v1/grievances", grievance, key: key)
            #expect(refiled.status == .created)
            #expect(second["trackingCode"] as? String == first["trackingCode"] as? String)
            let database = app.temp.database
            #expect(try await database.testSQL("SELECT COUNT(*) FROM registration")[0][0] == "1")
            #expect(try await database.testSQL("SELECT COUNT(*) FROM grievance")[0][0] == "1")
        }
    }

    @Test(
        "an answer that could not be kept (the crash window after the commit) is answered again from the record its key made"
    )
    func keyKeptWithTheRecord() async throws {
        let app = try await TestApp()
        let database = app.temp.database
        // The answer's own write fails after the ticket, the registration and the grievance have
        // committed: as if the process had been killed between the two. A real SQLite refusal.
        try await database.testSQL(
            "CREATE TRIGGER answer_lost BEFORE INSERT ON stored_answer BEGIN SELECT RAISE(ABORT, 'lost'); END")
        try await app.test { client in
            let key = UUID().uuidString
            let (first, ticket) = try await post(client, "/api/v1/tickets", Self.ticket, key: key)
            #expect(first.status == .created)
            let (again, same) = try await post(client, "/api/v1/tickets", Self.ticket, key: key)
            #expect(again.status == .created)
            #expect(same["id"] as? String == ticket["id"] as? String)
            #expect(same["number"] as? String == "А-001")
            // The rating code answered the first time comes back, so the QR code still rates it.
            #expect(same["ratingCode"] as? String == ticket["ratingCode"] as? String)
            #expect(ticket["ratingCode"] as? String != nil)
            #expect(try await ticketCount(app) == 1)

            let (created, person) = try await post(client, "/api/v1/registrations", encoded(Fixtures.form()), key: key)
            #expect(created.status == .created)
            // Without the key kept in the registration's transaction this would be 409 alreadyRegistered.
            let (registeredAgain, samePerson) = try await post(
                client, "/api/v1/registrations", encoded(Fixtures.form()), key: key)
            #expect(registeredAgain.status == .created, "\(samePerson)")
            #expect(samePerson["id"] as? String == person["id"] as? String)

            let grievance = #"{"category": "serviceQuality", "text": "Дараалал удаан байна."}"#
            let (filed, firstGrievance) = try await post(client, "/api/v1/grievances", grievance, key: key)
            #expect(filed.status == .created)
            let (refiled, secondGrievance) = try await post(client, "/api/v1/grievances", grievance, key: key)
            #expect(refiled.status == .created)
            #expect(secondGrievance["trackingCode"] as? String == firstGrievance["trackingCode"] as? String)
        }
        #expect(try await database.testSQL("SELECT COUNT(*) FROM stored_answer")[0][0] == "0")
        #expect(try await database.testSQL("SELECT COUNT(*) FROM registration")[0][0] == "1")
        #expect(try await database.testSQL("SELECT COUNT(*) FROM grievance")[0][0] == "1")
        #expect(try await database.testSQL("SELECT COUNT(*) FROM request_key")[0][0] == "3")
    }

    @Test("a full database answers 507 in both languages, is logged and reported, and recovers")
    func fullDatabase() async throws {
        let logs = InMemoryLogHandler()
        let app = try await TestApp(logger: Logger(label: "kiosk-test") { _ in logs })
        let database = app.temp.database
        try await app.test { client in
            let (healthy, health) = try await client.json(.get, "/healthz")
            #expect(healthy.status == .ok)
            #expect(health["database"] as? String == "writable")
            let cookie = try await client.staffCookie(app)
            // SQLite's own limit stands in for a full disk: no page beyond those the file has.
            let pages = try #require(try await database.testSQL("PRAGMA page_count")[0][0])
            try await database.testSQL("PRAGMA max_page_count = \(pages)")
            var full: (TestResponse, [String: Any])?
            for _ in 0..<500 {
                let answer = try await post(client, "/api/v1/tickets", Self.ticket, key: UUID().uuidString)
                if answer.0.status != .created {
                    full = answer
                    break
                }
            }
            let (response, body) = try #require(full)
            #expect(response.status.code == 507)
            #expect(body.error["code"] as? String == "storage.full")
            let message = try #require(body.error["message"] as? [String: String])
            #expect(message["mn"]?.contains("Ажилтанд хандана уу") == true)
            #expect(message["en"]?.contains("see a member of staff") == true)
            let failures = logs.entries.filter { $0.level == .error }
            #expect(failures.count == 1)
            #expect(failures.first?.metadata["kiosk.error.type"]?.description == "KioskCore.StorageError")
            #expect(failures.first?.metadata["kiosk.request.route"]?.description == "/api/v1/tickets")

            let (unwritable, report) = try await client.json(.get, "/healthz")
            #expect(unwritable.status == .serviceUnavailable)
            #expect(report["database"] as? String == "notWritable")
            let (overview, queue) = try await client.staffGet("/api/v1/queue", cookie: cookie)
            #expect(overview.status == .ok)
            let problem = try #require(queue["storageProblem"] as? [String: String])
            #expect(problem["mn"]?.contains("Өгөгдлийн сан") == true)

            // Space returns: the next request succeeds without a restart.
            try await database.testSQL("PRAGMA max_page_count = 1073741823")
            let issued = try await ticketCount(app)
            let (again, _) = try await post(client, "/api/v1/tickets", Self.ticket, key: UUID().uuidString)
            #expect(again.status == .created)
            #expect(try await ticketCount(app) == issued + 1)
            let (recovered, ok) = try await client.json(.get, "/healthz")
            #expect(recovered.status == .ok)
            #expect(ok["database"] as? String == "writable")
            let (calm, quiet) = try await client.staffGet("/api/v1/queue", cookie: cookie)
            #expect(calm.status == .ok)
            #expect(quiet["storageProblem"] == nil)
        }
    }

    @Test(
        "many tickets at once on a database that fills up: each is issued or refused with 507, none acknowledged is lost"
    )
    func fillingUpUnderConcurrentWrites() async throws {
        let app = try await TestApp()
        let database = app.temp.database
        try await app.test { client in
            let pages = Int(try #require(try await database.testSQL("PRAGMA page_count")[0][0] ?? nil)) ?? 0
            try await database.testSQL("PRAGMA max_page_count = \(pages + 3)")
            let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for _ in 0..<120 {
                    group.addTask {
                        let (response, ticket) = try await post(
                            client, "/api/v1/tickets", Self.ticket, key: UUID().uuidString)
                        return (response.status.code, ticket["id"] as? String)
                    }
                }
                var answers: [(Int, String?)] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
            #expect(answers.allSatisfy { $0.0 == 201 || $0.0 == 507 }, "\(answers.map(\.0))")
            #expect(answers.contains { $0.0 == 507 })
            let acknowledged = Set(answers.compactMap { $0.0 == 201 ? $0.1 : nil })
            #expect(!acknowledged.isEmpty)
            try await database.testSQL("PRAGMA max_page_count = 1073741823")
            let stored = Set(try await database.testSQL("SELECT id FROM ticket").compactMap { $0[0] })
            #expect(stored == acknowledged)
        }
    }
}
