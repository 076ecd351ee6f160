public import Foundation
import GRDB
public import KioskCore

/// A registration row with only what the dashboard reads varying (when, the status), written
/// straight into the table, for store tests and the dashboard benchmark.
public struct BareRegistration: Sendable {
    public var id: String
    public var number: Int
    public var officeCode: String
    public var status: String
    public var createdAt: Date

    public init(id: String, number: Int, officeCode: String, status: String, createdAt: Date) {
        self.id = id
        self.number = number
        self.officeCode = officeCode
        self.status = status
        self.createdAt = createdAt
    }

    static func insert(
        _ db: Database, id: String, number: Int, officeCode: String, status: String, at instant: Date
    ) throws {
        let created = Outbox.utcTimestamp(instant)
        try db.execute(
            sql: """
                INSERT INTO registration (id, reference, office_code, revision, registry_number, family_name,
                    given_name, birth_date, sex, phone, aimag_code, soum_code, education_code,
                    experience_years, desired_occupation_code, has_disability, status, consent_text_version,
                    consent_accepted_at, language, created_at, updated_at)
                VALUES (?, ?, ?, 1, ?, 'БАТ', 'ДОРЖ', '1990-01-01', 'male', '99112233', 'UB', 'UB-SB', 'secondary',
                    2, '7112', 0, ?, 'v1', ?, 'mn', ?, ?)
                """,
            arguments: [id, "R-\(number)", officeCode, "УБ\(10_000_000 + number)", status, created, created, created])
    }
}

extension AppDatabase {
    /// A history written straight into its tables in one transaction, for the dashboard
    /// benchmark: tickets as they stand at the end of their day, their ratings, and
    /// registrations with only what the dashboard reads varying. Not through the use cases'
    /// rules, and no outbox records.
    public func insertHistory(
        tickets: [Ticket], feedback: [Feedback], registrations: [BareRegistration]
    ) async throws {
        try await writer.write { db in
            for ticket in tickets { try TicketRow(ticket).insert(db) }
            for rating in feedback { try FeedbackRow(rating).insert(db) }
            for r in registrations {
                try BareRegistration.insert(
                    db, id: r.id, number: r.number, officeCode: r.officeCode, status: r.status, at: r.createdAt)
            }
        }
    }
}
