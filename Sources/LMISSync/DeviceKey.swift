public import Crypto
public import Foundation

/// The kiosk's own Ed25519 key: made on the kiosk, never leaves it. Kept in
/// `lmis-device.key` beside the database (mode 0600), not in the database, so that a copy of
/// the database taken for support carries no credential.
public struct DeviceKey: Sendable {
    public let privateKey: Curve25519.Signing.PrivateKey

    public var publicKeyBase64: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }

    public static func file(in directory: URL) -> URL { directory.appendingPathComponent("lmis-device.key") }

    /// Reads the key, or nil when the kiosk has none yet.
    public static func load(from url: URL) throws -> DeviceKey? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let text = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: text) else { throw SyncError.badKeyFile(url.path) }
        return DeviceKey(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: raw))
    }

    /// Makes a new key and writes it atomically with owner-only permissions.
    public static func create(at url: URL) throws -> DeviceKey {
        let key = Curve25519.Signing.PrivateKey()
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).new")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path]) }
        // On disk before it replaces anything: a power cut never leaves an empty key file.
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.write(contentsOf: Data(key.rawRepresentation.base64EncodedString().utf8))
        try handle.synchronize()
        try handle.close()
        try rename(temporary, to: url)
        return DeviceKey(privateKey: key)
    }
}

/// Atomic replace (POSIX rename), also when `destination` does not exist yet.
func rename(_ source: URL, to destination: URL) throws {
    guard Foundation.rename(source.path, destination.path) == 0 else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path])
    }
    // The rename itself reaches the disk with its directory.
    let directory = open(destination.deletingLastPathComponent().path, O_RDONLY)
    if directory >= 0 {
        fsync(directory)
        close(directory)
    }
}

public enum SyncError: Error, CustomStringConvertible, Equatable {
    case notEnrolled
    case badKeyFile(String)
    case unsentRecords(Int)
    case hub(status: Int, code: String, message: String)
    case transport(String)
    /// Nothing answered at all (a connection not made, or a request unanswered, within its time):
    /// the link is down or stalled, not the hub refusing; the next try can come soon (issue 25).
    case silentLink(String)
    case badAnswer(String)

    public var description: String {
        switch self {
        case .notEnrolled: "this kiosk is not enrolled with an LMIS hub (kiosk sync enrol)"
        case .badKeyFile(let path): "the device key file \(path) is unreadable"
        case .unsentRecords(let count):
            "\(count) records have not reached the LMIS yet; sync first, or pass --force to abandon them"
        case .hub(let status, let code, let message): "the hub answered \(status) \(code): \(message)"
        case .transport(let reason): "the hub cannot be reached: \(reason)"
        case .silentLink(let reason): "the hub cannot be reached, nothing answers: \(reason)"
        case .badAnswer(let reason): "the hub's answer is not understood: \(reason)"
        }
    }
}
