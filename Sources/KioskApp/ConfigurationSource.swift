public import Foundation

/// Where a command's settings come from, each overriding the last: built-in defaults, the
/// config file, `KIOSK_<KEY>` environment variables, then flags. `serve`, `doctor`,
/// `provision`, `printers`, `sync` and `staff` all read their settings through it.
public struct ConfigurationSource: Sendable, Equatable {
    /// The config file of `key = value` lines, if any.
    public var file: String?
    public var environment: [String: String]
    /// Settings given as flags, by key.
    public var flags: [String: String]

    public init(file: String?, environment: [String: String], flags: [String: String?] = [:]) {
        self.file = file
        self.environment = environment
        self.flags = flags.compactMapValues { $0 }
    }

    /// The settings. Throws `ConfigurationError` for a bad line or value and
    /// `UnreadableConfigFile` for a file that cannot be read.
    public func load() throws -> KioskConfiguration {
        try load(fileText: file.map(Self.read))
    }

    /// The settings, with the file's text given (provision checks its edited file before writing it).
    public func load(fileText: String?) throws -> KioskConfiguration {
        var configuration = KioskConfiguration()
        if let fileText { try configuration.apply(fileContents: fileText, path: file ?? "config") }
        try configuration.apply(environment: environment)
        let order = { (key: String) in KioskConfiguration.keys.firstIndex(of: key) ?? .max }
        for (key, value) in flags.sorted(by: { order($0.key) < order($1.key) }) { try configuration.set(key, value) }
        return configuration
    }

    static func read(_ path: String) throws -> String {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) { return text }
        let manager = FileManager.default
        throw UnreadableConfigFile(
            path: path, permissionDenied: manager.fileExists(atPath: path) && !manager.isReadableFile(atPath: path))
    }
}

/// A config file that is missing or cannot be read.
public struct UnreadableConfigFile: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let permissionDenied: Bool

    public init(path: String, permissionDenied: Bool) {
        self.path = path
        self.permissionDenied = permissionDenied
    }

    public var description: String {
        permissionDenied
            ? "cannot read \(path): permission denied (the technician's commands run as root: sudo)"
            : "cannot read config file \(path)"
    }
}
