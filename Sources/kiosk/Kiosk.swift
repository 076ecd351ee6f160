import ArgumentParser
import Fingerprint
import Foundation
import JournalLogging
import KioskAdmin
import KioskApp
import Logging

@main
struct Kiosk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "LSWO Kiosk: the office appliance of a Mongolian Labour and Social Welfare Office.",
        // `kiosk --version`: what build.sh names an update bundle by (it refuses any other name).
        version: KioskServer.softwareVersion,
        subcommands: [
            Serve.self, Provision.self, Doctor.self, Staff.self, Printers.self, FingerprintCommands.self,
            SyncCommands.self, VoiceCommands.self, Backup.self, Restore.self, Update.self, BootCheckCommand.self,
            FirewallPortsCommand.self,
        ])
}

struct VoiceCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voice", abstract: "The phrases the kiosk speaks: list them, check and import a recorded set.",
        subcommands: [VoicePhrases.self, VoiceCheck.self, VoiceImport.self])
}

/// Where the voice commands find the phrase list and the office's data.
struct VoiceFolders: ParsableArguments {
    @Option(help: "Config file of `key = value` lines.") var config: String?
    @Option(name: .customLong("kiosk-dir"), help: "The Kiosk/ folder (locales, phrase list).") var kioskDir: String?

    func administration(dataDir: String?) async throws -> VoiceAdministration {
        try await VoiceAdministration(source: source(config, ["data_dir": dataDir, "kiosk_dir": kioskDir]))
    }
}
struct VoicePhrases: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phrases", abstract: "Print every phrase to record, `key<TAB>text`, one a line.",
        discussion: "Record each as DIR/<language>/<key>.wav: 16-bit PCM, mono, 16 to 48 kHz.")

    @Option(help: "mn or en.") var language: String = "mn"
    @OptionGroup var folders: VoiceFolders

    func run() async throws {
        let administration = try await usage {
            try await folders.administration(dataDir: nil)
        }
        guard let output = administration.phrasesOutput(language: language) else {
            throw ValidationError("--language must be mn or en")
        }
        try finish(output)
    }
}

struct VoiceCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Check a recorded set (by default the imported one): every phrase present, format, length, not silent.",
        discussion: "Exits 1 unless every phrase of both languages has a usable clip.")

    @Argument(help: "Folder with mn/ and en/ of <key>.wav files.") var directory: String?
    @OptionGroup var folders: VoiceFolders
    @Option(name: .customLong("data-dir"), help: "Folder of the office database.") var dataDir: String?

    func run() async throws {
        let administration = try await usage {
            try await folders.administration(dataDir: dataDir)
        }
        try finish(administration.checkOutput(directory.map { URL(fileURLWithPath: $0, isDirectory: true) }))
    }
}

struct VoiceImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import the usable clips of a recorded set into the data folder.",
        discussion: "Exits 1 when a clip was refused or nothing was imported.")

    @Argument(help: "Folder with mn/ and en/ of <key>.wav files.") var directory: String
    @OptionGroup var folders: VoiceFolders
    @Option(name: .customLong("data-dir"), help: "Folder of the office database.") var dataDir: String?

    func run() async throws {
        let administration = try await usage {
            try await folders.administration(dataDir: dataDir)
        }
        try finish(administration.importOutput(URL(fileURLWithPath: directory, isDirectory: true)))
    }
}

struct Staff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage staff accounts of the office database.", subcommands: [AddStaff.self])
}

struct Printers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the office's printers through CUPS.",
        subcommands: [PrinterStatusCommand.self, PrinterTest.self])
}

struct PrinterStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "List the CUPS queues and the health of the kiosk's printers.")

    @Option(help: "Config file of `key = value` lines.") var config: String?

    func run() async throws {
        try finish(await usage { try PrinterAdministration(source: source(config)) }.statusOutput())
    }
}

