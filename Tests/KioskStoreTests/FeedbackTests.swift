import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite("Visitors' ratings")
struct FeedbackTests {
    @Test(
        "A rating is 1 to 5; a comment is trimmed, short, and without control characters",
        arguments: [
            (5, "  Сайн үйлчилсэн  ", 5, "Сайн үйлчилсэн"), (1, nil, 1, nil), (3, " \n ", 3, nil),
            (4, "Өглөө\nүдээс хойш", 4, "Өглөө\nүдээс хойш"),
        ] as [(Int, String?, Int, String?)])
    func accepted(_ rating: Int, _ comment: String?, _ expectedRating: Int, _ expectedComment: String?) throws {
        let checked = try Feedback.validated(rating: rating, comment: comment)
        #expect(checked.0 == expectedRating && checked.1 == expectedComment)
    }

    @Test(
        "What is refused names its field",
        arguments: [
            (nil, nil, "rating", "required"), (0, nil, "rating", "outOfRange"), (6, "x", "rating", "outOfRange"),
            (3, String(repeating: "ө", count: 301), "comment", "tooLong"),
            (3, "a\u{0}b", "comment", "controlCharacters"),
            (3, "a\u{202E}b", "comment", "controlCharacters"),
        ] as [(Int?, String?, String, String)])
    func refused(_ rating: Int?, _ comment: String?, _ field: String, _ code: String) {
        #expect(throws: ValidationFailure(errors: [FieldError(field: field, code: code)])) {
            try Feedback.validated(rating: rating, comment: comment)
        }
    }

    @Test("Only a finished ticket is rated, once, with its LMIS record in the same transaction")
    func storedOnceWithItsRecord() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let queue = SQLiteQueueRepository(
            database: temp.database, office: Fixtures.office, services: QueueService.demo, policy: QueuePolicy())
        let ratings = SQLiteFeedbackRepository(database: temp.database)
        let now = Fixtures.now
        let issued = try await queue.issue(
            service: QueueService.demo[1], priority: nil, registrationID: nil, language: .mn, at: now)
        await #expect(throws: FeedbackError.notFinished) {
            try await ratings.record(ticketID: issued.ticket.id, rating: 5, comment: nil, at: now)
        }
        await #expect(throws: FeedbackError.ticketNotFound) {
            try await ratings.record(ticketID: UUID(), rating: 5, comment: nil, at: now)
        }
        let called = try #require(
            try await queue.callNext(counter: 4, staffID: "saraa", services: ["Б"], at: now + 60))
        _ = try await queue.act(ticketID: called.id, .start, by: 4, at: now + 70)
        _ = try await queue.act(ticketID: called.id, .finish(.counselled), by: 4, at: now + 400)
        let given = try await ratings.record(ticketID: called.id, rating: 2, comment: "Удаан", at: now + 500)
        #expect(given.counter == 4 && given.staffID == "saraa" && given.serviceCode == "Б")
        await #expect(throws: FeedbackError.alreadyGiven) {
            try await ratings.record(ticketID: called.id, rating: 5, comment: nil, at: now + 600)
        }
        #expect(try await ratings.feedback(ticketID: called.id) == given)
        let records = try await temp.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT payload FROM outbox WHERE record_type = 'feedback.recorded'")
        }
        #expect(records.count == 1)
        let payload = try #require(
            try JSONSerialization.jsonObject(with: Data((records[0]["payload"] as String).utf8)) as? [String: Any])
        let body = try #require(payload["feedback"] as? [String: Any])
        #expect(body["rating"] as? Int == 2 && body["counter"] as? Int == 4 && body["comment"] as? String == "Удаан")
        #expect(body["registrationID"] == nil, "nothing about the visitor")
    }
}
