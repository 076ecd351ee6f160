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

    /// Checks and stores a rating. Throws `ValidationFailure` (rating, comment) or
    /// `FeedbackError` (unknown, unfinished or already rated ticket).
    public func rate(ticketID: UUID, rating: Int?, comment: String?) async throws -> Feedback {
        let checked = try Feedback.validated(rating: rating, comment: comment)
        return try await repository.record(ticketID: ticketID, rating: checked.0, comment: checked.1, at: now())
    }

    public func feedback(ticketID: UUID) async throws -> Feedback? {
        try await repository.feedback(ticketID: ticketID)
    }

    /// The ticket a visitor back at the kiosk rates by its printed number (`А-012`): today's,
    /// finished within `Feedback.kioskRatingWindow`, not yet rated; nil when there is none.
    public func ticketToRate(number raw: String) async throws -> (id: UUID, number: String)? {
        let instant = now()
        guard let (code, number) = Feedback.parseTicketNumber(raw),
            let id = try await repository.ticketToRate(
                printedCode: code, number: number, today: office.today(at: instant),
                since: instant.addingTimeInterval(-Feedback.kioskRatingWindow))
        else { return nil }
        return (id, Ticket.displayNumber(serviceCode: code, number: number))
    }
}
