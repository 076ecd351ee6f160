public import Foundation
import GRDB
public import KioskCore
import LMISProtocol

/// Ratings of finished tickets in the office database, each written with its LMIS record
/// (`feedback.recorded`) in one transaction.
public struct SQLiteFeedbackRepository: FeedbackRepository {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func record(ticketID: UUID, rating: Int, comment: String?, at instant: Date) async throws -> Feedback {
        try await database.write { db in
            guard let ticket = try SQLiteQueueRepository.ticket(id: ticketID, db) else {
                throw FeedbackError.ticketNotFound
            }
            guard ticket.state == .finished else { throw FeedbackError.notFinished }
            let key = SQLiteQueueRepository.key(ticketID)
            if try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM feedback WHERE ticket_id = ?)", arguments: [key])
                == true
            {
                throw FeedbackError.alreadyGiven
            }
            let feedback = Feedback(
                ticketID: ticketID, officeCode: ticket.officeCode, officeDay: ticket.officeDay,
                serviceCode: ticket.serviceCode, counter: ticket.counter, staffID: ticket.staffID, rating: rating,
                comment: comment, createdAt: instant)
            try FeedbackRow(feedback).insert(db)
            try Outbox.append(
                db, officeCode: feedback.officeCode, type: .feedbackRecorded,
                payload: FeedbackRecorded(
                    feedback: .init(
                        ticketID: key, officeCode: feedback.officeCode, officeDay: feedback.officeDay.description,
                        serviceCode: feedback.serviceCode, counter: feedback.counter, staffID: feedback.staffID,
                        rating: rating, comment: comment, createdAt: instant)),
                at: instant)
            return feedback
        }
    }

    public func ticketToRate(
        printedCode: String, number: Int, ratingDigest: String, today: CivilDate, since: Date
    ) async throws -> UUID? {
        try await database.writer.read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT t.id FROM ticket t JOIN ticket_rating_code c ON c.ticket_id = t.id
                    WHERE t.office_day = ? AND t.printed_code = ? AND t.number = ? AND t.state = 'finished'
                      AND c.digest = ?
                      AND t.finished_at >= ? AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.ticket_id = t.id)
                    ORDER BY t.finished_at DESC LIMIT 1
                    """,
                arguments: [today.description, printedCode, number, ratingDigest, Outbox.utcTimestamp(since)]
            ).flatMap(UUID.init(uuidString:))
        }
    }

    public func ratingDigest(ticketID: UUID) async throws -> String? {
        try await database.writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT digest FROM ticket_rating_code WHERE ticket_id = ?",
                arguments: [SQLiteQueueRepository.key(ticketID)])
        }
    }

    public func feedback(ticketID: UUID) async throws -> Feedback? {
        try await database.writer.read { db in
            try FeedbackRow.fetchOne(db, key: SQLiteQueueRepository.key(ticketID))?.feedback()
        }
    }
}