struct PrinterTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Print a test page on each configured printer and wait until it has printed.",
        discussion: "Exits 1 when a printer did not print its page.")

    @Option(help: "Config file of `key = value` lines.") var config: String?
    @Option(help: "Seconds to wait for each page.") var timeout: Int = 60

    func run() async throws {
        let administration = try await usage { try PrinterAdministration(source: source(config)) }
        try finish(await administration.testPagesOutput(timeout: .seconds(timeout)))
    }
}

struct AddStaff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a staff account, or give an existing one a new name, role or PIN.",
        discussion: """
            The PIN (6 to 12 digits, not one digit repeated nor a run like 123456) is read from the first \
            line of standard input, never from a flag.
            """)

    @Argument(help: "Username used to sign in, e.g. bat.erdene") var username: String
    @Option(help: "Name shown on the console.") var name: String
    @Option(help: "staff, head or technician.") var role: String = "staff"
    @Option(help: "Config file of `key = value` lines.") var config: String?
    @Option(name: .customLong("data-dir"), help: "Folder of the office database.") var dataDir: String?

    func run() async throws {
        try await usage {
            let administration = try StaffAdministration(source: source(config, ["data_dir": dataDir]))
            guard let pin = readLine(strippingNewline: true) else {
                throw ValidationError("give the PIN on standard input")
            }
            try await administration.add(username: username, displayName: name, role: role, pin: pin)
        }
        print("saved staff account \(username)")
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the kiosk screen, staff console, display board and JSON API.",
        discussion: """
            Settings come from, in rising priority: built-in defaults (the demo office), the file \
            given by --config (`key = value` lines), KIOSK_<KEY> environment variables, and flags. \
            Keys: \(KioskConfiguration.keys.joined(separator: ", ")).
            """)

    @Option(help: "Config file of `key = value` lines.") var config: String?
    @Option(help: "Address to listen on.") var host: String?
    @Option(help: "Port to listen on (0 picks a free one).") var port: Int?
    @Option(name: .customLong("data-dir"), help: "Folder of the office database.") var dataDir: String?
    @Option(name: .customLong("kiosk-dir"), help: "The Kiosk/ folder (templates, assets, locales).") var kioskDir:
        String?
    @Option(name: .customLong("office-code"), help: "Office code, e.g. UB-SB.") var officeCode: String?
    @Option(name: .customLong("office-unit"), help: "Aimag or district code of the office.") var officeUnit: String?
    @Option(name: .customLong("time-zone"), help: "Asia/Ulaanbaatar or Asia/Hovd.") var timeZone: String?
    @Option(help: "Default screen language: mn or en.") var language: String?
    @Option(name: .customLong("idle-seconds"), help: "Seconds without a touch before the countdown.") var idleSeconds:
        Int?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.") var logLevel: String?

    func resolvedConfiguration() async throws -> KioskConfiguration {
        let flags: [String: String?] = [
            "host": host, "port": port.map(String.init), "data_dir": dataDir, "kiosk_dir": kioskDir,
            "office_code": officeCode, "office_unit": officeUnit, "time_zone": timeZone, "language": language,
            "idle_seconds": idleSeconds.map(String.init), "log_level": logLevel,
        ]
        return try await usage { try source(config, flags).load() }
    }

    func run() async throws {
        let configuration = try await resolvedConfiguration()
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let journal = JournalLogHandler.standardErrorIsJournal()
        LoggingSystem.bootstrap { label in
            if journal {
                var handler = JournalLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "kiosk")
        do {
            let server = try await KioskServer(configuration: configuration, logger: logger)
            try await server.run(logger: logger)
        } catch let error as ConfigurationError {
            logger.critical("configuration refused", metadata: ["kiosk.error": "\(error)"])
            throw ExitCode(78)  // EX_CONFIG
        }
    }
}

struct FingerprintCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fingerprint", abstract: "Check the fingerprint reader; measure the fingerprint matcher.",
        subcommands: [
            FingerprintList.self, FingerprintCapture.self, FingerprintEvaluate.self, FingerprintRecord.self,
            FingerprintReadRecord.self,
        ])
}

