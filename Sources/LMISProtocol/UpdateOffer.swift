public import Foundation

/// The newest update bundle the hub's operators published for a channel (`stable`, `pilot`, …):
/// which version, where a kiosk downloads it (HTTPS), its size and SHA-256. Kiosks learn it from
/// the answer to their signed heartbeat; a technician installs it with `kiosk update --latest`
/// (RAUC still checks the bundle's signature against the keyring of the running slot).
public struct UpdateOffer: Codable, Sendable, Hashable {
    public var channel: String
    public var version: String
    public var url: String
    public var sizeBytes: Int64
    /// Lowercase hex SHA-256 of the whole bundle file.
    public var sha256: String
    /// When it was published (UTC, `LMISTime`).
    public var publishedAt: String?

    /// The largest bundle a hub publishes (16 GiB).
    public static let sizeLimit: Int64 = 16 << 30

    public init(channel: String, version: String, url: String, sizeBytes: Int64, sha256: String, publishedAt: String?) {
        self.channel = channel
        self.version = version
        self.url = url
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.publishedAt = publishedAt
    }

    /// A channel name: 1 to 32 of a–z, 0–9 and `-`, starting with a letter or digit.
    public static func isChannel(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 32 else { return false }
        let allowed = { (s: Unicode.Scalar) in ("a"..."z").contains(s) || ("0"..."9").contains(s) }
        return allowed(first) && name.unicodeScalars.allSatisfy { allowed($0) || $0 == "-" }
    }

    /// 64 lowercase hexadecimal digits.
    public static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// A version kiosks can order: 1 to 40 of digits, letters and `.` `-` `+` `~`, starting with a
    /// digit (`0.7.0`, `2026.12.1-pilot`). A name without numbers cannot be told older or newer.
    public static func isVersion(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 40, ("0"..."9").contains(first)
        else { return false }
        return text.unicodeScalars.allSatisfy {
            ("0"..."9").contains($0) || ("a"..."z").contains($0) || ("A"..."Z").contains($0)
                || ".-+~".unicodeScalars.contains($0)
        }
    }

    /// Orders two versions by their runs of digits, left to right (`0.10.0` after `0.9.2`; a missing
    /// run counts as 0, so `1.0` equals `1.0.0`): negative when `a` is older, 0 when equal.
    public static func compareVersions(_ a: String, _ b: String) -> Int {
        let left = a.split(whereSeparator: { !$0.isNumber }).map { Int($0) ?? 0 }
        let right = b.split(whereSeparator: { !$0.isNumber }).map { Int($0) ?? 0 }
        for index in 0..<max(left.count, right.count) {
            let x = index < left.count ? left[index] : 0
            let y = index < right.count ? right[index] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// What is wrong with it, in words for the operator; empty when it can be published.
    public var problems: [String] {
        var found: [String] = []
        if !Self.isChannel(channel) { found.append("channel: 1 to 32 of a-z, 0-9 and -") }
        if !Self.isVersion(version) {
            found.append("version: 1 to 40 of digits, letters and . - + ~, starting with a digit")
        }
        let parsed = URL(string: url)
        if parsed?.scheme != "https" || (parsed?.host ?? "").isEmpty || url.count > 2000 {
            found.append("url: an https:// address of at most 2000 characters")
        }
        if !(1...Self.sizeLimit).contains(sizeBytes) { found.append("sizeBytes: 1 to \(Self.sizeLimit)") }
        if !Self.isSHA256(sha256) { found.append("sha256: 64 lowercase hexadecimal digits") }
        return found
    }
}
