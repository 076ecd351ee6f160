import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import Logging
import PostgresNIO
import Testing

@testable import LMISProtocol
@testable import LMISSync

/// Receipts asked for while the batch that holds those records is still being applied wait for
/// it to commit or roll back, on whichever hub of the database they are asked (issue 25).
@Suite(.serialized) struct ReceiptsWaitTests {
    enum Ending: String, Sendable, CaseIterable { case commit, rollback }

    /// Cancels the hub's statement applying a batch (it rolls back and frees the device's lock).
    static let cancelApply = """
        PERFORM pg_cancel_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%FROM lmis_apply_batch(%';
        """

    /// Sessions waiting to write `received_record` (a batch being applied behind the gate).
    static let applyWaiting = """
        SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = 'received_record' AND NOT l.granted
        """

    /// A kiosk enrolled at `hub` with five registrations waiting, and its signer.
    static func kioskWithFive(_ hub: HubHarness) async throws -> (
        KioskHarness, HubClient.Signer, [WaitingRecord]
    ) {
        let kiosk = try KioskHarness()
        let signer = try await kiosk.enrolledSigner(hub)
        for index in 0..<5 { try await kiosk.register(index) }
        let records = try await kiosk.engine.store.batch(stream: "registration", maxRecords: 5, maxBytes: 1 << 20)
        #expect(records.count == 5)
        return (kiosk, signer, records)
    }

    static func untilTheBatchWaits(_ hub: HubHarness) async throws {
        let deadline = Date() + 10
        while try hub.count(applyWaiting) == 0 {
            guard Date() < deadline else { throw HubStoreError("the batch never reached the held table") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static func receiptsPath(_ records: [WaitingRecord]) -> String {
        let sequences = records.map(\.sequence)
        return LMISPath.uploadReceipts
            + "?stream=registration&from=\(sequences.min() ?? 1)&through=\(sequences.max() ?? 1)"
    }

    @Test(arguments: [false, true], Ending.allCases)
    func receiptsAskedMidApplyAreAnsweredWhenTheBatchEnds(onAnotherHub: Bool, ending: Ending) async throws {
        let hub = try await HubHarness.start()
        let asked = onAnotherHub ? try await HubHarness.start(database: hub.database) : hub
        let (kiosk, signer, records) = try await Self.kioskWithFive(hub)
        defer { kiosk.temp.remove() }
        // The gate lets go only once the receipts wait too (two sessions waiting); with
        // `required`, it fails if they never do (answered at once, "not held").
        let gate = try hub.holdDedupeTable(
            untilWaiting: 2, required: true, then: ending == .rollback ? Self.cancelApply : "")
        let sender = try HubClient(baseURL: hub.url)
        let asker = try HubClient(baseURL: asked.url)
        async let uploaded = sender.send(
            "POST", LMISPath.upload, body: SyncEngine.body(stream: "registration", records), signer: signer)
        try await Self.untilTheBatchWaits(hub)
        let receipts = try await asker.send("GET", Self.receiptsPath(records), signer: signer)
        try gate.finish()
        let upload = try await uploaded
        #expect(receipts.status == 200, "\(String(decoding: receipts.body, as: UTF8.self))")
        let answer = try receipts.decode(UploadReceipts.self)
        let held = SyncEngine.held(answer.received, of: records)
        switch ending {
        case .commit:
            #expect(upload.status == 200)
            #expect(answer.highest == records.map(\.sequence).max())
            #expect(held.count == 5 && held.allSatisfy { $0.status == .applied })
            #expect(try hub.count("SELECT count(*) FROM received_record") == 5)
        case .rollback:
            #expect(upload.status != 200)
            #expect(answer.highest == 0)
            #expect(held.isEmpty)
            #expect(try hub.count("SELECT count(*) FROM received_record") == 0)
        }
        await sender.shutdown()
        await asker.shutdown()
        await kiosk.engine.shutdown()
        if onAnotherHub { await asked.stop() }
        await hub.stop()
    }

    /// A batch that outlasts the receipts' patience: nothing is answered (the kiosk asks again),
    /// and once it has committed the receipts list its records.
    @Test func receiptsThatOutwaitTheirPatienceSayTheBatchIsStillBeingApplied() async throws {
        let hub = try await HubHarness.start()
        let (kiosk, _, records) = try await Self.kioskWithFive(hub)
        defer { kiosk.temp.remove() }
        let deviceID = try #require(try await kiosk.engine.store.enrolment()).deviceID
        let logger = quietLogger("receipts")
        let client = PostgresClient(
            configuration: .init(
                host: hub.lab.host, port: hub.lab.port, username: "postgres", password: nil, database: hub.database,
                tls: .disable),
            backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        let store = HubStore(client: client, logger: logger)
        let device = try #require(try await store.device(id: deviceID))
        let (first, last) = (records.map(\.sequence).min() ?? 1, records.map(\.sequence).max() ?? 1)
        // Held for two seconds whatever waits.
        let gate = try hub.holdDedupeTable(untilWaiting: 99, atMost: 2)
        let headers = try OutboxPayload.decoder.decode(
            UploadEnvelope.self, from: SyncEngine.body(stream: "registration", records)
        ).records
        async let applied = store.apply(stream: "registration", records: headers, device: device)
        try await Self.untilTheBatchWaits(hub)
        // Answered while the batch is still held (released after 2 s): had the question waited
        // for the apply instead of its 300 ms, it would list the records rather than throw. (No
        // clock bound: on a loaded machine the 300 ms can take longer than any bound that fits.)
        await #expect(throws: HubStore.ApplyInProgress.self) {
            _ = try await store.receipts(
                device: device, stream: "registration", from: first, through: last, patience: .milliseconds(300))
        }
        try gate.finish()
        #expect(try await applied.count == 5)
        let after = try await store.receipts(device: device, stream: "registration", from: first, through: last)
        #expect(after.highest == last)
        #expect(SyncEngine.held(after.received, of: records).count == 5)
        await kiosk.engine.shutdown()
        await hub.stop()
    }
}
