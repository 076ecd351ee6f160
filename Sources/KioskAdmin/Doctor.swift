import CTimex
import FingerprintUSB
public import Foundation
public import KioskApp
public import KioskCore
public import KioskStore
import LMISProtocol
public import LMISSync
import Logging
import Printing

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk doctor`: is this office fit to open? Each check says ok, warning (the office can open,
/// but something needs a look) or failure (it cannot serve visitors properly), and why.
public struct DoctorReport: Sendable, Codable, Equatable {
    public enum Verdict: String, Sendable, Codable, Comparable {
        case ok, warning, failure

        var rank: Int { self == .ok ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
    }

    public struct Check: Sendable, Codable, Equatable {
        /// A stable name for scripts: `service`, `database`, `disk`, `clock`, `thermal_printer`,
        /// `a4_printer`, `fingerprint_reader`, `hub`, `signature`, `sync_backlog`.
        public var name: String
        public var verdict: Verdict
        public var summary: String
        /// The summary in Mongolian, for checks office staff read themselves (the modem).
        public var summaryMN: String?
        /// Figures behind the verdict, for scripts (free disk bytes, backlog, clock offset, …).
        public var facts: [String: String]

        public init(
            _ name: String, _ verdict: Verdict, _ summary: String, summaryMN: String? = nil,
            facts: [String: String] = [:]
        ) {
            self.name = name
            self.verdict = verdict
            self.summary = summary
            self.summaryMN = summaryMN
            self.facts = facts
        }
    }

    public var checkedAt: String
    public var office: String
    public var checks: [Check]

    /// No check failed. Warnings do not keep the office closed.
    public var fitToOpen: Bool { !checks.contains { $0.verdict == .failure } }
    public var worst: Verdict { checks.map(\.verdict).max() ?? .ok }

    /// 0 everything is fine, 2 fit to open with warnings, 1 not fit to open.
    public var exitCode: Int32 { fitToOpen ? (worst == .ok ? 0 : 2) : 1 }

    enum CodingKeys: String, CodingKey { case checkedAt, office, checks, fitToOpen }

    public init(checkedAt: String, office: String, checks: [Check]) {
        self.checkedAt = checkedAt
        self.office = office
        self.checks = checks
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        checkedAt = try container.decode(String.self, forKey: .checkedAt)
        office = try container.decode(String.self, forKey: .office)
        checks = try container.decode([Check].self, forKey: .checks)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(checkedAt, forKey: .checkedAt)
        try container.encode(office, forKey: .office)
        try container.encode(checks, forKey: .checks)
        try container.encode(fitToOpen, forKey: .fitToOpen)
    }

    /// The report for a person: one line a check, then the verdict.
    public var text: String {
        let width = (checks.map(\.name.count).max() ?? 0) + 2
        var lines = ["LSWO Kiosk doctor, office \(office), \(checkedAt)"]
        for check in checks {
            let tag =
                switch check.verdict {
                case .ok: "ok  "
                case .warning: "WARN"
                case .failure: "FAIL"
                }
            lines.append("[\(tag)] \(check.name.padding(toLength: width, withPad: " ", startingAt: 0))\(check.summary)")
            if let mongolian = check.summaryMN {
                lines.append("       \(String(repeating: " ", count: width))\(mongolian)")
            }
        }
        let failures = checks.filter { $0.verdict == .failure }.count
        let warnings = checks.filter { $0.verdict == .warning }.count
        lines.append(
            fitToOpen
                ? (warnings == 0 ? "Fit to open." : "Fit to open, with \(warnings) warning\(warnings == 1 ? "" : "s").")
                : "NOT fit to open: \(failures) failure\(failures == 1 ? "" : "s")\(warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : "")."
        )
        return lines.joined(separator: "\n")
    }
}

public struct Doctor: Sendable {
    public let configuration: KioskConfiguration
    /// Free space below which the office database may not grow safely.
    public var minimumFreeBytes: Int64 = 256 << 20
    public var lowFreeBytes: Int64 = 1 << 30
    /// How far the kiosk's clock may be from the hub's before tickets and records carry a wrong time.
    public var clockTolerance: Double = 120
    /// Records older than this still waiting for the LMIS are worth a warning.
    public var backlogAge: Int = 24 * 3600

    public init(configuration: KioskConfiguration) {
        self.configuration = configuration
    }

    /// The settings as every command reads them (`ConfigurationSource`).
    public init(source: ConfigurationSource) throws {
        self.init(configuration: try source.load())
    }

    /// `kiosk doctor`: the report for a person or (`json`) for scripts, with its exit status.
    /// `record`: the report is also written to `DATA/doctor.json` (`DoctorRecord`), replaced whole.
    public func output(json: Bool, record: Bool = false) async throws -> CommandOutput {
        let report = await run()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let encoded = try encoder.encode(report)
        if record {
            try encoded.write(to: DoctorRecord.file(in: dataDirectory), options: .atomic)
        }
        guard json else { return CommandOutput([report.text], exitCode: report.exitCode) }
        return CommandOutput([String(decoding: encoded, as: UTF8.self)], exitCode: report.exitCode)
    }

    var dataDirectory: URL { URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true) }

    public func run() async -> DoctorReport {
        var checks: [DoctorReport.Check] = []
        let service = await serviceCheck()
        checks.append(service.check)
        let databasePath = dataDirectory.appendingPathComponent("kiosk.sqlite").path
        let database = DatabaseCheck.run(path: databasePath)
        checks.append(databaseCheck(database, path: databasePath))
        checks.append(diskCheck())
        var link: LinkCheck?
        var sync: SyncStatus?
        // A database still missing schema steps is not opened for the link and backlog checks:
        // opening it through AppDatabase would make those steps, and the doctor changes nothing.
        let schemaPending = database.isHealthy && !database.missingMigrations.isEmpty
        if database.isHealthy, !schemaPending, let engine = try? syncEngine() {
            link = await engine.checkLink()
            sync = try? await engine.store.status(now: Date())
            await engine.shutdown()
            try? await engine.store.close()
            DataFiles.handOver(in: dataDirectory.path)
        }
        checks.append(clockCheck(link))
        checks += await printerChecks()
        checks.append(await readerCheck(serviceAnswers: service.answers))
        checks += linkChecks(link, databaseUsable: database.isHealthy, schemaPending: schemaPending)
        checks.append(backlogCheck(sync, schemaPending: schemaPending))
        if configuration.tlsPort != nil { checks.append(tlsCheck()) }
        checks.append(updateCheck())
        if configuration.smsRoute == .gammu {
            let status = await GammuModemStatus.read(
                smsdrc: configuration.smsSmsdrc, spool: configuration.smsSpoolDirectory)
            checks.append(Self.modemCheck(status))
            // A modem on a device node has a USB side to look at; gammu's dummy phone (a folder) has none.
            if USBModem.device(smsdrc: configuration.smsSmsdrc)?.hasPrefix("/dev/") ?? false {
                checks.append(Self.usbModemCheck(USBModem.scan(), waiting: status.waiting))
            }
        }
        return DoctorReport(
            checkedAt: configuration.office.localTimestamp(Date()), office: configuration.officeCode, checks: checks)
    }

    private func syncEngine() throws -> SyncEngine {
        var logger = Logger(label: "kiosk.doctor")
        logger.logLevel = .critical
        let database = try AppDatabase(directory: dataDirectory, owner: configuration.backupOwner)
        return SyncEngine(
            database: database, dataDirectory: dataDirectory, caFile: configuration.lmisCAFile,
            softwareVersion: KioskServer.softwareVersion, logger: logger)
    }

    /// The address the service listens on, as this machine reaches it.
    var serviceBase: String {
        let host = ["0.0.0.0", "::", ""].contains(configuration.host) ? "127.0.0.1" : configuration.host
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(configuration.port)"
    }

    // MARK: Service and storage

    func serviceCheck() async -> (check: DoctorReport.Check, answers: Bool) {
        do {
            let client = try HubClient(baseURL: serviceBase, timeout: .seconds(5))
            let answer = try await client.send("GET", "/healthz", signer: nil)
            if answer.status == 200 {
                return (.init("service", .ok, "answers at \(serviceBase)"), true)
            }
            return (
                .init(
                    "service", .failure, "answers at \(serviceBase) but is not usable (HTTP \(answer.status))",
                    facts: ["status": "\(answer.status)"]), true
            )
        } catch {
            return (
                .init(
                    "service", .failure,
                    "nothing answers at \(serviceBase): start it (systemctl start kiosk) and read its log (journalctl -u kiosk)"
                ), false
            )
        }
    }

    func databaseCheck(_ check: DatabaseCheck, path: String) -> DoctorReport.Check {
        let size = Self.bytes(check.bytes)
        guard check.exists else {
            return .init("database", .failure, "\(path) does not exist (the service creates it when it starts)")
        }
        let facts = ["path": path, "bytes": "\(check.bytes)", "journal_mode": check.journalMode]
        if !check.problems.isEmpty {
            return .init(
                "database", .failure,
                "\(path) is damaged: \(check.problems.prefix(3).joined(separator: "; ")); restore it from a backup",
                facts: facts)
        }
        if !check.unknownMigrations.isEmpty {
            return .init(
                "database", .failure,
                "\(path) was written by a newer program (\(check.unknownMigrations.joined(separator: ", ")))",
                facts: facts)
        }
        if check.journalMode != "wal" {
            return .init("database", .warning, "\(size), integrity ok, but not in WAL mode", facts: facts)
        }
        if !check.missingMigrations.isEmpty {
            return .init(
                "database", .warning,
                "\(size), integrity ok; \(check.missingMigrations.count) schema steps wait for the service to start",
                facts: facts)
        }
        return .init("database", .ok, "\(size), integrity ok, WAL", facts: facts)
    }

    public func diskCheck() -> DoctorReport.Check {
        var info = statvfs()
        var path = dataDirectory.path
        while statvfs(path, &info) != 0 {
            let parent = (path as NSString).deletingLastPathComponent
            guard parent != path, !parent.isEmpty else {
                return .init("disk", .failure, "cannot read the free space of \(dataDirectory.path)")
            }
            path = parent
        }
        let free = Int64(info.f_bavail) * Int64(info.f_frsize)
        let total = Int64(info.f_blocks) * Int64(info.f_frsize)
        let facts = ["free_bytes": "\(free)", "total_bytes": "\(total)", "path": path]
        let summary = "\(Self.bytes(free)) free of \(Self.bytes(total)) at \(path)"
        if free < minimumFreeBytes {
            return .init("disk", .failure, summary + ": too little for the office database", facts: facts)
        }
        if free < lowFreeBytes || (total > 0 && free * 10 < total) {
            return .init("disk", .warning, summary + ": running low", facts: facts)
        }
        return .init("disk", .ok, summary, facts: facts)
    }

    // MARK: Clock

    /// Whether the kernel considers its clock synchronised (NTP), nil when it cannot say.
    static func kernelClockSynchronised() -> Bool? {
        var info = timex()
        info.modes = 0
        let state = adjtimex(&info)
        guard state >= 0 else { return nil }
        return state != TIME_ERROR && info.status & STA_UNSYNC == 0
    }

    public func clockCheck(_ link: LinkCheck?) -> DoctorReport.Check {
        let synchronised = Self.kernelClockSynchronised()
        let kernel =
            switch synchronised {
            case true?: "kernel clock synchronised"
            case false?: "kernel clock NOT synchronised (check systemd-timesyncd)"
            case nil: "kernel clock state unknown"
            }
        var facts = ["kernel_synchronised": synchronised.map { "\($0)" } ?? "unknown"]
        guard let offset = link?.clockOffsetSeconds else {
            return .init(
                "clock", synchronised == true ? .ok : .warning, kernel + "; the hub's time is unknown", facts: facts)
        }
        facts["hub_offset_seconds"] = String(format: "%.1f", offset)
        let difference = Self.duration(abs(offset))
        if abs(offset) > clockTolerance {
            let direction = offset > 0 ? "behind" : "ahead of"
            return .init(
                "clock", .failure,
                "\(difference) \(direction) the LMIS hub: tickets, office days and records would carry the wrong time; \(kernel)",
                facts: facts)
        }
        return .init(
            "clock", synchronised == false ? .warning : .ok, "within \(difference) of the LMIS hub; \(kernel)",
            facts: facts)
    }

    // MARK: Devices

    func printerChecks() async -> [DoctorReport.Check] {
        let printing: PrintService
        do {
            var logger = Logger(label: "kiosk.doctor")
            logger.logLevel = .critical
            printing = PrintService(configuration: try KioskServer.printConfiguration(configuration), logger: logger)
        } catch {
            return [.init("printers", .failure, "printer settings refused: \(error)")]
        }
        let health = await printing.refresh()
        var checks: [DoctorReport.Check] = []
        for role in PrinterRole.allCases {
            let name = role == .thermal ? "thermal_printer" : "a4_printer"
            let what = role == .thermal ? "queue tickets and receipts" : "vacancy lists"
            guard let printer = health.first(where: { $0.role == role }) else {
                checks.append(.init(name, .warning, "none configured: the kiosk cannot print \(what)"))
                continue
            }
            var facts = ["queue": printer.queue, "faults": printer.faults.map(\.rawValue).joined(separator: ",")]
            if !printer.detail.isEmpty { facts["detail"] = printer.detail }
            let faults = printer.faults.map(\.rawValue).joined(separator: ", ")
            let detail = printer.detail.isEmpty ? "" : " (\(printer.detail))"
            if !printer.isReady {
                checks.append(.init(name, .failure, "queue \(printer.queue): \(faults)\(detail)", facts: facts))
            } else if !printer.faults.isEmpty {
                checks.append(.init(name, .warning, "queue \(printer.queue): \(faults)\(detail)", facts: facts))
            } else {
                checks.append(.init(name, .ok, "queue \(printer.queue) ready", facts: facts))
            }
        }
        return checks
    }

    func readerCheck(serviceAnswers: Bool) async -> DoctorReport.Check {
        let name = "fingerprint_reader"
        switch configuration.fingerprintReader {
        case "none":
            return .init(name, .warning, "none configured: returning visitors must type their registry number")
        case "virtual":
            return .init(name, .warning, "the virtual demo reader is configured, not a real one")
        default:
            break
        }
        if serviceAnswers, let status = await serviceReaderStatus() {
            if status.state == .absent {
                return .init(name, .failure, "the service has no reader: plug in a supported USB reader")
            }
            if status.reader == "virtual" {
                return .init(
                    name, configuration.fingerprintReader == "usb" ? .failure : .warning,
                    "no USB reader: the service uses the virtual demo reader")
            }
            return .init(
                name, .ok, "\(status.reader ?? "reader") \(status.state.rawValue), held by the service",
                facts: ["reader": status.reader ?? "", "state": status.state.rawValue])
        }
        return ReaderCheck.usb()
    }

    private func serviceReaderStatus() async -> FingerprintReaderStatus? {
        guard let client = try? HubClient(baseURL: serviceBase, timeout: .seconds(5)),
            let answer = try? await client.send("GET", "/api/v1/fingerprint/status", signer: nil), answer.status == 200
        else { return nil }
        return try? JSONDecoder().decode(FingerprintReaderStatus.self, from: answer.body)
    }

    // MARK: LMIS

    /// Why the link and backlog checks did not run when the database still waits for schema steps.
    static let schemaPendingReason =
        "not checked: the office database waits for schema steps, which the service makes when it starts;"
        + " start it (systemctl start kiosk) and run kiosk doctor again"

    public func linkChecks(_ link: LinkCheck?, databaseUsable: Bool, schemaPending: Bool = false)
        -> [DoctorReport.Check]
    {
        guard let link else {
            if schemaPending {
                return [
                    .init("hub", .warning, Self.schemaPendingReason),
                    .init("signature", .warning, Self.schemaPendingReason),
                ]
            }
            let why = databaseUsable ? "the office database cannot be opened" : "the office database is not usable"
            return [.init("hub", .failure, why), .init("signature", .failure, why)]
        }
        var facts: [String: String] = [:]
        if let url = link.hubURL { facts["hub_url"] = url }
        if let milliseconds = link.roundTripMilliseconds { facts["round_trip_ms"] = "\(milliseconds)" }
        let hub: DoctorReport.Check
        let signature: DoctorReport.Check
        switch link.outcome {
        case .notEnrolled:
            let advice = "not enrolled with the LMIS: kiosk provision --hub URL --enrolment-code CODE"
            return [.init("hub", .failure, advice), .init("signature", .failure, advice)]
        case .unreachable:
            // The office works offline; what it records waits for the link.
            hub = .init(
                "hub", .warning, "\(link.hubURL ?? "") cannot be reached: \(link.detail ?? "no answer")", facts: facts)
            signature = .init("signature", .warning, "not checked: the hub cannot be reached", facts: facts)
        case .accepted:
            hub = .init(
                "hub", .ok, "\(link.hubURL ?? "") answers\(link.roundTripMilliseconds.map { " in \($0) ms" } ?? "")",
                facts: facts)
            signature = .init("signature", .ok, "the hub accepts this device's signed requests", facts: facts)
        case .refused:
            hub = .init("hub", .ok, "\(link.hubURL ?? "") answers", facts: facts)
            signature = .init(
                "signature", .failure,
                "the hub refuses this device (\(link.detail ?? "refused")): enrol again with a new code", facts: facts)
        case .clockOff:
            hub = .init("hub", .ok, "\(link.hubURL ?? "") answers", facts: facts)
            signature = .init(
                "signature", .failure, "refused for the kiosk's wrong clock: set the time, then check again",
                facts: facts)
        }
        return [hub, signature]
    }

    /// The HTTPS listener's certificate: when it expires (a warning within 30 days, a failure after).
    public func tlsCheck(now: Date = Date()) -> DoctorReport.Check {
        let path = configuration.tlsFiles.certificate
        let expiry: Date
        do {
            expiry = try OfficeCertificates.expiry(ofPEMFile: path)
        } catch {
            return .init(
                "tls_certificate", .failure, "\(path) cannot be read as a PEM certificate (kiosk provision --tls-name)")
        }
        let days = Int(expiry.timeIntervalSince(now) / 86_400)
        let facts = ["expires": expiry.formatted(.iso8601), "days_left": String(days), "path": path]
        if expiry <= now {
            return .init(
                "tls_certificate", .failure, "certificate EXPIRED on \(expiry.formatted(.iso8601))", facts: facts)
        }
        return .init(
            "tls_certificate", days < 30 ? .warning : .ok,
            "certificate expires \(expiry.formatted(.iso8601)) (in \(days) days)\(days < 30 ? ": renew with kiosk provision --tls-name" : "")",
            facts: facts)
    }

    /// The update the hub offers this kiosk's channel (kept from the last heartbeat's answer): a
    /// warning while it is another version than this one, for a technician to install with
    /// `kiosk update --latest`.
    public func updateCheck() -> DoctorReport.Check {
        let channel = configuration.updateChannel
        guard let kept = UpdateOfferRecord.read(in: dataDirectory) else {
            return .init(
                "update", .ok, "no update offered on channel \(channel) at the last heartbeat",
                facts: ["channel": channel, "version": KioskServer.softwareVersion])
        }
        let offer = kept.offer
        let facts = [
            "channel": offer.channel, "version": KioskServer.softwareVersion, "offered_version": offer.version,
            "offered_bytes": "\(offer.sizeBytes)", "offered_url": offer.url,
        ]
        guard offer.version != KioskServer.softwareVersion else {
            return .init(
                "update", .ok, "version \(offer.version) is the newest on channel \(offer.channel)", facts: facts)
        }
        return .init(
            "update", .warning,
            "update available: version \(offer.version) on channel \(offer.channel) (\(Self.bytes(offer.sizeBytes))); "
                + "install with kiosk update --latest",
            facts: facts)
    }

    public func backlogCheck(_ status: SyncStatus?, schemaPending: Bool = false) -> DoctorReport.Check {
        guard let status else {
            return .init(
                "sync_backlog", .warning,
                schemaPending ? Self.schemaPendingReason : "unknown: the office database is not usable")
        }
        var facts = ["waiting": "\(status.waiting)", "quarantined": "\(status.quarantined)"]
        if let oldest = status.oldestWaitingSeconds { facts["oldest_waiting_seconds"] = "\(oldest)" }
        if let last = status.lastSuccessAt { facts["last_success_at"] = last.formatted(.iso8601) }
        var summary =
            status.waiting == 0
            ? "nothing waiting for the LMIS"
            : "\(status.waiting) records waiting, the oldest for \(Self.duration(Double(status.oldestWaitingSeconds ?? 0)))"
        if status.quarantined > 0 { summary += "; \(status.quarantined) refused by the hub (kiosk sync status)" }
        let old = (status.oldestWaitingSeconds ?? 0) > backlogAge
        return .init("sync_backlog", old || status.quarantined > 0 ? .warning : .ok, summary, facts: facts)
    }

    // MARK: Words

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole >= 86_400 { return "\(whole / 86_400) d \(whole % 86_400 / 3600) h" }
        if whole >= 3600 { return "\(whole / 3600) h \(whole % 3600 / 60) min" }
        if whole >= 60 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole) s"
    }
}

/// The USB fingerprint reader, checked directly (when no service holds it).
enum ReaderCheck {
    static func usb() -> DoctorReport.Check {
        let name = "fingerprint_reader"
        let probe: ReaderProbe?
        do {
            probe = try ReaderProbe.scan(handshake: true, limit: 1).first
        } catch {
            return .init(name, .failure, "cannot read the USB bus: \(error)")
        }
        guard let probe else {
            return .init(
                name, .failure,
                "no supported reader on USB (supported: \(SensorModel.supported))")
        }
        let (info, model) = (probe.info, probe.model)
        let facts = ["reader": model.name, "usb_id": "\(info.id)", "port": info.portPath]
        let where_ = "\(model.name) at port \(info.portPath)"
        return switch probe.state {
        case .ready: .init(name, .ok, "\(where_) answers", facts: facts)
        case .busy: .init(name, .ok, "\(where_), in use by another program", facts: facts)
        case .noAccess:
            .init(
                name, .failure, "\(where_) found, but no access: check the udev rule and the service's group",
                facts: facts)
        case .openFailed(let error): .init(name, .failure, "\(where_) found, but \(error)", facts: facts)
        case .claimFailed(let error):
            .init(name, .failure, "\(where_) found, but it cannot be claimed: \(error)", facts: facts)
        case .notAnswering(let error):
            .init(name, .failure, "\(where_) found, but it does not answer: \(error)", facts: facts)
        }
    }
}

extension Doctor {
    /// The office's GSM modem as gammu-smsd sees it: the daemon runs, the modem and its SIM
    /// answer, there is signal, and how many messages wait in its outbox or gave up.
    public static func modemCheck(_ status: GammuModemStatus) -> DoctorReport.Check {
        let name = "sms modem"
        let facts = [
            "daemon": status.daemonRunning ? "running" : "not running", "waiting": "\(status.waiting)",
            "errors": "\(status.errors)", "signal": status.signalPercent.map { "\($0)%" } ?? "unknown",
        ]
        guard status.daemonRunning else {
            return .init(
                name, .failure,
                "gammu-smsd is not running (systemctl status gammu-smsd); \(status.waiting) messages wait in its outbox",
                facts: facts)
        }
        guard status.modemPresent else { return .init(name, .failure, "no modem answers gammu-smsd", facts: facts) }
        guard status.simReady else {
            return .init(name, .failure, "the modem has no SIM ready (missing, or PIN locked)", facts: facts)
        }
        guard status.onNetwork else {
            return .init(name, .failure, "the modem has no signal: not on the network", facts: facts)
        }
        let detail = "modem on the network, signal \(status.signalPercent ?? 0)%, \(status.waiting) waiting"
        return .init(
            name, status.errors > 0 ? .warning : .ok,
            status.errors > 0 ? detail + ", \(status.errors) gave up" : detail, facts: facts)
    }
}
