import Foundation
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

/// Appointment tickets in the SQLite queue: call-next finds the booked one among the waiting
/// tickets of the counter's services, for its own officer or counter only.
@Suite("Appointment tickets in the database queue")
struct AppointmentQueueTests {
    @Test func callNextTakesTheDueBookingOfThisOfficerThenWalkInsNeverAnotherOfficers() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let queue = SQLiteQueueRepository(
            database: temp.database, office: Fixtures.office, services: QueueService.demo, policy: QueuePolicy())
        let counselling = QueueService.demo[1]
        let now = Fixtures.now
        func issue(_ appointment: TicketAppointment?, minutesAgo: Double) async throws -> Ticket {
            try await queue.issue(
                service: counselling, priority: nil, registrationID: nil, language: .mn, ratingDigest: nil,
                requestKey: nil, appointment: appointment, at: now.addingTimeInterval(-minutesAgo * 60)
            ).ticket
        }
        let walkIn = try await issue(nil, minutesAgo: 30)
        let others = try await issue(
            TicketAppointment(appointmentID: UUID(), at: now, staffID: "other", counter: nil), minutesAgo: 20)
        let atCounter = try await issue(
            TicketAppointment(appointmentID: UUID(), at: now.addingTimeInterval(5 * 60), staffID: nil, counter: 3),
            minutesAgo: 2)
        // Read back as stored: the booking survives the row.
        #expect(try await queue.ticket(id: atCounter.id)?.appointment == atCounter.appointment)
        var order: [UUID] = []
        while let called = try await queue.callNext(counter: 3, staffID: "bold", services: ["Б"], at: now) {
            order.append(called.id)
        }
        #expect(order == [atCounter.id, walkIn.id])
        let theirs = try await queue.callNext(counter: 1, staffID: "other", services: ["Б"], at: now)
        #expect(theirs?.id == others.id)
    }
}
