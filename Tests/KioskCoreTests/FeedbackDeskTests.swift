import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// Ratings of finished tickets over in-memory stores and a hand-moved clock: only the holder of
/// the ticket (its rating code) may rate it.
@Suite struct FeedbackDeskTests {
    let clock = TestClock()
    let queue = InMemoryQueueRepository(services: QueueService.demo)
    let officer = StaffSession(
        token: "t", staffID: "bold", displayName: "Болд", role: .staff, counter: 1, expiresAt: .distantFuture)

    /// A finished ticket and the rating code the kiosk printed on it.
    func finishedTicket() async throws -> (Ticket, String) {
        let desk = TicketDesk(
            queue: queue, registrations: InMemoryRegistrationRepository(), services: QueueService.demo,
            office: Fixtures.office, now: clock.now)
        let issued = try await desk.issue(TicketRequest(serviceCode: "А"))
        let code = try #require(issued.ratingCode)
        let called = try await desk.callNext(counter: 1, by: officer)
        return (try await desk.act(ticketID: called.id, .finish(.counselled), by: officer), code)
    }

    @Test func aTicketGetsARatingCodeKeptOnlyAsItsDigest() async throws {
        let (ticket, code) = try await finishedTicket()
        #expect(code.count == 9 && code.dropFirst(4).first == "-")
        #expect(code.filter { $0 != "-" }.allSatisfy { Feedback.codeAlphabet.contains($0) })
        let stored = try #require(queue.ratingDigest(ticket.id))
        #expect(stored == Feedback.ratingDigest(code) && !stored.contains(code.filter { $0 != "-" }))
        #expect(Feedback.ratingDigest(code.lowercased().replacingOccurrences(of: "-", with: " ")) == stored)
    }

    @Test func aFinishedTicketIsRatedOnceByItsHolder() async throws {
        let feedback = FeedbackDesk(
            repository: InMemoryFeedbackRepository(queue: queue), office: Fixtures.office, now: clock.now)
        await #expect(throws: FeedbackError.wrongCode) {
            try await feedback.rate(ticketID: UUID(), code: "AAAA-AAAA", rating: 5, comment: nil)
        }
        let (ticket, code) = try await finishedTicket()
        // The ticket's number and id are not enough: the code printed on it is needed.
        for wrong in [nil, "", "AAAA-AAAA"] {
            await #expect(throws: FeedbackError.wrongCode) {
                try await feedback.rate(ticketID: ticket.id, code: wrong, rating: 5, comment: nil)
            }
        }
        await #expect(throws: ValidationFailure(errors: [FieldError(field: "rating", code: "outOfRange")])) {
            try await feedback.rate(ticketID: ticket.id, code: code, rating: 6, comment: nil)
        }
        let rated = try await feedback.rate(ticketID: ticket.id, code: code, rating: 4, comment: " Сайн ")
        #expect(rated.comment == "Сайн" && rated.counter == 1 && rated.createdAt == Fixtures.now)
        await #expect(throws: FeedbackError.alreadyGiven) {
            try await feedback.rate(ticketID: ticket.id, code: code, rating: 5, comment: nil)
        }
        #expect(try await feedback.feedback(ticketID: ticket.id) == rated)
    }

    @Test func theKioskFindsATicketByItsNumberAndCodeForThreeHoursOfTheSameDay() async throws {
        let feedback = FeedbackDesk(
            repository: InMemoryFeedbackRepository(queue: queue), office: Fixtures.office, now: clock.now)
        let (ticket, code) = try await finishedTicket()
        #expect(try await feedback.ticketToRate(number: "a 1", code: code)?.id == ticket.id)
        #expect(try await feedback.ticketToRate(number: "А-001", code: code.lowercased())?.number == "А-001")
        #expect(try await feedback.ticketToRate(number: "А-001", code: "") == nil)
        #expect(try await feedback.ticketToRate(number: "А-001", code: "AAAA-AAAA") == nil)
        #expect(try await feedback.ticketToRate(number: "А-002", code: code) == nil)
        #expect(try await feedback.ticketToRate(number: "?", code: code) == nil)
        clock.advance(by: 3 * 3600 + 1)
        #expect(try await feedback.ticketToRate(number: "А-001", code: code) == nil)
        clock.advance(days: 1)
        #expect(try await feedback.ticketToRate(number: "А-001", code: code) == nil)
    }
}
