import Crypto
import Foundation
import GRDB
import Testing

@testable import KioskStore

/// The copy a new version proves itself on before its slot is kept (`kiosk boot-check`), on real
/// SQLite files: the live file keeps its bytes, the copy takes the pending schema steps.
@Suite("Proof copy of the office database")
struct ProofCopyTests {
    static let before = "v30: employers, office vacancies, referral outcomes, placements, follow-ups"

    func sha256(_ url: URL) throws -> String {
        SHA256.hash(data: try Data(contentsOf: url)).map { String(format: "%02x", $0) }.joined()
    }

    @Test func theCopyIsMigratedAndCutOffFromTheHubWhileTheLiveFileKeepsItsBytes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-proof-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let live = directory.appendingPathComponent("kiosk.sqlite")
        // An older program's database, enrolled with a hub, closed cleanly.
        let queue = try DatabaseQueue(path: live.path)
        try AppDatabase.migrator.migrate(queue, upTo: Self.before)
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO lmis_enrolment (id, hub_url, device_id, office_code, enrolled_at)
                    VALUES (1, 'https://hub.example.mn', 'dev-1', 'UB-SB', '2026-12-01T00:00:00.000Z')
                    """)
        }
        try queue.close()
        let bytes = try sha256(live)

        let copy = directory.appendingPathComponent("boot-check/kiosk.sqlite")
        try FileManager.default.createDirectory(
            at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        let prepared = try ProofCopy.prepare(live: live, copy: copy, owner: BackupOwner(officeCode: "UB-SB"))

        let all = AppDatabase.migrator.migrations
        let pending = Array(all[(all.firstIndex(of: Self.before)! + 1)...])
        #expect(prepared.migrated == pending && !pending.isEmpty)
        #expect(prepared.bytes > 0)
        // The live file: the same bytes (so its old schema), and no -wal or -shm made beside it.
        #expect(try sha256(live) == bytes)
        let beside = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(beside == ["boot-check", "kiosk.sqlite"])
        var readOnly = Configuration()
        readOnly.readonly = true
        // The copy: every step, sound, not enrolled.
        let opened = try DatabaseQueue(path: copy.path, configuration: readOnly)
        defer { try? opened.close() }
        let (steps, enrolments) = try opened.read { db in
            (
                try AppDatabase.migrator.appliedIdentifiers(db),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM lmis_enrolment")
            )
        }
        #expect(steps == Set(all))
        #expect(enrolments == 0)
        #expect(DatabaseBackup.integrityProblems(copy).isEmpty)
    }

    @Test func noDatabaseIsNoCopy() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-proof-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: BackupError.self) {
            try ProofCopy.prepare(
                live: directory.appendingPathComponent("kiosk.sqlite"),
                copy: directory.appendingPathComponent("copy.sqlite"), owner: BackupOwner())
        }
    }
}
