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

@Suite("Feedback API and the status page's rating form")
struct FeedbackAPITests {
    /// The rating code printed on the tests' tickets.
    static let code = "4KXR-7MPA"

    /// A ticket issued (with `code` as its rating code), served at counter 2 and finished.
    func finishedTicket(_ app: TestApp, code: String = Self.code) async throws -> Ticket {
        let queue = app.environment.queue
        _ = try await queue.issue(
            service: QueueService.demo[1], priority: nil, registrationID: nil, language: .mn,
            ratingDigest: Feedback.ratingDigest(code), at: Fixtures.now)
        let called = try #require(
            try await queue.callNext(counter: 2, staffID: "saraa", services: ["Б"], at: Fixtures.now))
        _ = try await queue.act(ticketID: called.id, .start, by: 2, at: Fixtures.now)
        return try await queue.act(ticketID: called.id, .finish(.counselled), by: 2, at: Fixtures.now)
    }

    @Test("JSON: only the ticket's holder rates it, once; bad ratings and unfinished tickets are refused clearly")
    func json() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let waiting = try await app.environment.queue.issue(
                service: QueueService.demo[0], priority: nil, registrationID: nil, language: .mn,
                ratingDigest: Feedback.ratingDigest(Self.code), at: Fixtures.now)
            let waitingID = waiting.ticket.id.uuidString.lowercased()
            let (early, earlyBody) = try await client.json(
                .post, "/api/v1/tickets/\(waitingID)/feedback", #"{"rating": 5, "code": "\#(Self.code)"}"#)
            #expect(early.status == .conflict)
            #expect(earlyBody.error["code"] as? String == "feedback.notFinished")

            let id = try await finishedTicket(app).id.uuidString.lowercased()
            // The ticket's id is not enough: without the code printed on it, nothing.
            for body in [#"{"rating": 1}"#, #"{"rating": 1, "code": "AAAA-AAAA"}"#] {
                let (refused, refusedBody) = try await client.json(.post, "/api/v1/tickets/\(id)/feedback", body)
                #expect(refused.status == .forbidden)
                #expect(refusedBody.error["code"] as? String == "feedback.wrongCode")
                #expect((refusedBody.error["message"] as? [String: String])?["en"]?.contains("rating code") == true)
            }
            let (bad, badBody) = try await client.json(
                .post, "/api/v1/tickets/\(id)/feedback", #"{"rating": 9, "comment": "x", "code": "\#(Self.code)"}"#)
            #expect(bad.status == .unprocessableContent)
            #expect((badBody.error["fields"] as? [[String: Any]])?.first?["field"] as? String == "rating")
            let (unknownKey, _) = try await client.json(.post, "/api/v1/tickets/\(id)/feedback", #"{"stars": 5}"#)
            #expect(unknownKey.status == .badRequest)

            let (created, body) = try await client.json(
                .post, "/api/v1/tickets/\(id)/feedback",
                #"{"rating": 4, "comment": " Баярлалаа ", "code": "4kxr 7mpa"}"#)
            #expect(created.status == .created)
            #expect(body["rating"] as? Int == 4 && body["comment"] as? String == "Баярлалаа")
            let (again, againBody) = try await client.json(
                .post, "/api/v1/tickets/\(id)/feedback", #"{"rating": 1, "code": "\#(Self.code)"}"#)
            #expect(again.status == .conflict)
            #expect(againBody.error["code"] as? String == "feedback.alreadyGiven")
            let (read, readBody) = try await client.json(.get, "/api/v1/tickets/\(id)/feedback")
            #expect(read.status == .ok && readBody["rating"] as? Int == 4)
            // An unknown ticket is refused as a wrong code: nothing is learnt about tickets.
            let (missing, _) = try await client.json(
                .post, "/api/v1/tickets/\(UUID().uuidString)/feedback", #"{"rating": 3, "code": "\#(Self.code)"}"#)
            #expect(missing.status == .forbidden)
        }
    }

    @Test("A ticket's rating code comes with the ticket, in its QR address and on paper; never again")
    func ratingCodeOnTheTicket() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let (issued, ticket) = try await client.json(.post, "/api/v1/tickets", #"{"serviceCode": "А"}"#)
            #expect(issued.status == .created)
            let code = try #require(ticket["ratingCode"] as? String)
            let id = try #require(ticket["id"] as? String)
            #expect(
                ticket["statusURL"] as? String
                    == "http://kiosk.example:8080/t/\(id)?k=\(code.replacingOccurrences(of: "-", with: ""))")
            let (_, again) = try await client.json(.get, "/api/v1/tickets/\(id)")
            #expect(again["ratingCode"] == nil && (again["statusURL"] as? String)?.contains("?k=") == false)
            let stored = try await app.temp.database.testSQL("SELECT digest FROM ticket_rating_code").map {
                $0[0] ?? ""
            }
            #expect(stored == [Feedback.ratingDigest(code)])
            #expect(!stored[0].contains(code.replacingOccurrences(of: "-", with: "")))
        }
    }

    @Test("The status page offers five faces to the code's holder once the service is over, and thanks them after")
    func statusPageForm() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let id = try await finishedTicket(app).id.uuidString.lowercased()
            let k = Self.code.replacingOccurrences(of: "-", with: "")
            // Without the code (a typed address): the form asks for the code printed on the ticket.
            let bare = String(buffer: try await client.execute(uri: "/t/\(id)?lang=en", method: .get) { $0 }.body)
            #expect(bare.contains("id=\"feedback-code\"") && bare.contains("The rating code on your ticket"))
            let page = try await client.execute(uri: "/t/\(id)?lang=en&k=\(k)", method: .get) { $0 }
            let html = String(buffer: page.body)
            #expect(html.contains("id=\"feedback-form\"") && html.contains("How was the service?"))
            #expect(html.contains("name=\"k\" value=\"\(k)\"") && !html.contains("id=\"feedback-code\""))
            #expect(html.components(separatedBy: "name=\"rating\"").count == 6)
            #expect(!html.contains("http-equiv=\"refresh\""), "a page being filled in does not reload itself")

            func post(_ body: String) async throws -> String {
                let answer = try await client.execute(
                    uri: "/t/\(id)/feedback", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body)
                ) { $0 }
                #expect(answer.status == .seeOther)
                return answer.headers[.location] ?? ""
            }
            // Somebody without the code: refused, nothing stored.
            let stranger = try await post("lang=en&rating=1&k=AAAAAAAA")
            #expect(stranger.contains("problem=feedback.wrongCode"))
            let strangerPage = String(buffer: try await client.execute(uri: stranger, method: .get) { $0 }.body)
            #expect(strangerPage.contains("The rating code does not match this ticket."))

            // No face chosen: back to the page with the reason, the code and the comment kept.
            let back = try await post("lang=en&k=\(k)&comment=%D0%A1%D0%B0%D0%B9%D0%BD+%21")
            #expect(back.contains("problem=rating.required") && back.contains("k=\(k)"))
            let retry = String(buffer: try await client.execute(uri: back, method: .get) { $0 }.body)
            #expect(retry.contains("Please choose a face.") && retry.contains(">Сайн !</textarea>"))

            let sent = try await post("lang=mn&rating=5&comment=&k=\(k)")
            let thanks = String(buffer: try await client.execute(uri: sent, method: .get) { $0 }.body)
            #expect(thanks.contains("Баярлалаа! Таны үнэлгээг хүлээн авлаа.") && thanks.contains("Маш сайн"))
            #expect(!thanks.contains("id=\"feedback-form\""))
            let stored = try await app.environment.feedback?.feedback(ticketID: try #require(UUID(uuidString: id)))
            #expect(stored?.rating == 5 && stored?.comment == nil && stored?.counter == 2)
        }
    }

    @Test("At the kiosk a finished ticket is found by its number and rating code, once, and only today's")
    func byNumber() async throws {
        let app = try await TestApp()
        try await app.test { client in
            func find(_ typed: String, _ code: String = Self.code) async throws -> (TestResponse, [String: Any]) {
                try await client.json(.post, "/api/v1/feedback/ticket", #"{"number": "\#(typed)", "code": "\#(code)"}"#)
            }
            let (none, noneBody) = try await find("Б-001")
            #expect(none.status == .notFound && noneBody.error["code"] as? String == "feedback.noTicket")
            let ticket = try await finishedTicket(app)
            let id = ticket.id.uuidString.lowercased()
            // The number alone hands out nothing.
            let (numberOnly, _) = try await client.json(.post, "/api/v1/feedback/ticket", #"{"number": "Б-001"}"#)
            #expect(numberOnly.status == .badRequest)
            #expect(try await find("Б-001", "AAAA-AAAA").0.status == .notFound)
            #expect(try await client.json(.get, "/api/v1/feedback/ticket?number=%D0%91-001").0.status != .ok)
            for typed in ["Б-001", "б1", "Б 001"] {
                let (found, body) = try await find(typed)
                #expect(found.status == .ok, "\(typed)")
                #expect(body["ticketId"] as? String == id && body["number"] as? String == "Б-001")
            }
            let (rated, _) = try await client.json(
                .post, "/api/v1/tickets/\(id)/feedback", #"{"rating": 3, "code": "\#(Self.code)"}"#)
            #expect(rated.status == .created)
            #expect(try await find("Б-001").0.status == .notFound, "a rated ticket is not offered again")
        }
    }

    @Test("Ratings and finding tickets to rate are throttled per client with a clear 429")
    func throttled() async throws {
        let clock = TestClock()
        let app = try await TestApp(clock: clock)
        try await app.test { client in
            let rate = ThrottleRate.ratings
            for _ in 0..<rate.burst {
                let (tried, _) = try await client.json(
                    .post, "/api/v1/feedback/ticket", #"{"number": "Б-001", "code": "AAAA-AAAA"}"#)
                #expect(tried.status == .notFound)
            }
            let (refused, body) = try await client.json(
                .post, "/api/v1/tickets/\(UUID().uuidString)/feedback", #"{"rating": 3, "code": "AAAA-AAAA"}"#)
            #expect(refused.status == .tooManyRequests)
            #expect(body.error["code"] as? String == "throttled")
            #expect(refused.headers[.retryAfter] == "6")
            let message = try #require(body.error["message"] as? [String: String])
            #expect(message["en"]?.contains("wait a minute") == true && message["mn"]?.contains("хүлээгээд") == true)
            clock.advance(by: 6)
            #expect(
                try await client.json(
                    .post, "/api/v1/feedback/ticket", #"{"number": "Б-001", "code": "AAAA-AAAA"}"#
                ).0.status == .notFound)
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
