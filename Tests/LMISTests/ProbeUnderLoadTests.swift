import Foundation
import KioskTestSupport
import LMISHub
import Testing

/// The hub's database probe under load (issue 24): when every pooled connection is busy (here held
/// by a lock for seconds), PostgreSQL still answers, so `/health` answers 200 and requests are
/// not refused as if the database had gone away. Before the probe had a connection of its own it
/// waited behind the busy pool and the hub answered 503 to everyone.
struct ProbeUnderLoadTests {
    @Test func aBusyPoolIsNotADatabaseThatWentAway() async throws {
        let hub = try await HubHarness.start { $0.postgresConnections = 2 }
        _ = try await hub.enrolmentCode()
        let lock = hub.lab.client(
            "psql",
            [
                "-d", hub.database, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                "BEGIN; LOCK TABLE office IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT;",
            ])
        lock.standardOutput = FileHandle.nullDevice
        try lock.run()
        let held = """
            SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE c.relname = 'office' AND l.mode = 'AccessExclusiveLock' AND l.granted
            """
        while try hub.count(held) == 0 {
            #expect(lock.isRunning)
            try await Task.sleep(for: .milliseconds(20))
        }
        struct Office: Encodable { let name, adminUnit, timeZone: String }
        // Three writes on a pool of two: both connections wait on the lock, the third for a connection.
        let writes = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 1...3 {
                    group.addTask {
                        try await hub.call(
                            "PUT", "/admin/offices/UB-L\(index)",
                            Office(name: "Салбар \(index)", adminUnit: "UB-SB", timeZone: "Asia/Ulaanbaatar")
                        ).0
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        let waiting = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'office'::regclass"
        while try hub.count(waiting) < 2 {
            #expect(lock.isRunning, "the lock ended before the pool was busy")
            try await Task.sleep(for: .milliseconds(20))
        }
        let (health, body) = try await hub.call("GET", "/health")
        #expect(health == 200, "\(String(decoding: body, as: UTF8.self))")
        #expect(lock.isRunning, "the pool was no longer busy when /health answered")
        lock.waitUntilExit()
        #expect(try await writes.value == [200, 200, 200])
        await hub.stop()
    }
}
