import Foundation
import KioskCore
import KioskTestSupport
import LMISHub
import LMISProtocol
import LMISSync
import Testing

/// The SMS route through the hub for offices without a modem, end to end: a kiosk's
/// `HubSMSTransport` (signed requests) against a real hub on real PostgreSQL, whose forwarder hands
/// the messages to the simulated operator gateway.
@Suite("SMS through the hub", .serialized)
struct SMSRelayTests {
    static func smsHub(database: String? = nil) async throws -> HubHarness {
        try await HubHarness.start(database: database) { configuration in
            configuration.smsGateway = "simulated"
            configuration.smsPollMilliseconds = 100
        }
    }

    static func message(_ to: String, _ text: String = "Таны ээлж ойртлоо: А-012") throws -> OutgoingSMS {
        OutgoingSMS(id: UUID(), to: try PhoneNumber(parsing: to), text: text)
    }

    struct Submission: Decodable {
        let gatewayID: String
        let reference: String
        let to: String
        let text: String
    }

    /// Everything the simulated gateway was given.
    static func submissions(_ hub: HubHarness) async throws -> [Submission] {
        let (status, data) = try await hub.call("GET", "/admin/simulated-sms-gateway/submissions")
        #expect(status == 200)
        return try JSONDecoder().decode([Submission].self, from: data)
    }

    struct Control: Encodable {
        let refuseNext: Int
        let unreachable: [String]
    }

    static func control(_ hub: HubHarness, refuseNext: Int, unreachable: [String] = []) async throws {
        let (status, _) = try await hub.call(
            "PUT", "/admin/simulated-sms-gateway", Control(refuseNext: refuseNext, unreachable: unreachable))
        #expect(status == 200)
    }

    struct Reply: Encodable {
        let from: String
        let text: String
    }

