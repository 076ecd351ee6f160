import Foundation
import Hummingbird
import KioskCore
import KioskTestSupport
import LMISHub
import LMISProtocol
import LMISSync
import Logging
import PostgresNIO
import Testing

/// Every route the hub's router registers, read from the router itself, with the callers it is for
/// in one table: nobody (health, enrolment by its one-time code), a signed device, or the admin
/// token. Every other caller is refused with 401 (or 403) and a problem that says so in English and
/// Mongolian; no caller gets a 5xx. Over a real PostgreSQL; a route missing from the table fails.
@Suite(.serialized) struct HubRouteCallerMatrixTests {
    enum Caller: String, CaseIterable {
        case nobody, device, admin
    }

    enum Access: String {
        case anyone, device, admin
    }

    static let table: [String: Access] = [
        "GET /health": .anyone,
        "POST /v1/enrol": .anyone,
        "POST /v1/upload": .device,
        "GET /v1/upload/receipts": .device,
        "GET /v1/changes": .device,
        "GET /v1/reference/{kind}": .device,
        "POST /v1/heartbeat": .device,
        "POST /v1/identity": .device,
        "POST /v1/identity/batch": .device,
        "GET /v1/status": .device,
        "POST /v1/case-summary": .device,
        "POST /v1/sms": .device,
        "GET /v1/sms/updates": .device,
        "POST /v1/sms/updates/acknowledge": .device,
        "GET /metrics": .admin,
        "GET /admin/operations": .admin,
        "PUT /admin/offices/{code}": .admin,
        "POST /admin/enrolment-codes": .admin,
        "GET /admin/devices": .admin,
        "POST /admin/devices/{id}/revoke": .admin,
        "PUT /admin/vacancies": .admin,
        "DELETE /admin/vacancies/{reference}": .admin,
        "PUT /admin/reference/{kind}": .admin,
        "PUT /admin/simulated-civil-registry": .admin,
        "GET /admin/quarantine": .admin,
        "GET /admin/offices/{code}/indicators": .admin,
        "GET /admin/employer-breakdown": .admin,
        "GET /admin/employer-breakdown.csv": .admin,
        "GET /admin/employers": .admin,
        "GET /admin/offices/{code}/indicators/breakdown": .admin,
        "GET /admin/indicators": .admin,
        "GET /admin/indicators.csv": .admin,
        "POST /admin/epoch/rotate": .admin,
        "PUT /admin/simulated-sms-gateway": .admin,
        "POST /admin/simulated-sms-gateway/replies": .admin,
        "GET /admin/simulated-sms-gateway/submissions": .admin,
        "GET /admin/update-channels": .admin,
        "PUT /admin/update-channels/{channel}": .admin,
        "DELETE /admin/update-channels/{channel}": .admin,
    ]

    /// What would change what later requests find: run after the rest (a revoked device signs no more).
    static let last: Set<String> = ["POST /admin/devices/{id}/revoke", "POST /admin/epoch/rotate"]

    /// The routes of a hub router built as the server builds it (its client never connects).
    static func routes() -> [String] {
        let logger = quietLogger("matrix")
        let client = PostgresClient(
            configuration: .init(
                host: "127.0.0.1", port: 1, username: "nobody", password: nil, database: nil, tls: .disable),
            backgroundLogger: logger)
        let router = HubRouter(
            store: HubStore(client: client, logger: logger),
            registry: SimulatedCivilRegistry(client: client, logger: logger), configuration: HubConfiguration(),
            logger: logger
        ).build()
        return router.routes.map(\.description)
    }

    @Test func theTableNamesEveryHubRouteAndOnlyThose() {
        let registered = Set(Self.routes())
        #expect(registered.subtracting(Self.table.keys).sorted() == [], "routes without their callers")
        #expect(Set(Self.table.keys).subtracting(registered).sorted() == [], "routes the hub no longer has")
    }

    @Test func everyHubRouteRefusesEveryOtherCallerInBothLanguages() async throws {
        // With the simulated SMS gateway, so that the SMS routes answer rather than say there is none.
        let hub = try await HubHarness.start { $0.smsGateway = "simulated" }
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        let signer = try await kiosk.enrolledSigner(hub)
        let device = try #require(try await kiosk.engine.store.enrolment()).deviceID
        let routes = Self.routes().sorted {
            (Self.last.contains($0) ? 1 : 0, $0) < (Self.last.contains($1) ? 1 : 0, $1)
        }
        var checked = 0
        for route in routes {
            guard let access = Self.table[route] else { continue }
            let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
            let values = [
                "{kind}": "occupations", "{code}": "UB-SB", "{id}": device, "{reference}": "V-UB-SB-0001",
            ]
            let path = values.reduce(parts[1]) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
            let body = parts[0] == "POST" || parts[0] == "PUT" ? Data("{}".utf8) : nil
            for caller in Caller.allCases {
                let answer = try await hub.admin.send(
                    parts[0], path, body: body, signer: caller == .device ? signer : nil,
                    extraHeaders: caller == .admin ? ["Authorization": "Bearer \(adminToken)"] : [:])
                checked += 1
                let text = String(decoding: answer.body, as: UTF8.self)
                let said = "\(route) [\(access)] as \(caller): \(answer.status) \(text.prefix(160))"
                #expect(answer.status < 500, "\(said)")
                let allowed = access == .anyone || access.rawValue == caller.rawValue
                let problem = try? LMISCoding.decoder.decode(Problem.self, from: answer.body)
                let refusals: Set<ProblemCode> = [.unsigned, .badSignature, .unknownDevice, .revokedDevice]
                if allowed {
                    #expect(!(answer.status == 401 && problem.map { refusals.contains($0.error) } == true), "\(said)")
                    continue
                }
                #expect(answer.status == 401, "refused wrongly: \(said)")
                #expect(problem.map { refusals.contains($0.error) } == true, "\(said)")
                #expect(problem?.message.isEmpty == false, "\(said)")
                #expect(
                    problem?.messageMn?.unicodeScalars.contains { (0x0400...0x04FF).contains($0.value) } == true,
                    "not in Mongolian: \(said)")
            }
        }
        #expect(checked == Self.table.count * Caller.allCases.count)
        await hub.stop()
    }
}
