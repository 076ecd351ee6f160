public import Foundation
public import KioskCore
import Synchronization

/// The office's own route: `gammu-smsd` with its FILES backend driving the USB GSM modem.
///
/// Files, not gammu's SQL backends: the kiosk's own SQLite queue is the source of truth, so a
/// second database (and its schema, kept in step with gammu's versions) would only be a copy to
/// disagree with; a file renamed into the outbox is there whole or not at all; and the folders
/// are plain to inspect and test. The spool folder holds gammu's `inbox/`, `outbox/`, `sent/`
/// and `error/` (as `gammu-smsdrc` names them) and our own `staging/` and `done/`.
///
/// - `hand` writes the message under a name made of its id (date and time from the UUIDv7,
///   `OUTA<date>_<time>_00_<+976number>_<id>.txtd`, `d` asking for a delivery report) into
///   `staging/`, syncs it, and renames it into `outbox/`: unless that name is already in
///   `outbox/`, `sent/`, `error/` or `done/`, so an id handed twice is sent once.
/// - `collect` reads `inbox/` (`InboxFormat = detail`, gammu's backup format): a `Deliver` PDU is
///   a reply; a `Status_Report` (`DeliveryReport = sms` stores reports in the inbox) is matched
///   to the latest message sent to that number not yet reported — the FILES backend keeps no
///   message reference for what it sent, so the number and order match them, as gammu's SQL
///   backends do by number and time. A file in `error/` is a failed message.
/// - `acknowledge` deletes the inbox files read and moves reported messages to `done/`.
public struct GammuSMSTransport: SMSTransport {
    public let spool: URL
    let fileManager = FileManager.default

    public init(spool: URL) {
        self.spool = spool
    }

    public static let folders = ["inbox", "outbox", "sent", "error", "staging", "done"]

    /// Creates the spool's folders (mode 0700: they hold numbers and texts).
    public func prepare() throws {
        for folder in Self.folders {
            try FileManager.default.createDirectory(
                at: spool.appendingPathComponent(folder), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        }
    }

    func folder(_ name: String) -> URL { spool.appendingPathComponent(name, isDirectory: true) }

    /// The outbox name of a message: the same for the same id and number, ordered by the id's time.
    public static func fileName(_ message: OutgoingSMS) -> String {
        let time = UUIDv7.timestamp(of: message.id) ?? Date(timeIntervalSince1970: 0)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: time)
        let stamp = String(
            format: "%04d%02d%02d_%02d%02d%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0, c.minute ?? 0,
            c.second ?? 0)
        return "OUTA\(stamp)_00_+976\(message.to.digits)_\(idPart(message.id)).txtd"
    }

    static func idPart(_ id: UUID) -> String { id.uuidString.lowercased().replacingOccurrences(of: "-", with: "") }

    /// The id a file name carries, when it is one of ours.
    static func messageID(inFileName name: String) -> UUID? {
        guard name.hasPrefix("OUT"), let dot = name.lastIndex(of: "."),
            let underscore = name[..<dot].lastIndex(of: "_")
        else { return nil }
        let hex = name[name.index(after: underscore)..<dot]
        guard hex.count == 32 else { return nil }
        var text = String(hex)
        for position in [8, 13, 18, 23] { text.insert("-", at: text.index(text.startIndex, offsetBy: position)) }
        return UUID(uuidString: text)
    }

    /// The number a file name carries (`..._+97699112233_...`).
    static func number(inFileName name: String) -> PhoneNumber? {
        name.split(separator: "_").lazy.compactMap { part -> PhoneNumber? in
            guard part.hasPrefix("+") || part.allSatisfy(\.isNumber) else { return nil }
            return try? PhoneNumber(parsing: String(part))
        }.first
    }

    public func hand(_ message: OutgoingSMS) async throws {
        let name = Self.fileName(message)
        for existing in ["outbox", "sent", "error", "done"]
        where fileManager.fileExists(atPath: folder(existing).appendingPathComponent(name).path) {
            return
        }
        // Unicode (UTF-16 with its byte-order mark) is read as it is, whatever the daemon's locale.
        var data = Data([0xFF, 0xFE])
        data.append(message.text.data(using: .utf16LittleEndian) ?? Data())
        let staged = folder("staging").appendingPathComponent(name)
        try Self.writeSynced(data, to: staged)
        guard rename(staged.path, folder("outbox").appendingPathComponent(name).path) == 0 else {
            throw GammuSpoolError(problem: "cannot move the message into gammu's outbox (errno \(errno))")
        }
        Self.syncFolder(folder("outbox"))
    }

