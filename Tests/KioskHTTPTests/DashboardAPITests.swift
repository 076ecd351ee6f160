import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskTestSupport
import NIOCore
import Testing

@testable import KioskHTTP

@Suite("Dashboard API and CSV export")
struct DashboardAPITests {
    @Test("Today's figures as JSON and every table as CSV with a byte-order mark for Cyrillic")
    func figuresAndCSV() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let queue = app.environment.queue
            _ = try await queue.issue(
                service: QueueService.demo[1], priority: nil, registrationID: nil, language: .mn, at: Fixtures.now)
            let called = try #require(
                try await queue.callNext(counter: 2, staffID: "saraa", services: ["Б"], at: Fixtures.now + 120))
            _ = try await queue.act(ticketID: called.id, .start, by: 2, at: Fixtures.now + 180)
            _ = try await queue.act(ticketID: called.id, .finish(.counselled), by: 2, at: Fixtures.now + 480)
            _ = try await app.environment.feedback?.record(
                ticketID: called.id, rating: 4, comment: nil, at: Fixtures.now + 500)
            let cookie = try await client.staffCookie(app)

            let (response, body) = try await client.staffGet(
                "/api/v1/staff/dashboard?from=2026-11-22&to=2026-11-22", cookie: cookie)
            #expect(response.status == .ok)
            let rows = try #require(body["byService"] as? [[String: Any]])
            let b = try #require(rows.first { $0["key"] as? String == "Б" })
            #expect(b["issued"] as? Int == 1 && b["served"] as? Int == 1)
            #expect((b["wait"] as? [String: Any])?["median"] as? Double == 120)
            #expect((b["service"] as? [String: Any])?["median"] as? Double == 300)
            let satisfaction = try #require((body["satisfactionByCounter"] as? [[String: Any]])?.first)
            #expect(satisfaction["key"] as? String == "2" && satisfaction["mean"] as? Double == 4)

            let csv = try await client.execute(
                uri: "/api/v1/staff/dashboard/byService.csv?from=2026-11-22&to=2026-11-22", method: .get,
                headers: [.cookie: cookie]
            ) { $0 }
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition]?.contains("byService-2026-11-22-2026-11-22.csv") == true)
            let bytes = Array(csv.body.readableBytesView)
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines.first?.hasPrefix("key,issued,served,no_shows,abandonment") == true)
            #expect(lines.contains("Б,1,1,0,0.0000,120,120,300,300"))

            for table in DashboardAPI.tables {
                let answer = try await client.execute(
                    uri: "/api/v1/staff/dashboard/\(table).csv", method: .get, headers: [.cookie: cookie]
                ) { $0 }
                #expect(answer.status == .ok, "\(table)")
            }
            let (unknown, _) = try await client.staffGet("/api/v1/staff/dashboard/people.csv", cookie: cookie)
            #expect(unknown.status == .notFound)
            let (backwards, error) = try await client.staffGet(
                "/api/v1/staff/dashboard?from=2026-11-22&to=2026-11-01", cookie: cookie)
            #expect(backwards.status == .badRequest && error.error["code"] as? String == "dashboard.period")
            let (notADate, _) = try await client.staffGet("/api/v1/staff/dashboard?from=yesterday", cookie: cookie)
            #expect(notADate.status == .badRequest)
        }
    }

    @Test("CSV fields: quoted when needed, never read as a formula")
    func fields() {
        #expect(DashboardAPI.field("Б") == "Б")
        #expect(DashboardAPI.field("a,b") == "\"a,b\"")
        #expect(DashboardAPI.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(DashboardAPI.field("=SUM(A1)") == "'=SUM(A1)")
        #expect(DashboardAPI.field("-1,2") == "\"'-1,2\"")
    }
}
