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

/// Staff access over the real router and a SQLite file: wrong PINs counted exactly under
/// concurrency, the head lifting a lock, and cookie-authenticated changes only from the kiosk's
/// own origin, as JSON.
@Suite struct StaffAccessTests {
    static let pin = "470913"

    static func signIn(_ client: RouterTestClient, _ username: String, _ pin: String, counter: Int = 1)
        async throws -> TestResponse
    {
        try await client.execute(
            uri: "/api/v1/staff/sessions", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"username": "\#(username)", "pin": "\#(pin)", "counter": \#(counter)}"#)
        ) { $0 }
    }

    static func cookie(_ response: TestResponse) -> String {
        String((response.headers[.setCookie] ?? "").split(separator: ";").first ?? "")
    }

    @Test func twentyConcurrentWrongPINsAreCountedAsFiveThenTheHeadLiftsTheLock() async throws {
        let app = try await TestApp()
        try await app.environment.staff.addStaff(
            id: "bat", displayName: "Бат", role: .staff, pin: Self.pin, at: Fixtures.now)
        try await app.environment.staff.addStaff(
            id: "darga", displayName: "Дарга", role: .head, pin: "583920", at: Fixtures.now)
        try await app.test { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await Self.signIn(client, "bat", "000000").status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 4)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 16)
            let audit = try await app.temp.database.testSQL(
                "SELECT action FROM staff_audit WHERE staff_id = 'bat' ORDER BY seq"
            ).compactMap { $0.first ?? nil }
            // In whatever order the attempts finished: four failures and the lock, nothing more.
            #expect(audit.sorted() == ["accountSaved", "locked"] + Array(repeating: "signInFailed", count: 4))
            let locked = try await Self.signIn(client, "bat", Self.pin)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers[.retryAfter] == "900")

            // An officer may not lift it; the head may, from the console.
            let officerCookie = try await client.staffCookie(app)
            let (refused, refusal) = try await client.staffPost(
                "/api/v1/staff/accounts/bat/unlock", "", cookie: officerCookie)
            #expect(refused.status == .forbidden && refusal.error["code"] as? String == "staff.role")
            let head = Self.cookie(try await Self.signIn(client, "darga", "583920", counter: 2))
            let (lifted, _) = try await client.staffPost("/api/v1/staff/accounts/bat/unlock", "", cookie: head)
            #expect(lifted.status == .noContent)
            let (unknown, _) = try await client.staffPost("/api/v1/staff/accounts/nobody/unlock", "", cookie: head)
            #expect(unknown.status == .notFound)
            #expect(try await Self.signIn(client, "bat", Self.pin).status == .created)
            let unlocked = try await app.temp.database.testSQL(
                "SELECT staff_id || ' ' || action FROM staff_audit WHERE action LIKE 'unlocked%'"
            ).compactMap { $0.first ?? nil }
            #expect(unlocked == ["darga unlocked:bat"])
        }
    }

    @Test func cookieChangesFromAnotherOriginOrNotAsJSONAreRefused() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let cookie = try await client.staffCookie(app)
            func post(_ headers: HTTPFields, body: String? = #"{"outcome": "other"}"#) async throws -> (
                HTTPResponse.Status, String
            ) {
                let response = try await client.execute(
                    uri: "/api/v1/counters/1/call-next", method: .post, headers: headers,
                    body: body.map { ByteBuffer(string: $0) }
                ) { $0 }
                let object =
                    (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any]
                    ?? [:]
                return (response.status, object.error["code"] as? String ?? "")
            }
            // A form on another site, a fetch from another site, no origin at all.
            #expect(
                try await post([.cookie: cookie, .origin: "http://evil.example", .contentType: "text/plain"])
                    == (.forbidden, "staff.crossOrigin"))
            #expect(
                try await post([.cookie: cookie, .origin: "http://evil.example", .contentType: "application/json"])
                    == (.forbidden, "staff.crossOrigin"))
            #expect(
                try await post([.cookie: cookie, .contentType: "application/json"]) == (.forbidden, "staff.crossOrigin")
            )
            #expect(
                try await post([.cookie: cookie, .referer: "http://kiosk.example:8081/staff"])
                    == (.forbidden, "staff.crossOrigin"))
            // The kiosk's own origin, but a form body: refused for its type.
            #expect(
                try await post([
                    .cookie: cookie, .origin: TestApp.origin, .contentType: "application/x-www-form-urlencoded",
                ]) == (.unsupportedMediaType, "staff.jsonRequired"))
            // The kiosk's own console: accepted (no ticket waits).
            #expect(
                try await post([.cookie: cookie, .origin: TestApp.origin, .contentType: "application/json"], body: nil)
                    == (.notFound, "queue.noTicketWaiting"))
            #expect(
                try await post([.cookie: cookie, .referer: "\(TestApp.origin)/staff"], body: nil)
                    == (.notFound, "queue.noTicketWaiting"))
            // A bearer token is not sent by a browser on its own: no origin needed.
            let token = cookie.split(separator: "=")[1]
            #expect(
                try await post([.authorization: "Bearer \(token)"], body: nil) == (.notFound, "queue.noTicketWaiting"))
            // Both languages.
            let response = try await client.execute(
                uri: "/api/v1/counters/1/call-next", method: .post,
                headers: [.cookie: cookie, .origin: "http://evil.example"]
            ) { $0 }
            let body = String(buffer: response.body)
            #expect(body.contains("staff console") && body.contains("ажилтны самбар"))
        }
    }
}
