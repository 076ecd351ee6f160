public import Foundation
public import KioskCore
import Synchronization

/// Ratings kept in memory over an in-memory queue's tickets, for use-case tests: a ticket is
/// rated once, and only when finished.
public final class InMemoryFeedbackRepository: FeedbackRepository {
    private let ratings = Mutex<[UUID: Feedback]>([:])
    let queue: InMemoryQueueRepository
    let office: Office

    public init(queue: InMemoryQueueRepository, office: Office = Fixtures.office) {
        self.queue = queue
        self.office = office
    }

    public func record(ticketID: UUID, rating: Int, comment: String?, at instant: Date) async throws -> Feedback {
        guard let ticket = try await queue.ticket(id: ticketID) else { throw FeedbackError.ticketNotFound }
        guard ticket.state == .finished else { throw FeedbackError.notFinished }
        let feedback = Feedback(
            ticketID: ticketID, officeCode: office.code, officeDay: ticket.officeDay, serviceCode: ticket.serviceCode,
            counter: ticket.counter, staffID: ticket.staffID, rating: rating, comment: comment, createdAt: instant)
        return try ratings.withLock { ratings in
            guard ratings[ticketID] == nil else { throw FeedbackError.alreadyGiven }
            ratings[ticketID] = feedback
            return feedback
        }
    }

    public func feedback(ticketID: UUID) async throws -> Feedback? { ratings.withLock { $0[ticketID] } }

    public func ticketToRate(
        printedCode: String, number: Int, ratingDigest: String, today: CivilDate, since: Date
    ) async throws -> UUID? {
        let rated = ratings.withLock { Set($0.keys) }
        return queue.tickets.first {
            $0.printedCode == printedCode && $0.number == number && $0.officeDay == today
                && ($0.finishedAt.map { $0 >= since } ?? false) && !rated.contains($0.id)
                && queue.ratingDigest($0.id) == ratingDigest
        }?.id
    }

    public func ratingDigest(ticketID: UUID) async throws -> String? { queue.ratingDigest(ticketID) }
}
