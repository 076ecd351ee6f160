import Foundation
import GRDB
import KioskCore
import LMISProtocol
import Testing

@testable import KioskStore

/// The stream of each outbox record, computed and indexed by SQLite (migration v50, issue 25):
/// records written before the step get their stream as well, lanes are listed by index seeks,
/// and a lane's batch is read without going through other lanes' records.
@Suite("Outbox streams by index")
struct OutboxStreamIndexTests {
    static let before = "v49: the latest change of each leave day, shared with the office's devices"

    static func insert(_ db: Database, seq: Int, type: String, payload: String) throws {
        try db.execute(
            sql: """
                INSERT INTO outbox (id, office_code, seq, record_type, payload, created_at)
                VALUES (?, 'UB-SB', ?, ?, ?, '2026-12-01T00:00:00.000Z')
                """, arguments: ["r\(seq)", seq, type, payload])
    }

    static func ticket(_ day: String) -> String { #"{"ticket":{"officeDay":"\#(day)","number":"A-001"}}"# }

    /// A database left by the program before the step, with waiting records of several lanes.
    static func oldDatabase() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-lanes-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: directory.appendingPathComponent("kiosk.sqlite").path)
        try AppDatabase.migrator.migrate(queue, upTo: Self.before)
        try queue.write { db in
            try Self.insert(db, seq: 1, type: "queue.issued", payload: Self.ticket("2026-12-01"))
            try Self.insert(db, seq: 2, type: "registration.created", payload: "{}")
            try Self.insert(db, seq: 3, type: "queue.issued", payload: Self.ticket("2026-12-02"))
            try Self.insert(db, seq: 4, type: "queue.called", payload: Self.ticket("2026-12-01"))
            try Self.insert(db, seq: 5, type: "queue.issued", payload: Self.ticket("2026-12-03"))
            // Not a day: plain `queue`; a payload that is not JSON as well.
            try Self.insert(db, seq: 6, type: "queue.called", payload: #"{"ticket":{"officeDay":"today"}}"#)
            try Self.insert(db, seq: 7, type: "queue.called", payload: "not json")
            try Self.insert(db, seq: 8, type: "feedback.recorded", payload: "{}")
            try Self.insert(db, seq: 9, type: "queue.finished", payload: Self.ticket("2026-12-03"))
        }
        try queue.close()
        return directory
    }

    @Test func recordsWrittenBeforeTheStepGoUpInTheirLanesOldestAndNewestDayFirst() async throws {
        let directory = try Self.oldDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AppDatabase(directory: directory)
        defer { try? database.close() }
        let store = SQLiteSyncStore(database: database)
        // The middle day's lane waits until the first is done.
        #expect(
            try await store.waitingStreams() == [
                "queue@2026-12-01", "registration", "queue@2026-12-03", "queue", "feedback",
            ])
        let first = try await store.batch(stream: "queue@2026-12-01", maxRecords: 10, maxBytes: 1 << 20)
        #expect(first.map(\.sequence) == [1, 4])
        let newest = try await store.batch(stream: "queue@2026-12-03", after: 5, maxRecords: 10, maxBytes: 1 << 20)
        #expect(newest.map(\.sequence) == [9])
        #expect(try await store.batch(stream: "queue", maxRecords: 10, maxBytes: 1 << 20).map(\.sequence) == [6, 7])
        // Answered records leave the index: the first day is done, the middle day's lane is next.
        try await store.record(
            first.map { RecordResult(id: $0.id, sequence: $0.sequence, status: .applied) }, at: Date())
        #expect(
            try await store.waitingStreams() == [
                "registration", "queue@2026-12-02", "queue@2026-12-03", "queue", "feedback",
            ])
        // The plans: seeks on the index, never a scan of the outbox.
        let plans = try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: "EXPLAIN QUERY PLAN SELECT seq FROM outbox WHERE sync_state IS NULL AND stream = ? AND seq > ?",
                arguments: ["queue@2026-12-03", 0]
            ).map { $0["detail"] as String }
        }
        #expect(plans.contains { $0.contains("USING INDEX outbox_waiting_stream") }, "\(plans)")
    }
}