    /// Collects until `done` holds for what came back (at most 15 s), without acknowledging.
    static func collect(
        _ transport: HubSMSTransport, until done: (SMSCollection) -> Bool
    ) async throws -> SMSCollection {
        let deadline = Date() + 15
        while true {
            let collection = try await transport.collect()
            if done(collection) || Date() > deadline { return collection }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test("a message handed twice, alone and in a batch, is given to the gateway once")
    func handedTwiceSentOnce() async throws {
        let hub = try await Self.smsHub()
        defer { Task { await hub.stop() } }
        let kiosk = try KioskHarness()
        try await kiosk.enrol(hub)
        let transport = HubSMSTransport(engine: kiosk.engine)
        let first = try Self.message("88112233")
        let second = try Self.message("99112233", "Gomdol GR-7K2M-4XQP: shiidverlesen")
        try await transport.hand(first)
        try await transport.hand(first)
        try await transport.hand([first, second])
        let collection = try await Self.collect(transport) { $0.reports.count == 2 }
        #expect(Set(collection.reports.map(\.messageID)) == [first.id, second.id])
        #expect(collection.reports.allSatisfy { $0.outcome == .delivered })
        let given = try await Self.submissions(hub)
        #expect(given.filter { $0.reference == first.id.uuidString.lowercased() }.count == 1)
        #expect(given.filter { $0.reference == second.id.uuidString.lowercased() }.count == 1)
        #expect(given.first { $0.reference == first.id.uuidString.lowercased() }?.text == first.text)
        #expect(given.first { $0.reference == first.id.uuidString.lowercased() }?.to == "88112233")
        #expect(try hub.count("SELECT count(*) FROM sms_message") == 2)
    }

    @Test("a gateway that refuses is tried again with back-off until it takes the message")
    func gatewayFailureRetried() async throws {
        let hub = try await Self.smsHub()
        defer { Task { await hub.stop() } }
        let kiosk = try KioskHarness()
        try await kiosk.enrol(hub)
        let transport = HubSMSTransport(engine: kiosk.engine)
        try await Self.control(hub, refuseNext: 2)
        let message = try Self.message("88112233")
        let handed = Date()
        try await transport.hand(message)
        let collection = try await Self.collect(transport) { !$0.reports.isEmpty }
        #expect(collection.reports.map(\.messageID) == [message.id])
        #expect(collection.reports.first?.outcome == .delivered)
        // Two refusals, then taken: three attempts, after waits of 1 s and 2 s.
        #expect(try hub.scalar("SELECT attempts FROM sms_message") == "3")
        #expect(Date().timeIntervalSince(handed) >= 3)
        #expect(try await Self.submissions(hub).count == 1)
    }

    @Test("delivery reports and replies come back once acknowledged, to their own device only")
    func reportsAndReplies() async throws {
        let hub = try await Self.smsHub()
        defer { Task { await hub.stop() } }
        let kiosk = try KioskHarness()
        try await kiosk.enrol(hub)
        let other = try KioskHarness()
        try await other.enrol(hub)
        let transport = HubSMSTransport(engine: kiosk.engine)
        let otherTransport = HubSMSTransport(engine: other.engine)
        try await Self.control(hub, refuseNext: 0, unreachable: ["99112233"])
        let reached = try Self.message("88112233")
        let unreachable = try Self.message("99112233")
        try await transport.hand([reached, unreachable])
        var collection = try await Self.collect(transport) { $0.reports.count == 2 }
        let outcomes = Dictionary(uniqueKeysWithValues: collection.reports.map { ($0.messageID, $0.outcome) })
        #expect(outcomes[reached.id] == .delivered)
        #expect(outcomes[unreachable.id] == .failed(reason: "absent subscriber"))
        // Once reported, the hub keeps no text of the messages (the numbers route replies).
        #expect(try hub.count("SELECT count(*) FROM sms_message WHERE body <> ''") == 0)

        // The person answers "stop"; a stranger writes too (no device wrote to them).
        let (status, _) = try await hub.call(
            "POST", "/admin/simulated-sms-gateway/replies", Reply(from: "+97688112233", text: "ЗОГС"))
        #expect(status == 200)
        _ = try await hub.call("POST", "/admin/simulated-sms-gateway/replies", Reply(from: "95556677", text: "сайн уу"))
        collection = try await Self.collect(transport) { $0.received.count == 1 }
        #expect(collection.received.map(\.text) == ["ЗОГС"])
        #expect(collection.received.first?.from == (try PhoneNumber(parsing: "88112233")))
        #expect(collection.reports.count == 2)
        // Not acknowledged: the same again. Acknowledged: gone, also after the next round.
        #expect(try await transport.collect() == collection)
        try await transport.acknowledge(collection)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await transport.collect() == SMSCollection())
        // The other office's kiosk sees none of it, and cannot acknowledge it away.
        #expect(try await otherTransport.collect() == SMSCollection())
        #expect(try hub.count("SELECT count(*) FROM sms_reply WHERE device_id IS NULL") == 1)
    }

    @Test("a hub stopped and started again loses nothing it took")
    func hubRestartLosesNothing() async throws {
        let hub = try await Self.smsHub()
        let kiosk = try KioskHarness()
        try await kiosk.enrol(hub)
        let transport = HubSMSTransport(engine: kiosk.engine)
        // The gateway is down: the messages wait at the hub.
        try await Self.control(hub, refuseNext: 1000)
        let messages = try (0..<20).map { try Self.message("8811\(String(format: "%04d", 2000 + $0))", "Мессеж \($0)") }
        try await transport.hand(messages)
        let delivered = try Self.message("99001122")
        await hub.stop()

        let back = try await Self.smsHub(database: hub.database)
        defer { Task { await back.stop() } }
        try await kiosk.repoint(to: back.url)
        #expect(try back.count("SELECT count(*) FROM sms_message WHERE state IN ('queued', 'sending')") == 20)
        try await transport.hand(messages[0])  // handed again after the restart: still once
        try await Self.control(back, refuseNext: 0)
        try await transport.hand(delivered)
        let collection = try await Self.collect(transport) { $0.reports.count == 21 }
        #expect(Set(collection.reports.map(\.messageID)) == Set(messages.map(\.id) + [delivered.id]))
        #expect(collection.reports.allSatisfy { $0.outcome == .delivered })
        let given = try await Self.submissions(back)
        #expect(given.count == 21)
        #expect(Set(given.map(\.reference)).count == 21)

        // Acknowledged before a restart stays acknowledged after it.
        try await transport.acknowledge(collection)
        await back.stop()
        let again = try await Self.smsHub(database: hub.database)
        defer { Task { await again.stop() } }
        try await kiosk.repoint(to: again.url)
        #expect(try await transport.collect() == SMSCollection())
    }

    @Test("the route is signed, checked, and closed on a hub without a gateway")
    func callersAndRefusals() async throws {
        let hub = try await Self.smsHub()
        defer { Task { await hub.stop() } }
        let kiosk = try KioskHarness()
        let signer = try await kiosk.enrolledSigner(hub)
        let batch = SMSRelayBatch(messages: [.init(id: UUID().uuidString.lowercased(), to: "88112233", text: "Сайн")])
        // Unsigned: refused before anything is read.
        let unsigned = try await hub.admin.send(
            "POST", LMISPath.sms, body: try LMISCoding.encoder.encode(batch), signer: nil)
        #expect(unsigned.status == 401)
        #expect(try await hub.admin.send("GET", LMISPath.smsUpdates, signer: nil).status == 401)
        // Bad input: a clear reason, nothing taken.
        for (bad, reason) in [
            (SMSRelayBatch(messages: [.init(id: "not-a-uuid", to: "88112233", text: "x")]), "messages[0].id"),
            (SMSRelayBatch(messages: [.init(id: UUID().uuidString, to: "+97688112233", text: "x")]), "messages[0].to"),
            (SMSRelayBatch(messages: [.init(id: UUID().uuidString, to: "88112233", text: "")]), "messages[0].text"),
            (SMSRelayBatch(messages: []), "1 to 100"),
        ] {
            let answer = try await hub.admin.send(
                "POST", LMISPath.sms, body: try LMISCoding.encoder.encode(bad), signer: signer)
            #expect(answer.status == 400)
            #expect(answer.problem?.message.contains(reason) == true, "\(answer.problem?.message ?? "")")
        }
        #expect(try hub.count("SELECT count(*) FROM sms_message") == 0)
        // Another device may not take over a message id.
        let first = try await hub.admin.send(
            "POST", LMISPath.sms, body: try LMISCoding.encoder.encode(batch), signer: signer)
        #expect(first.status == 200)
        let other = try KioskHarness()
        let otherSigner = try await other.enrolledSigner(hub)
        let taken = try await hub.admin.send(
            "POST", LMISPath.sms, body: try LMISCoding.encoder.encode(batch), signer: otherSigner)
        #expect(taken.status == 409)

        // A hub without a gateway says so.
        let closed = try await HubHarness.start()
        defer { Task { await closed.stop() } }
        let third = try KioskHarness()
        let thirdSigner = try await third.enrolledSigner(closed)
        let refused = try await closed.admin.send(
            "POST", LMISPath.sms, body: try LMISCoding.encoder.encode(batch), signer: thirdSigner)
        #expect(refused.status == 503)
        #expect(refused.problem?.message.contains("sms_gateway = none") == true)
    }

    @Test("an lmis-hub process killed (SIGKILL) while it hands messages to the gateway loses none")
    func hubKilledMidForwarding() async throws {
        let lab = try PostgresLab.shared.get()
        let database = try lab.createDatabase("smskill")
        let environment = [
            "LMIS_HUB_SMS_GATEWAY": "simulated", "LMIS_HUB_SMS_POLL_MILLISECONDS": "50",
            "LMIS_HUB_SMS_RECLAIM_SECONDS": "2",
        ]
        let (first, port) = try ProcessKillTests.startHub(lab, database: database, environment: environment)
        let hub = try await HubHarness.start(database: database)  // an admin door to the same database
        defer { Task { await hub.stop() } }
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        _ = try await kiosk.engine.enrol(
            hubURL: "http://127.0.0.1:\(port)", code: try await hub.enrolmentCode(), deviceName: "k", force: false)
        let transport = HubSMSTransport(engine: kiosk.engine)
        let messages = try (0..<300).map { try Self.message("9911\(String(format: "%04d", $0))", "Мессеж \($0)") }
        try await transport.hand(messages)
        // Killed once the gateway has taken some and not all.
        try await ProcessKillTests.waitUntil {
            Int(try lab.scalar(database, "SELECT count(*) FROM simulated_sms_submission")) ?? 0 >= 20
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let taken = Int(try lab.scalar(database, "SELECT count(*) FROM simulated_sms_submission")) ?? -1
        #expect(taken >= 20 && taken < 300)

        let (second, newPort) = try ProcessKillTests.startHub(lab, database: database, environment: environment)
        defer {
            second.terminate()
            second.waitUntilExit()
        }
        try await kiosk.repoint(to: "http://127.0.0.1:\(newPort)")
        try await transport.hand(Array(messages.prefix(10)))  // handed again: still taken once
        let deadline = Date() + 30
        var reports: [SMSDeliveryReport] = []
        while reports.count < 300, Date() < deadline {
            let collection = try await transport.collect()
            reports += collection.reports
            try await transport.acknowledge(collection)
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(Set(reports.map(\.messageID)) == Set(messages.map(\.id)))
        #expect(reports.count == 300)
        #expect(reports.allSatisfy { $0.outcome == .delivered })
        // Every message reached the gateway; at most the one in the gateway's hands at the kill
        // (taken, its id not yet written) was handed to it twice.
        let references = try lab.scalar(database, "SELECT count(DISTINCT reference) FROM simulated_sms_submission")
        let submissions = Int(try lab.scalar(database, "SELECT count(*) FROM simulated_sms_submission")) ?? -1
        #expect(references == "300")
        #expect((300...301).contains(submissions))
        print("SMS relay: hub killed after \(taken) of 300 submissions; \(submissions - 300) handed twice")
    }
}
