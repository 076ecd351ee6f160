import ConfigLines
public import Foundation
public import KioskCore
import LMISProtocol

/// Everything `kiosk serve` can be told, with defaults that serve the demo office.
public struct KioskConfiguration: Sendable, Equatable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// Holds `kiosk.sqlite`.
    public var dataDirectory: String = "var"
    /// The `Kiosk/` folder: templates, assets, locales, reference data.
    public var kioskDirectory: String?
    public var officeCode: String = "UB-SB"
    public var officeNameMN: String = "Сүхбаатар дүүргийн Хөдөлмөр, халамжийн үйлчилгээний хэлтэс"
    public var officeNameEN: String = "Sükhbaatar District Labour and Social Welfare Office"
    public var officeAdminUnit: String = "UB-SB"
    public var timeZone: String = "Asia/Ulaanbaatar"
    public var defaultLanguage: Language = .mn
    public var idleSeconds: Int = 60
    public var countdownSeconds: Int = 20
    public var logLevel: String = "info"
    /// JSON file of the office's queue services; nil serves the demo services.
    public var servicesFile: String?
    /// Create demo staff accounts when the office has none (the demo office only).
    public var demoStaff: Bool = true
    /// Where phones reach this service; the QR code on each ticket points there.
    public var publicURL: String?
    /// The CUPS scheduler (`host:port` or a socket path); nil uses libcups' own default.
    public var cupsServer: String?
    /// The raw CUPS queue of the receipt printer; empty when the kiosk has none.
    public var thermalQueue: String = "Thermal"
    /// The CUPS queue of the A4 printer; empty when the office has none.
    public var a4Queue: String = "A4"
    public var thermalPaper: ThermalPaperWidth = .mm80
    /// `auto` (the queue's socket:// device), `none`, `host:port` or a device path (`/dev/usb/lp0`).
    public var thermalStatus: String = "auto"
    /// `auto` (a USB reader when plugged in, else the virtual one), `usb`, `virtual` or `none`.
    public var fingerprintReader: String = "auto"
    /// Folder of PNG images the virtual reader "captures"; nil: `Kiosk/fingerprints/demo`.
    public var fingerprintImages: String?
    /// PEM roots to trust for the LMIS hub instead of the system's (a hub with a private CA).
    public var lmisCAFile: String?
    /// Seconds between sync rounds while the link is up.
    public var syncInterval: Int = 60
    /// The update channel this kiosk follows: its heartbeat asks the hub for the bundle published
    /// for it, `kiosk doctor` says when one is available, `kiosk update --latest` installs it.
    public var updateChannel: String = "stable"
    /// PEM roots to trust for the server bundles are downloaded from; nil: the system's.
    public var updateCAFile: String?
    /// The largest bundle `kiosk update URL` downloads, MiB.
    public var updateMaxMiB: Int = 4096
    /// Seconds between the uploader's looks for newly waiting records (1: a record goes up within
    /// a second or two; more gathers records into fewer requests on a metered link).
    public var syncUploadPoll: Int = 1
    /// Port of the HTTPS listener for staff PCs and phones on the office network; nil: none (the
    /// touchscreen's own listener, `host`:`port`, stays plain HTTP).
    public var tlsPort: Int?
    /// Address the HTTPS listener binds (all addresses by default).
    public var tlsHost: String = "0.0.0.0"
    /// PEM certificate chain and key of the HTTPS listener; nil: `tls/server.pem` and
    /// `tls/server.key` in the data folder (what `kiosk provision` makes).
    public var tlsCertFile: String?
    public var tlsKeyFile: String?
    /// Development only: allow enrolling with an `http://` LMIS hub.
    public var allowHTTPHub: Bool = false
    /// Minutes a returning visitor's proof lasts unused at the kiosk (each use gives it this long
    /// again, up to half an hour); it ends anyway with the screen session.
    public var proofMinutes: Int = 5
    /// Days the office is closed beside weekends and the fixed public holidays (Tsagaan Sar,
    /// training days): no appointment is booked on them. `closed_days = 2027-02-08, 2027-02-09`.
    public var closedDays: Set<CivilDate> = []
    /// Which route the office's text messages take: `gammu` (its own USB GSM modem through
    /// gammu-smsd's FILES backend), `hub` (the hub's operator gateway) or `none`.
    public var smsRoute: SMSRoute = .none
    /// gammu-smsd's spool (`inbox/`, `outbox/`, `sent/`, `error/`); default `<data_dir>/sms`.
    public var smsSpool: String?
    /// gammu-smsd's configuration (for `kiosk doctor` and the console's modem state).
    public var smsSmsdrc: String = "/etc/gammu-smsdrc"
    /// "Your turn is near" goes when this many people are ahead.
    public var smsTurnNearAhead: Int = 3
    /// Most messages (one-time codes aside) to one number a day.
    public var smsDailyLimit: Int = 5
    /// Quiet hours in the office's time zone, `21-8`: only codes and "turn near" go then.
    public var smsQuietFrom: Int = 21
    public var smsQuietUntil: Int = 8
    /// Kinds of message sent in MNS 5217:2012 Latin (comma-separated `SMSKind` names).
    public var smsLatin: Set<SMSKind> = []
    /// When the weekly vacancy digest goes, office time: ISO weekday (1 Monday) and hour, `1 10`.
    public var smsDigestWeekday: Int = 1
    public var smsDigestHour: Int = 10
    /// The most parts a weekly digest may take: titles of new vacancies are listed while they fit.
    public var smsDigestParts: Int = 2

    public enum SMSRoute: String, Sendable {
        case none, gammu, hub
    }

    public enum ThermalPaperWidth: Int, Sendable {
        case mm58 = 58, mm80 = 80
    }

    public init() {}

    /// Keys accepted in a config file and (upper-cased, `KIOSK_` prefixed) in the environment.
    public static let keys: [String] = [
        "host", "port", "data_dir", "kiosk_dir", "office_code", "office_name_mn", "office_name_en", "office_unit",
        "time_zone", "language", "idle_seconds", "countdown_seconds", "log_level", "services_file", "demo_staff",
        "public_url", "cups_server", "thermal_queue", "a4_queue", "thermal_paper", "thermal_status",
        "fingerprint_reader", "fingerprint_images", "lmis_ca_file", "sync_interval", "tls_port", "tls_host",
        "tls_cert_file", "tls_key_file", "allow_http_hub", "proof_minutes", "closed_days",
        "sms_route", "sms_spool", "sms_smsdrc", "sms_turn_near_ahead", "sms_daily_limit", "sms_quiet_hours",
        "sms_latin", "sync_upload_poll", "sms_digest_time", "update_channel", "update_ca_file", "update_max_mib",
        "sms_digest_parts",
    ]

    /// Applies one setting by key; throws `ConfigurationError` naming the key on a bad value.
    public mutating func set(_ key: String, _ value: String) throws {
        func int(_ range: ClosedRange<Int>) throws -> Int {
            guard let number = Int(value), range.contains(number) else {
                throw ConfigurationError(
                    key: key, problem: "must be a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return number
        }
        switch key {
        case "host": host = value
        case "port": port = try int(0...65535)
        case "data_dir": dataDirectory = value
        case "kiosk_dir": kioskDirectory = value
        case "office_code":
            guard value.range(of: "^[A-Z0-9][A-Z0-9-]{1,15}$", options: .regularExpression) != nil else {
                throw ConfigurationError(key: key, problem: "must be 2-16 capital Latin letters, digits or hyphens")
            }
            officeCode = value
        case "office_name_mn": officeNameMN = value
        case "office_name_en": officeNameEN = value
        case "office_unit": officeAdminUnit = value
        case "time_zone":
            guard TimeZone(identifier: value) != nil else {
                throw ConfigurationError(key: key, problem: "is not a known time zone (Asia/Ulaanbaatar or Asia/Hovd)")
            }
            timeZone = value
        case "language":
            guard let language = Language(code: value) else {
                throw ConfigurationError(key: key, problem: "must be mn or en")
            }
            defaultLanguage = language
        case "idle_seconds": idleSeconds = try int(5...3600)
        case "countdown_seconds": countdownSeconds = try int(5...600)
        case "log_level":
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(value) else {
                throw ConfigurationError(
                    key: key, problem: "must be trace, debug, info, notice, warning, error or critical")
            }
            logLevel = value
        case "services_file": servicesFile = value
        case "demo_staff":
            guard ["true", "false"].contains(value) else {
                throw ConfigurationError(key: key, problem: "must be true or false")
            }
            demoStaff = value == "true"
        case "public_url":
            guard let url = URL(string: value), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ConfigurationError(key: key, problem: "must be an http:// or https:// address")
            }
            publicURL = value
        case "cups_server":
            guard !value.isEmpty, !value.contains(" ") else {
                throw ConfigurationError(key: key, problem: "must be host, host:port or a socket path")
            }
            cupsServer = value
        case "thermal_queue", "a4_queue":
            // CUPS queue names: printable, no space, slash or hash (empty: no such printer).
            guard value.count <= 127, !value.contains(where: { $0 == " " || $0 == "/" || $0 == "#" || $0.isNewline })
            else {
                throw ConfigurationError(key: key, problem: "is not a CUPS queue name (no spaces, / or #)")
            }
            if key == "thermal_queue" { thermalQueue = value } else { a4Queue = value }
        case "thermal_paper":
            guard let width = ThermalPaperWidth(rawValue: Int(value.replacingOccurrences(of: "mm", with: "")) ?? 0)
            else {
                throw ConfigurationError(key: key, problem: "must be 58 or 80 (millimetres)")
            }
            thermalPaper = width
        case "thermal_status":
            guard
                value == "auto" || value == "none" || value.hasPrefix("/dev/")
                    || value.range(of: "^(tcp://|socket://)?[A-Za-z0-9.-]+(:[0-9]{1,5})?$", options: .regularExpression)
                        != nil
            else {
                throw ConfigurationError(key: key, problem: "must be auto, none, host:port or a /dev/ path")
            }
            thermalStatus = value
        case "fingerprint_reader":
            guard ["auto", "usb", "virtual", "none"].contains(value) else {
                throw ConfigurationError(key: key, problem: "must be auto, usb, virtual or none")
            }
            fingerprintReader = value
        case "fingerprint_images": fingerprintImages = value
        case "lmis_ca_file": lmisCAFile = value.isEmpty ? nil : value
        case "sync_interval": syncInterval = try int(5...86_400)
        case "sync_upload_poll": syncUploadPoll = try int(1...86_400)
        case "tls_port": tlsPort = value.isEmpty ? nil : try int(0...65535)
        case "tls_host": tlsHost = value
        case "tls_cert_file": tlsCertFile = value.isEmpty ? nil : value
        case "tls_key_file": tlsKeyFile = value.isEmpty ? nil : value
        case "allow_http_hub":
            guard ["true", "false"].contains(value) else {
                throw ConfigurationError(key: key, problem: "must be true or false")
            }
            allowHTTPHub = value == "true"
        case "proof_minutes": proofMinutes = try int(1...30)
        case "closed_days":
            var days: Set<CivilDate> = []
            for part in value.split(separator: ",") {
                let text = part.trimmingCharacters(in: .whitespaces)
                guard let day = CivilDate(iso8601: text) else {
                    throw ConfigurationError(key: key, problem: "must list dates as 2027-02-08, separated by commas")
                }
                days.insert(day)
            }
            closedDays = days
        case "sms_route":
            guard let route = SMSRoute(rawValue: value) else {
                throw ConfigurationError(key: key, problem: "must be gammu, hub or none")
            }
            smsRoute = route
        case "sms_spool": smsSpool = value.isEmpty ? nil : value
        case "sms_smsdrc": smsSmsdrc = value
        case "sms_turn_near_ahead": smsTurnNearAhead = try int(1...20)
        case "sms_daily_limit": smsDailyLimit = try int(1...50)
        case "update_channel":
            guard UpdateOffer.isChannel(value) else {
                throw ConfigurationError(key: key, problem: "must be 1 to 32 of a-z, 0-9 and - (like stable)")
            }
            updateChannel = value
        case "update_ca_file": updateCAFile = value.isEmpty ? nil : value
        case "update_max_mib": updateMaxMiB = try int(16...65_536)
        case "sms_digest_parts": smsDigestParts = try int(1...4)
        case "sms_digest_time":
            let parts = value.split(separator: " ").compactMap { Int($0) }
            guard parts.count == 2, (1...7).contains(parts[0]), (0...23).contains(parts[1]) else {
                throw ConfigurationError(
                    key: key, problem: "must be an ISO weekday and an hour like 1 10 (Monday 10:00)")
            }
            smsDigestWeekday = parts[0]
            smsDigestHour = parts[1]
        case "sms_quiet_hours":
            let hours = value.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard hours.count == 2, hours.allSatisfy((0...23).contains) else {
                throw ConfigurationError(key: key, problem: "must be two hours like 21-8")
            }
            smsQuietFrom = hours[0]
            smsQuietUntil = hours[1]
        case "sms_latin":
            var kinds: Set<SMSKind> = []
            for name in value.split(separator: ",") where !name.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let kind = SMSKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw ConfigurationError(
                        key: key,
                        problem: "names kinds of message: \(SMSKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                kinds.insert(kind)
            }
            smsLatin = kinds
        default:
            throw ConfigurationError(key: key, problem: "is not a setting")
        }
    }

    /// Reads a config file of `key = value` lines (`ConfigLine`: a `#` at the start of a line or
    /// after a blank starts a comment; a `"..."` value may hold `#` and blanks).
    public mutating func apply(fileContents text: String, path: String) throws {
        for (index, line) in ConfigLine.lines(of: text).enumerated() {
            let setting: (key: String, value: String)?
            do {
                setting = try ConfigLine.setting(in: line)
            } catch {
                throw ConfigurationError(key: "\(path):\(index + 1)", problem: error.problem)
            }
            guard let setting else { continue }
            do {
                try set(setting.key, setting.value)
            } catch let error as ConfigurationError {
                throw ConfigurationError(key: "\(path):\(index + 1) \(error.key)", problem: error.problem)
            }
        }
    }

    /// Applies `KIOSK_<KEY>` variables from an environment.
    public mutating func apply(environment: [String: String]) throws {
        for key in Self.keys {
            if let value = environment["KIOSK_" + key.uppercased()] { try set(key, value) }
        }
    }

    /// The HTTPS listener's certificate chain and key, as configured or where provision puts them.
    public var tlsFiles: (certificate: String, key: String) {
        let folder = URL(fileURLWithPath: dataDirectory, isDirectory: true).appendingPathComponent("tls")
        return (
            tlsCertFile ?? folder.appendingPathComponent("server.pem").path,
            tlsKeyFile ?? folder.appendingPathComponent("server.key").path
        )
    }

    /// The office's recorded voice (`kiosk voice import`), `<language>/<key>.wav`.
    public var voiceDirectory: URL {
        URL(fileURLWithPath: dataDirectory, isDirectory: true).appendingPathComponent("voice")
    }

    /// Clips espeak-ng made for phrases without a recording, kept to be played again.
    /// gammu-smsd's spool folder.
    public var smsSpoolDirectory: URL {
        smsSpool.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? URL(fileURLWithPath: dataDirectory, isDirectory: true).appendingPathComponent("sms")
    }

    public var speechCacheDirectory: URL {
        URL(fileURLWithPath: dataDirectory, isDirectory: true).appendingPathComponent("speech-cache")
    }

    /// The sign-in rules: the demo office accepts its demo PIN.
    public var signInPolicy: SignInPolicy { SignInPolicy(demoMode: demoStaff) }

    public var office: Office {
        Office(
            code: officeCode, name: LocalizedText(mn: officeNameMN, en: officeNameEN), adminUnitCode: officeAdminUnit,
            timeZone: TimeZone(identifier: timeZone) ?? TimeZone(identifier: "Asia/Ulaanbaatar")!)
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let key: String
    public let problem: String

    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String { "\(key) \(problem)" }
}
