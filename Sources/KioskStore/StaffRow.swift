import Foundation
import GRDB
import KioskCore

/// A row of `staff`, read by column name. Saving an account is an upsert that keeps
/// `created_at` and resets the lock-out, written as SQL in `SQLiteStaffRepository.addStaff`.
struct StaffRow: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "staff"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    var id: String
    var displayName: String
    var role: String
    var pinHash: String
    var failedAttempts: Int
    var lockedUntil: String?
    var createdAt: String
}

/// A row of `staff_session`: a signed-in officer at a counter.
struct StaffSessionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "staff_session"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var token: String
    var staffId: String
    var counter: Int
    var createdAt: String
    var expiresAt: String
    var endedAt: String?
}

/// A session joined with its account: what `SQLiteStaffRepository.session` reads.
struct ActiveSessionRow: Decodable, FetchableRecord {
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    var token: String
    var staffId: String
    var counter: Int
    var expiresAt: String
    var displayName: String
    var role: String

    func session() throws -> StaffSession {
        StaffSession(
            token: token, staffID: staffId, displayName: displayName, role: StaffRole(rawValue: role) ?? .staff,
            counter: counter, expiresAt: try Outbox.parseUTCTimestamp(expiresAt))
    }
}

/// A row of `staff_audit`: who did what and when, for actions that are not ticket events.
struct StaffAuditRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "staff_audit"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// Given by SQLite on insert.
    var seq: Int64?
    var staffId: String
    var action: String
    var counter: Int?
    var at: String
}
