import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import LMISProtocol
import Testing

@testable import LMISSync

/// A round (`kiosk sync now`) takes the streams that start waiting while it runs, not only those
/// waiting when it started (issue 25).
@Suite(.serialized) struct RoundStreamsTests {
    @Test func aTicketIssuedWhileARoundDrainsABacklogGoesUpInThatRound() async throws {
        let (hub, proxy, kiosk) = try await PipelineTests.viaProxy()
        defer {
            kiosk.temp.remove()
            proxy.stop()
        }
        for index in 0..<80 { try await kiosk.register(index) }
        try proxy.command("throttle 3000")
        async let round = kiosk.engine.uploadAll()
        try await Task.sleep(for: .seconds(1))
        // Only registrations waited when the round started; a visitor takes a ticket now.
        try await kiosk.visit()
        let there = try hub.count("SELECT count(*) FROM registration")
        #expect(there < 80, "the backlog went up before the ticket: nothing was tested")
        let report = await round
        #expect(report.error == nil)
        #expect(report.uploaded[.applied] == 84)
        #expect(try hub.count("SELECT count(*) FROM queue_event") == 4)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM outbox WHERE sync_state IS NULL") == 0)
        await kiosk.engine.shutdown()
        await hub.stop()
    }
}