struct FingerprintEvaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Run the fingerprint pipeline over an FVC-style folder with the FVC protocol.",
        discussion: """
            DIR holds <finger>_<impression>.png images. Genuine comparisons: every pair of impressions \
            of a finger; impostor comparisons: the first impressions of different fingers. Prints EER, \
            FMR100, FMR1000, ZeroFMR, extraction time (mean, p95), comparisons per second and, with \
            --ident, a closed-set identification run (rank-1 rate, highest impostor score per search): \
            the figures the NBIS peer script prints, so the two can be run side by side.
            """)

    @Argument(help: "Folder of <finger>_<impression>.png images.") var directory: String
    @Flag(help: "Also run closed-set 1:N identification.") var ident = false
    @Option(help: "Use only the first N fingers.") var limitFingers: Int?

    func run() async throws {
        do {
            let evaluation = try FVCEvaluation(directory: directory, identification: ident, limitFingers: limitFingers)
            print(evaluation.report)
        } catch {
            print("error: \(error)")
            throw ExitCode(1)
        }
    }
}

struct FingerprintRecord: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Write the ISO/IEC 19794-2:2005 minutiae record of fingerprint images.",
        discussion: """
            Each IMAGE (PNG; its pHYs resolution, else --dpi, else 500 dpi) becomes one finger view of \
            the record, as the kiosk's pipeline extracts it (minutiae at 500 dpi) and as the LMIS \
            receives enrolled fingers. For checking a record with another system's reader.
            """)

    @Argument(help: "PNG images, one finger view each.") var images: [String]
    @Option(help: "Where to write the record.") var out: String
    @Option(
        name: .customLong("finger"),
        help: "ISO finger position of each image in turn (0 unknown, 1 right thumb … 10 left little; default 0).")
    var fingers: [Int] = []
    @Option(help: "Resolution of images without a pHYs chunk.") var dpi: Int?

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("name at least one image") }
        guard images.count <= 255 else { throw ValidationError("a record holds at most 255 finger views") }
        guard fingers.count <= images.count else {
            throw ValidationError("\(fingers.count) finger positions for \(images.count) images")
        }
        if let wrong = fingers.first(where: { !(0...10).contains($0) }) {
            throw ValidationError("finger position \(wrong) is not 0–10")
        }
        if let dpi, !(250...2000).contains(dpi) { throw ValidationError("--dpi \(dpi) is not 250–2000") }
    }

    func run() async throws {
        try finish(FingerprintTools.record(images: images, fingers: fingers, dpi: dpi, out: out))
    }
}

struct FingerprintReadRecord: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read-record",
        abstract: "Check and print an ISO/IEC 19794-2:2005 minutiae record.",
        discussion:
            "Every length and field is checked; a record that does not follow the standard is refused with the reason.")

    @Argument(help: "The record file.") var file: String
    @Flag(help: "Print the record as JSON.") var json = false

    func run() async throws {
        try finish(FingerprintTools.readRecord(file: file, json: json))
    }
}

struct FingerprintList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the supported fingerprint readers on the USB bus, with their state.")

    func run() async throws {
        try finish(FingerprintTools.list())
    }
}

struct FingerprintCapture: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Capture one image from the first supported reader and write it as PNG.",
        discussion: "For checking a reader: the only command that writes a fingerprint image to disk.")

    @Option(help: "Where to write the PNG.") var out: String
    @Option(help: "Seconds to wait for a finger.") var timeout: Int = 20

    func run() async throws {
        try finish(FingerprintTools.capture(out: out, timeout: timeout, say: { print($0) }))
    }
}

struct SyncOptions: ParsableArguments {
    @Option(help: "Config file of `key = value` lines.") var config: String?
    @Option(name: .customLong("data-dir"), help: "Folder of the office database.") var dataDir: String?

    func administration() async throws -> SyncAdministration {
        var logger = Logger(label: "kiosk.sync")
        logger.logLevel = .warning
        return try await usage { try SyncAdministration(source: source(config, ["data_dir": dataDir]), logger: logger) }
    }
}

