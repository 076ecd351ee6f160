public import Foundation

/// Time-ordered UUIDs (RFC 9562 version 7): 48 bits of Unix milliseconds, then random bits.
/// Ids sort by creation time, which keeps the outbox and its indexes append-only.
public enum UUIDv7 {
    public static func make(at instant: Date) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return make(at: instant, using: &generator)
    }

    public static func make(at instant: Date, using generator: inout some RandomNumberGenerator) -> UUID {
        let millis = UInt64(max(0, (instant.timeIntervalSince1970 * 1000).rounded(.down)))
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index)))
        }
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        for index in 6..<16 {
            let source = index < 8 ? high : low
            bytes[index] = UInt8(truncatingIfNeeded: source >> (8 * (index % 8)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// The creation time carried by a version 7 UUID, or nil for other versions.
    public static func timestamp(of id: UUID) -> Date? {
        let u = id.uuid
        guard u.6 >> 4 == 7 else { return nil }
        let parts = [u.0, u.1, u.2, u.3, u.4, u.5]
        let millis = parts.reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        return Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
