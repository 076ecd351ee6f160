public import Foundation

/// A successful answer kept under the key a screen sent with its request (`Idempotency-Key`), so
/// that the same request sent again (a second tap, a retry after a lost answer) is answered the
/// same without doing the work twice.
public struct StoredAnswer: Sendable, Equatable {
    public let status: Int
    public let contentType: String
    public let body: Data

    public init(status: Int, contentType: String, body: Data) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// Where answers are kept under their key and route for a day.
public protocol StoredAnswerRepository: Sendable {
    /// The answer kept for `key` on `route`, if any younger than a day.
    func answer(key: String, route: String, now: Date) async throws -> StoredAnswer?
    /// Keeps `answer` (the first one kept for a key and route stays) and forgets those older than a day.
    func keep(_ answer: StoredAnswer, key: String, route: String, at: Date) async throws
}

extension StoredAnswer {
    /// How long an answer is replayed.
    public static let lifetime: TimeInterval = 24 * 60 * 60
}
