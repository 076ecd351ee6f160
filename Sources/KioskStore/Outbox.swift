public import Foundation
import GRDB
public import KioskCore
public import LMISProtocol

/// One record waiting for (or already given to) the LMIS.
public struct OutboxRecord: Hashable, Sendable {
    public let id: UUID
    public let officeCode: String
    /// Gapless per office: 1, 2, 3 … with no holes, so the hub can tell when something is missing
    /// (after a restore, numbering continues above the highest the hub knows: `outbox_floor`).
    public let sequence: Int64
    public let type: OutboxRecordType
    /// JSON, self-contained: the LMIS needs nothing else to apply it.
    public let payload: String
    public let createdAt: Date
}

/// Appends and reads outbox records. Appending only happens inside a caller's write transaction.
public enum Outbox {
    static let encoder = LMISCoding.encoder(time: Outbox.utcTimestamp)

    /// Reads payloads as they were written (UTC times with milliseconds).
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            try parseUTCTimestamp(try decoder.singleValueContainer().decode(String.self))
        }
        return decoder
    }()

    /// `2026-11-22T14:03:05.123Z`: UTC with milliseconds, as every outbox time is written
    /// (`LMISTime.timestamp`, the form the hub writes again for what it hands on).
    public static func utcTimestamp(_ date: Date) -> String { LMISTime.timestamp(date) }

    /// Reads a time written by `utcTimestamp`. That exact form (every stored ticket, session and
    /// outbox time; a ticket read back holds up to six) is read by arithmetic, checked field by
    /// field; any other ISO 8601 form goes to the format style, which is about fifty times slower.
    public static func parseUTCTimestamp(_ text: String) throws -> Date {
        var text = text
        switch text.withUTF8(parseWrittenForm) {
        case .some(.some(let date)): return date
        case .some(.none): throw InvalidTimestamp(text: text)
        case .none:
            return try Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
                .parse(text)
        }
    }

    /// `parseUTCTimestamp` of a text's UTF-8 bytes as SQLite holds them (the dashboard reads a
    /// year of tickets without making a string of each time).
    public static func parseUTCTimestamp(utf8 bytes: UnsafeBufferPointer<UInt8>) throws -> Date {
        switch parseWrittenForm(bytes) {
        case .some(.some(let date)): return date
        default: return try parseUTCTimestamp(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// A time in the written form whose fields are out of range (`2026-02-29`, `24:00`): refused,
    /// where the format style would roll it over into the next day or month.
    public struct InvalidTimestamp: Error, CustomStringConvertible {
        public let text: String
        public var description: String { "not a valid UTC time: \(text)" }
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` to a date: nil when the bytes do not have that shape, `.some(nil)`
    /// when they do but a field is out of range.
    private static func parseWrittenForm(_ bytes: UnsafeBufferPointer<UInt8>) -> Date?? {
        guard bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z")
        else { return nil }
        return validWrittenForm(bytes)
    }

    private static func validWrittenForm(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        func number(_ start: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for index in start..<start + count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int64(digit)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2) else { return nil }
        guard let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2) else { return nil }
        guard let millis = number(20, 3), month >= 1, month <= 12 else { return nil }
        guard hour < 24, minute < 60, second < 60 else { return nil }
        let leap: Bool = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays: Int64 =
            switch month {
            case 2: leap ? 29 : 28
            case 4, 6, 9, 11: 30
            default: 31
            }
        guard day >= 1, day <= monthDays else { return nil }
        // Days since 1970-01-01 (the inverse of `utcTimestamp`'s civil-date arithmetic).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400  // years here are 0...9999, so no negative eras
        let yearOfEra = shiftedYear - era * 400
        let marchMonth: Int64 = month > 2 ? month - 3 : month + 9
        let dayOfYear: Int64 = (153 * marchMonth + 2) / 5 + day - 1
        let dayOfEra: Int64 = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days: Int64 = era * 146_097 + dayOfEra - 719_468
        let total: Int64 = ((days * 24 + hour) * 60 + minute) * 60 + second
        // One division of the exact count: the nearest double to the written instant.
        return Date(timeIntervalSince1970: Double(total * 1000 + millis) / 1000)
    }

    /// `value` as outbox JSON (sorted keys, UTC times with milliseconds): the fast writer where it
    /// can, Foundation's encoder where it cannot.
    static func json(_ value: some Encodable) throws -> String {
        do {
            return try OutboxJSON.encode(value)
        } catch is OutboxJSON.Unsupported {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }
    }

    /// Appends a record in the current transaction, taking the office's next sequence number.
    @discardableResult
    static func append(
        _ db: Database, officeCode: String, type: OutboxRecordType, payload: some Encodable, at instant: Date
    ) throws -> OutboxRecord {
        precondition(db.isInsideTransaction, "outbox records are written with the change they describe")
        let sequence = try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT MAX(COALESCE((SELECT MAX(seq) FROM outbox WHERE office_code = ?), 0),
                               COALESCE((SELECT floor FROM outbox_floor WHERE id = 1), 0)) + 1
                    """),
            arguments: [officeCode])!
        let json = try Self.json(payload)
        let record = OutboxRecord(
            id: UUIDv7.make(at: instant), officeCode: officeCode, sequence: sequence, type: type, payload: json,
            createdAt: instant)
        try db.run(
            "INSERT INTO outbox (id, office_code, seq, record_type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                record.id.uuidString.lowercased(), officeCode, sequence, type.rawValue, json, utcTimestamp(instant),
            ])
        return record
    }

    /// Records of an office in sequence order, starting after `afterSequence`.
    static func records(_ db: Database, officeCode: String, afterSequence: Int64 = 0, limit: Int = 500) throws
        -> [OutboxRecord]
    {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, office_code, seq, record_type, payload, created_at FROM outbox
                WHERE office_code = ? AND seq > ? ORDER BY seq LIMIT ?
                """,
            arguments: [officeCode, afterSequence, limit]
        ).map { row in
            OutboxRecord(
                id: UUID(uuidString: row["id"])!, officeCode: row["office_code"], sequence: row["seq"],
                type: OutboxRecordType(rawValue: row["record_type"]), payload: row["payload"],
                createdAt: try parseUTCTimestamp(row["created_at"]))
        }
    }
}

extension Database {
    /// Executes `sql` through the connection's statement cache: hot statements compile once.
    func run(_ sql: String, _ arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// Next value of a per-office counter, inside the current transaction.
    func nextCounterValue(officeCode: String, name: String) throws -> Int64 {
        try Int64.fetchOne(
            cachedStatement(
                sql: """
                    INSERT INTO counter (office_code, name, value) VALUES (?, ?, 1)
                    ON CONFLICT (office_code, name) DO UPDATE SET value = value + 1
                    RETURNING value
                    """), arguments: [officeCode, name])!
    }
}
