public import Foundation
import GRDB

/// Who a backup belongs to and how far its outbox went, written into the copy (never into the
/// live file), so that a restore can refuse another office's or another device's backup.
public struct BackupLabel: Sendable, Equatable, Codable {
    public var officeCode: String
    /// The hub's id of the device that made it; nil before enrolment.
    public var deviceID: String?
    public var madeAt: Date
    /// The highest outbox sequence in the copy.
    public var sequence: Int64
    public var softwareVersion: String
}

/// Whose database is opened, for the label of the copy taken before migrating it: the office
/// (when not given, the enrolment's) and the program that migrates it.
public struct BackupOwner: Sendable, Equatable {
    public var officeCode: String?
    public var softwareVersion: String?

    public init(officeCode: String? = nil, softwareVersion: String? = nil) {
        self.officeCode = officeCode
        self.softwareVersion = softwareVersion
    }
}

/// One backup file: its place and label.
public struct BackupFile: Sendable, Equatable {
    public var url: URL
    public var label: BackupLabel
    public var bytes: Int64
}

/// Why a backup or a restore did not happen.
public struct BackupError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Online backups of the office database through SQLite's backup API: the copy is taken from a
/// read snapshot (WAL), so the kiosk keeps serving and writing while it is made. Each copy is
/// labelled, checked with `integrity_check`, synced and only then given its final name.
public enum DatabaseBackup {
    /// Backups older than this are deleted from the data folder after each new one.
    public static let keptDays = 14
    static let prefix = "kiosk-"
    static let suffix = ".sqlite"

    /// `DATA/backups`.
    public static func directory(inDataDirectory data: URL) -> URL {
        data.appendingPathComponent("backups", isDirectory: true)
    }

    /// Copies `database` into `directory` as `kiosk-<office>-<UTC time>.sqlite`.
    /// `kind` names why it was made (`pre-update`), nil for the nightly and technicians' copies.
    public static func make(
        of database: AppDatabase, officeCode: String, softwareVersion: String, kind: String? = nil,
        into directory: URL, at instant: Date
    ) async throws -> BackupFile {
        try make(
            of: database.writer, officeCode: officeCode, softwareVersion: softwareVersion, kind: kind,
            into: directory, at: instant)
    }

    /// Copies the database `writer` opens into `directory` as `kiosk-<office>[-<kind>]-<UTC time>.sqlite`.
    /// A file whose schema predates backups (no `backup_label` table) is copied unlabelled.
    static func make(
        of writer: any DatabaseWriter, officeCode: String, softwareVersion: String, kind: String?,
        into directory: URL, at instant: Date
    ) throws -> BackupFile {
        // Owner-only, like the data folder: a backup holds every record of the office.
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let stamp = fileStamp(instant)
        let name = [prefix + safe(officeCode), kind, stamp].compactMap { $0 }.joined(separator: "-")
        let final = directory.appendingPathComponent(name + suffix)
        let partial = directory.appendingPathComponent(".\(final.lastPathComponent).partial")
        try? FileManager.default.removeItem(at: partial)
        do {
            let device = try writer.read { db in
                try db.tableExists("lmis_enrolment")
                    ? String.fetchOne(db, sql: "SELECT device_id FROM lmis_enrolment WHERE id = 1") : nil
            }
            let label = try copy(writer, to: partial) { db in
                let sequence = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM outbox")!
                let label = BackupLabel(
                    officeCode: officeCode, deviceID: device, madeAt: instant, sequence: sequence,
                    softwareVersion: softwareVersion)
                guard try db.tableExists("backup_label") else { return label }
                try db.execute(sql: "DELETE FROM backup_label")
                try db.execute(
                    sql: """
                        INSERT INTO backup_label (id, office_code, device_id, made_at, sequence, software_version)
                        VALUES (1, ?, ?, ?, ?, ?)
                        """,
                    arguments: [officeCode, device, Outbox.utcTimestamp(instant), sequence, softwareVersion])
                return label
            }
            let problems = integrityProblems(partial)
            guard problems.isEmpty else {
                throw BackupError("the copy failed its integrity check: \(problems.prefix(3).joined(separator: "; "))")
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: partial.path)
            try sync(partial)
            // rename(2) replaces a copy of the same kind made in the same second (two updates tried
            // one after another) atomically; the later copy is the more current one.
            guard rename(partial.path, final.path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw BackupError("the copy could not be named \(final.lastPathComponent): \(reason)")
            }
            try sync(directory)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: final.path)[.size] as? NSNumber)??.int64Value
            return BackupFile(url: final, label: label, bytes: bytes ?? 0)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    /// The backup API's copy of `writer`'s database at `path`, then `label` written into it, in
    /// rollback journal mode (a file of its own: no WAL beside it to lose when it is carried away).
    private static func copy(
        _ writer: any DatabaseWriter, to url: URL, label: (Database) throws -> BackupLabel
    ) throws -> BackupLabel {
        let copy = try DatabaseQueue(path: url.path)
        defer { try? copy.close() }
        try writer.backup(to: copy)
        try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        return try copy.write(label)
    }

