import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTPTestSupport
import KioskTestSupport
import NIOCore
import Testing

@testable import KioskHTTP

@Suite("Staff roles on every staff endpoint")
struct RoleTests {
    /// Every staff endpoint and the permission it needs; ids need not exist (the role is checked first).
    static let endpoints: [(HTTPRequest.Method, String, String?, StaffPermission)] = {
        let id = "01930000-0000-7000-8000-000000000000"
        return [
            (.post, "/api/v1/counters/1/call-next", nil, .serveQueue),
            (.post, "/api/v1/tickets/\(id)/start", nil, .serveQueue),
            (.post, "/api/v1/tickets/\(id)/finish", #"{"outcome": "other"}"#, .serveQueue),
            (.get, "/api/v1/queue", nil, .watchQueue),
            (.post, "/api/v1/sync", nil, .syncNow),
            (.get, "/api/v1/printers", nil, .checkDevices),
            (.get, "/api/v1/registrations/\(id)", nil, .readPeople),
            (.get, "/api/v1/staff/matches?registrationId=\(id)", nil, .readPeople),
            (.post, "/api/v1/referrals", #"{"registrationId": "\#(id)", "vacancyReference": "V-1"}"#, .referPeople),
            (.get, "/api/v1/staff/registrations/\(id)/fingerprints", nil, .readPeople),
            (.delete, "/api/v1/staff/registrations/\(id)/fingerprints", nil, .manageFingerprints),
            (.put, "/api/v1/staff/registrations/\(id)/fingerprints", #"{"enrolmentId": "x"}"#, .manageFingerprints),
            (.get, "/api/v1/staff/grievances", nil, .triageGrievances),
            (.get, "/api/v1/staff/dashboard", nil, .readDashboard),
            (.get, "/api/v1/staff/dashboard/byService.csv", nil, .readDashboard),
            (.get, "/api/v1/staff/grievances/GR-AAAA-AAAA", nil, .triageGrievances),
            (.post, "/api/v1/staff/accounts/nobody/unlock", nil, .manageStaff),
            (.post, "/api/v1/staff/grievances/GR-AAAA-AAAA/steps", #"{"action": "acknowledge"}"#, .triageGrievances),
        ]
    }()

    @Test(
        "The matrix: officers and the head serve people; a technician reaches only devices, the link and the queue board"
    )
    func matrix() {
        #expect(
            StaffPermission.allCases.filter { StaffRole.technician.allows($0) } == [
                .watchQueue, .checkDevices, .syncNow,
            ])
        #expect(StaffPermission.allCases.allSatisfy { StaffRole.head.allows($0) })
        #expect(StaffPermission.allCases.filter { !StaffRole.staff.allows($0) } == [.manageStaff])
    }

    @Test("Each endpoint refuses the roles its permission leaves out, and nobody signed out")
    func everyEndpoint() async throws {
        let app = try await TestApp()
        try await app.test { client in
            var cookies: [StaffRole: String] = [:]
            for (index, role) in StaffRole.allCases.enumerated() {
                try await app.environment.staff.addStaff(
                    id: "user-\(role.rawValue)", displayName: role.rawValue, role: role, pin: "2468", at: Fixtures.now)
                let response = try await client.execute(
                    uri: "/api/v1/staff/sessions", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(
                        string: #"{"username": "user-\#(role.rawValue)", "pin": "2468", "counter": \#(index + 1)}"#)
                ) { $0 }
                cookies[role] = String((response.headers[.setCookie] ?? "").split(separator: ";")[0])
            }
            for (method, uri, body, permission) in Self.endpoints {
                let anonymous = try await client.execute(
                    uri: uri, method: method, headers: [.contentType: "application/json"],
                    body: body.map { ByteBuffer(string: $0) }
                ) { $0 }
                #expect(anonymous.status == .unauthorized, "\(method) \(uri) without a session")
                for role in StaffRole.allCases {
                    let response = try await client.execute(
                        uri: uri, method: method,
                        headers: [
                            .cookie: cookies[role]!, .origin: TestApp.origin, .contentType: "application/json",
                        ],
                        body: body.map { ByteBuffer(string: $0) }
                    ) { $0 }
                    let refusedForRole =
                        response.status == .forbidden && String(buffer: response.body).contains("\"staff.role\"")
                    #expect(
                        refusedForRole == !role.allows(permission),
                        "\(method) \(uri) as \(role): \(response.status) \(String(buffer: response.body).prefix(120))")
                }
            }
        }
    }
}
