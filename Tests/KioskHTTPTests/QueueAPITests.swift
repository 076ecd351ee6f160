import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTP
import KioskHTTPTestSupport
import KioskTestSupport
import NIOCore
import Testing

@Suite("Queue API")
struct QueueAPITests {
    func signIn(_ client: RouterTestClient, _ app: TestApp, counter: Int = 1) async throws -> String {
        try await app.environment.staff.addStaff(
            id: "bat\(counter)", displayName: "Бат", role: .staff, pin: "2468", at: Fixtures.now)
        let response = try await client.execute(
            uri: "/api/v1/staff/sessions", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: "{\"username\": \"bat\(counter)\", \"pin\": \"2468\", \"counter\": \(counter)}")
        ) { $0 }
        #expect(response.status == .created)
        let cookie = try #require(response.headers[.setCookie])
        #expect(cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite=Strict"))
        return String(cookie.split(separator: ";")[0])
    }

    func staffCall(
        _ client: RouterTestClient, _ cookie: String, _ uri: String, _ body: String? = nil
    ) async throws -> (TestResponse, [String: Any]) {
        var headers: HTTPFields = [.cookie: cookie, .origin: TestApp.origin]
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(
            uri: uri, method: .post, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { $0 }
        let object =
            (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
        return (response, object)
    }

    @Test func aTicketFromTheKioskToTheCounter() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let (issued, ticket) = try await client.json(
                .post, "/api/v1/tickets", "{\"serviceCode\": \"А\", \"priority\": \"elderly\", \"language\": \"mn\"}")
            #expect(issued.status == .created)
            #expect(ticket["number"] as? String == "А-001")
            #expect(ticket["peopleAhead"] as? Int == 0)
            #expect(ticket["estimateMinutes"] is NSNull || ticket["estimateMinutes"] == nil)
            let id = try #require(ticket["id"] as? String)

            // Staff actions need a signed-in counter.
            let (anonymous, _) = try await client.json(.post, "/api/v1/counters/1/call-next")
            #expect(anonymous.status == .unauthorized)
            let cookie = try await signIn(client, app)
            let (wrong, _) = try await staffCall(client, cookie, "/api/v1/counters/2/call-next")
            #expect(wrong.status == .forbidden)
            let (called, calledTicket) = try await staffCall(client, cookie, "/api/v1/counters/1/call-next")
            #expect(called.status == .ok)
            #expect(calledTicket["id"] as? String == id)
            #expect(calledTicket["counter"] as? Int == 1)
            // The console counts down the no-show grace period (2 minutes by default).
            #expect(calledTicket["noShowInSeconds"] as? Int == 120)
            let (none, noneBody) = try await staffCall(client, cookie, "/api/v1/counters/1/call-next")
            #expect(none.status == .notFound)
            #expect((noneBody["error"] as? [String: Any])?["code"] as? String == "queue.noTicketWaiting")

            #expect(try await staffCall(client, cookie, "/api/v1/tickets/\(id)/recall").0.status == .ok)
            #expect(try await staffCall(client, cookie, "/api/v1/tickets/\(id)/start").0.status == .ok)
            let (refused, refusal) = try await staffCall(client, cookie, "/api/v1/tickets/\(id)/start")
            #expect(refused.status == .conflict)
            #expect((refusal["error"] as? [String: Any])?["code"] as? String == "queue.notCalled")
            let (finished, done) = try await staffCall(
                client, cookie, "/api/v1/tickets/\(id)/finish", "{\"outcome\": \"registered\"}")
            #expect(finished.status == .ok)
            #expect(done["state"] as? String == "finished")

            let (_, status) = try await client.json(.get, "/api/v1/tickets/\(id)")
            #expect(status["state"] as? String == "finished")
        }
    }

    @Test func servicesThatNeedRegistrationAskForIt() async throws {
        try await TestApp().test { client in
            let (response, body) = try await client.json(.post, "/api/v1/tickets", "{\"serviceCode\": \"Б\"}")
            #expect(response.status == .unprocessableContent)
            #expect(body.codes(for: "registrationId") == ["queue.registrationRequired"])
            let (_, created) = try await client.json(.post, "/api/v1/registrations", encoded(Fixtures.form()))
            let id = try #require(created["id"] as? String)
            let (ok, ticket) = try await client.json(
                .post, "/api/v1/tickets", "{\"serviceCode\": \"Б\", \"registrationId\": \"\(id)\"}")
            #expect(ok.status == .created)
            #expect(ticket["number"] as? String == "Б-001")
            let (unknown, _) = try await client.json(.post, "/api/v1/tickets", "{\"serviceCode\": \"Щ\"}")
            #expect(unknown.status == .unprocessableContent)
        }
    }

    @Test("The overview marks the waiting tickets this counter cannot call")
    func waitingTicketsThisCounterCannotCall() async throws {
        let app = try await TestApp()
        try await app.test { client in
            // Counter 1 serves А and В; Д is served at counters 5 and 6.
            for code in ["А", "Д", "Д"] {
                let (issued, _) = try await client.json(.post, "/api/v1/tickets", "{\"serviceCode\": \"\(code)\"}")
                #expect(issued.status == .created)
            }
            let cookie = try await signIn(client, app)
            let (response, overview) = try await client.staffGet("/api/v1/queue", cookie: cookie)
            #expect(response.status == .ok)
            let waiting = try #require(overview["waiting"] as? [[String: Any]])
            let marks = waiting.map { "\($0["number"] as? String ?? "?") \($0["callable"] as? Bool ?? true)" }
            #expect(marks == ["А-001 true", "Д-001 false", "Д-002 false"])
        }
    }

    @Test func wrongPINsAreRefusedThenLocked() async throws {
        let app = try await TestApp()
        try await app.test { client in
            try await app.environment.staff.addStaff(
                id: "bat", displayName: "Бат", role: .staff, pin: "2468", at: Fixtures.now)
            for attempt in 1...5 {
                let (response, body) = try await client.json(
                    .post, "/api/v1/staff/sessions", "{\"username\": \"bat\", \"pin\": \"0000\", \"counter\": 1}")
                if attempt < 5 {
                    #expect(response.status == .unauthorized)
                } else {
                    #expect(response.status == .tooManyRequests)
                    #expect(response.headers[.retryAfter] == "900")
                    #expect(body.error["code"] as? String == "staff.locked")
                }
            }
        }
    }

    @Test("The session cookie is found among a browser's other cookies; a near miss is not a session")
    func sessionCookieAmongOthers() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let cookie = try await signIn(client, app)
            for header in ["theme=dark; \(cookie)", "\(cookie);lang=mn", "a=1;  \(cookie) \t; b=2", cookie] {
                let response = try await client.execute(
                    uri: "/api/v1/queue", method: .get, headers: [.cookie: header]
                ) { $0 }
                #expect(response.status == .ok, "\(header)")
            }
            let token = cookie.split(separator: "=", maxSplits: 1)[1]
            for header in [
                "x\(cookie)", "kiosk_staff2=\(token)", "kiosk_staff=", "theme=dark", "kiosk_staff=\(token)x",
            ] {
                let response = try await client.execute(
                    uri: "/api/v1/queue", method: .get, headers: [.cookie: header]
                ) { $0 }
                #expect(response.status == .unauthorized, "\(header)")
            }
        }
    }
}