    /// Deletes this program's backups in `directory` made more than `keptDays` before `instant`
    /// (by their label's time, read from the name); answers the deleted files.
    @discardableResult
    public static func prune(_ directory: URL, now instant: Date, keptDays: Int = keptDays) throws -> [URL] {
        let cutoff = instant.addingTimeInterval(-Double(keptDays) * 86_400)
        var deleted: [URL] = []
        for url in list(directory) where (madeAt(fileName: url.lastPathComponent) ?? .distantFuture) < cutoff {
            try FileManager.default.removeItem(at: url)
            deleted.append(url)
        }
        return deleted
    }

    /// This program's backups in `directory`, oldest first.
    public static func list(_ directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return
            names
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) && madeAt(fileName: $0) != nil }
            .sorted { madeAt(fileName: $0)! < madeAt(fileName: $1)! }
            .map { directory.appendingPathComponent($0) }
    }

    /// When the newest backup in `directory` was made, if any.
    public static func latest(_ directory: URL) -> Date? {
        list(directory).last.flatMap { madeAt(fileName: $0.lastPathComponent) }
    }

    /// Reads a backup's label and checks the file; throws when it is not a usable backup.
    public static func inspect(_ url: URL) throws -> BackupFile {
        guard FileManager.default.fileExists(atPath: url.path) else { throw BackupError("no file at \(url.path)") }
        let problems = integrityProblems(url)
        guard problems.isEmpty else {
            throw BackupError("\(url.path) is damaged: \(problems.prefix(3).joined(separator: "; "))")
        }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: url.path, configuration: configuration)
        defer { try? queue.close() }
        let label = try queue.read { db -> BackupLabel? in
            guard try db.tableExists("backup_label") else { return nil }
            let applied = try AppDatabase.migrator.appliedIdentifiers(db)
            let unknown = applied.subtracting(AppDatabase.migrator.migrations)
            guard unknown.isEmpty else {
                throw BackupError(
                    "the backup was made by a newer program (migrations \(unknown.sorted().joined(separator: ", ")))")
            }
            return try Row.fetchOne(
                db, sql: "SELECT office_code, device_id, made_at, sequence, software_version FROM backup_label"
            ).map {
                BackupLabel(
                    officeCode: $0["office_code"], deviceID: $0["device_id"],
                    madeAt: try Outbox.parseUTCTimestamp($0["made_at"]), sequence: $0["sequence"],
                    softwareVersion: $0["software_version"])
            }
        }
        guard let label else { throw BackupError("\(url.path) is not a kiosk backup (it has no label)") }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)??.int64Value
        return BackupFile(url: url, label: label, bytes: bytes ?? 0)
    }

    /// True while another connection has the database at `url` open (a running `kiosk serve`):
    /// in WAL mode every connection holds a shared lock, so an exclusive one is refused.
    public static func isInUse(_ url: URL) -> Bool {
        guard FileManager.default.fileExists(atPath: url.path) else { return false }
        do {
            var configuration = Configuration()
            configuration.busyMode = .immediateError
            // Before the connection reads anything, so that it never uses the shared memory.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE") }
            let queue = try DatabaseQueue(path: url.path, configuration: configuration)
            defer { try? queue.close() }
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                try db.execute(sql: "ROLLBACK")
            }
            return false
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            return true
        } catch {
            return false
        }
    }

    /// SQLite's `integrity_check` of the file, opened read-only: empty when it is sound.
    static func integrityProblems(_ url: URL) -> [String] {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: url.path, configuration: configuration)
            defer { try? queue.close() }
            let verdict = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(20)") }
            return verdict == ["ok"] ? [] : verdict
        } catch {
            return ["\(error)"]
        }
    }

    /// `20261207T021500Z`: sorts as it reads, and holds no character a FAT stick refuses.
    static func fileStamp(_ instant: Date) -> String {
        let text = Outbox.utcTimestamp(instant)  // 2026-12-07T02:15:00.123Z
        return text.prefix(19).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "") + "Z"
    }

    static func madeAt(fileName: String) -> Date? {
        guard fileName.hasSuffix(suffix) else { return nil }
        let stem = fileName.dropLast(suffix.count)
        guard stem.count >= 16 else { return nil }
        let stamp = String(stem.suffix(16))  // yyyyMMddTHHmmssZ
        let chars = Array(stamp)
        guard chars[8] == "T", chars[15] == "Z" else { return nil }
        let text =
            "\(String(chars[0..<4]))-\(String(chars[4..<6]))-\(String(chars[6..<8]))T"
            + "\(String(chars[9..<11])):\(String(chars[11..<13])):\(String(chars[13..<15])).000Z"
        return try? Outbox.parseUTCTimestamp(text)
    }

    static func safe(_ officeCode: String) -> String {
        String(officeCode.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
    }

    /// Flushes a file or folder to the disk (a USB stick pulled right after must hold the copy).
    static func sync(_ url: URL) throws {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw BackupError("cannot open \(url.path) to sync it") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw BackupError("cannot sync \(url.path) to the disk") }
    }
}

