import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import LMISProtocol
import Testing

@testable import LMISSync

/// Issue 25's sync semantics against a real hub on PostgreSQL: checks claimed once whichever
/// checker asks, answered in batches.
@Suite(.serialized) struct SyncStreamsTests {
    /// Two checkers of one kiosk (as `kiosk serve` and `kiosk sync now`: two engines on the same
    /// database) start together over 600 pending checks: the hub is asked about each once.
    @Test func twoCheckersAtOnceAskAboutEachRegistrationOnce() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        struct Person: Encodable {
            let registryNumber, familyName, givenName, birthDate, sex: String
        }
        let numbers = (0..<600).map { "УБ" + String(format: "9%07d", $0) }
        let known = numbers.enumerated().filter { $0.offset.isMultiple(of: 3) }.map {
            Person(
                registryNumber: $0.element, familyName: "Болд", givenName: "Сарангэрэл", birthDate: "1990-05-12",
                sex: "female")
        }
        #expect(try await hub.call("PUT", "/admin/simulated-civil-registry", known).0 == 200)
        for (index, number) in numbers.enumerated() {
            try await kiosk.temp.database.testSQL(
                """
                INSERT INTO identity_check (registration_id, registry_number, state, requested_at)
                VALUES (?, ?, 'pending', ?)
                """,
                arguments: [
                    UUID().uuidString.lowercased(), number, String(format: "2026-12-01T08:00:%02d.000Z", index % 60),
                ])
        }
        let other = SyncEngine(
            database: kiosk.temp.database, dataDirectory: kiosk.temp.directory, caFile: nil, softwareVersion: "test",
            logger: quietLogger("kiosk"))
        async let first = kiosk.engine.checkPending(owner: "serve")
        async let second = other.checkPending(owner: "sync-now")
        let reports = await [first, second]
        #expect(reports.allSatisfy { $0.error == nil })
        #expect(reports.map(\.checks).reduce(0, +) == 600)
        let states = try await kiosk.temp.database.testSQL(
            "SELECT state, count(*) FROM identity_check GROUP BY state ORDER BY state")
        #expect(states == [["notFound", "400"], ["verified", "200"]])
        let (_, metrics) = try await hub.call("GET", "/metrics")
        let counted = String(decoding: metrics, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("lmis_identity_checks_total{") }
            .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(counted == 600)
        await kiosk.engine.shutdown()
        await other.shutdown()
        await hub.stop()
    }

    /// A claim that ran out (a checker that died) is taken over; a live one is not.
    @Test func aClaimIsTakenOverOnlyOnceItRunsOut() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let store = SQLiteSyncStore(database: temp.database)
        for index in 0..<3 {
            try await temp.database.testSQL(
                """
                INSERT INTO identity_check (registration_id, registry_number, state, requested_at)
                VALUES (?, ?, 'pending', ?)
                """, arguments: ["r\(index)", "УБ9000000\(index)", "2026-12-01T08:00:0\(index).000Z"])
        }
        let now = Date()
        let a = try await store.claimChecks(owner: "a", limit: 2, now: now, until: now.addingTimeInterval(60))
        #expect(a.map(\.registrationID) == ["r0", "r1"])
        let b = try await store.claimChecks(owner: "b", limit: 5, now: now, until: now.addingTimeInterval(60))
        #expect(b.map(\.registrationID) == ["r2"])
        #expect(try await store.claimChecks(owner: "c", limit: 5, now: now, until: now.addingTimeInterval(60)).isEmpty)
        let later = now.addingTimeInterval(61)
        let c = try await store.claimChecks(owner: "c", limit: 5, now: later, until: later.addingTimeInterval(60))
        #expect(c.map(\.registrationID) == ["r0", "r1", "r2"])
    }
}
