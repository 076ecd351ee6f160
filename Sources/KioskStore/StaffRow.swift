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

/// A row of `staff_session`: a signed-in officer at a counter, found by the SHA-256 of the
/// session token (the token itself is never stored).
struct StaffSessionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "staff_session"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var tokenHash: String
    var staffId: String
    var counter: Int
    var createdAt: String
    var expiresAt: String
    var endedAt: String?
}

/// A session joined with its account: what `SQLiteStaffRepository.session` reads.
struct ActiveSessionRow: Decodable, FetchableRecord {
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    var staffId: String
    var counter: Int
    var expiresAt: String
    var displayName: String
    var role: String

    /// The session of `token`, whose hash found this row.
    func session(token: String) throws -> StaffSession {
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

/// A row of `staff_sign_in_failure`: wrong PINs for one username (known or not) from one
/// source address, until when that pair is locked, and the last attempt (a pair quiet for a day
/// is forgotten).
struct SignInFailureRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "staff_sign_in_failure"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var staffId: String
    var source: String
    var failures: Int
    var lockedUntil: String?
    var lastAt: String?
}
