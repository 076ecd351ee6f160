public import Foundation

/// A visitor's rating of a finished ticket: 1 (very unhappy) to 5 (very happy), with an optional
/// short comment. Attributed to the ticket's service, counter and officer for the office's
/// figures; nothing about the visitor is kept. One per ticket.
public struct Feedback: Sendable, Equatable {
    public static let ratings = 1...5
    public static let maxCommentLength = 300

    public let ticketID: UUID
    public let officeCode: String
    public let officeDay: CivilDate
    public let serviceCode: String
    public let counter: Int?
    public let staffID: String?
    public let rating: Int
    public let comment: String?
    public let createdAt: Date

    public init(
        ticketID: UUID, officeCode: String, officeDay: CivilDate, serviceCode: String, counter: Int?,
        staffID: String?, rating: Int, comment: String?, createdAt: Date
    ) {
        self.ticketID = ticketID
        self.officeCode = officeCode
        self.officeDay = officeDay
        self.serviceCode = serviceCode
        self.counter = counter
        self.staffID = staffID
        self.rating = rating
        self.comment = comment
        self.createdAt = createdAt
    }

    /// What a visitor sent, checked: the rating in 1...5; the comment trimmed, nil when empty, at
    /// most `maxCommentLength` characters and free of control and invisible format characters
    /// (line breaks inside it are kept).
    public static func validated(rating: Int?, comment: String?) throws(ValidationFailure) -> (Int, String?) {
        var errors: [FieldError] = []
        if let rating {
            if !ratings.contains(rating) { errors.append(FieldError(field: "rating", code: "outOfRange")) }
        } else {
            errors.append(FieldError(field: "rating", code: "required"))
        }
        var text: String?
        switch FreeText.checked(comment, field: "comment", limit: maxCommentLength, required: false, lines: true) {
        case .success(let value): text = value
        case .failure(let error): errors.append(error)
        }
        guard errors.isEmpty, let rating else { throw ValidationFailure(errors: errors) }
        return (rating, text)
    }
}

/// Why a rating was not taken.
public enum FeedbackError: Error, Equatable, Sendable {
    case ticketNotFound
    /// Only a finished ticket can be rated.
    case notFinished
    /// The ticket has its rating already.
    case alreadyGiven
}

public protocol FeedbackRepository: Sendable {
    /// Stores a checked rating with its LMIS record, in one transaction.
    func record(ticketID: UUID, rating: Int, comment: String?, at instant: Date) async throws -> Feedback
    func feedback(ticketID: UUID) async throws -> Feedback?
}
