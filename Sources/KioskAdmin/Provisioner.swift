import FingerprintUSB
public import Foundation
public import KioskApp
import KioskCore
import LMISProtocol
import LMISSync
import Logging
public import Printing

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk provision`: what the technician asked for. Nil means "keep what the config file
/// says" (or, interactively, "ask").
public struct ProvisionRequest: Sendable {
    public enum PrinterChoice: Sendable, Equatable {
        /// Keep the configured queue as it is.
        case keep
        /// Find the printer (CUPS' backends and the probed addresses) and make the queue.
        case find
        /// The office has no such printer.
        case none
        /// Make the queue for this device URI.
        case uri(String)

        public init?(_ text: String) {
            switch text {
            case "keep": self = .keep
            case "auto", "find": self = .find
            case "none": self = .none
            default:
                guard text.contains("://") || text.hasPrefix("/dev/") else { return nil }
                self = .uri(text.hasPrefix("/dev/") ? "file://\(text)" : text)
            }
        }
    }

    public var configPath: String
    /// Settings by config key (office_code, office_unit, time_zone, office_name_mn, …).
    public var settings: [String: String] = [:]
    public var hubURL: String?
    public var enrolmentCode: String?
    public var deviceName: String = ProcessInfo.processInfo.hostName
    /// Enrol again although records wait for the current hub (they are abandoned).
    public var forceEnrolment = false
    public var thermal: PrinterChoice?
    public var a4: PrinterChoice?
    /// Addresses to ask for printers (`host`, `host:port`, device URIs).
    public var probes: [String] = []
    /// Ask CUPS' backends (USB, DNS-SD, SNMP) for printers.
    public var discover = true
    public var reader: String?
    /// Nil: print a test ticket and page when a printer's queue was made or changed.
    public var testPrint: Bool?
    /// `systemctl try-restart kiosk.service` afterwards, when systemd runs this machine.
    public var restartService = true
    /// Host names and addresses staff PCs and phones reach the kiosk at: when given, the office
    /// CA (kept if made before) and a server certificate naming them are made in
    /// `<data_dir>/tls`, and the HTTPS listener is turned on (`tls_port`, 8443 unless set).
    public var tlsNames: [String] = []
    /// `KIOSK_*` variables override the file, as for every command.
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    public init(configPath: String) { self.configPath = configPath }

    /// Where the settings come from: the config file and the environment.
    public var source: ConfigurationSource { ConfigurationSource(file: configPath, environment: environment) }
}

/// Asks the technician; nil when the input has ended.
public struct Prompter: Sendable {
    public let ask: @Sendable (_ question: String) -> String?
    public let say: @Sendable (_ line: String) -> Void

    public init(ask: @escaping @Sendable (String) -> String?, say: @escaping @Sendable (String) -> Void) {
        self.ask = ask
        self.say = say
    }
}

extension Prompter {
    /// Questions on standard output, answers from standard input.
    public static let terminal = Prompter(
        ask: { question in
            print(question, terminator: "")
            fflush(nil)
            return readLine(strippingNewline: true)
        }, say: { print($0) })
}

public struct ProvisionError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Sets a kiosk up for its office, step by step, and can be run again to change one thing:
/// office and time zone, enrolment with the LMIS hub, the CUPS queues of the two printers, the
/// fingerprint reader, then the config file (written atomically) and a test ticket and page.
public struct Provisioner: Sendable {
    public let request: ProvisionRequest
    /// Nil: non-interactive (flags only; what is not given is kept or found).
    public let prompter: Prompter?
    public let say: @Sendable (String) -> Void

    public init(request: ProvisionRequest, prompter: Prompter?, say: @escaping @Sendable (String) -> Void) {
        self.request = request
        self.prompter = prompter
        self.say = say
    }

    public struct Outcome: Sendable {
        public var changes: [(key: String, before: String?, after: String?)] = []
        public var warnings: [String] = []
        public var printed: [PrinterAdministration.Report] = []
        /// CUPS queues made or changed.
        public var queuesMade = 0
        public var ok: Bool { printed.allSatisfy(\.ok) }
    }

    public static let timeZones = ["Asia/Ulaanbaatar", "Asia/Hovd", "Asia/Choibalsan"]

    /// `kiosk provision`: runs, and says how it ended; exit 1 when a step failed or a test print did not print.
    public func output() async throws -> CommandOutput {
        do {
            let outcome = try await run()
            return outcome.ok
                ? CommandOutput(["provisioned; check the office with: kiosk doctor --config \(request.configPath)"])
                : CommandOutput(["provisioned, but a test print FAILED"], exitCode: 1)
        } catch let error as ProvisionError {
            return CommandOutput(["provisioning stopped: \(error)"], exitCode: 1)
        }
    }

    public func run() async throws -> Outcome {
        var outcome = Outcome()
        let original = try ConfigFile(contentsOf: request.configPath)
        var file = original
        let current: KioskConfiguration
        do {
            current = try request.source.load(fileText: original.text)
        } catch let error as ConfigurationError {
            throw ProvisionError("\(error) (fix the line, then run kiosk provision again)")
        }

        // 1. The office. What the hub says about the enrolled office fills what was not given.
        var given = Set(request.settings.keys)
        try settle("office_code", "Office code (e.g. UB-SB)", current: current.officeCode, in: &file, given: &given)
        try settle(
            "time_zone", "Time zone (\(Self.timeZones.joined(separator: ", ")))", current: current.timeZone, in: &file,
            given: &given
        ) {
            Self.timeZones.contains($0) ? nil : "must be one of \(Self.timeZones.joined(separator: ", "))"
        }
        for key in [
            "office_unit", "office_name_mn", "office_name_en", "host", "public_url", "cups_server", "thermal_queue",
            "a4_queue", "tls_port",
        ] {
            if let value = request.settings[key] { try set(key, value, in: &file) }
        }

        // 2. The LMIS hub. Enrolment first: a refused code changes nothing on this kiosk.
        var configuration = try validated(file)
        try await enrol(&file, configuration: configuration, given: given)
        configuration = try validated(file)

        // 3. Printers, 4. the reader, 5. TLS for staff PCs and phones.
        try await printers(&file, configuration: configuration, outcome: &outcome)
        reader(&file, outcome: &outcome)
        configuration = try validated(file)
        try await certificates(&file, configuration: configuration)
        configuration = try validated(file)

        // 5. The config file, atomically, only when something changed.
        outcome.changes = original.changes(to: file)
        if outcome.changes.isEmpty {
            say("config: \(request.configPath) unchanged")
        } else {
            try file.write(to: request.configPath)
            say("config: wrote \(request.configPath)")
            for change in outcome.changes {
                say("  \(change.key): \(change.before ?? "(unset)") -> \(change.after ?? "(unset)")")
            }
        }
        DataFiles.handOver(in: configuration.dataDirectory)

        // 6. A test ticket and page on the printers the kiosk will use.
        let queuesChanged = outcome.changes.contains { ["thermal_queue", "a4_queue", "cups_server"].contains($0.key) }
        if request.testPrint ?? (queuesChanged || outcome.queuesMade > 0) {
            let reports = await (try PrinterAdministration(configuration: configuration)).testPages(
                timeout: .seconds(60))
            for report in reports {
                say(
                    "test print on \(report.role.rawValue) printer (\(report.queue)): \(report.ok ? "printed" : "FAILED")"
                )
                for line in report.lines { say("  \(line)") }
            }
            outcome.printed = reports
        }
        if request.restartService, !outcome.changes.isEmpty { restartService() }
        for warning in outcome.warnings { say("warning: \(warning)") }
        return outcome
    }

    // MARK: TLS

    /// The office CA and the server certificate for `request.tlsNames`, and the HTTPS listener on.
    private func certificates(_ file: inout ConfigFile, configuration: KioskConfiguration) async throws {
        guard !request.tlsNames.isEmpty else { return }
        if configuration.tlsCertFile != nil || configuration.tlsKeyFile != nil {
            throw ProvisionError(
                "tls_cert_file/tls_key_file name the office's own certificate; remove them to have one made")
        }
        let certificates = OfficeCertificates(
            folder: URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true).appendingPathComponent("tls"))
        let issued: OfficeCertificates.Issued
        do {
            issued = try await certificates.issue(names: request.tlsNames, office: configuration.officeCode)
        } catch let error as OfficeCertificateError {
            throw ProvisionError("tls: \(error)")
        }
        if configuration.tlsPort == nil { try set("tls_port", "8443", in: &file) }
        say(
            "tls: server certificate for \(request.tlsNames.joined(separator: ", ")) valid until \(issued.notValidAfter.formatted(.iso8601))"
        )
        say(
            issued.authorityIsNew
                ? "tls: NEW office CA \(certificates.authorityCertificate.path): install it once on every staff PC and phone"
                : "tls: signed by the office CA \(certificates.authorityCertificate.path) (already installed on staff PCs)"
        )
    }

    // MARK: Settings

    /// The settings the config file gives now, as every command reads them.
    public func configuration() throws -> KioskConfiguration {
        try request.source.load(fileText: ConfigFile(contentsOf: request.configPath).text)
    }

    private func validated(_ file: ConfigFile) throws -> KioskConfiguration {
        do {
            return try request.source.load(fileText: file.text)
        } catch let error as ConfigurationError {
            throw ProvisionError("\(error)")
        }
    }

    private func set(_ key: String, _ value: String, in file: inout ConfigFile) throws {
        var probe = KioskConfiguration()
        do {
            try probe.set(key, value)
            try file.set(key, value)
        } catch let error as ConfigurationError {
            throw ProvisionError("\(error)")
        }
    }

    /// A setting from its flag; interactively, asked (the current value is the default) until
    /// the answer is valid.
    private func settle(
        _ key: String, _ question: String, current: String, in file: inout ConfigFile, given: inout Set<String>,
        check: (String) -> String? = { _ in nil }
    ) throws {
        if let value = request.settings[key] {
            if let problem = check(value) { throw ProvisionError("\(key) \(problem)") }
            try set(key, value, in: &file)
            return
        }
        guard let prompter else { return }
        while true {
            guard let answer = prompter.ask("\(question) [\(current)]: ") else { throw ProvisionError("input ended") }
            let value = answer.trimmingCharacters(in: .whitespaces)
            if value.isEmpty { return }
            if let problem = check(value) {
                prompter.say("  \(key) \(problem)")
                continue
            }
            do {
                try set(key, value, in: &file)
                given.insert(key)
                return
            } catch {
                prompter.say("  \(error)")
            }
        }
    }

    // MARK: Enrolment

    private func enrol(_ file: inout ConfigFile, configuration: KioskConfiguration, given: Set<String>) async throws {
        var logger = Logger(label: "kiosk.provision")
        logger.logLevel = .critical
        let administration: SyncAdministration
        do {
            administration = try SyncAdministration(configuration: configuration, logger: logger)
        } catch {
            throw ProvisionError("cannot open the office database in \(configuration.dataDirectory): \(error)")
        }
        let enrolled = try? await administration.engine.store.enrolment()
        var hub = request.hubURL
        var code = request.enrolmentCode
        if let prompter, code == nil {
            if let enrolled { prompter.say("enrolled as \(enrolled.deviceID) with \(enrolled.hubURL)") }
            let question =
                enrolled == nil ? "Enrolment code from the hub (blank: later)" : "New enrolment code (blank: keep)"
            code = prompter.ask("\(question): ")?.trimmingCharacters(in: .whitespaces)
            if code?.isEmpty ?? true { code = nil }
            if code != nil, hub == nil {
                let fallback = enrolled?.hubURL ?? ""
                let answer = prompter.ask("Hub address\(fallback.isEmpty ? "" : " [\(fallback)]"): ")?
                    .trimmingCharacters(in: .whitespaces)
                hub = answer?.isEmpty ?? true ? fallback : answer
            }
        }
        guard let code else {
            if request.hubURL != nil {
                throw ProvisionError("--hub needs --enrolment-code (a one-time code from the hub)")
            }
            if let enrolled {
                say("hub: enrolled as \(enrolled.deviceID) for office \(enrolled.officeCode) with \(enrolled.hubURL)")
            } else {
                say("hub: not enrolled (kiosk provision --hub URL --enrolment-code CODE)")
            }
            return
        }
        guard let hub = hub ?? enrolled?.hubURL, !hub.isEmpty else {
            throw ProvisionError("--enrolment-code needs --hub (the LMIS hub's address)")
        }
        let response: EnrolmentResponse
        do {
            response = try await administration.enrol(
                hubURL: hub, code: code, deviceName: request.deviceName, force: request.forceEnrolment)
        } catch let error as SyncError {
            throw ProvisionError("enrolment with \(hub) failed: \(error)")
        } catch let error as ConfigurationError {
            throw ProvisionError("\(error)")
        }
        say("hub: enrolled as \(response.deviceID) for office \(response.officeCode) (\(response.officeName))")
        // The hub knows the office: its code (authoritative: the hub files this device's records
        // under it), its name and time zone unless the technician gave them.
        let wanted = file.value("office_code") ?? configuration.officeCode
        if wanted != response.officeCode {
            say(
                "warning: office code \(wanted) replaced by \(response.officeCode), the office the hub enrolled this kiosk for"
            )
        }
        try set("office_code", response.officeCode, in: &file)
        if !given.contains("office_name_mn"), !response.officeName.isEmpty {
            try set("office_name_mn", response.officeName, in: &file)
        }
        if !given.contains("time_zone"), Self.timeZones.contains(response.timeZone) {
            try set("time_zone", response.timeZone, in: &file)
        }
    }

    // MARK: Printers

    private func printers(_ file: inout ConfigFile, configuration: KioskConfiguration, outcome: inout Outcome)
        async throws
    {
        let server = configuration.cupsServer.flatMap(PrintServer.init) ?? PrintServer.systemDefault
        let cups = CUPSClient(server: server, timeout: .seconds(30))
        let existing = (try? await cups.printers()) ?? []
        var choices: [(PrinterRole, String, ProvisionRequest.PrinterChoice?)] = [
            (.thermal, configuration.thermalQueue, request.thermal), (.a4, configuration.a4Queue, request.a4),
        ]
        // Without a flag: keep a queue that exists; find the printer for one that does not.
        for index in choices.indices where choices[index].2 == nil && prompter == nil {
            let queue = choices[index].1
            choices[index].2 = !queue.isEmpty && existing.contains { $0.queue == queue } ? .keep : .find
        }
        var found: [DiscoveredPrinter]?
        for (role, configuredQueue, choice) in choices {
            let key = role == .thermal ? "thermal_queue" : "a4_queue"
            let queue = configuredQueue.isEmpty ? (role == .thermal ? "Thermal" : "A4") : configuredQueue
            let label = role == .thermal ? "thermal (receipt) printer" : "A4 printer"
            var decided = choice
            if decided == nil || decided == .find {
                if found == nil { found = await discover(cups) }
                let candidates = found!.filter { $0.use == (role == .thermal ? .thermal : .a4) }
                decided = try pick(
                    candidates, label: label, queue: queue, existing: existing, interactive: decided == nil)
            }
            switch decided ?? .keep {
            case .keep:
                if configuredQueue.isEmpty {
                    say("\(label): none")
                } else if let status = existing.first(where: { $0.queue == configuredQueue }) {
                    say("\(label): keeping queue \(configuredQueue) (\(status.deviceURI ?? "no device"))")
                } else {
                    outcome.warnings.append("\(label): queue \(configuredQueue) does not exist in CUPS at \(server)")
                }
            case .none:
                try set(key, "", in: &file)
                say("\(label): none")
            case .find:
                outcome.warnings.append(
                    "no \(label) found: connect it and run kiosk provision --\(role == .thermal ? "thermal" : "a4") auto, "
                        + "or name it with --probe HOST or a device URI")
            case .uri(let uri):
                do {
                    if role == .thermal {
                        try QueueSetup.thermal(queue: queue, uri: uri, server: server)
                    } else {
                        try QueueSetup.a4(queue: queue, uri: uri, server: server)
                    }
                } catch let error as QueueSetup.Failure {
                    throw ProvisionError("\(label): \(error)")
                }
                try set(key, queue, in: &file)
                outcome.queuesMade += 1
                say("\(label): queue \(queue) -> \(uri)")
            }
        }
    }

    /// What CUPS' backends and the probed addresses find, each device once.
    private func discover(_ cups: CUPSClient) async -> [DiscoveredPrinter] {
        var found: [DiscoveredPrinter] = []
        if request.discover {
            do {
                found += try await cups.devices(seconds: 8)
            } catch {
                say("printers: CUPS could not look for devices (\(error)); probing the named addresses only")
            }
        }
        // A network printer CUPS found on its raw or LPD port (SNMP) may also speak IPP Everywhere:
        // ask it, so that an office A4 printer gets a driverless queue.
        for printer in found where printer.use == nil {
            guard let url = URL(string: printer.uri), ["socket", "lpd"].contains(url.scheme ?? ""),
                let host = url.host
            else { continue }
            if let ipp = await Task.detached(operation: { PrinterProbe.probe("\(host):631") }).value.first {
                found.append(ipp)
            }
        }
        for address in request.probes {
            let answers = await Task.detached { PrinterProbe.probe(address) }.value
            if answers.isEmpty { say("printers: nothing usable answers at \(address)") }
            found += answers
        }
        var seen = Set<String>()
        found = found.filter { seen.insert($0.uri).inserted }
        for printer in found {
            say(
                "printers: found \(printer.makeAndModel) at \(printer.uri) (\(printer.use?.rawValue ?? "unknown use")"
                    + "\(printer.note.isEmpty ? "" : "; \(printer.note)"))")
        }
        return found
    }

    private func pick(
        _ candidates: [DiscoveredPrinter], label: String, queue: String, existing: [PrinterStatus], interactive: Bool
    ) throws -> ProvisionRequest.PrinterChoice {
        if interactive, let prompter {
            let keep = existing.first { $0.queue == queue }
            prompter.say("\(label):")
            var options: [ProvisionRequest.PrinterChoice] = []
            if let keep {
                options.append(.keep)
                prompter.say("  \(options.count)) keep queue \(queue) (\(keep.deviceURI ?? ""))")
            }
            for candidate in candidates {
                options.append(.uri(candidate.uri))
                prompter.say("  \(options.count)) \(candidate.makeAndModel) at \(candidate.uri)")
            }
            options.append(.none)
            prompter.say("  \(options.count)) none")
            while true {
                guard let answer = prompter.ask("Choose 1-\(options.count), or type a device URI [1]: ") else {
                    throw ProvisionError("input ended")
                }
                let text = answer.trimmingCharacters(in: .whitespaces)
                if text.isEmpty { return options[0] }
                if let number = Int(text), (1...options.count).contains(number) { return options[number - 1] }
                if let choice = ProvisionRequest.PrinterChoice(text), case .uri = choice { return choice }
                prompter.say("  not a choice")
            }
        }
        switch candidates.count {
        case 0: return .find
        case 1: return .uri(candidates[0].uri)
        default:
            throw ProvisionError(
                "several printers could be the \(label): \(candidates.map(\.uri).joined(separator: ", ")); name one")
        }
    }

    // MARK: Reader

    private func reader(_ file: inout ConfigFile, outcome: inout Outcome) {
        if let choice = request.reader {
            try? file.set("fingerprint_reader", choice)
            say("fingerprint reader: \(choice)")
            return
        }
        let found = (try? USBContext()).flatMap { try? $0.supportedReaders() }
        if let (info, model) = found?.first {
            try? file.set("fingerprint_reader", "usb")
            say("fingerprint reader: \(model.name) at USB port \(info.portPath)")
        } else {
            outcome.warnings.append(
                "no supported fingerprint reader on USB (\(SensorModel.supported)); "
                    + "plug it in and run kiosk provision --reader usb")
        }
    }

    // MARK: The appliance

    private func restartService() {
        guard geteuid() == 0, FileManager.default.fileExists(atPath: "/run/systemd/system"),
            FileManager.default.isExecutableFile(atPath: "/usr/bin/systemctl")
        else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemctl")
        process.arguments = ["try-restart", "kiosk.service"]
        if (try? process.run()) != nil {
            process.waitUntilExit()
            say("service: kiosk.service restarted with the new settings")
        }
    }
}
