public import Foundation
import GRDB
public import KioskCore
public import LMISProtocol

/// Entry points for tests and benchmarks, so that nothing outside KioskStore imports GRDB.
extension AppDatabase {
    /// Runs one raw statement in its own transaction and returns its rows, each column as text
    /// (nil for NULL). For tests that inspect tables or inject faults; the service never calls it.
    @discardableResult
    public func testSQL(_ sql: String, arguments: [String?] = []) async throws -> [[String?]] {
        try await writer.write { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                row.databaseValues.map { value in
                    switch value.storage {
                    case .null: nil
                    case .int64(let number): String(number)
                    case .double(let number): String(number)
                    case .string(let text): text
                    case .blob(let data): data.base64EncodedString()
                    }
                }
            }
        }
    }

    /// Appends outbox records in one transaction, the way the repositories write them, for
    /// sync tests and benchmarks that need thousands.
    public func appendToOutbox<Payload: Encodable & Sendable>(
        officeCode: String, _ records: [(type: OutboxRecordType, payload: Payload)], at instant: Date
    ) async throws {
        try await writer.write { db in
            for record in records {
                try Outbox.append(db, officeCode: officeCode, type: record.type, payload: record.payload, at: instant)
            }
        }
    }

    /// Writes vacancies the way the sync service does (the search index and the change count
    /// follow by trigger), for tests and benchmarks.
    public func storeVacancies(_ vacancies: [Vacancy], generation: String = "") async throws {
        let encoder = JSONEncoder()
        try await writer.write { db in
            for vacancy in vacancies {
                let data = String(decoding: try encoder.encode(vacancy), as: UTF8.self)
                try VacancyRow(vacancy, data: data, generation: generation).insertOrUpdate(db)
            }
        }
    }
}