    /// Writes `data` to a new file and syncs it to the disk before it is renamed into view.
    static func writeSynced(_ data: Data, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw GammuSpoolError(problem: "cannot write in the spool (errno \(errno))") }
        defer { close(fd) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(fd) == 0 else {
            throw GammuSpoolError(problem: "cannot write in the spool (errno \(errno))")
        }
    }

    static func syncFolder(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    func files(in name: String) -> [String] {
        ((try? fileManager.contentsOfDirectory(atPath: folder(name).path)) ?? []).sorted()
    }

    public func collect() async throws -> SMSCollection {
        var collection = SMSCollection()
        var reported = Set<String>()
        var reportFiles: [String] = []
        let sent = files(in: "sent")
        for name in files(in: "inbox") {
            let url = folder("inbox").appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8),
                let backup = SMSBackupFile(text), let from = Self.number(inFileName: name) ?? backup.number
            else {
                // Not a message from a Mongolian mobile (an operator's notice, a short code):
                // nothing to record; kept aside for the technician.
                try? fileManager.moveItem(at: url, to: folder("done").appendingPathComponent(name))
                continue
            }
            let at = backup.dateTime ?? Date()
            if backup.isStatusReport {
                guard let outcome = backup.deliveryOutcome else {
                    // "Pending": the network is still trying; the final report follows.
                    try? fileManager.removeItem(at: url)
                    continue
                }
                let candidate = sent.last { file in
                    !reported.contains(file) && Self.number(inFileName: file) == from
                }
                if let candidate, let id = Self.messageID(inFileName: candidate) {
                    reported.insert(candidate)
                    collection.reports.append(SMSDeliveryReport(messageID: id, outcome: outcome, at: at))
                    reportFiles.append(name)
                } else {
                    try? fileManager.removeItem(at: url)
                }
                continue
            }
            collection.received.append(IncomingSMS(id: name, from: from, text: backup.text, receivedAt: at))
        }
        for name in files(in: "error") {
            guard let id = Self.messageID(inFileName: name) else { continue }
            let at =
                (try? fileManager.attributesOfItem(atPath: folder("error").appendingPathComponent(name).path))?[
                    .modificationDate] as? Date
            collection.reports.append(
                SMSDeliveryReport(
                    messageID: id, outcome: .failed(reason: "the modem could not send it"), at: at ?? Date()))
        }
        pendingReportFiles.withLock { $0 = reportFiles }
        return collection
    }

    let pendingReportFiles = LockedNames()

    public func acknowledge(_ collection: SMSCollection) async throws {
        let ids = Set(collection.reports.map { Self.idPart($0.messageID) })
        for source in ["sent", "error"] {
            for name in files(in: source) where ids.contains(where: { name.contains("_\($0).") }) {
                try? fileManager.moveItem(
                    at: folder(source).appendingPathComponent(name), to: folder("done").appendingPathComponent(name))
            }
        }
        for message in collection.received {
            try? fileManager.removeItem(at: folder("inbox").appendingPathComponent(message.id))
        }
        for name in pendingReportFiles.withLock({ names in
            defer { names = [] }
            return names
        }) {
            try? fileManager.removeItem(at: folder("inbox").appendingPathComponent(name))
        }
    }

    /// Messages a dummy phone or a modem sent, as the daemon left them in `sent/` and `done/`:
    /// the text of each by id (tests and `kiosk sms` read them).
    public func sentTexts() -> [UUID: String] {
        var texts: [UUID: String] = [:]
        for source in ["sent", "done"] {
            for name in files(in: source) {
                guard let id = Self.messageID(inFileName: name),
                    let data = fileManager.contents(atPath: folder(source).appendingPathComponent(name).path)
                else { continue }
                texts[id] = String(data: data, encoding: .utf16)
            }
        }
        return texts
    }
}

/// Names of report files read by `collect`, deleted by the next `acknowledge`.
final class LockedNames: Sendable {
    private let names = Mutex<[String]>([])
    func withLock<T>(_ body: (inout [String]) -> T) -> T { names.withLock { body(&$0) } }
}

