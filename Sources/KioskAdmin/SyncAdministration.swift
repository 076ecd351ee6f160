public import Foundation
public import KioskApp
public import KioskCore
public import KioskStore
public import LMISProtocol
public import LMISSync
public import Logging

/// Technician commands for the LMIS link, on the office database named by the configuration.
public struct SyncAdministration: Sendable {
    public let configuration: KioskConfiguration
    public let engine: SyncEngine
    let directory: URL

    /// The settings as every command reads them (`ConfigurationSource`).
    public init(source: ConfigurationSource, logger: Logger) throws {
        try self.init(configuration: source.load(), logger: logger)
    }

    public init(configuration: KioskConfiguration, logger: Logger) throws {
        self.configuration = configuration
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        self.directory = directory
        let database = try AppDatabase(directory: directory, owner: configuration.backupOwner)
        engine = SyncEngine(
            database: database, dataDirectory: directory, caFile: configuration.lmisCAFile,
            softwareVersion: KioskServer.softwareVersion, logger: logger, updateChannel: configuration.updateChannel)
    }

    public func enrol(hubURL: String, code: String, deviceName: String, force: Bool) async throws -> EnrolmentResponse {
        guard let url = URL(string: hubURL), ["https", "http"].contains(url.scheme ?? ""), url.host != nil else {
            throw ConfigurationError(key: "hub", problem: "must be an https:// address")
        }
        // Records of people travel to the hub: never in the clear, except on a developer's machine.
        guard url.scheme == "https" || configuration.allowHTTPHub else {
            throw ConfigurationError(
                key: "hub",
                problem: "must be an https:// address (http:// only with allow_http_hub = true, for development)")
        }
        defer { Task { await engine.shutdown() } }
        return try await engine.enrol(hubURL: hubURL, code: code, deviceName: deviceName, force: force)
    }

    /// `kiosk sync enrol`: exit 1 when the hub refused.
    public func enrolOutput(hubURL: String, code: String, deviceName: String, force: Bool) async throws
        -> CommandOutput
    {
        do {
            let before = try await engine.store.status(now: Date())
            let enrolled = try await enrol(hubURL: hubURL, code: code, deviceName: deviceName, force: force)
            var lines = ["enrolled as \(enrolled.deviceID) for office \(enrolled.officeCode) (\(enrolled.officeName))"]
            let after = try await engine.store.status(now: Date())
            if before.deviceID != nil, before.waiting > after.waiting {
                lines.append(
                    "\(before.waiting - after.waiting) records waiting under device \(before.deviceID ?? "") were "
                        + "abandoned (their numbers went to the hub with the enrolment)")
            }
            return CommandOutput(lines)
        } catch let error as SyncError {
            return CommandOutput(["enrolment failed: \(error)"], exitCode: 1)
        }
    }

