import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import Testing

@testable import LMISSync

/// The sync service's per-stream backoff, driven by real uploads to a hub that goes away and
/// comes back (issue 25): "sync now" ends a wait, and an upload that gets through starts the
/// backoff afresh. The jitter is fixed at the top of its window, so every wait is its ceiling.
@Suite(.serialized) struct SyncServiceBackoffTests {
    static func until(
        _ what: String, within seconds: Double = 10, _ condition: () async throws -> Bool
    ) async throws {
        let deadline = Date() + seconds
        while try await !condition() {
            guard Date() < deadline else { throw HubStoreError("not within \(seconds) s: \(what)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func syncNowEndsAStreamsWaitAndAnUploadThatGetsThroughResetsItsBackoff() async throws {
        var hub = try await HubHarness.start()
        let (port, database) = (hub.port, hub.database)
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        for index in 0..<3 { try await kiosk.register(index) }
        await hub.stop()
        let service = LMISSyncService(
            engine: kiosk.engine, interval: .seconds(600), logger: quietLogger("sync"), uploadPoll: .milliseconds(100),
            jitter: { 0.999 })
        let stream = "registration"

        // Four refused uploads: the next wait is 2 s × 2³ ≈ 16 s.
        for _ in 1...4 { await service.upload(stream) }
        #expect(await service.streams.backoff(stream).failures == 4)
        let wait = try #require(await service.streams.nextRetry())
        #expect(wait > .seconds(10) && wait <= .seconds(16))

        let loop = Task { await service.uploader() }
        defer { loop.cancel() }
        try await Task.sleep(for: .milliseconds(1500))
        #expect(await service.streams.backoff(stream).failures == 4, "tried again before its wait was over")
        // "Sync now": the stream is tried at once (the hub is still away: a fifth failure).
        service.nudge()
        try await Self.until("a try after sync now", within: 5) {
            await service.streams.backoff(stream).failures == 5
        }

        // The hub is back on the same address; sync now, and the records go.
        hub = try await HubHarness.start(database: database) { $0.port = port }
        service.nudge()
        try await Self.until("the records applied") {
            try await kiosk.scalar("SELECT COUNT(*) FROM outbox WHERE sync_state = 'applied'") == 3
        }
        try await Self.until("the backoff reset") { await service.streams.backoff(stream).failures == 0 }
        #expect(try hub.count("SELECT count(*) FROM received_record") == 3)

        // Away again: the first failure after the success waits the base (2 s), not 2 s × 2⁵.
        await hub.stop()
        try await kiosk.register(3)
        try await Self.until("a failure of the new record") { await service.streams.backoff(stream).failures == 1 }
        let fresh = try #require(await service.streams.nextRetry())
        #expect(fresh <= .seconds(2), "\(fresh)")
        loop.cancel()
        _ = await loop.value
        await kiosk.engine.shutdown()
    }
}
