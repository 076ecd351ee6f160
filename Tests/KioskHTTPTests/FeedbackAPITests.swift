import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskHTTPTestSupport
import KioskTestSupport
import NIOCore
import Testing

@testable import KioskHTTP

@Suite("Feedback API and the status page's rating form")
struct FeedbackAPITests {
    /// A ticket issued, served at counter 2 and finished.
    func finishedTicket(_ app: TestApp) async throws -> Ticket {
        let queue = app.environment.queue
        _ = try await queue.issue(
            service: QueueService.demo[1], priority: nil, registrationID: nil, language: .mn, at: Fixtures.now)
        let called = try #require(
            try await queue.callNext(counter: 2, staffID: "saraa", services: ["Б"], at: Fixtures.now))
        _ = try await queue.act(ticketID: called.id, .start, by: 2, at: Fixtures.now)
        return try await queue.act(ticketID: called.id, .finish(.counselled), by: 2, at: Fixtures.now)
    }

    @Test("JSON: a finished ticket is rated once; bad ratings and unfinished tickets are refused clearly")
    func json() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let waiting = try await app.environment.queue.issue(
                service: QueueService.demo[0], priority: nil, registrationID: nil, language: .mn, at: Fixtures.now)
            let waitingID = waiting.ticket.id.uuidString.lowercased()
            let (early, earlyBody) = try await client.json(
                .post, "/api/v1/tickets/\(waitingID)/feedback", #"{"rating": 5}"#)
            #expect(early.status == .conflict)
            #expect(earlyBody.error["code"] as? String == "feedback.notFinished")

            let id = try await finishedTicket(app).id.uuidString.lowercased()
            let (bad, badBody) = try await client.json(
                .post, "/api/v1/tickets/\(id)/feedback", #"{"rating": 9, "comment": "x"}"#)
            #expect(bad.status == .unprocessableContent)
            #expect((badBody.error["fields"] as? [[String: Any]])?.first?["field"] as? String == "rating")
            let (unknownKey, _) = try await client.json(.post, "/api/v1/tickets/\(id)/feedback", #"{"stars": 5}"#)
            #expect(unknownKey.status == .badRequest)

            let (created, body) = try await client.json(
                .post, "/api/v1/tickets/\(id)/feedback", #"{"rating": 4, "comment": " Баярлалаа "}"#)
            #expect(created.status == .created)
            #expect(body["rating"] as? Int == 4 && body["comment"] as? String == "Баярлалаа")
            let (again, againBody) = try await client.json(.post, "/api/v1/tickets/\(id)/feedback", #"{"rating": 1}"#)
            #expect(again.status == .conflict)
            #expect(againBody.error["code"] as? String == "feedback.alreadyGiven")
            let (read, readBody) = try await client.json(.get, "/api/v1/tickets/\(id)/feedback")
            #expect(read.status == .ok && readBody["rating"] as? Int == 4)
            let (missing, _) = try await client.json(
                .post, "/api/v1/tickets/\(UUID().uuidString)/feedback", #"{"rating": 3}"#)
            #expect(missing.status == .notFound)
        }
    }

    @Test("The status page offers five faces once the service is over, and thanks the visitor after")
    func statusPageForm() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let id = try await finishedTicket(app).id.uuidString.lowercased()
            let page = try await client.execute(uri: "/t/\(id)?lang=en", method: .get) { $0 }
            let html = String(buffer: page.body)
            #expect(html.contains("id=\"feedback-form\"") && html.contains("How was the service?"))
            #expect(html.components(separatedBy: "name=\"rating\"").count == 6)
            #expect(!html.contains("http-equiv=\"refresh\""), "a page being filled in does not reload itself")

            // No face chosen: back to the page with the reason and the comment kept.
            let empty = try await client.execute(
                uri: "/t/\(id)/feedback", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "lang=en&comment=%D0%A1%D0%B0%D0%B9%D0%BD+%21")
            ) { $0 }
            #expect(empty.status == .seeOther)
            let back = try #require(empty.headers[.location])
            #expect(back.contains("problem=rating.required"))
            let retry = String(buffer: try await client.execute(uri: back, method: .get) { $0 }.body)
            #expect(retry.contains("Please choose a face.") && retry.contains(">Сайн !</textarea>"))

            let sent = try await client.execute(
                uri: "/t/\(id)/feedback", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "lang=mn&rating=5&comment=")
            ) { $0 }
            let thanks = String(
                buffer: try await client.execute(uri: try #require(sent.headers[.location]), method: .get) { $0 }.body)
            #expect(thanks.contains("Баярлалаа! Таны үнэлгээг хүлээн авлаа.") && thanks.contains("Маш сайн"))
            #expect(!thanks.contains("id=\"feedback-form\""))
            let stored = try await app.environment.feedback?.feedback(ticketID: try #require(UUID(uuidString: id)))
            #expect(stored?.rating == 5 && stored?.comment == nil && stored?.counter == 2)
        }
    }

    @Test("At the kiosk a finished ticket is found by the number printed on it, once, and only today's")
    func byNumber() async throws {
        let app = try await TestApp()
        try await app.test { client in
            func find(_ typed: String) async throws -> (TestResponse, [String: Any]) {
                let query = typed.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                return try await client.json(.get, "/api/v1/feedback/ticket?number=\(query)")
            }
            let (none, noneBody) = try await find("Б-001")
            #expect(none.status == .notFound && noneBody.error["code"] as? String == "feedback.noTicket")
            let ticket = try await finishedTicket(app)
            let id = ticket.id.uuidString.lowercased()
            for typed in ["Б-001", "б1", "Б 001"] {
                let (found, body) = try await find(typed)
                #expect(found.status == .ok, "\(typed)")
                #expect(body["ticketId"] as? String == id && body["number"] as? String == "Б-001")
            }
            let (rated, _) = try await client.json(.post, "/api/v1/tickets/\(id)/feedback", #"{"rating": 3}"#)
            #expect(rated.status == .created)
            #expect(try await find("Б-001").0.status == .notFound, "a rated ticket is not offered again")
        }
    }

    @Test(
        "Ticket numbers as typed",
        arguments: [("А-012", "А", 12), ("а12", "А", 12), ("A 12", "А", 12), ("Д-7", "Д", 7), ("Е001", "Е", 1)])
    func ticketNumbers(_ raw: String, _ code: String, _ number: Int) {
        let parsed = Feedback.parseTicketNumber(raw)
        #expect(parsed?.code == code && parsed?.number == number)
    }

    @Test("Not ticket numbers", arguments: ["", "12", "А", "А-0", "А-x1", "--"])
    func notTicketNumbers(_ raw: String) {
        #expect(Feedback.parseTicketNumber(raw) == nil)
    }

    @Test("Form fields: plus is a space, percent escapes are read, the last repeated name wins")
    func formFields() {
        #expect(
            FeedbackAPI.formFields("a=1&comment=%D3%A8%D0%B3+%D2%AF&a=2&flag&bad=%ZZ")
                == ["a": "2", "comment": "Өг ү", "flag": "", "bad": ""])
    }
}
