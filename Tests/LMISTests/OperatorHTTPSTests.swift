import Foundation
import KioskCore
import KioskTestSupport
import LMISSync
import Logging
import PostgresNIO
import ServiceLifecycle
import Testing

@testable import LMISHub

/// The operator HTTPS adapter (`OperatorHTTPSGateway`, `sms_gateway = https`) end to end: a kiosk
/// hands messages to a real hub, whose forwarder gives them over TLS (a CA and certificate the
/// test makes) to the simulated operator serving the same protocol; reports and a reply come back
/// by polling over TLS. Real PostgreSQL.
@Suite("SMS through the operator HTTPS adapter", .serialized)
struct OperatorHTTPSTests {
    static let token = "operator-token-7f3a9c"

    /// The simulated operator on HTTPS, on the hub's database; its port and how to stop it.
    struct Operator {
        let port: Int
        let gateway: SimulatedSMSGateway
        let task: Task<Void, any Error>
        let group: ServiceGroup
        var url: String { "https://127.0.0.1:\(port)" }
        func stop() async {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
        }
    }

    static func startOperator(database: String, certificate: String, key: String) async throws -> Operator {
        let lab = try PostgresLab.shared.get()
        let logger = quietLogger("operator")
        let client = PostgresClient(
            configuration: .init(
                host: lab.host, port: lab.port, username: "postgres", password: nil, database: database,
                tls: .disable),
            backgroundLogger: logger)
        let gateway = SimulatedSMSGateway(client: client, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = try SimulatedOperatorServer.application(
            gateway: gateway, token: token, certificate: certificate, key: key, logger: logger
        ) { port in continuation.yield(port) }
        let group = ServiceGroup(services: [client, application], logger: logger)
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw PrintLab.LabError("the simulated operator did not start") }
        return Operator(port: port, gateway: gateway, task: task, group: group)
    }

    @Test(
        "messages, reports and a reply cross TLS; a refusal is retried; bad credentials, no trust and http are refused")
    func endToEndOverTLS() async throws {
        let tls = try TransportTests.certificates()
        defer { try? FileManager.default.removeItem(at: tls.directory) }
        let lab = try PostgresLab.shared.get()
        let database = try lab.createDatabase()
        let gatewayServer = try await Self.startOperator(database: database, certificate: tls.certificate, key: tls.key)
        defer { Task { await gatewayServer.stop() } }
        let hub = try await HubHarness.start(database: database) { configuration in
            configuration.smsGateway = "https"
            configuration.smsGatewayURL = gatewayServer.url
            configuration.smsGatewayToken = Self.token
            configuration.smsGatewayCAFile = tls.ca
            configuration.smsPollMilliseconds = 100
            configuration.smsReclaimSeconds = 5
        }
        defer { Task { await hub.stop() } }
        let kiosk = try KioskHarness()
        try await kiosk.enrol(hub)
        let transport = HubSMSTransport(engine: kiosk.engine)

        try await gatewayServer.gateway.control(refuseNext: 1, unreachable: ["99112233"])
        let reached = try SMSRelayTests.message("88112233", "Таны ээлж ойртлоо: А-012")
        let unreachable = try SMSRelayTests.message("99112233")
        try await transport.hand([reached, unreachable])
        var collection = try await SMSRelayTests.collect(transport) { $0.reports.count == 2 }
        let outcomes = Dictionary(uniqueKeysWithValues: collection.reports.map { ($0.messageID, $0.outcome) })
        #expect(outcomes[reached.id] == .delivered)
        #expect(outcomes[unreachable.id] == .failed(reason: "absent subscriber"))
        // The first submission was answered 503 and tried again: the operator billed two messages.
        #expect(try hub.count("SELECT count(*) FROM simulated_sms_submission") == 2)
        #expect(try hub.count("SELECT sum(attempts) FROM sms_message") == 3)
        #expect(
            try hub.scalar("SELECT body FROM simulated_sms_submission WHERE to_number = '88112233'")
                == "Таны ээлж ойртлоо: А-012")
        #expect(
            try hub.scalar("SELECT reference FROM simulated_sms_submission WHERE to_number = '88112233'")
                == reached.id.uuidString.lowercased())

        // A reply from the phone, in the operator's +976 form, reaches the kiosk as eight digits.
        _ = try await gatewayServer.gateway.reply(from: "88112233", text: "ЗОГС")
        collection = try await SMSRelayTests.collect(transport) { $0.received.count == 1 }
        #expect(collection.received.map(\.text) == ["ЗОГС"])
        #expect(collection.received.first?.from == (try PhoneNumber(parsing: "88112233")))

        // The adapter alone: a wrong token, a CA it does not trust, a number the operator refuses.
        let message = SMSGatewayMessage(reference: UUID().uuidString.lowercased(), to: "88112233", text: "x")
        let wrongToken = try OperatorHTTPSGateway(baseURL: gatewayServer.url, token: "wrong", caFile: tls.ca)
        await #expect { try await wrongToken.submit(message) } throws: { error in
            guard case SMSGatewayError.unavailable(let reason) = error else { return false }
            return reason.contains("401")
        }
        let untrusting = try OperatorHTTPSGateway(baseURL: gatewayServer.url, token: Self.token)
        await #expect { try await untrusting.submit(message) } throws: { error in
            guard case SMSGatewayError.unavailable(let reason) = error else { return false }
            return reason.contains("could not be reached")
        }
        let adapter = try OperatorHTTPSGateway(baseURL: gatewayServer.url, token: Self.token, caFile: tls.ca)
        var bad = message
        bad.to = "1234"
        await #expect { try await adapter.submit(bad) } throws: { error in
            error as? SMSGatewayError == .refused("to must be +976 and eight digits")
        }
        #expect(throws: OperatorHTTPSGateway.SetupError.self) {
            try OperatorHTTPSGateway(baseURL: "http://127.0.0.1:\(gatewayServer.port)", token: Self.token)
        }
        // Nothing more was billed by those.
        #expect(try hub.count("SELECT count(*) FROM simulated_sms_submission") == 2)
    }

    @Test("the hub's settings: https needs an https:// address")
    func settings() throws {
        var configuration = HubConfiguration()
        try configuration.set("sms_gateway", "https")
        try configuration.set("sms_gateway_url", "https://sms.operator.example/api")
        #expect(configuration.smsGatewayURL == "https://sms.operator.example/api")
        #expect(throws: HubConfigurationError.self) { try configuration.set("sms_gateway_url", "http://x") }
        #expect(throws: HubConfigurationError.self) { try configuration.set("sms_gateway", "smpp") }
    }
}
