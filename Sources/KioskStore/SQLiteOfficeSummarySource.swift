public import Foundation
import GRDB
public import KioskCore
import LMISProtocol

/// Office figures computed from the database.
public struct SQLiteOfficeSummarySource: OfficeSummarySource {
    let database: AppDatabase
    let officeCode: String

    public init(database: AppDatabase, officeCode: String) {
        self.database = database
        self.officeCode = officeCode
    }

    public func summary(of day: DateInterval) async throws -> OfficeSummary {
        let start = Outbox.utcTimestamp(day.start)
        let end = Outbox.utcTimestamp(day.end)
        return try await database.writer.read { db in
            func count(_ sql: String, _ arguments: StatementArguments) throws -> Int {
                try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
            }
            return OfficeSummary(
                registrationsToday: try count(
                    "SELECT COUNT(*) FROM registration WHERE office_code = ? AND created_at >= ? AND created_at < ?",
                    [officeCode, start, end]),
                updatesToday: try count(
                    """
                    SELECT COUNT(*) FROM outbox WHERE office_code = ? AND record_type = ?
                    AND created_at >= ? AND created_at < ?
                    """,
                    [officeCode, OutboxRecordType.registrationUpdated.rawValue, start, end]),
                registrationsTotal: try count("SELECT COUNT(*) FROM registration WHERE office_code = ?", [officeCode]),
                outboxRecords: try count("SELECT COUNT(*) FROM outbox WHERE office_code = ?", [officeCode]))
        }
    }
}
