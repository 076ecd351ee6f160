public import Foundation
import GRDB

/// A copy of the office database on which a new version proves itself before its slot is kept
/// (`kiosk boot-check`, docs/updates.md): copied byte for byte while no kiosk runs (the live file
/// is only read, never opened by SQLite), migrated, checked, and cut off from the hub so that a
/// kiosk serving it never uploads, sends a text or takes a sequence number the office's kiosk
/// will take again.
public enum ProofCopy {
    /// What was proven on the copy.
    public struct Prepared: Sendable {
        /// The schema steps the copy took: the ones the live database will take after mark-good.
        public var migrated: [String]
        public var bytes: Int64
    }

    /// Copies `live` (with its WAL, when there is one) to `copy`, then migrates and checks the copy.
    /// Throws with the reason when the copy cannot be made, migrated or is not sound afterwards.
    public static func prepare(live: URL, copy: URL, owner: BackupOwner) throws -> Prepared {
        let files = FileManager.default
        for suffix in ["", "-wal", "-shm"] { try? files.removeItem(atPath: copy.path + suffix) }
        guard files.fileExists(atPath: live.path) else {
            throw BackupError("no office database at \(live.path)")
        }
        try files.copyItem(at: live, to: copy)
        if files.fileExists(atPath: live.path + "-wal") {
            try files.copyItem(atPath: live.path + "-wal", toPath: copy.path + "-wal")
        }
        let pending: [String]
        do {
            let queue = try DatabaseQueue(path: copy.path)
            defer { try? queue.close() }
            let applied = try queue.read { db in try AppDatabase.migrator.appliedIdentifiers(db) }
            pending = AppDatabase.migrator.migrations.filter { !applied.contains($0) }
        }
        let database: AppDatabase
        do {
            database = try AppDatabase(path: copy.path, owner: owner)
        } catch {
            throw BackupError("the copy of the office database could not be migrated (\(error))")
        }
        try database.writer.write { db in
            // The copy is no device of the hub: its kiosk finds itself not enrolled and never syncs.
            if try db.tableExists("lmis_enrolment") { try db.execute(sql: "DELETE FROM lmis_enrolment") }
        }
        try database.close()
        let problems = DatabaseBackup.integrityProblems(copy)
        guard problems.isEmpty else {
            throw BackupError("the migrated copy fails integrity_check: \(problems.joined(separator: "; "))")
        }
        let size = (try? files.attributesOfItem(atPath: copy.path))?[.size] as? NSNumber
        return Prepared(migrated: pending, bytes: size?.int64Value ?? 0)
    }
}
