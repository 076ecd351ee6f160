public import Foundation
import GRDB

/// What `kiosk doctor` finds in the office database file, opened read-only: SQLite's own
/// consistency check, the schema's migrations, and the file's size.
public struct DatabaseCheck: Sendable, Equatable, Codable {
    public var exists: Bool
    /// `ok`, or the problems SQLite's `quick_check` reports (at most 20).
    public var problems: [String]
    /// Migrations this program knows that the file has not had (the service migrates at start).
    public var missingMigrations: [String]
    /// Migrations in the file that this program does not know (a newer program wrote it).
    public var unknownMigrations: [String]
    public var journalMode: String
    public var bytes: Int64

    public var isHealthy: Bool { exists && problems.isEmpty && unknownMigrations.isEmpty }

    /// Checks the file at `path` without writing to it.
    public static func run(path: String) -> DatabaseCheck {
        var check = DatabaseCheck(
            exists: FileManager.default.fileExists(atPath: path), problems: [], missingMigrations: [],
            unknownMigrations: [], journalMode: "", bytes: 0)
        guard check.exists else { return check }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        check.bytes = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        do {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(5)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in
                let verdict = try String.fetchAll(db, sql: "PRAGMA quick_check(20)")
                check.problems = verdict == ["ok"] ? [] : verdict
                check.journalMode = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
                let applied = try AppDatabase.migrator.appliedIdentifiers(db)
                let known = AppDatabase.migrator.migrations
                check.missingMigrations = known.filter { !applied.contains($0) }
                check.unknownMigrations = applied.subtracting(known).sorted()
            }
            try queue.close()
        } catch {
            check.problems.append("\(error)")
        }
        return check
    }
}
