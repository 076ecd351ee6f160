public import Foundation
public import GRDB
public import KioskCore

/// Kinds of record the LMIS receives. New kinds are added by later features.
public struct OutboxRecordType: RawRepresentable, Hashable, Sendable, Codable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let registrationCreated = Self(rawValue: "registration.created")
    public static let registrationUpdated = Self(rawValue: "registration.updated")
    public static let referralRecorded = Self(rawValue: "referral.recorded")
    public static let fingerprintsEnrolled = Self(rawValue: "fingerprints.enrolled")
    public static let fingerprintsDeleted = Self(rawValue: "fingerprints.deleted")
}

/// One record waiting for (or already given to) the LMIS.
public struct OutboxRecord: Hashable, Sendable {
    public let id: UUID
    public let officeCode: String
    /// Gapless per office: 1, 2, 3 … with no holes, so the hub can tell when something is missing.
    public let sequence: Int64
    public let type: OutboxRecordType
    /// JSON, self-contained: the LMIS needs nothing else to apply it.
    public let payload: String
    public let createdAt: Date
}

/// Appends and reads outbox records. Appending only happens inside a caller's write transaction.
public enum Outbox {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Outbox.utcTimestamp(date))
        }
        return encoder
    }()

    /// Reads payloads as they were written (UTC times with milliseconds).
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            try parseUTCTimestamp(try decoder.singleValueContainer().decode(String.self))
        }
        return decoder
    }()

    /// `2026-11-22T14:03:05.123Z`: UTC with milliseconds, as every outbox time is written.
    /// Plain arithmetic (days to civil date, after H. Hinnant): several timestamps are written per
    /// registration inside the write transaction, and a format style costs far more.
    public static func utcTimestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
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

    public static func parseUTCTimestamp(_ text: String) throws -> Date {
        try Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!).parse(
            text)
    }

    /// Appends a record in the current transaction, taking the office's next sequence number.
    @discardableResult
    public static func append(
        _ db: Database, officeCode: String, type: OutboxRecordType, payload: some Encodable, at instant: Date
    ) throws -> OutboxRecord {
        precondition(db.isInsideTransaction, "outbox records are written with the change they describe")
        let sequence = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox WHERE office_code = ?"),
            arguments: [officeCode])!
        let json = String(decoding: try encoder.encode(payload), as: UTF8.self)
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
    public static func records(_ db: Database, officeCode: String, afterSequence: Int64 = 0, limit: Int = 500) throws
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
