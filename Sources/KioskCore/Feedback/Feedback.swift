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
    /// The rating code is not the one printed on this ticket (or the ticket has none): only the
    /// ticket's holder may rate it.
    case wrongCode
}

public protocol FeedbackRepository: Sendable {
    /// Stores a checked rating with its LMIS record, in one transaction.
    func record(ticketID: UUID, rating: Int, comment: String?, at instant: Date) async throws -> Feedback
    func feedback(ticketID: UUID) async throws -> Feedback?
    /// Today's ticket with this printed number and rating code (its digest), finished since
    /// `since` and not yet rated: what a visitor back at the kiosk rates by typing the number and
    /// the code from their ticket.
    func ticketToRate(printedCode: String, number: Int, ratingDigest: String, today: CivilDate, since: Date)
        async throws -> UUID?
    /// The digest of the rating code printed on a ticket; nil for no such ticket or one without.
    func ratingDigest(ticketID: UUID) async throws -> String?
}

extension Feedback {
    /// Rating codes use the letters and digits that cannot be misread (as grievance tracking codes).
    public static let codeAlphabet = Grievance.codeAlphabet
    public static let codeLength = 8

    /// A new ticket's rating code, `XXXX-XXXX` (about 38 bits): printed on the ticket and in its
    /// QR code, kept by the office only as `ratingDigest`.
    public static func newRatingCode() -> String {
        let letters = Secret.code(codeLength, from: codeAlphabet)
        return String(letters.prefix(4)) + "-" + String(letters.suffix(4))
    }

    /// The digest kept of a rating code, whatever its case, blanks and hyphens.
    public static func ratingDigest(_ code: String) -> String {
        Secret.digest("rating:" + code.uppercased().filter { $0.isLetter || $0.isNumber })
    }

    /// How long after its service a ticket can be rated at the kiosk by its number (numbers are
    /// short and run again each day; the QR code's status page has no such limit).
    public static let kioskRatingWindow: TimeInterval = 3 * 3600

    /// `А-012`, `а12`, `A 12` (Latin look-alike) → the printed code and number; nil otherwise.
    public static func parseTicketNumber(_ raw: String) -> (code: String, number: Int)? {
        let text = raw.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        guard let letter = text.first, letter.isLetter, let number = Int(text.dropFirst()), number > 0,
            number < 10_000
        else { return nil }
        let latinToCyrillic: [Character: Character] = ["A": "А", "B": "В", "E": "Е"]
        return (String(latinToCyrillic[letter] ?? letter), number)
    }
}
