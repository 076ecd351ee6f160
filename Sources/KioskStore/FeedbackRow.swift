import Foundation
import GRDB
import KioskCore

/// A row of `feedback`, read and written by column name.
struct FeedbackRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "feedback"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var ticketId: String
    var officeCode: String
    var officeDay: String
    var serviceCode: String
    var counter: Int?
    var staffId: String?
    var rating: Int
    var comment: String?
    var createdAt: String

    init(_ f: Feedback) {
        ticketId = SQLiteQueueRepository.key(f.ticketID)
        officeCode = f.officeCode
        officeDay = f.officeDay.description
        serviceCode = f.serviceCode
        counter = f.counter
        staffId = f.staffID
        rating = f.rating
        comment = f.comment
        createdAt = Outbox.utcTimestamp(f.createdAt)
    }

    /// The domain value, or `StoredValueError` when a column holds what this version cannot read.
    func feedback() throws -> Feedback {
        let invalid = StoredValueError(id: ticketId)
        return Feedback(
            ticketID: try UUID(uuidString: ticketId).orThrow(invalid), officeCode: officeCode,
            officeDay: try CivilDate(iso8601: officeDay).orThrow(invalid), serviceCode: serviceCode,
            counter: counter, staffID: staffId, rating: rating, comment: comment,
            createdAt: try Outbox.parseUTCTimestamp(createdAt))
    }
}