struct SyncCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "The link to the central LMIS: enrol, status, sync now.",
        subcommands: [SyncEnrol.self, SyncStatusCommand.self, SyncNow.self, SyncHeartbeat.self, SyncWipe.self])
}

struct SyncEnrol: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrol",
        abstract: "Enrol this kiosk with an LMIS hub, using a one-time code the hub issued.",
        discussion: """
            Makes a new device key. Refused while records wait to be uploaded to the current hub             (they would never arrive), unless --force.
            """)
    @OptionGroup var options: SyncOptions
    @Option(help: "The hub's address, e.g. https://lmis.example.mn") var hub: String
    @Option(help: "The one-time enrolment code, e.g. ABCD-EFGH-JKLM.") var code: String
    @Option(help: "A name for this device on the hub.") var name: String = ProcessInfo.processInfo.hostName
    @Flag(help: "Enrol even though records wait for the current hub (they are abandoned).") var force = false

    func run() async throws {
        let administration = try await options.administration()
        try finish(
            await usage {
                try await administration.enrolOutput(hubURL: hub, code: code, deviceName: name, force: force)
            })
    }
}

struct SyncStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Last success, records waiting and their age, quarantined records.")
    @OptionGroup var options: SyncOptions
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        try finish(await options.administration().statusOutput(json: json))
    }
}

struct SyncNow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "now", abstract: "Run one sync round now: upload, download, registry checks.",
        discussion: "Exits 1 when the round did not complete.")
    @OptionGroup var options: SyncOptions

    func run() async throws {
        try finish(await options.administration().roundOutput())
    }
}

struct SyncHeartbeat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat",
        abstract: "Tell the hub this kiosk's state now (version, backlog, printer, reader, clock, last backup).",
        discussion: "Exits 1 when the hub did not take it. `kiosk serve` sends one at the start of every sync round.")
    @OptionGroup var options: SyncOptions

    func run() async throws {
        try finish(await options.administration().heartbeatOutput())
    }
}

struct SyncWipe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wipe",
        abstract: "Delete the office database and the device key (the kiosk leaves this office).",
        discussion: "Refused while records wait to be uploaded to the LMIS, unless --force.")
    @OptionGroup var options: SyncOptions
    @Flag(help: "Wipe even though records wait for the LMIS (they are lost).") var force = false

    func run() async throws {
        try finish(await options.administration().wipeOutput(force: force))
    }
}

/// The appliance's config file, where the image puts it.
let applianceConfig = "/etc/lswo-kiosk/kiosk.conf"