public struct GammuSpoolError: Error, CustomStringConvertible {
    public let problem: String
    public var description: String { problem }
}

/// A message as gammu's backup format holds it (`InboxFormat = detail`): `[SMSBackupNNN]`
/// sections of `Key = value`, the text as hex UTF-16 in `Text00`, `Text01`, ...
struct SMSBackupFile {
    var pdu = ""
    var number: PhoneNumber?
    var text = ""
    var dateTime: Date?

    init?(_ contents: String) {
        var sections = 0
        var hex: [String] = []
        for raw in contents.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[SMSBackup") {
                sections += 1
                text += Self.decode(hex.joined())
                hex = []
                continue
            }
            guard !line.hasPrefix(";"), let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "PDU": pdu = value
            case "Number":
                number = try? PhoneNumber(parsing: value.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
            case "DateTime": dateTime = Self.parseTime(value)
            default:
                if key.hasPrefix("Text"), key.dropFirst(4).allSatisfy(\.isNumber) { hex.append(value) }
            }
        }
        text += Self.decode(hex.joined())
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard sections > 0 else { return nil }
    }

    var isStatusReport: Bool { pdu == "Status_Report" }

    /// `Delivered` → delivered; `Failed`/`Unknown` → failed; `Pending` → nil (not final yet).
    var deliveryOutcome: SMSDeliveryOutcome? {
        switch text {
        case "Delivered": .delivered
        case "Pending": nil
        default: .failed(reason: "the network reported \(text.isEmpty ? "no delivery" : text.lowercased())")
        }
    }

    static func decode(_ hex: String) -> String {
        var units: [UInt16] = []
        var index = hex.startIndex
        while let end = hex.index(index, offsetBy: 4, limitedBy: hex.endIndex), index < end {
            guard let unit = UInt16(hex[index..<end], radix: 16) else { break }
            units.append(unit)
            index = end
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// `20261207T051451Z` (or without the `Z`, as the phone's local time, taken as UTC).
    static func parseTime(_ value: String) -> Date? {
        let digits = value.filter(\.isNumber)
        guard digits.count == 14 else { return nil }
        var c = DateComponents()
        func field(_ from: Int, _ length: Int) -> Int {
            Int(
                digits[
                    digits.index(
                        digits.startIndex, offsetBy: from)..<digits.index(digits.startIndex, offsetBy: from + length)])
                ?? 0
        }
        c.year = field(0, 4)
        c.month = field(4, 2)
        c.day = field(6, 2)
        c.hour = field(8, 2)
        c.minute = field(10, 2)
        c.second = field(12, 2)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: c)
    }
}

extension GammuSMSTransport {
    /// The `gammu-smsdrc` that goes with this spool: FILES backend, reports stored in the inbox
    /// (`DeliveryReport = sms`) in gammu's backup format, so a report can be told from a reply.
    /// `device` is the modem (`/dev/ttyUSB0`, `/dev/gsm-modem` by the udev rule) or, for tests, the
    /// folder of gammu's dummy phone (`model = "dummy"`, `connection = "none"`). The daemon logs
    /// to `logFile` at debug level 0: gammu's own log names the numbers it sends to, so the
    /// file stays in the data folder (0700), never in the journal.
    public func smsdrc(
        device: String, model: String = "", connection: String = "at", logFile: String, pin: String? = nil
    )
        -> String
    {
        let folder = { (name: String) in self.spool.appendingPathComponent(name).path + "/" }
        var lines = [
            "[gammu]", "Device = \(device)", "Connection = \(connection)",
        ]
        if !model.isEmpty { lines.append("Model = \(model)") }
        lines += [
            "", "[smsd]", "Service = files", "InboxPath = \(folder("inbox"))", "OutboxPath = \(folder("outbox"))",
            "SentSMSPath = \(folder("sent"))", "ErrorSMSPath = \(folder("error"))", "InboxFormat = detail",
            "OutboxFormat = unicode", "TransmitFormat = auto", "DeliveryReport = sms", "CommTimeout = 1",
            "LoopSleep = 1", "ReceiveFrequency = 5", "StatusFrequency = 15", "PhoneID = office",
            "LogFile = \(logFile)", "DebugLevel = 0",
        ]
        if let pin { lines.append("PIN = \(pin)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
