import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import LMISProtocol
import Testing

@testable import KioskStore

/// Leave days entered before they were shared (an office database older than migration v49)
/// go to the office's other devices once, as added when they were entered; real SQLite files.
@Suite("Earlier leave days shared once")
struct EarlierLeaveSharingTests {
    static let before = "v48: links to a person's vacancy list, sent in the weekly digest"

    @Test func leaveDaysOfAnOlderDatabaseAreSentOnceAsEnteredAndATakenBackDayIsNot() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-leave-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let queue = try DatabaseQueue(path: directory.appendingPathComponent("kiosk.sqlite").path)
        try AppDatabase.migrator.migrate(queue, upTo: Self.before)
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO counsellor_leave (staff_id, day, entered_by, entered_at) VALUES
                        ('ajiltan2', '2026-12-21', 'darga', '2026-12-01T03:04:05.678Z'),
                        ('ajiltan1', '2026-12-22', 'ajiltan1', '2026-12-02T01:00:00.000Z')
                    """)
        }
        try queue.close()

        let database = try AppDatabase(
            directory: directory, owner: BackupOwner(officeCode: "UB-SB", softwareVersion: "9.9.9"))
        defer { try? database.close() }
        let repository = SQLiteAppointmentRepository(database: database)
        // One day is taken back before the first start of the new version: only the other goes.
        #expect(
            try await repository.removeLeave(
                staffID: "ajiltan1", date: CivilDate(year: 2026, month: 12, day: 22)!, by: "ajiltan1",
                officeCode: "UB-SB", counter: 2, at: Date(timeIntervalSince1970: 1_796_000_000)))
        #expect(try await repository.shareEarlierLeave(officeCode: "UB-SB") == 1)
        #expect(try await repository.shareEarlierLeave(officeCode: "UB-SB") == 0)
        let rows = try await database.testSQL(
            "SELECT payload FROM outbox WHERE record_type = 'calendar.changed' ORDER BY seq")
        let changes = try rows.map {
            try OutboxPayload.decoder.decode(CalendarChanged.self, from: Data(($0[0] ?? "").utf8)).change
        }
        #expect(changes.map(\.action) == ["removed", "added"])
        #expect(changes.map(\.staffID) == ["ajiltan1", "ajiltan2"])
        let added = try #require(changes.last)
        #expect(added.day == "2026-12-21" && added.by == "darga" && added.officeCode == "UB-SB")
        #expect(LMISTime.timestamp(added.at) == "2026-12-01T03:04:05.678Z")
    }
}
