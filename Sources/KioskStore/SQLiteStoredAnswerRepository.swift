public import Foundation
import GRDB
public import KioskCore

/// Answers kept under idempotency keys (`stored_answer`), for a day.
public struct SQLiteStoredAnswerRepository: StoredAnswerRepository {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func answer(key: String, route: String, now: Date) async throws -> StoredAnswer? {
        let oldest = now.addingTimeInterval(-StoredAnswer.lifetime)
        return try await database.writer.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT status, content_type, body FROM stored_answer
                    WHERE key = ? AND route = ? AND at >= ?
                    """, arguments: [key, route, oldest]
            ).map { StoredAnswer(status: $0["status"], contentType: $0["content_type"], body: $0["body"]) }
        }
    }

    public func keep(_ answer: StoredAnswer, key: String, route: String, at: Date) async throws {
        let oldest = at.addingTimeInterval(-StoredAnswer.lifetime)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO stored_answer (key, route, status, content_type, body, at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (key, route) DO NOTHING
                    """, arguments: [key, route, answer.status, answer.contentType, answer.body, at])
            try db.execute(sql: "DELETE FROM stored_answer WHERE at < ?", arguments: [oldest])
        }
    }
}
