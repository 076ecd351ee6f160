import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import Testing

@testable import LMISProtocol
@testable import LMISSync

/// A stream's next batch on the wire before the previous one is answered, and a lost answer
/// asked for rather than sent again (issue 25).
@Suite(.serialized) struct PipelineTests {
    /// Splits the kiosk's waiting registrations into two batches, as the pipeline does: the
    /// second names the last sequence of the first.
    static func twoBatches(_ kiosk: KioskHarness) async throws -> (first: Data, second: Data, last: Int64) {
        let first = try await kiosk.engine.store.batch(stream: "registration", maxRecords: 5, maxBytes: 1 << 20)
        let last = try #require(first.last?.sequence)
        let second = try await kiosk.engine.store.batch(
            stream: "registration", after: last, maxRecords: 5, maxBytes: 1 << 20)
        #expect(first.count == 5 && second.count == 5)
        return (
            SyncEngine.body(stream: "registration", first),
            SyncEngine.body(stream: "registration", after: last, second),
            last
        )
    }

    /// A hub, a fault proxy in front of it, and a kiosk enrolled through the proxy.
    static func viaProxy() async throws -> (HubHarness, FaultProxy, KioskHarness) {
        let hub = try await HubHarness.start()
        let proxy = try FaultProxy(upstreamPort: hub.port)
        let kiosk = try KioskHarness()
        _ = try await kiosk.engine.enrol(
            hubURL: "http://127.0.0.1:\(proxy.port)", code: try await hub.enrolmentCode(), deviceName: "via proxy",
            force: false)
        return (hub, proxy, kiosk)
    }

    @Test func aBatchThatOvertakesTheOneBeforeItWaitsForItAndOneWhoseForerunnerNeverCameIsRefused() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        let signer = try await kiosk.enrolledSigner(hub)
        for index in 0..<10 { try await kiosk.register(index) }
        let (first, second, last) = try await Self.twoBatches(kiosk)
        let client = try HubClient(baseURL: hub.url)
        // The second arrives first: the hub holds it until the first has committed.
        async let overtaking = client.send("POST", LMISPath.upload, body: second, signer: signer)
        try await Task.sleep(for: .milliseconds(600))
        let before = try await client.send("POST", LMISPath.upload, body: first, signer: signer)
        let after = try await overtaking
        #expect(before.status == 200 && after.status == 200, "\(String(decoding: after.body, as: UTF8.self))")
        // Applied in the order sent: every record of the second batch after every one of the first.
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM received_record a, received_record b
                WHERE a.seq <= \(last) AND b.seq > \(last) AND b.received_at < a.received_at
                """) == 0)
        #expect(try hub.count("SELECT count(*) FROM received_record") == 10)

        // A batch naming a forerunner that never arrives is refused, nothing of it applied.
        for index in 10..<20 { try await kiosk.register(index) }
        let waiting = try await kiosk.engine.store.batch(
            stream: "registration", after: last + 10, maxRecords: 10, maxBytes: 1 << 20)
        let orphan = SyncEngine.body(stream: "registration", after: try #require(waiting.first?.sequence), waiting)
        let refused = try await client.send("POST", LMISPath.upload, body: orphan, signer: signer)
        #expect(refused.status == 409)
        #expect(refused.problem?.error == .outOfOrder)
        #expect(try hub.count("SELECT count(*) FROM received_record") == 10)
        await client.shutdown()
        await kiosk.engine.shutdown()
        await hub.stop()
    }

    @Test func aPipelinedStreamOverASlowLinkArrivesOnceAndInOrder() async throws {
        let (hub, proxy, kiosk) = try await Self.viaProxy()
        defer {
            kiosk.temp.remove()
            proxy.stop()
        }
        try proxy.command("throttle 20000")
        for index in 0..<400 { try await kiosk.register(index) }
        let report = await kiosk.engine.uploadStream("registration")
        #expect(report.error == nil)
        #expect(report.uploaded[.applied] == 400)
        #expect(try hub.count("SELECT count(DISTINCT record_id) FROM received_record") == 400)
        // A batch's records share one transaction's time; none is older than a record before it.
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM (
                    SELECT received_at < lag(received_at) OVER (ORDER BY seq) AS earlier FROM received_record) r
                WHERE earlier
                """) == 0)
        // Two batches were on the wire at once: the connection pool needed a second connection.
        let stats = try proxy.stats()
        #expect((stats["connections"] as? Int ?? 0) >= 2, "\(stats)")
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM outbox WHERE sync_state IS NULL") == 0)
        await kiosk.engine.shutdown()
        await hub.stop()
    }

    @Test func aLostAnswerIsAskedForAndNothingIsSentAgain() async throws {
        let (hub, proxy, kiosk) = try await Self.viaProxy()
        defer {
            kiosk.temp.remove()
            proxy.stop()
        }
        for index in 0..<20 { try await kiosk.register(index) }
        try proxy.command("swallow-responses 1")
        let lost = await kiosk.engine.uploadStream("registration")
        #expect(lost.error != nil)
        #expect(try hub.count("SELECT count(*) FROM received_record") == 20)
        let sentBefore = try proxy.stats()["bytes_up"] as? Int ?? 0
        let resumed = await kiosk.engine.uploadStream("registration")
        #expect(resumed.error == nil)
        // Recorded from the hub's receipts, with the person ids it gave: no record went again.
        #expect(resumed.uploaded[.applied] == 20)
        #expect(resumed.uploaded[.duplicate] == nil)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM outbox WHERE sync_state = 'applied'") == 20)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM lmis_person") == 20)
        let sentAfter = try proxy.stats()["bytes_up"] as? Int ?? 0
        #expect(sentAfter - sentBefore < 2_000, "\(sentAfter - sentBefore) bytes sent to resume")
        let metrics = try await hub.admin.send(
            "GET", "/metrics", signer: nil, extraHeaders: ["Authorization": "Bearer \(adminToken)"])
        #expect(!String(decoding: metrics.body, as: UTF8.self).contains("status=\"duplicate\""))
        #expect(try hub.count("SELECT count(*) FROM person") == 20)
        await kiosk.engine.shutdown()
        await hub.stop()
    }

    @Test func staffAskingForSyncEndAStreamsBackoff() async {
        let board = StreamBoard()
        #expect(await board.start("registration"))
        var backoff = SyncBackoff()
        _ = backoff.failed(unit: 0.5)
        await board.finish("registration", backoff: backoff, retryAfter: .seconds(300))
        #expect(await !board.start("registration"))
        await board.retryNow()
        #expect(await board.changed())
        #expect(await board.start("registration"))
        #expect(await board.backoff("registration").failures == 1)
    }

    @Test func receiptsNameOnlyTheRecordsAskedForThatTheHubHolds() {
        let lost = [
            WaitingRecord(id: "a", sequence: 3, type: "registration.created", createdAt: "", payload: "{}"),
            WaitingRecord(id: "b", sequence: 5, type: "registration.created", createdAt: "", payload: "{}"),
            WaitingRecord(id: "c", sequence: 8, type: "registration.created", createdAt: "", payload: "{}"),
        ]
        let received = CompactUploadResponse([
            RecordResult(id: "a", sequence: 3, status: .applied),
            RecordResult(id: "b", sequence: 5, status: .rejected, reason: "bad"),
            RecordResult(id: "x", sequence: 6, status: .applied),
            RecordResult(id: "y", sequence: 7, status: .applied, personID: "p"),
        ])
        let held = SyncEngine.held(received, of: lost)
        #expect(Set(held.map(\.id)) == ["a", "b"])
        #expect(held.first { $0.id == "b" }?.status == .rejected)
    }
}