    /// `kiosk sync status`, for people or (`json`) for scripts.
    public func statusOutput(json: Bool) async throws -> CommandOutput {
        let status = try await status()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            encoder.dateEncodingStrategy = .iso8601
            return CommandOutput([String(decoding: try encoder.encode(status), as: UTF8.self)])
        }
        func age(_ seconds: Int) -> String {
            seconds >= 86_400
                ? "\(seconds / 86_400) d \(seconds % 86_400 / 3600) h"
                : seconds >= 3600
                    ? "\(seconds / 3600) h \(seconds % 3600 / 60) min" : "\(seconds / 60) min \(seconds % 60) s"
        }
        var lines = ["hub:            \(status.hubURL ?? "not enrolled (kiosk sync enrol)")"]
        if let device = status.deviceID { lines.append("device:         \(device)") }
        lines.append("last success:   \(status.lastSuccessAt.map { $0.formatted(.iso8601) } ?? "never")")
        if let error = status.lastError { lines.append("last error:     \(error)") }
        lines.append(
            "waiting:        \(status.waiting) records\(status.oldestWaitingSeconds.map { ", oldest \(age($0))" } ?? "")"
        )
        lines.append("quarantined:    \(status.quarantined) records")
        lines.append("unverified:     \(status.unverified) registrations")
        lines.append("vacancies:      \(status.vacancies) open")
        if abs(status.clockOffsetSeconds) > 60 {
            lines.append("clock:          \(Int(status.clockOffsetSeconds)) s behind the hub")
        }
        for record in try await quarantined() {
            lines.append("  quarantined #\(record.sequence) \(record.type): \(record.reason)")
        }
        return CommandOutput(lines)
    }

    /// `kiosk sync now`: exit 1 when the round did not complete.
    public func roundOutput() async -> CommandOutput {
        let report = await round()
        let uploaded = RecordStatus.allCases.compactMap { status in
            report.uploaded[status].map { "\($0) \(status.rawValue)" }
        }
        var lines = [
            "uploaded: \(uploaded.isEmpty ? "nothing" : uploaded.joined(separator: ", "))",
            "downloaded: \(report.changes) changes\(report.reset ? " (the hub's feed restarted: everything fetched again)" : "")",
            "registry checks: \(report.checks)",
        ]
        guard let error = report.error else { return CommandOutput(lines) }
        lines.append("sync incomplete: \(error)")
        return CommandOutput(lines, exitCode: 1)
    }

    /// `kiosk sync wipe`: exit 1 when refused.
    public func wipeOutput(force: Bool) async throws -> CommandOutput {
        do {
            let abandoned = try await wipe(force: force)
            return CommandOutput([
                "wiped\(abandoned > 0 ? "; \(abandoned) records that never reached the LMIS were abandoned" : "")"
            ])
        } catch let error as SyncError {
            return CommandOutput(["not wiped: \(error)"], exitCode: 1)
        }
    }

    public func status() async throws -> SyncStatus { try await engine.store.status(now: Date()) }

    public func quarantined() async throws -> [QuarantinedRecord] { try await engine.store.quarantined() }

    /// Deletes the office database and the device key (a kiosk going back to the store or to
    /// another office). Refused while records wait for the LMIS, unless `force`.
    public func wipe(force: Bool) async throws -> Int {
        let waiting = try await engine.store.waitingCount()
        if waiting > 0, !force { throw SyncError.unsentRecords(waiting) }
        try await engine.store.close()
        for name in ["kiosk.sqlite", "kiosk.sqlite-wal", "kiosk.sqlite-shm", "lmis-device.key"] {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        }
        return waiting
    }

    /// After `kiosk restore`: asks the hub how far this device's sequence went (a heartbeat) and
    /// numbers new records above it. Throws when the hub cannot be asked.
    public func settleAfterRestore() async throws -> SequenceFloor? {
        defer { Task { await engine.shutdown() } }
        _ = try await engine.heartbeatNow()
        let floor = try await engine.store.sequenceFloor()
        try await engine.store.close()
        return floor
    }

    /// `kiosk sync heartbeat`: sends the kiosk's state to the hub now; exit 1 when it did not arrive.
    public func heartbeatOutput() async -> CommandOutput {
        defer { Task { await engine.shutdown() } }
        do {
            let sent = try await engine.currentHeartbeat()
            guard let answer = try await engine.heartbeatNow() else {
                return CommandOutput(["no heartbeat sent: not enrolled, or the hub takes none"], exitCode: 1)
            }
            return CommandOutput([
                "heartbeat sent: version \(sent.softwareVersion), \(sent.waiting) records waiting, last #\(sent.lastSequence)",
                "printer: \(sent.printer ?? "unknown"), reader: \(sent.reader ?? "unknown"), last backup: \(sent.lastBackupAt ?? "none")",
                "the hub knows this device up to #\(answer.highestSequence)",
            ])
        } catch {
            return CommandOutput(["heartbeat failed: \(error)"], exitCode: 1)
        }
    }

    public func round() async -> SyncEngine.Report {
        let report = await engine.round()
        await engine.shutdown()
        return report
    }
}
