public import Crypto
public import Foundation

/// Request signatures (Ed25519). Every request after enrolment carries
/// `LMIS-Key` (the device's key id), `LMIS-Timestamp` (Unix seconds), `LMIS-Nonce` (random, so
/// two identical requests in one second differ), `LMIS-Body-SHA256` (hex of the body as sent,
/// compressed or not) and `LMIS-Signature` (base64) over
///
///     LMIS-v1 \n METHOD \n /path?query \n body-sha256 \n timestamp \n nonce \n key-id
///
/// The hub checks the digest against the body it received, the signature against the device's
/// enrolled key, and the timestamp against its clock (±5 minutes), and refuses a signature it has
/// already seen inside that window.
public enum RequestSigning {
    public static let keyHeader = "LMIS-Key"
    public static let timestampHeader = "LMIS-Timestamp"
    public static let nonceHeader = "LMIS-Nonce"
    public static let digestHeader = "LMIS-Body-SHA256"
    public static let signatureHeader = "LMIS-Signature"

    public static func keyID(publicKey: Curve25519.Signing.PublicKey) -> String {
        keyID(rawPublicKey: publicKey.rawRepresentation)
    }

    /// `k` and the first 16 bytes of the key's SHA-256, in hex: short, stable, derived.
    public static func keyID(rawPublicKey: some DataProtocol) -> String {
        "k" + hex(SHA256.hash(data: rawPublicKey).prefix(16))
    }

    public static func bodyDigest(_ body: some DataProtocol) -> String { hex(SHA256.hash(data: body)) }

    public static func canonical(
        method: String, target: String, bodyDigest: String, timestamp: Int64, nonce: String, keyID: String
    ) -> Data {
        Data("LMIS-v1\n\(method.uppercased())\n\(target)\n\(bodyDigest)\n\(timestamp)\n\(nonce)\n\(keyID)".utf8)
    }

    /// The four headers for a request.
    public static func headers(
        method: String, target: String, body: some DataProtocol, keyID: String, timestamp: Int64,
        key: Curve25519.Signing.PrivateKey
    ) throws -> [(name: String, value: String)] {
        let digest = bodyDigest(body)
        var generator = SystemRandomNumberGenerator()
        let nonce = hex((0..<12).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let signature = try key.signature(
            for: canonical(
                method: method, target: target, bodyDigest: digest, timestamp: timestamp, nonce: nonce, keyID: keyID))
        return [
            (keyHeader, keyID), (timestampHeader, String(timestamp)), (nonceHeader, nonce), (digestHeader, digest),
            (signatureHeader, Data(signature).base64EncodedString()),
        ]
    }

    public enum Failure: Error, Equatable, Sendable {
        case missingHeaders
        case digestMismatch
        case badSignature
        case stale(skewSeconds: Int64)
    }

    /// Checks a request's headers and body against a public key and the verifier's clock.
    public static func verify(
        method: String, target: String, body: some DataProtocol, headers: [String: String],
        publicKey: Curve25519.Signing.PublicKey, now: Int64, tolerance: Int64 = Int64(LMISLimits.clockTolerance)
    ) throws(Failure) {
        guard let keyID = headers[keyHeader], let timestampText = headers[timestampHeader],
            let timestamp = Int64(timestampText), let digest = headers[digestHeader], let nonce = headers[nonceHeader],
            (1...64).contains(nonce.count),
            let signatureText = headers[signatureHeader], let signature = Data(base64Encoded: signatureText)
        else { throw .missingHeaders }
        guard digest == bodyDigest(body) else { throw .digestMismatch }
        let message = canonical(
            method: method, target: target, bodyDigest: digest, timestamp: timestamp, nonce: nonce, keyID: keyID)
        guard publicKey.isValidSignature(signature, for: message) else { throw .badSignature }
        // Compared without subtracting first: a timestamp near Int64.min must not overflow.
        guard timestamp >= now - tolerance, timestamp <= now + tolerance else {
            let (skew, overflow) = timestamp.subtractingReportingOverflow(now)
            throw .stale(skewSeconds: overflow ? (timestamp < now ? Int64.min : Int64.max) : skew)
        }
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// UTC times on the wire: `2026-11-22T14:03:05.123Z`.
public enum LMISTime {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    public static func format(_ date: Date) -> String { date.formatted(style) }

    /// `2026-11-22T14:03:05.123Z`: UTC with milliseconds, as every outbox time is written (the
    /// kiosk's outbox, and the payloads the hub hands on to its database).
    /// Plain arithmetic (days to civil date, after H. Hinnant): several timestamps are written per
    /// registration inside the write transaction, and a format style costs far more.
    public static func timestamp(_ date: Date) -> String {
        // Truncated to the millisecond; the microsecond added keeps a time read back from this
        // form (the nearest double, which may lie a hair below the millisecond) on its millisecond.
        let millis = Int64((date.timeIntervalSince1970 * 1000 + 0.001).rounded(.down))
        let dayMillis: Int64 = 86_400_000
        var days = millis / dayMillis
        var ofDay = millis % dayMillis
        if ofDay < 0 {
            ofDay += dayMillis
            days -= 1
        }
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        let seconds = ofDay / 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):"
            + "\(pad(seconds % 60, 2)).\(pad(ofDay % 1000, 3))Z"
    }

    public static func parse(_ text: String) -> Date? {
        if let date = try? style.parse(text) { return date }
        return try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text)
    }
}
