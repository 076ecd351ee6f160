import Crypto
public import Foundation

/// Seals fingerprint templates at rest: AES-256-GCM under a key derived (HKDF-SHA256) from the
/// device secret, each sealed box bound to its row (person and finger) as authenticated data,
/// so a box copied onto another person's row does not open.
public struct TemplateSealer: Sendable {
    private let key: SymmetricKey

    public enum SealError: Error, Hashable, Sendable {
        case unreadable
    }

    public init(deviceSecret: [UInt8]) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: deviceSecret), salt: Data("lswo-kiosk".utf8),
            info: Data("fingerprint templates v1".utf8), outputByteCount: 32)
    }

    /// Nonce, ciphertext and tag in one value.
    public func seal(_ plaintext: [UInt8], boundTo binding: String) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Data(binding.utf8))
        guard let combined = box.combined else { throw SealError.unreadable }
        return combined
    }

    public func open(_ sealed: Data, boundTo binding: String) throws(SealError) -> [UInt8] {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return Array(try AES.GCM.open(box, using: key, authenticating: Data(binding.utf8)))
        } catch {
            throw .unreadable
        }
    }
}

/// The kiosk's device secret: 32 random bytes made on first start, kept in `device-secret`
/// beside the database (mode 0600), never in it: a copy of the database taken for support
/// carries no readable template.
public enum DeviceSecret {
    public static func file(in directory: URL) -> URL { directory.appendingPathComponent("device-secret") }

    public enum SecretError: Error, CustomStringConvertible {
        case unreadable(String)

        public var description: String {
            switch self {
            case .unreadable(let path): "the device secret \(path) is not 32 bytes of base64"
            }
        }
    }

    /// Reads the secret, making it (atomically, owner-only) when the directory has none.
    public static func loadOrCreate(in directory: URL) throws -> [UInt8] {
        let url = file(in: directory)
        if FileManager.default.fileExists(atPath: url.path) {
            let text = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
                throw SecretError.unreadable(url.path)
            }
            return Array(bytes)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let temporary = directory.appendingPathComponent(".device-secret.new")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path]) }
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.write(contentsOf: Data(Data(secret).base64EncodedString().utf8))
        try handle.synchronize()
        try handle.close()
        guard Foundation.rename(temporary.path, url.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let folder = open(directory.path, O_RDONLY)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
        return secret
    }
}
