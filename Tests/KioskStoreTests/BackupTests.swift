import Foundation
import KioskCore
import KioskTestSupport
import LMISProtocol
import Testing

@testable import KioskStore

/// Backups of the office database (`DatabaseBackup`) and the outbox's numbering after a restore
/// (`outbox_floor`, `SQLiteSyncStore.settleSequenceFloor`), on real SQLite files.
@Suite("Backups and restores")
struct BackupTests {
    struct Note: Codable, Sendable { var n: Int }

    func append(_ database: AppDatabase, _ count: Int, from start: Int = 0) async throws {
        try await database.appendToOutbox(
            officeCode: "UB-SB", (start..<start + count).map { (OutboxRecordType.feedbackRecorded, Note(n: $0)) },
            at: Date())
    }

    func sequences(_ database: AppDatabase) async throws -> [Int] {
        try await database.testSQL("SELECT seq FROM outbox ORDER BY seq").map { Int($0[0]!)! }
    }

    @Test func aBackupIsALabelledCheckedFileOfItsOwn() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        try await append(temp.database, 3)
        let instant = Date(timeIntervalSince1970: 1_796_000_000)
        let directory = DatabaseBackup.directory(inDataDirectory: temp.directory)
        let file = try await DatabaseBackup.make(
            of: temp.database, officeCode: "UB-SB", softwareVersion: "9.9.9", into: directory, at: instant)
        #expect(file.url.lastPathComponent == "kiosk-UB-SB-20261130T005320Z.sqlite")
        #expect(file.label.sequence == 3 && file.label.officeCode == "UB-SB" && file.label.deviceID == nil)
        #expect(file.bytes > 0)
        // Owner-only: it holds every record of the office.
        let mode = try FileManager.default.attributesOfItem(atPath: file.url.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // No WAL beside it: the one file is the whole backup; no partial file is left.
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names == [file.url.lastPathComponent])
        let read = try DatabaseBackup.inspect(file.url)
        #expect(read.label == file.label)
        #expect(DatabaseBackup.latest(directory) == instant)
        // The live file keeps no label: only its copies have one.
        #expect(try await temp.database.testSQL("SELECT count(*) FROM backup_label") == [["0"]])
    }

    /// Two updates tried one after another made their pre-update copies in the same second; the
    /// second copy failed ("file exists") and so the update did not run (Tests/Update).
    @Test func aSecondCopyOfTheSameKindInTheSameSecondReplacesTheFirst() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let directory = DatabaseBackup.directory(inDataDirectory: temp.directory)
        let instant = Date(timeIntervalSince1970: 1_796_000_000)
        try await append(temp.database, 1)
        _ = try await DatabaseBackup.make(
            of: temp.database, officeCode: "UB-SB", softwareVersion: "1", kind: "pre-update", into: directory,
            at: instant)
        try await append(temp.database, 2, from: 1)
        let second = try await DatabaseBackup.make(
            of: temp.database, officeCode: "UB-SB", softwareVersion: "1", kind: "pre-update", into: directory,
            at: instant)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [second.url.lastPathComponent])
        #expect(try DatabaseBackup.inspect(second.url).label.sequence == 3)
    }

    @Test func backupsOlderThanFourteenDaysArePruned() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let directory = DatabaseBackup.directory(inDataDirectory: temp.directory)
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        for days in [0, 13, 15, 30] {
            _ = try await DatabaseBackup.make(
                of: temp.database, officeCode: "UB-SB", softwareVersion: "1", into: directory,
                at: now.addingTimeInterval(-Double(days) * 86_400))
        }
        // Not ours: left alone.
        try Data("notes".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        let deleted = try DatabaseBackup.prune(directory, now: now)
        #expect(deleted.count == 2)
        #expect(DatabaseBackup.list(directory).count == 2)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("notes.txt").path))
    }

    @Test func aDamagedOrForeignFileIsRefused() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let directory = DatabaseBackup.directory(inDataDirectory: temp.directory)
        let file = try await DatabaseBackup.make(
            of: temp.database, officeCode: "UB-SB", softwareVersion: "1", into: directory, at: Date())
        // Pages in the middle overwritten: the integrity check finds it.
        let handle = try FileHandle(forWritingTo: file.url)
        try handle.seek(toOffset: 8192)
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 16_384))
        try handle.close()
        #expect(throws: BackupError.self) { try DatabaseBackup.inspect(file.url) }
        #expect(throws: BackupError.self) { try DatabaseBackup.inspect(directory.appendingPathComponent("none")) }
    }

    @Test func aRestoreNumbersNewRecordsAboveWhatTheHubKnows() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        try await append(temp.database, 5)
        let backup = try await DatabaseBackup.make(
            of: temp.database, officeCode: "UB-SB", softwareVersion: "1",
            into: temp.directory.appendingPathComponent("usb"), at: Date())
        // After the backup the lost file went on to #9; the hub knows up to #8.
        try await append(temp.database, 4, from: 5)
        try temp.database.close()

        let restored = try DatabaseBackup.restore(
            try DatabaseBackup.inspect(backup.url), intoDataDirectory: temp.directory, at: Date())
        let store = SQLiteSyncStore(database: restored)
        #expect(try await sequences(restored) == [1, 2, 3, 4, 5])
        #expect(try await store.sequenceFloor()?.pending == true)
        // Made before the hub could be asked: numbered after the backup for now.
        try await append(restored, 2, from: 100)
        #expect(try await sequences(restored) == [1, 2, 3, 4, 5, 6, 7])

        let floor = try await store.settleSequenceFloor(hubHighest: 8)
        #expect(floor?.floor == 8 && floor?.pending == false && floor?.backupSequence == 5)
        #expect(try await sequences(restored) == [1, 2, 3, 4, 5, 9, 10])
        // In the order they were made.
        let notes = try await restored.testSQL(
            "SELECT json_extract(payload, '$.n') FROM outbox WHERE seq > 5 ORDER BY seq")
        #expect(notes == [["100"], ["101"]])
        try await append(restored, 1, from: 200)
        #expect(try await sequences(restored).last == 11)
        // Settled once: a later answer changes nothing.
        _ = try await store.settleSequenceFloor(hubHighest: 50)
        #expect(try await sequences(restored).last == 11)
        #expect(try await store.lastSequence() == 11)
    }

    @Test func aDatabaseInUseIsToldFromOneNobodyHasOpen() throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let file = URL(fileURLWithPath: temp.path)
        #expect(DatabaseBackup.isInUse(file))
        try temp.database.close()
        #expect(!DatabaseBackup.isInUse(file))
        #expect(!DatabaseBackup.isInUse(temp.directory.appendingPathComponent("none.sqlite")))
    }

    @Test func aRestoreWithNothingNewStillContinuesAboveTheHub() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        try await append(temp.database, 2)
        let backup = try await DatabaseBackup.make(
            of: temp.database, officeCode: "UB-SB", softwareVersion: "1",
            into: temp.directory.appendingPathComponent("usb"), at: Date())
        try temp.database.close()
        let restored = try DatabaseBackup.restore(backup, intoDataDirectory: temp.directory, at: Date())
        let store = SQLiteSyncStore(database: restored)
        try await store.settleSequenceFloor(hubHighest: 7)
        #expect(try await store.lastSequence() == 7)
        try await append(restored, 1)
        #expect(try await sequences(restored) == [1, 2, 8])
        // A hub that knows less than the backup does not pull the numbering down.
        let again = try await DatabaseBackup.make(
            of: restored, officeCode: "UB-SB", softwareVersion: "1", into: temp.directory.appendingPathComponent("b2"),
            at: Date())
        try restored.close()
        let second = try DatabaseBackup.restore(again, intoDataDirectory: temp.directory, at: Date())
        try await SQLiteSyncStore(database: second).settleSequenceFloor(hubHighest: 0)
        try await append(second, 1)
        #expect(try await sequences(second) == [1, 2, 8, 9])
    }
}
