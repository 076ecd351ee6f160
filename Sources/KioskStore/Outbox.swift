public import Foundation
public import GRDB
public import KioskCore

/// Kinds of record the LMIS receives. New kinds are added by later features.
public struct OutboxRecordType: RawRepresentable, Hashable, Sendable, Codable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let registrationCreated = Self(rawValue: "registration.created")
    public static let registrationUpdated = Self(rawValue: "registration.updated")
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
    public static func utcTimestamp(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }

    static func parseUTCTimestamp(_ text: String) throws -> Date {
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
            db, sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox WHERE office_code = ?", arguments: [officeCode])!
        let json = String(decoding: try encoder.encode(payload), as: UTF8.self)
        let record = OutboxRecord(
            id: UUIDv7.make(at: instant), officeCode: officeCode, sequence: sequence, type: type, payload: json,
            createdAt: instant)
        try db.execute(
            sql:
                "INSERT INTO outbox (id, office_code, seq, record_type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
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
    /// Next value of a per-office counter, inside the current transaction.
    func nextCounterValue(officeCode: String, name: String) throws -> Int64 {
        try execute(
            sql: """
                INSERT INTO counter (office_code, name, value) VALUES (?, ?, 1)
                ON CONFLICT (office_code, name) DO UPDATE SET value = value + 1
                """, arguments: [officeCode, name])
        return try Int64.fetchOne(
            self, sql: "SELECT value FROM counter WHERE office_code = ? AND name = ?", arguments: [officeCode, name])!
    }
}