@Suite("Queue screens")
struct QueueScreenTests {
    @Test func ticketStatusPageShowsPositionWithoutPersonalData() async throws {
        try await TestApp().test { client in
            _ = try await client.json(.post, "/api/v1/tickets", "{\"serviceCode\": \"Д\"}")
            let (_, ticket) = try await client.json(
                .post, "/api/v1/tickets", "{\"serviceCode\": \"Д\", \"language\": \"en\"}")
            let id = try #require(ticket["id"] as? String)
            let response = try await client.execute(uri: "/t/\(id)", method: .get) { $0 }
            let html = String(buffer: response.body)
            #expect(response.status == .ok)
            #expect(html.contains("Д-002"))
            #expect(html.contains("Waiting"))
            #expect(html.contains("id=\"status-ahead\">1<"))
            let missing = try await client.execute(uri: "/t/\(UUID().uuidString)", method: .get) { $0 }
            #expect(missing.status == .notFound)
        }
    }

    @Test func kioskOffersEveryServiceAndThePriorityCategories() async throws {
        try await TestApp().test { client in
            let response = try await client.execute(uri: "/kiosk/mn/register", method: .get) { $0 }
            let html = String(buffer: response.body)
            for service in QueueService.demo { #expect(html.contains("data-service=\"\(service.code)\"")) }
            for category in PriorityCategory.allCases {
                #expect(html.contains("data-priority=\"\(category.rawValue)\""))
            }
        }
    }
}
