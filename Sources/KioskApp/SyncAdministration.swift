public import Foundation
public import KioskCore
import KioskStore
public import LMISProtocol
public import LMISSync
public import Logging

/// Technician commands for the LMIS link, on the office database named by the configuration.
public struct SyncAdministration: Sendable {
    public let engine: SyncEngine
    let directory: URL

    public init(configuration: KioskConfiguration, logger: Logger) throws {
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        self.directory = directory
        let database = try AppDatabase(directory: directory)
        engine = SyncEngine(
            database: database, dataDirectory: directory, caFile: configuration.lmisCAFile,
            softwareVersion: KioskServer.softwareVersion, logger: logger)
    }

    public func enrol(hubURL: String, code: String, deviceName: String, force: Bool) async throws -> EnrolmentResponse {
        guard let url = URL(string: hubURL), ["https", "http"].contains(url.scheme ?? ""), url.host != nil else {
            throw ConfigurationError(key: "hub", problem: "must be an https:// address")
        }
        defer { Task { await engine.shutdown() } }
        return try await engine.enrol(hubURL: hubURL, code: code, deviceName: deviceName, force: force)
    }

    public func status() async throws -> SyncStatus { try await engine.store.status(now: Date()) }

    public func quarantined() async throws -> [SyncDatabase.QuarantinedRecord] { try await engine.store.quarantined() }

    /// Deletes the office database and the device key (a kiosk going back to the store or to
    /// another office). Refused while records wait for the LMIS, unless `force`.
    public func wipe(force: Bool) async throws -> Int {
        let waiting = try await engine.store.waitingCount()
        if waiting > 0, !force { throw SyncError.unsentRecords(waiting) }
        try await engine.store.database.close()
        for name in ["kiosk.sqlite", "kiosk.sqlite-wal", "kiosk.sqlite-shm", "lmis-device.key"] {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        }
        return waiting
    }

    public func round() async -> SyncEngine.Report {
        let report = await engine.round()
        await engine.shutdown()
        return report
    }
}
