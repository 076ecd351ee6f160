import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// Ratings of finished tickets over in-memory stores and a hand-moved clock.
@Suite struct FeedbackDeskTests {
    let clock = TestClock()
    let queue = InMemoryQueueRepository(services: QueueService.demo)
    let officer = StaffSession(
        token: "t", staffID: "bold", displayName: "Болд", role: .staff, counter: 1, expiresAt: .distantFuture)

    func finishedTicket() async throws -> Ticket {
        let desk = TicketDesk(
            queue: queue, registrations: InMemoryRegistrationRepository(), services: QueueService.demo,
            office: Fixtures.office, now: clock.now)
        _ = try await desk.issue(TicketRequest(serviceCode: "А"))
        let called = try await desk.callNext(counter: 1, by: officer)
        return try await desk.act(ticketID: called.id, .finish(.counselled), by: officer)
    }

    @Test func aFinishedTicketIsRatedOnce() async throws {
        let feedback = FeedbackDesk(
            repository: InMemoryFeedbackRepository(queue: queue), office: Fixtures.office, now: clock.now)
        await #expect(throws: ValidationFailure(errors: [FieldError(field: "rating", code: "outOfRange")])) {
            try await feedback.rate(ticketID: UUID(), rating: 6, comment: nil)
        }
        await #expect(throws: FeedbackError.ticketNotFound) {
            try await feedback.rate(ticketID: UUID(), rating: 5, comment: nil)
        }
        let ticket = try await finishedTicket()
        let rated = try await feedback.rate(ticketID: ticket.id, rating: 4, comment: " Сайн ")
        #expect(rated.comment == "Сайн" && rated.counter == 1 && rated.createdAt == Fixtures.now)
        await #expect(throws: FeedbackError.alreadyGiven) {
            try await feedback.rate(ticketID: ticket.id, rating: 5, comment: nil)
        }
        #expect(try await feedback.feedback(ticketID: ticket.id) == rated)
    }

    @Test func theKioskFindsATicketByItsNumberForThreeHoursOfTheSameDay() async throws {
        let feedback = FeedbackDesk(
            repository: InMemoryFeedbackRepository(queue: queue), office: Fixtures.office, now: clock.now)
        let ticket = try await finishedTicket()
        #expect(try await feedback.ticketToRate(number: "a 1")?.id == ticket.id)
        #expect(try await feedback.ticketToRate(number: "А-001")?.number == "А-001")
        #expect(try await feedback.ticketToRate(number: "А-002") == nil)
        #expect(try await feedback.ticketToRate(number: "?") == nil)
        clock.advance(by: 3 * 3600 + 1)
        #expect(try await feedback.ticketToRate(number: "А-001") == nil)
        clock.advance(days: 1)
        #expect(try await feedback.ticketToRate(number: "А-001") == nil)
    }
}
