import Foundation
import GRDB
import KioskCore

/// `request_key`: the screens' idempotency keys, written inside the transaction that creates the
/// record they name (migration v18), so a record and its key are committed together or not at all.
enum RequestKeys {
    /// The record `key` created, when it is younger than `RequestKey.lifetime`.
    static func record(_ key: RequestKey, kind: RequestKind, at instant: Date, _ db: Database) throws
        -> RequestKeyRecord?
    {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT record_id, secret FROM request_key WHERE key = ? AND kind = ? AND at >= ?"),
            arguments: [key.value, kind.rawValue, instant.addingTimeInterval(-RequestKey.lifetime)]
        ).flatMap { row in
            UUID(uuidString: row["record_id"]).map { RequestKeyRecord(recordID: $0, secret: row["secret"]) }
        }
    }

    /// Keeps `key` with the record it created, and forgets keys older than their lifetime.
    static func keep(_ key: RequestKey, kind: RequestKind, recordID: UUID, at instant: Date, _ db: Database) throws {
        try db.execute(
            sql: "DELETE FROM request_key WHERE at < ?", arguments: [instant.addingTimeInterval(-RequestKey.lifetime)])
        try db.execute(
            sql: "INSERT OR REPLACE INTO request_key (key, kind, record_id, secret, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [key.value, kind.rawValue, recordID.uuidString.lowercased(), key.secret, instant])
    }
}
