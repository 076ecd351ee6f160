public import Foundation

/// The feedback use case: a visitor rates a finished ticket once, from the kiosk (by the number
/// on the ticket, for a while after the service) or from the ticket's status page.
public struct FeedbackDesk: Sendable {
    let repository: any FeedbackRepository
    let office: Office
    let now: @Sendable () -> Date

    public init(repository: any FeedbackRepository, office: Office, now: @escaping @Sendable () -> Date) {
        self.repository = repository
        self.office = office
        self.now = now
    }

    /// Checks and stores a rating by the ticket's holder: `code` is the rating code printed on the
    /// ticket. Throws `FeedbackError.wrongCode` first (whoever lacks the code learns nothing of the
    /// ticket), then `ValidationFailure` (rating, comment) or `FeedbackError` (unfinished or
    /// already rated ticket).
    public func rate(ticketID: UUID, code: String?, rating: Int?, comment: String?) async throws -> Feedback {
        guard let code, !code.isEmpty, let stored = try await repository.ratingDigest(ticketID: ticketID),
            stored == Feedback.ratingDigest(code)
        else { throw FeedbackError.wrongCode }
        let checked = try Feedback.validated(rating: rating, comment: comment)
        return try await repository.record(ticketID: ticketID, rating: checked.0, comment: checked.1, at: now())
    }

    public func feedback(ticketID: UUID) async throws -> Feedback? {
        try await repository.feedback(ticketID: ticketID)
    }

    /// Whether `code` is the rating code of this ticket (the status page shows its form then).
    public func holds(ticketID: UUID, code: String?) async throws -> Bool {
        guard let code, !code.isEmpty, let stored = try await repository.ratingDigest(ticketID: ticketID) else {
            return false
        }
        return stored == Feedback.ratingDigest(code)
    }

    /// The ticket a visitor back at the kiosk rates by its printed number (`А-012`) and the rating
    /// code printed on it: today's, finished within `Feedback.kioskRatingWindow`, not yet rated;
    /// nil when there is none (or the code is not that ticket's).
    public func ticketToRate(number raw: String, code: String) async throws -> (id: UUID, number: String)? {
        let instant = now()
        guard let (printed, number) = Feedback.parseTicketNumber(raw), !code.isEmpty,
            let id = try await repository.ticketToRate(
                printedCode: printed, number: number, ratingDigest: Feedback.ratingDigest(code),
                today: office.today(at: instant),
                since: instant.addingTimeInterval(-Feedback.kioskRatingWindow))
        else { return nil }
        return (id, Ticket.displayNumber(serviceCode: printed, number: number))
    }
}