struct Provision: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set this kiosk up for its office: office, hub enrolment, printers, reader, test print.",
        discussion: """
            Asks for what no flag gives when standard input is a terminal (or with --interactive); \
            with flags only (--non-interactive, or no terminal) it keeps what is configured and \
            finds what is missing. Run it again to change one thing: settings not named stay as \
            they are. The config file is written atomically, keeping its comments. Printers are \
            found by CUPS' backends (USB, DNS-SD, SNMP; needs root) and at the --probe addresses; \
            the thermal printer gets a raw queue, the A4 printer an IPP Everywhere queue. A test \
            ticket and page are printed when a queue was made (--test-print / --no-test-print).
            Exits 1 when a step failed or a test print did not print.
            """)

    @Option(help: "The config file to write.") var config: String = applianceConfig
    @Option(name: .customLong("office-code"), help: "Office code, e.g. UB-SB (the hub's enrolment gives it).")
    var officeCode: String?
    @Option(name: .customLong("office-unit"), help: "Aimag or district code of the office.") var officeUnit: String?
    @Option(name: .customLong("office-name-mn"), help: "The office's name in Mongolian.") var officeNameMN: String?
    @Option(name: .customLong("office-name-en"), help: "The office's name in English.") var officeNameEN: String?
    @Option(name: .customLong("time-zone"), help: "Asia/Ulaanbaatar, or Asia/Hovd in the western aimags.")
    var timeZone: String?
    @Option(help: "Address the service listens on (0.0.0.0 for staff PCs and the display board).") var host: String?
    @Option(name: .customLong("public-url"), help: "Where phones reach the service (the ticket QR codes).")
    var publicURL: String?
    @Option(help: "The LMIS hub's address, e.g. https://lmis.example.mn") var hub: String?
    @Option(name: .customLong("enrolment-code"), help: "The one-time enrolment code the hub issued.")
    var enrolmentCode: String?
    @Option(name: .customLong("device-name"), help: "A name for this kiosk on the hub.") var deviceName: String?
    @Flag(name: .customLong("force-enrolment"), help: "Enrol again although records wait for the current hub.")
    var forceEnrolment = false
    @Option(help: "auto (find it), none, keep, or a device URI (socket://HOST:9100, usb://…).") var thermal: String?
    @Option(help: "auto (find it), none, keep, or an IPP URI (ipp://HOST/ipp/print).") var a4: String?
    @Option(name: .customLong("thermal-queue"), help: "Name of the thermal printer's CUPS queue.") var thermalQueue:
        String?
    @Option(name: .customLong("a4-queue"), help: "Name of the A4 printer's CUPS queue.") var a4Queue: String?
    @Option(name: .customLong("cups-server"), help: "The CUPS scheduler (host:port or socket path).") var cupsServer:
        String?
    @Option(help: "An address to ask for printers: HOST, HOST:PORT or a device URI (repeatable).") var probe: [String] =
        []
    @Flag(name: .customLong("no-discovery"), help: "Do not ask CUPS' backends for printers.") var noDiscovery = false
    @Option(help: "Fingerprint reader: auto, usb, virtual or none (default: usb when one is plugged in).")
    var reader: String?
    @Flag(inversion: .prefixedNo, help: "Print a test ticket and page (default: when a queue was made).")
    var testPrint: Bool?
    @Flag(name: .customLong("no-restart"), help: "Do not restart kiosk.service afterwards.") var noRestart = false
    @Option(
        name: .customLong("tls-name"),
        help:
            "A host name or IP address staff PCs reach the kiosk at (repeatable): makes the office CA and HTTPS certificate."
    )
    var tlsNames: [String] = []
    @Option(name: .customLong("tls-port"), help: "Port of the HTTPS listener for staff (default 8443).") var tlsPort:
        Int?
    @Flag(help: "Ask even when standard input is not a terminal.") var interactive = false
    @Flag(name: .customLong("non-interactive"), help: "Never ask; flags only.") var nonInteractive = false

    func validate() throws {
        if let reader, !["auto", "usb", "virtual", "none"].contains(reader) {
            throw ValidationError("--reader must be auto, usb, virtual or none")
        }
        for (flag, value) in [("--thermal", thermal), ("--a4", a4)] {
            if let value, ProvisionRequest.PrinterChoice(value) == nil {
                throw ValidationError("\(flag) must be auto, none, keep or a device URI")
            }
        }
        if interactive && nonInteractive { throw ValidationError("--interactive or --non-interactive, not both") }
    }

    func run() async throws {
        var request = ProvisionRequest(configPath: config)
        let settings: [(String, String?)] = [
            ("office_code", officeCode), ("office_unit", officeUnit), ("office_name_mn", officeNameMN),
            ("office_name_en", officeNameEN), ("time_zone", timeZone), ("host", host), ("public_url", publicURL),
            ("cups_server", cupsServer), ("thermal_queue", thermalQueue), ("a4_queue", a4Queue),
            ("tls_port", tlsPort.map(String.init)),
        ]
        for case let (key, value?) in settings { request.settings[key] = value }
        request.hubURL = hub
        request.enrolmentCode = enrolmentCode
        if let deviceName { request.deviceName = deviceName }
        request.forceEnrolment = forceEnrolment
        request.thermal = thermal.flatMap(ProvisionRequest.PrinterChoice.init)
        request.a4 = a4.flatMap(ProvisionRequest.PrinterChoice.init)
        request.probes = probe
        request.tlsNames = tlsNames
        request.discover = !noDiscovery
        request.reader = reader
        request.testPrint = testPrint
        request.restartService = !noRestart
        let asks = interactive || (!nonInteractive && isatty(STDIN_FILENO) == 1)
        try finish(
            await Provisioner(request: request, prompter: asks ? .terminal : nil, say: { print($0) }).output())
    }
}

struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check whether the office is fit to open: database, disk, clock, printers, reader, LMIS link.",
        discussion: """
            Exit status: 0 everything is fine; 2 fit to open, with warnings (e.g. the hub cannot be \
            reached: the kiosk works offline); 1 NOT fit to open.
            """)

    @Option(help: "Config file of `key = value` lines.") var config: String?
    @Option(name: .customLong("data-dir"), help: "Folder of the office database.") var dataDir: String?
    @Flag(help: "Print JSON for scripts.") var json = false
    @Flag(help: "Also keep the verdicts in DATA/doctor.json: the next heartbeats carry them to the hub.")
    var record = false

    func run() async throws {
        let path = config ?? (FileManager.default.fileExists(atPath: applianceConfig) ? applianceConfig : nil)
        let doctor = try await usage { try KioskAdmin.Doctor(source: source(path, ["data_dir": dataDir])) }
        try finish(await doctor.output(json: json, record: record))
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the office database while the kiosk serves, and check the copy.",
        discussion: """
            Writes DATA/backups/kiosk-<office>-<UTC time>.sqlite (copies older than 14 days are deleted), \
            or into --to DIR (a USB stick; nothing there is deleted). Exits 1 when no good copy was made.
            """)

    @Option(help: "Config file of `key = value` lines.") var config: String?
    @Option(name: .customLong("data-dir"), help: "Folder of the office database.") var dataDir: String?
    @Option(help: "Write the copy into this folder (e.g. a USB stick) instead of DATA/backups.") var to: String?

    func run() async throws {
        let administration = try await usage {
            try BackupAdministration(source: source(config, ["data_dir": dataDir]), logger: quietLogger())
        }
        try finish(await administration.backupOutput(to: to))
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a backup in place of the office database (stop kiosk.service first).",
        discussion: """
            Refuses a backup of another office or device unless --force. The database it replaces is kept \
            in DATA/backups. New records continue above the highest sequence the hub knows of this device, \
            so nothing is applied twice; records lost with the old file show on the hub as a gap.
            """)

    @Argument(help: "The backup file.") var file: String
    @Option(help: "Config file of `key = value` lines.") var config: String?
    @Option(name: .customLong("data-dir"), help: "Folder of the office database.") var dataDir: String?
    @Flag(help: "Restore a backup of another office or device.") var force = false

    func run() async throws {
        let administration = try await usage {
            try BackupAdministration(source: source(config, ["data_dir": dataDir]), logger: quietLogger())
        }
        try finish(await administration.restoreOutput(file: file, force: force))
    }
}

