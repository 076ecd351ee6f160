public import Foundation
public import KioskCore
import KioskStore
public import LMISProtocol
public import LMISSync
public import Logging

/// Technician commands for the LMIS link, on the office database named by the configuration.
public struct SyncAdministration: Sendable {
    public let engine: SyncEngine

    public init(configuration: KioskConfiguration, logger: Logger) throws {
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
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

    public func round() async -> SyncEngine.Report {
        let report = await engine.round()
        await engine.shutdown()
        return report
    }
}
