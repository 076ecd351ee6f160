import ConfigLines
public import Foundation
public import KioskApp

#if canImport(Glibc)
    import Glibc
#endif
// `stat` may be found through these modules' headers first, whichever files are compiled
// together (MemberImportVisibility).
#if canImport(CoreFoundation)
    import CoreFoundation
#endif
#if canImport(CDispatch)
    import CDispatch
#endif

/// A `key = value` config file as text, edited line by line so that a technician's comments,
/// the order of the settings and every untouched line stay as they were.
public struct ConfigFile: Sendable, Equatable {
    public private(set) var lines: [String]

    public init(text: String) {
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
    }

    /// The file at `path`, or an empty one when there is none yet.
    public init(contentsOf path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            self.init(text: "")
            return
        }
        do {
            self.init(text: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw ConfigurationError(key: path, problem: "cannot be read")
        }
    }

    public var text: String { lines.map { $0 + "\n" }.joined() }

    /// The value the file gives `key` (its last uncommented line), nil when it gives none.
    public func value(_ key: String) -> String? {
        lines.compactMap { Self.setting(in: $0) }.last { $0.key == key }?.value
    }

    /// Gives `key` the value: on the line that sets it now, else on a commented-out example of
    /// it (`# key = ...`, as the shipped file has them), else on a new line at the end.
    /// A value may not hold `#` (it starts a comment) or a line break.
    public mutating func set(_ key: String, _ value: String) throws {
        guard !value.contains("#"), !value.contains(where: \.isNewline) else {
            throw ConfigurationError(key: key, problem: "may not contain # or a line break")
        }
        let line = "\(key) = \(Self.quoted(value))"
        if let index = lines.lastIndex(where: { Self.setting(in: $0)?.key == key }) {
            lines[index] = line
        } else if let index = lines.firstIndex(where: { Self.commentedSetting(in: $0) == key }) {
            lines[index] = line
        } else {
            lines.append(line)
        }
    }

    /// The settings that differ between this file and `other`, as key → (before, after).
    public func changes(to other: ConfigFile) -> [(key: String, before: String?, after: String?)] {
        let keys = Set(lines.compactMap { Self.setting(in: $0)?.key })
            .union(other.lines.compactMap { Self.setting(in: $0)?.key })
        return keys.sorted().compactMap { key in
            let before = value(key)
            let after = other.value(key)
            return before == after ? nil : (key, before, after)
        }
    }

    /// Checks every setting as `kiosk serve` would read it (without the environment).
    public func validated() throws -> KioskConfiguration {
        try ConfigurationSource(file: nil, environment: [:]).load(fileText: text)
    }

    /// Writes the file so that a reader (or a power cut) sees the old file or the new one, never
    /// half of one: a temporary file beside it, flushed, renamed over it, and the folder
    /// flushed. An existing file's owner and mode carry over (the service's group reads it).
    public func write(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var existing = stat()
        let exists = stat(path, &existing) == 0
        let temporary = folder + "/.\(url.lastPathComponent).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, exists ? existing.st_mode & 0o7777 : 0o640)
        guard fd >= 0 else { throw Self.failure(temporary) }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { throw Self.failure(temporary) }
                written += count
            }
            if exists {
                _ = fchown(fd, existing.st_uid, existing.st_gid)
                _ = fchmod(fd, existing.st_mode & 0o7777)
            }
            guard fsync(fd) == 0 else { throw Self.failure(temporary) }
            closed = true
            guard close(fd) == 0 else { throw Self.failure(temporary) }
            guard rename(temporary, path) == 0 else { throw Self.failure(path) }
        } catch {
            unlink(temporary)
            throw error
        }
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    private static func failure(_ path: String) -> ConfigurationError {
        ConfigurationError(key: path, problem: "cannot be written: \(String(cString: strerror(errno)))")
    }

    /// Quotes a value with blanks at either end, or one that starts with `"` itself (`ConfigLine`'s rule).
    private static func quoted(_ value: String) -> String {
        value != value.trimmingCharacters(in: .whitespaces) || value.hasPrefix("\"") ? "\"\(value)\"" : value
    }

    /// `key = value` on a line (as `KioskConfiguration.apply(fileContents:)` reads it); nil for
    /// blank and comment lines and for lines it would refuse.
    static func setting(in line: String) -> (key: String, value: String)? {
        (try? ConfigLine.setting(in: line)) ?? nil
    }

    /// The key of a commented-out example line (`# key = value`).
    private static func commentedSetting(in line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("#") else { return nil }
        let rest = trimmed.drop { $0 == "#" || $0 == " " }
        guard let equals = rest.firstIndex(of: "=") else { return nil }
        let key = rest[..<equals].trimmingCharacters(in: .whitespaces)
        return KioskConfiguration.keys.contains(key) ? key : nil
    }
}