struct Update: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Install a signed update bundle into the other root slot (RAUC, A/B).",
        discussion: """
            BUNDLE is a file, or an https:// address: the bundle is then downloaded into DATA/updates \
            (resumed by running the command again; at most update_max_mib; checked against --size and \
            --sha256 when given, and deleted when it does not match). --latest asks the hub (a signed \
            heartbeat) for the bundle published for this kiosk's update_channel and installs that one, \
            checked against the size and SHA-256 the hub publishes. \
            Backs the office database up (DATA/backups/kiosk-<office>-pre-update-<UTC time>.sqlite), then \
            runs `rauc install BUNDLE`: a bundle not signed by the keyring in /etc/rauc is refused. The \
            new slot starts at the next boot and is kept once kiosk.service answers /healthz there \
            (kiosk-mark-good.service); otherwise the boot after falls back to the running slot. The data \
            partition (/var/lib/kiosk, /etc/lswo-kiosk) is not touched.
            """)

    @Argument(help: "The bundle (.raucb): a file or an https:// address.") var bundle: String?
    @Flag(help: "Install the bundle the hub publishes for this kiosk's update_channel.") var latest = false
    @Option(help: "The SHA-256 (hex) the downloaded bundle must have.") var sha256: String?
    @Option(help: "The size in bytes the downloaded bundle must have.") var size: Int64?
    @Option(help: "Config file of `key = value` lines.") var config: String?
    @Option(name: .customLong("data-dir"), help: "Folder of the office database.") var dataDir: String?
    @Option(help: "The rauc program (it asks RAUC's service, which uses /etc/rauc/system.conf).")
    var rauc = "/usr/bin/rauc"
    @Option(help: "The curl program that downloads bundles.") var curl = "/usr/bin/curl"

    func validate() throws {
        guard latest != (bundle != nil) else {
            throw ValidationError("give a BUNDLE (file or https:// address) or --latest")
        }
        if bundle.map({ !$0.contains("://") }) ?? false, sha256 != nil || size != nil {
            throw ValidationError("--sha256 and --size check a download: give an https:// address")
        }
    }

    func run() async throws {
        let configuration = try await usage { try source(config, ["data_dir": dataDir]).load() }
        let update = UpdateAdministration(configuration: configuration, rauc: rauc)
        if latest {
            try finish(await update.latestOutput(curl: curl, logger: quietLogger()))
        } else if let bundle, bundle.contains("://") {
            try finish(await update.downloadOutput(url: bundle, sha256: sha256, size: size, curl: curl))
        } else if let bundle {
            try finish(await update.installOutput(bundle: bundle))
        }
    }
}

struct BootCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boot-check",
        abstract: "Prove this version on a migrated copy of the office database before its slot is kept.",
        discussion: """
            Run by kiosk-mark-good.service on the first boot of a new root slot, before kiosk.service: \
            copies the office database into DATA/boot-check, migrates and checks the copy, serves it with \
            `kiosk serve` on a private port of 127.0.0.1 (no HTTPS listener, no texts, not enrolled) until \
            /healthz answers, stops it and deletes the copy. Under systemd that kiosk runs as the transient \
            kiosk-boot-check.service with kiosk.service's own sandbox settings (user, system call filter, \
            read-only system); elsewhere as this user, as it says. The live database is only read. Exit 0: proven \
            (the slot may be marked good, then kiosk.service backs the database up and migrates it); \
            exit 1: not proven (the slot is marked bad and the kiosk falls back to the other one).
            """)

    @Option(help: "Config file of `key = value` lines.") var config: String?
    @Option(name: .customLong("data-dir"), help: "Folder of the office database.") var dataDir: String?
    @Option(help: "Seconds the kiosk on the copy has to answer /healthz.") var timeout = 120

    func run() async throws {
        let configuration = try await usage { try source(config, ["data_dir": dataDir]).load() }
        try finish(await BootCheck(configuration: configuration, configFile: config, timeout: .seconds(timeout)).run())
    }
}

struct FirewallPortsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "firewall-ports",
        abstract: "Print the nft commands that let the configured port and tls_port through the firewall.",
        discussion: "kiosk-firewall-ports.service pipes them into `nft -f -` at boot (Provisioning/image).")

    @Option(help: "Config file of `key = value` lines.") var config: String?

    func run() async throws {
        let configuration = try await usage { try source(config).load() }
        print(FirewallPorts.script(configuration), terminator: "")
    }
}

/// A logger for commands: warnings and worse only.
func quietLogger() -> Logger {
    var logger = Logger(label: "kiosk.admin")
    logger.logLevel = .warning
    return logger
}

/// Prints what a command says and exits with its status.
func finish(_ output: CommandOutput) throws {
    for line in output.lines { print(line) }
    if output.exitCode != 0 { throw ExitCode(output.exitCode) }
}

/// The settings from `--config`, the `KIOSK_*` environment and the command's flags.
func source(_ file: String?, _ flags: [String: String?] = [:]) -> ConfigurationSource {
    ConfigurationSource(file: file, environment: ProcessInfo.processInfo.environment, flags: flags)
}

/// Runs `body`, a bad or unreadable setting being a usage error.
func usage<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ConfigurationError {
        throw ValidationError(error.description)
    } catch let error as UnreadableConfigFile {
        throw ValidationError(error.description)
    }
}
