import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTPTestSupport
import KioskTestSupport
import NIOCore
import Testing

@testable import KioskHTTP

@Suite("The dashboard's indicator breakdown: who may read it, a bad period, labels in both languages")
struct IndicatorBreakdownAPITests {
    func get(_ client: RouterTestClient, _ uri: String, cookie: String) async throws -> (
        HTTPResponse.Status, [String: Any]
    ) {
        let response = try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]) { $0 }
        return (response.status, response.jsonObject)
    }

    @Test("the head reads it; technicians 403, strangers 401, a period over 400 days or a date that is none 400")
    func access() async throws {
        let app = try await TestApp()
        try await app.test { client in
            _ = try await app.environment.registrations.register(try Fixtures.details(), at: Fixtures.now)
            let uri = "/api/v1/staff/indicator-breakdown?from=2026-01-01&to=2026-12-31"
            let head = try await app.staffCookie(client, "darga", .head, displayName: "Дарга")
            let (status, body) = try await get(client, uri, cookie: head)
            #expect(status == .ok)
            #expect((body["totals"] as? [String: Int])?["registeredJobseekers"] == 1)
            let dimensions = try #require(body["dimensions"] as? [[String: Any]])
            #expect(
                dimensions.map { $0["name"] as? String } == [
                    "sex", "ageGroup", "education", "disability", "timeUnemployed",
                ])
            let sex = try #require(dimensions.first)
            #expect((sex["label"] as? [String: String]) == ["mn": "Хүйс", "en": "Sex"])
            let female = try #require((sex["groups"] as? [[String: Any]])?.first)
            #expect((female["label"] as? [String: String]) == ["mn": "Эмэгтэй", "en": "Female"])
            let technician = try await app.staffCookie(client, "tech", .technician, counter: 2)
            #expect(try await get(client, uri, cookie: technician).0 == .forbidden)
            #expect(try await get(client, uri, cookie: "").0 == .unauthorized)
            let (bad, refusal) = try await get(
                client, "/api/v1/staff/indicator-breakdown?from=2020-01-01&to=2026-12-31", cookie: head)
            #expect(bad == .badRequest && refusal.error["code"] as? String == "dashboard.period", "\(bad) \(refusal)")
            let (notADate, why) = try await get(
                client, "/api/v1/staff/indicator-breakdown?from=2026-13-01", cookie: head)
            #expect(notADate == .badRequest && why.error["field"] as? String == "from")
        }
    }
}
