import Foundation
import KioskCore
import Testing

@Suite("Appointment tickets against walk-ins in the calling order")
struct AppointmentCallingOrderTests {
    let now = Date(timeIntervalSince1970: 1_795_300_000)
    let policy = QueuePolicy()

    func ticket(
        _ number: Int, minutesAgo: Double, priority: PriorityCategory? = nil, bookedInMinutes: Double? = nil,
        staffID: String? = "tsetseg", counter: Int? = nil
    ) -> Ticket {
        var ticket = Ticket(
            id: UUID(), officeCode: "UB-SB", officeDay: CivilDate(year: 2026, month: 11, day: 22)!, serviceCode: "Б",
            number: number, priority: priority, registrationID: nil, language: .mn,
            issuedAt: now.addingTimeInterval(-minutesAgo * 60))
        ticket.appointment = bookedInMinutes.map {
            TicketAppointment(
                appointmentID: UUID(), at: now.addingTimeInterval($0 * 60), staffID: staffID, counter: counter)
        }
        return ticket
    }

    func next(_ waiting: [Ticket], staffID: String = "tsetseg", counter: Int = 3, streak: Int = 0) -> Int? {
        policy.next(from: waiting, now: now, priorityCallsInARow: streak, staffID: staffID, counter: counter)?.number
    }

    @Test(
        "booked in N minutes, checked in 1 minute ago, against walk-ins who waited 40 minutes",
        arguments: [
            // Inside the 10-minute window (and after the time, until check-in closes): first.
            (10.0, true), (5.0, true), (0.0, true), (-20.0, true),
            // Before the window opens: the walk-ins go first.
            (10.5, false), (30.0, false),
        ])
    func windowBeforeTheBookedTime(bookedIn: Double, first: Bool) {
        let waiting = [
            ticket(1, minutesAgo: 40), ticket(2, minutesAgo: 35), ticket(3, minutesAgo: 1, bookedInMinutes: bookedIn),
        ]
        #expect(next(waiting) == (first ? 3 : 1))
    }

    @Test func aheadOfPriorityWalkInsAndOfTheStreakRule() {
        let waiting = [
            ticket(1, minutesAgo: 30, priority: .elderly), ticket(2, minutesAgo: 2, bookedInMinutes: 3),
        ]
        #expect(next(waiting, streak: 0) == 2)
        #expect(next(waiting, streak: 5) == 2)
    }

    @Test func twoAppointmentsInBookedTimeOrderNotArrivalOrder() {
        let waiting = [
            ticket(1, minutesAgo: 30, bookedInMinutes: 8), ticket(2, minutesAgo: 5, bookedInMinutes: 2),
            ticket(3, minutesAgo: 50),
        ]
        #expect(next(waiting) == 2)
        #expect(next(waiting.filter { $0.number != 2 }) == 1)
        #expect(next(waiting.filter { $0.number == 3 }) == 3)
    }

    @Test func onlyTheBookedCounsellorCallsIt() {
        let waiting = [ticket(1, minutesAgo: 30), ticket(2, minutesAgo: 2, bookedInMinutes: 0)]
        #expect(next(waiting, staffID: "bold") == 1)
        // Another counsellor never takes it, even with nobody else waiting.
        #expect(next([waiting[1]], staffID: "bold") == nil)
    }

    @Test func aBookedCounterIsCalledByWhoeverServesThatCounter() {
        let waiting = [
            ticket(1, minutesAgo: 30), ticket(2, minutesAgo: 2, bookedInMinutes: 0, staffID: nil, counter: 4),
        ]
        #expect(next(waiting, staffID: "bold", counter: 4) == 2)
        #expect(next(waiting, staffID: "bold", counter: 3) == 1)
    }

    @Test func anEarlyArrivalIsCalledWhenNoWalkInWaits() {
        let early = ticket(1, minutesAgo: 1, bookedInMinutes: 45)
        #expect(next([early]) == 1)
        #expect(next([early, ticket(2, minutesAgo: 0)]) == 2)
    }

    @Test func walkInsKeepTheirOwnOrder() {
        let waiting = [
            ticket(1, minutesAgo: 5), ticket(2, minutesAgo: 1, priority: .disability),
            ticket(3, minutesAgo: 1, bookedInMinutes: 60),
        ]
        #expect(next(waiting) == policy.next(from: Array(waiting.prefix(2)), now: now, priorityCallsInARow: 0)?.number)
    }

    @Test func anAppointmentCountsOnlyEarlierBookingsOfItsCounsellorAhead() {
        let mine = ticket(4, minutesAgo: 1, bookedInMinutes: 10)
        let waiting = [
            ticket(1, minutesAgo: 30), ticket(2, minutesAgo: 20, bookedInMinutes: 5),
            ticket(3, minutesAgo: 20, bookedInMinutes: 5, staffID: "bold"), mine,
            ticket(5, minutesAgo: 25, bookedInMinutes: 15),
        ]
        #expect(policy.ahead(of: mine, in: waiting, now: now) == 1)
    }

    @Test func aTransferredAppointmentTicketWaitsInTheNewServiceForAnyCounter() throws {
        var booked = ticket(1, minutesAgo: 5, bookedInMinutes: 0)
        _ = try booked.apply(.call(counter: 3, staffID: "tsetseg"), now: now, policy: policy)
        _ = try booked.apply(.transfer(toService: "В"), now: now, policy: policy)
        #expect(booked.appointment == nil && booked.state == .waiting)
        #expect(next([booked], staffID: "bold", counter: 1) == 1)
    }
}
