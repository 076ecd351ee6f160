public import Foundation
public import Logging

/// Writes each line to standard error with its syslog priority in front (`<4>` for a warning),
/// which journald reads as the entry's level (`SyslogLevelPrefix=yes`, its default), so that
/// `journalctl -p warning -u kiosk` shows warnings and worse; without the prefix every line is
/// filed as info. Metadata follows the message as `key=value`, sorted, as one line.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// syslog(3) priorities, as sd-daemon(3) prefixes them.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// The line written for one event (without its newline).
    public func line(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?) -> String {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra { all.merge(extra) { $1 } }
        // One journal entry a line: newlines inside a message or value would split it.
        var text = "<\(Self.priority(level))>\(label): \(message)".replacingOccurrences(of: "\n", with: " ")
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            text += " \(key)=\(value)".replacingOccurrences(of: "\n", with: " ")
        }
        return text
    }

    public func log(event: LogEvent) {
        let text = line(level: event.level, message: event.message, metadata: event.metadata) + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// True when standard error is connected to the journal (systemd sets `JOURNAL_STREAM` to
    /// the device and inode of the stream it hands the service).
    public static func standardErrorIsJournal(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Bool
    {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(2, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }
}
