import Foundation
public import KioskApp
import KioskCore
import KioskStore
public import Logging

/// `kiosk backup` and `kiosk restore`, on the office database named by the configuration.
public struct BackupAdministration: Sendable {
    public let configuration: KioskConfiguration
    let logger: Logger
    var dataDirectory: URL { URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true) }

    public init(source: ConfigurationSource, logger: Logger) throws {
        self.init(configuration: try source.load(), logger: logger)
    }

    public init(configuration: KioskConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// `kiosk backup [--to DIR]`: an online copy into `DATA/backups` (older than 14 days pruned)
    /// or into `DIR` (a USB stick: nothing there is pruned). Exit 1 when no good copy was made.
    public func backupOutput(to target: String?) async -> CommandOutput {
        let database = dataDirectory.appendingPathComponent("kiosk.sqlite")
        guard FileManager.default.fileExists(atPath: database.path) else {
            return CommandOutput(["no office database at \(database.path): nothing to back up"], exitCode: 1)
        }
        do {
            let file = try await Self.backUp(configuration: configuration, to: target.map(URL.init(fileURLWithPath:)))
            return CommandOutput([
                "backup written: \(file.url.path) (\(file.bytes / 1024) KiB, outbox up to #\(file.label.sequence), integrity ok)"
            ])
        } catch {
            return CommandOutput(["backup failed: \(error)"], exitCode: 1)
        }
    }

    /// Copies the office database of `configuration` (opened alongside a running service) into
    /// `target` or the data folder's `backups/`, pruning the latter.
    static func backUp(configuration: KioskConfiguration, to target: URL?, kind: String? = nil) async throws
        -> BackupFile
    {
        let data = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        let database = try AppDatabase(directory: data, owner: configuration.backupOwner)
        defer { try? database.close() }
        let directory = target ?? DatabaseBackup.directory(inDataDirectory: data)
        let file = try await DatabaseBackup.make(
            of: database, officeCode: configuration.officeCode, softwareVersion: KioskServer.softwareVersion,
            kind: kind, into: directory, at: Date())
        if target == nil { try DatabaseBackup.prune(directory, now: Date()) }
        return file
    }

    /// `kiosk restore FILE [--force]`. The service must be stopped. Refuses a backup of another
    /// office or device unless `force`; the file it replaces is kept as a backup first (when it
    /// can be read). Then asks the hub how far this device's sequence went; when the hub cannot
    /// be reached, the next sync round asks before it uploads anything.
    public func restoreOutput(file: String, force: Bool) async -> CommandOutput {
        let backup: BackupFile
        do {
            backup = try DatabaseBackup.inspect(URL(fileURLWithPath: file))
        } catch {
            return CommandOutput(["not restored: \(error)"], exitCode: 1)
        }
        var lines: [String] = []
        let live = dataDirectory.appendingPathComponent("kiosk.sqlite")
        guard !DatabaseBackup.isInUse(live) else {
            return CommandOutput(
                ["not restored: the office database is in use; stop the service first (systemctl stop kiosk)"],
                exitCode: 1)
        }
        var current: AppDatabase?
        var currentDevice: String?
        if FileManager.default.fileExists(atPath: live.path) {
            do {
                current = try AppDatabase(directory: dataDirectory, owner: configuration.backupOwner)
                currentDevice = try await SQLiteSyncStore(database: current!).enrolment()?.deviceID
            } catch {
                lines.append("the database it replaces cannot be read (\(error))")
            }
        }
        var refusals: [String] = []
        if backup.label.officeCode != configuration.officeCode {
            refusals.append(
                "the backup is of office \(backup.label.officeCode), this kiosk serves \(configuration.officeCode)")
        }
        if let currentDevice, let device = backup.label.deviceID, device != currentDevice {
            refusals.append("the backup was made by device \(device), this kiosk is enrolled as \(currentDevice)")
        }
        if !refusals.isEmpty, !force {
            try? current?.close()
            return CommandOutput(
                lines + refusals.map { "not restored: \($0) (--force to restore it anyway)" }, exitCode: 1)
        }
        if let current {
            do {
                let kept = try await DatabaseBackup.make(
                    of: current, officeCode: configuration.officeCode, softwareVersion: KioskServer.softwareVersion,
                    into: DatabaseBackup.directory(inDataDirectory: dataDirectory), at: Date())
                lines.append("the database it replaces was kept as \(kept.url.path)")
            } catch {
                lines.append("the database it replaces could not be kept (\(error)); it is replaced")
            }
            try? current.close()
        }
        let database: AppDatabase
        do {
            database = try DatabaseBackup.restore(backup, intoDataDirectory: dataDirectory, at: Date())
        } catch {
            return CommandOutput(lines + ["restore failed: \(error)"], exitCode: 1)
        }
        lines.append(
            "restored \(backup.url.lastPathComponent), made \(backup.label.madeAt.formatted(.iso8601)), outbox up to #\(backup.label.sequence)"
        )
        try? database.close()
        do {
            let sync = try SyncAdministration(configuration: configuration, logger: logger)
            if let floor = try await sync.settleAfterRestore(), !floor.pending {
                lines.append("new records are numbered from #\(floor.floor + 1), above what the hub knows")
            } else {
                lines.append("not enrolled: new records are numbered once the kiosk is enrolled and syncs")
            }
        } catch {
            lines.append(
                "the hub could not be asked (\(error)); nothing is uploaded until the next sync round has asked it")
        }
        return CommandOutput(lines)
    }
}
