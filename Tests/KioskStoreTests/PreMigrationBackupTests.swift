import Foundation
import GRDB
import KioskTestSupport
import LMISProtocol
import Testing

@testable import KioskStore

/// The copy taken before the migrator changes an existing office database (`AppDatabase`'s
/// `pre-migration` backup), on real SQLite files.
@Suite("Backup before migrations")
struct PreMigrationBackupTests {
    static let before = "v30: employers, office vacancies, referral outcomes, placements, follow-ups"

    /// A database file at the schema of `target` (as an older program left it), with outbox records.
    func oldDatabase(upTo target: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-premig-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: directory.appendingPathComponent("kiosk.sqlite").path)
        try AppDatabase.migrator.migrate(queue, upTo: target)
        try queue.write { db in
            for n in 1...3 {
                try db.execute(
                    sql: """
                        INSERT INTO outbox (id, office_code, seq, record_type, payload, created_at)
                        VALUES (?, 'UB-SB', ?, 'feedback.recorded', '{}', '2026-12-01T00:00:00.000Z')
                        """, arguments: ["r\(n)", n])
            }
        }
        try queue.close()
        return directory
    }

    func applied(_ url: URL) throws -> Set<String> {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: url.path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in try AppDatabase.migrator.appliedIdentifiers(db) }
    }

    @Test func anOlderDatabaseIsCopiedAtItsOldVersionBeforeItIsMigrated() async throws {
        let directory = try oldDatabase(upTo: Self.before)
        defer { try? FileManager.default.removeItem(at: directory) }
        let oldVersion = try applied(directory.appendingPathComponent("kiosk.sqlite"))
        let database = try AppDatabase(
            directory: directory, owner: BackupOwner(officeCode: "UB-SB", softwareVersion: "9.9.9"))
        defer { try? database.close() }
        let backup = try #require(database.preMigrationBackup)
        let folder = DatabaseBackup.directory(inDataDirectory: directory)
        #expect(DatabaseBackup.list(folder) == [backup.url])
        #expect(backup.url.lastPathComponent.hasPrefix("kiosk-UB-SB-pre-migration-"))
        // A sound file at the old version, with the records; the live file is migrated.
        #expect(DatabaseBackup.integrityProblems(backup.url).isEmpty)
        #expect(try applied(backup.url) == oldVersion)
        #expect(oldVersion.contains(Self.before) && !oldVersion.contains(AppDatabase.migrator.migrations.last!))
        #expect(backup.label.sequence == 3)
        #expect(try await database.testSQL("SELECT count(*) FROM outbox") == [["3"]])
        #expect(try applied(directory.appendingPathComponent("kiosk.sqlite")) == Set(AppDatabase.migrator.migrations))
        // Opened again at the current schema: nothing pending, no second copy.
        try database.close()
        let again = try AppDatabase(directory: directory)
        defer { try? again.close() }
        #expect(again.preMigrationBackup == nil)
        #expect(DatabaseBackup.list(folder).count == 1)
    }

    @Test func aLabelledSchemaGivesALabelledBackupThatRestoreAccepts() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        try await temp.database.appendToOutbox(
            officeCode: "UB-SB", [(type: OutboxRecordType.feedbackRecorded, payload: ["n": 1])], at: Date())
        try temp.database.close()
        // The next program's migrator: this one's migrations and one more.
        var next = AppDatabase.migrator
        next.registerMigration("test: a later program's migration") { db in
            try db.execute(sql: "CREATE TABLE later_program (id INTEGER PRIMARY KEY)")
        }
        let database = try AppDatabase(
            path: temp.path, owner: BackupOwner(officeCode: "UB-SB", softwareVersion: "9.9.9"), migrator: next)
        defer { try? database.close() }
        let backup = try #require(database.preMigrationBackup)
        let read = try DatabaseBackup.inspect(backup.url)
        #expect(read.label.officeCode == "UB-SB" && read.label.softwareVersion == "9.9.9" && read.label.sequence == 1)
        #expect(try applied(backup.url) == Set(AppDatabase.migrator.migrations))
        #expect(try await database.testSQL("SELECT count(*) FROM later_program") == [["0"]])
    }

    @Test func aNewDatabaseIsNotBackedUp() throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        #expect(temp.database.preMigrationBackup == nil)
        #expect(!FileManager.default.fileExists(atPath: DatabaseBackup.directory(inDataDirectory: temp.directory).path))
    }

    @Test func noMigrationRunsWhenTheBackupCannotBeMade() throws {
        let directory = try oldDatabase(upTo: Self.before)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The backup folder's name taken by a file: the copy cannot be written.
        try Data("not a folder".utf8).write(to: DatabaseBackup.directory(inDataDirectory: directory))
        #expect(throws: BackupError.self) { try AppDatabase(directory: directory) }
        #expect(
            !(try applied(directory.appendingPathComponent("kiosk.sqlite")).contains(
                AppDatabase.migrator.migrations.last!)))
    }
}