extension DatabaseBackup {
    /// Puts a checked backup in place of the office database in `data` (the service must be
    /// stopped), and opens it. The outbox's sequence is left waiting for the hub's word
    /// (`SQLiteSyncStore.settleSequenceFloor`): records the lost file had sent carry numbers the
    /// backup does not know, and new records must not take them again.
    public static func restore(_ backup: BackupFile, intoDataDirectory data: URL, at instant: Date) throws
        -> AppDatabase
    {
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let live = data.appendingPathComponent("kiosk.sqlite")
        let incoming = data.appendingPathComponent(".kiosk.sqlite.restoring")
        try? FileManager.default.removeItem(at: incoming)
        try FileManager.default.copyItem(at: backup.url, to: incoming)
        try sync(incoming)
        for name in ["kiosk.sqlite-wal", "kiosk.sqlite-shm", "kiosk.sqlite-journal"] {
            try? FileManager.default.removeItem(at: data.appendingPathComponent(name))
        }
        if FileManager.default.fileExists(atPath: live.path) { try FileManager.default.removeItem(at: live) }
        try FileManager.default.moveItem(at: incoming, to: live)
        try sync(data)
        let database = try AppDatabase(path: live.path)
        try database.writer.write { db in
            try db.execute(sql: "DELETE FROM backup_label")
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO outbox_floor (id, floor, backup_sequence, pending, restored_at, backup_made_at)
                    VALUES (1, ?, ?, 1, ?, ?)
                    """,
                arguments: [
                    backup.label.sequence, backup.label.sequence, Outbox.utcTimestamp(instant),
                    Outbox.utcTimestamp(backup.label.madeAt),
                ])
        }
        return database
    }
}
