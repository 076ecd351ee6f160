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

@Suite("Grievance API and its role boundaries")
struct GrievanceAPITests {
    /// A session cookie for a new member of staff with `role`.
    func cookie(_ client: RouterTestClient, _ app: TestApp, _ id: String, _ role: StaffRole, counter: Int = 1)
        async throws -> String
    {
        try await app.staffCookie(client, id, role, counter: counter)
    }

    func send(
        _ client: RouterTestClient, _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil,
        cookie: String
    ) async throws -> (TestResponse, [String: Any]) {
        let response = try await client.execute(
            uri: uri, method: method,
            headers: [.cookie: cookie, .origin: TestApp.origin, .contentType: "application/json"],
            body: body.map { ByteBuffer(string: $0) }
        ) { $0 }
        let object =
            (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
        return (response, object)
    }

    @Test("Filed anonymously or with contact details; followed by its code without revealing its text")
    func fileAndTrack() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let (bad, badBody) = try await client.json(
                .post, "/api/v1/grievances", #"{"category": "rude", "text": "", "contactName": "Бат"}"#)
            #expect(bad.status == .unprocessableContent)
            let fields = (badBody.error["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(Set(fields) == ["category", "text", "contactPhone"])

            let (filed, body) = try await client.json(
                .post, "/api/v1/grievances",
                #"{"category": "serviceQuality", "text": "Цонх 3 хаалттай байсан", "contactName": "Бат", "contactPhone": "99112233", "language": "en"}"#
            )
            #expect(filed.status == .created)
            let code = try #require(body["trackingCode"] as? String)
            #expect(body["dueOn"] as? String == "2026-12-22")
            let acknowledgement = try #require(body["acknowledgement"] as? [String: String])
            #expect(acknowledgement["en"]?.contains("2026-12-22") == true && acknowledgement["mn"]?.isEmpty == false)

            let (tracked, view) = try await client.json(
                .get, "/api/v1/grievances/\(code.lowercased().replacingOccurrences(of: "-", with: ""))")
            #expect(tracked.status == .ok)
            #expect(view["state"] as? String == "filed" && view["trackingCode"] as? String == code)
            #expect(view["text"] == nil && view["contact"] == nil, "the code shows where it stands, not what it says")
            let (unknown, _) = try await client.json(.get, "/api/v1/grievances/GR-AAAA-AAAA")
            #expect(unknown.status == .notFound)
        }
    }

    @Test("Staff triage what they may see; staff conduct is the head's alone; technicians and strangers see none")
    func roles() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let (_, quality) = try await client.json(
                .post, "/api/v1/grievances", #"{"category": "serviceQuality", "text": "Удаан"}"#)
            let (_, conduct) = try await client.json(
                .post, "/api/v1/grievances", #"{"category": "staffConduct", "text": "Бүдүүлэг харьцсан"}"#)
            let qualityCode = try #require(quality["trackingCode"] as? String)
            let conductCode = try #require(conduct["trackingCode"] as? String)
            let staff = try await cookie(client, app, "saraa", .staff, counter: 2)
            let head = try await cookie(client, app, "darga", .head, counter: 3)
            let technician = try await cookie(client, app, "tech", .technician, counter: 4)

            let (anonymous, _) = try await client.json(.get, "/api/v1/staff/grievances")
            #expect(anonymous.status == .unauthorized)
            let (techList, techBody) = try await send(client, .get, "/api/v1/staff/grievances", cookie: technician)
            #expect(techList.status == .forbidden && techBody.error["code"] as? String == "staff.role")

            let (_, staffList) = try await send(client, .get, "/api/v1/staff/grievances", cookie: staff)
            let staffCodes = (staffList["grievances"] as? [[String: Any]] ?? []).compactMap {
                $0["trackingCode"] as? String
            }
            #expect(staffCodes == [qualityCode])
            let (_, headList) = try await send(client, .get, "/api/v1/staff/grievances", cookie: head)
            #expect((headList["grievances"] as? [[String: Any]])?.count == 2)

            let (peek, _) = try await send(client, .get, "/api/v1/staff/grievances/\(conductCode)", cookie: staff)
            #expect(peek.status == .forbidden)
            let (act, _) = try await send(
                client, .post, "/api/v1/staff/grievances/\(conductCode)/steps", #"{"action": "acknowledge"}"#,
                cookie: staff)
            #expect(act.status == .forbidden)

            // The head acknowledges, assigns with a new due date, and resolves; each step is recorded.
            let steps = "/api/v1/staff/grievances/\(conductCode)/steps"
            #expect(try await send(client, .post, steps, #"{"action": "acknowledge"}"#, cookie: head).0.status == .ok)
            let (noOne, noOneBody) = try await send(client, .post, steps, #"{"action": "assign"}"#, cookie: head)
            #expect(noOne.status == .unprocessableContent)
            #expect((noOneBody.error["fields"] as? [[String: Any]])?.first?["field"] as? String == "assignee")
            let (past, _) = try await send(
                client, .post, steps, #"{"action": "assign", "assignee": "darga", "dueOn": "2020-01-01"}"#, cookie: head
            )
            #expect(past.status == .unprocessableContent)
            let (assigned, assignedBody) = try await send(
                client, .post, steps,
                #"{"action": "assign", "assignee": "darga", "dueOn": "2026-12-01", "note": "Ярилцана"}"#,
                cookie: head)
            #expect(assigned.status == .ok && assignedBody["dueOn"] as? String == "2026-12-01")
            let (resolved, resolvedBody) = try await send(
                client, .post, steps, #"{"action": "resolve", "note": "Уучлал гуйсан"}"#, cookie: head)
            #expect(resolved.status == .ok && resolvedBody["state"] as? String == "resolved")
            #expect(
                (resolvedBody["steps"] as? [[String: Any]])?.map { $0["staffId"] as? String } == [
                    "darga", "darga", "darga",
                ])
            let (after, afterBody) = try await send(client, .post, steps, #"{"action": "refer"}"#, cookie: head)
            #expect(after.status == .conflict && afterBody.error["code"] as? String == "grievance.closed")

            // The visitor's code now shows it resolved; the staff audit names the head for each step.
            let (_, tracked) = try await client.json(.get, "/api/v1/grievances/\(conductCode)")
            #expect(tracked["state"] as? String == "resolved")
            #expect((tracked["steps"] as? [[String: Any]])?.count == 3)
            let audit = try await app.temp.database.testSQL(
                "SELECT staff_id || ':' || action FROM staff_audit WHERE action LIKE 'grievance.%' ORDER BY seq"
            ).map { $0[0] ?? "" }
            #expect(audit == ["darga:grievance.acknowledge", "darga:grievance.assign", "darga:grievance.resolve"])
            let records = try await app.temp.database.testSQL(
                "SELECT record_type FROM outbox WHERE record_type LIKE 'grievance.%' ORDER BY seq"
            ).map { $0[0] ?? "" }
            #expect(
                records == [
                    "grievance.filed", "grievance.filed", "grievance.updated", "grievance.updated", "grievance.updated",
                ])
        }
    }
}
