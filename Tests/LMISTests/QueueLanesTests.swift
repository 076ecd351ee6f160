import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import LMISProtocol
import Testing

@testable import LMISSync

/// The queue goes up in a lane per office day (issue 25): a ticket taken today reaches the hub
/// beside older days' backlog, not behind it; each lane stays in order, exactly once, no gap.
@Suite(.serialized) struct QueueLanesTests {
    static let backlogDays = ["2026-11-28", "2026-11-29", "2026-11-30"]
    static let ticketsPerDay = 250

    @Test func aTicketTakenTodayReachesTheHubBeforeOlderDaysBacklogHasDrained() async throws {
        let (hub, proxy, kiosk) = try await PipelineTests.viaProxy()
        defer {
            kiosk.temp.remove()
            proxy.stop()
        }
        try await SyntheticOutbox.queueBacklog(
            kiosk.temp.database, days: Self.backlogDays, ticketsPerDay: Self.ticketsPerDay)
        let backlog = Self.backlogDays.count * Self.ticketsPerDay * 4
        // A slow line: the backlog takes many batches.
        try proxy.command("throttle 3000")
        async let round = kiosk.engine.uploadAll()
        try await Task.sleep(for: .seconds(1))
        // A visitor takes a ticket, is called, served and done while the backlog drains.
        let ticket = try await kiosk.visit()
        let id = ticket.id.uuidString.lowercased()
        let today = try #require(
            try await kiosk.temp.database.testSQL(
                "SELECT json_extract(payload, '$.ticket.officeDay') FROM outbox WHERE record_type = 'queue.issued' ORDER BY seq DESC LIMIT 1"
            ).first?.first ?? nil)
        #expect(!Self.backlogDays.contains(today))
        // How much of the backlog the hub held when the visit's four events had all arrived
        // (looked at until they came, or for at most a minute: then the line is opened).
        var backlogAtArrival = -1
        for _ in 0..<300 {
            if try hub.count("SELECT count(*) FROM queue_event WHERE ticket_id = '\(id)'") == 4 {
                backlogAtArrival = try hub.count("SELECT count(*) FROM queue_event WHERE ticket_id <> '\(id)'")
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        try proxy.command("throttle 0")
        let report = await round
        #expect(report.error == nil)
        #expect(backlogAtArrival >= 0, "the visit did not reach the hub while the line was slow")
        #expect(backlogAtArrival < backlog, "the visit waited behind the whole backlog (\(backlogAtArrival))")

        // Every record exactly once, none left, no gap reported.
        #expect(report.uploaded[.applied] == backlog + 4)
        #expect(try hub.count("SELECT count(*) FROM received_record") == backlog + 4)
        #expect(try hub.count("SELECT count(*) FROM queue_event") == backlog + 4)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM outbox WHERE sync_state IS NULL") == 0)
        let (status, body) = try await hub.call("GET", "/admin/devices")
        #expect(status == 200)
        let device = try #require(try LMISCoding.decoder.decode([HubStore.DeviceSummary].self, from: body).first)
        #expect(device.missing == 0 && device.received == Int64(backlog + 4))

        // A lane a day: the visit in today's, the backlog in its days'.
        #expect(
            try hub.scalar("SELECT string_agg(DISTINCT stream, ',' ORDER BY stream) FROM received_record")
                == (Self.backlogDays + [today]).map(RecordStream.queueLane(day:)).joined(separator: ","))
        #expect(
            try hub.count(
                "SELECT count(*) FROM received_record r JOIN queue_event q USING (record_id) WHERE q.ticket_id = '\(id)' AND r.stream = 'queue@\(today)'"
            ) == 4)
        // Each lane applied in its order (a ticket's later event never before its earlier one).
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM received_record a JOIN received_record b ON a.stream = b.stream
                WHERE a.seq < b.seq AND b.received_at < a.received_at
                """) == 0)
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM queue_event a JOIN queue_event b USING (ticket_id)
                JOIN received_record ra ON ra.record_id = a.record_id JOIN received_record rb ON rb.record_id = b.record_id
                WHERE ra.seq < rb.seq AND array_position(ARRAY['issued','called','started','finished'], a.kind)
                                        > array_position(ARRAY['issued','called','started','finished'], b.kind)
                """) == 0)
        // The backlog drains a day at a time: the middle day starts after the first is done.
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM received_record a, received_record b
                WHERE a.stream = 'queue@\(Self.backlogDays[0])' AND b.stream = 'queue@\(Self.backlogDays[1])'
                  AND b.received_at < a.received_at
                """) == 0)
        await kiosk.engine.shutdown()
        await hub.stop()
    }

    @Test func theOldestAndTheNewestDayLanesWaitAndTheHubKeepsALaneToItsDay() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        let signer = try await kiosk.enrolledSigner(hub)
        try await SyntheticOutbox.queueBacklog(kiosk.temp.database, days: Self.backlogDays, ticketsPerDay: 2)
        for index in 0..<2 { try await kiosk.register(index) }
        let lanes = Self.backlogDays.map(RecordStream.queueLane(day:))
        // The middle day waits for the first: a day at a time, beside the newest.
        #expect(try await kiosk.engine.store.waitingStreams() == [lanes[0], lanes[2], "registration"])
        let first = try await kiosk.engine.store.batch(stream: lanes[0], maxRecords: 100, maxBytes: 1 << 20)
        #expect(first.count == 8 && first.allSatisfy { $0.payload.contains(Self.backlogDays[0]) })

        let client = try HubClient(baseURL: hub.url)
        // A ticket of one day sent in another day's lane is refused, nothing applied.
        let stray = try await client.send(
            "POST", LMISPath.upload, body: SyncEngine.body(stream: lanes[1], first), signer: signer)
        #expect(stray.status == 400, "\(String(decoding: stray.body, as: UTF8.self))")
        let odd = try await client.send(
            "POST", LMISPath.upload, body: SyncEngine.body(stream: "queue@yesterday", first), signer: signer)
        #expect(odd.status == 400)
        #expect(try hub.count("SELECT count(*) FROM received_record") == 0)
        // A kiosk from before lanes sends plain `queue`: still taken.
        let plain = try await client.send(
            "POST", LMISPath.upload, body: SyncEngine.body(stream: "queue", Array(first.prefix(4))), signer: signer)
        #expect(plain.status == 200)
        let laned = try await client.send(
            "POST", LMISPath.upload, body: SyncEngine.body(stream: lanes[0], Array(first.dropFirst(4))),
            signer: signer)
        #expect(laned.status == 200)
        #expect(try hub.count("SELECT count(*) FROM queue_event") == 8)
        await client.shutdown()
        await kiosk.engine.shutdown()
        await hub.stop()
    }
}
