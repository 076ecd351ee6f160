import Foundation
import KioskCore
import Testing

@Suite("Queue ordering, ticket rules and estimates")
struct QueueTests {
    let start = Date(timeIntervalSince1970: 1_795_300_000)
    let policy = QueuePolicy()

    func ticket(_ number: Int, minutesAgo: Double, priority: PriorityCategory? = nil, service: String = "А") -> Ticket {
        Ticket(
            id: UUID(), officeCode: "UB-SB", officeDay: CivilDate(year: 2026, month: 11, day: 22)!,
            serviceCode: service,
            number: number, priority: priority, registrationID: nil, language: .mn,
            issuedAt: start.addingTimeInterval(-minutesAgo * 60))
    }

    @Test func longestWaitGoesFirst() {
        let waiting = [ticket(2, minutesAgo: 5), ticket(1, minutesAgo: 9), ticket(3, minutesAgo: 1)]
        #expect(policy.next(from: waiting, now: start, priorityCallsInARow: 0)?.number == 1)
    }

    @Test func priorityHasAHeadStartButNotForever() {
        // A priority ticket issued now beats a normal one that waited 14 minutes…
        #expect(
            policy.next(
                from: [ticket(1, minutesAgo: 14), ticket(2, minutesAgo: 0, priority: .elderly)], now: start,
                priorityCallsInARow: 0)?.number == 2)
        // …but not one that waited 16 minutes: ageing means nobody waits forever.
        #expect(
            policy.next(
                from: [ticket(1, minutesAgo: 16), ticket(2, minutesAgo: 0, priority: .elderly)], now: start,
                priorityCallsInARow: 0)?.number == 1)
    }

    @Test func atMostThreePriorityCallsInARowWhileOthersWait() {
        let waiting = [ticket(1, minutesAgo: 2), ticket(2, minutesAgo: 1, priority: .disability)]
        #expect(policy.next(from: waiting, now: start, priorityCallsInARow: 2)?.number == 2)
        #expect(policy.next(from: waiting, now: start, priorityCallsInARow: 3)?.number == 1)
        // With nobody else waiting, a priority ticket is called whatever the streak.
        #expect(policy.next(from: [waiting[1]], now: start, priorityCallsInARow: 5)?.number == 2)
    }

    @Test func peopleAheadFollowThePolicy() {
        let mine = ticket(3, minutesAgo: 1)
        let waiting = [
            ticket(1, minutesAgo: 5), ticket(2, minutesAgo: 0, priority: .pregnantOrInfant), mine,
            ticket(4, minutesAgo: 10, service: "Б"),
        ]
        #expect(policy.ahead(of: mine, in: waiting, now: start) == 2)
    }

    @Test func recallAtMostThreeTimes() throws {
        var t = ticket(1, minutesAgo: 3)
        _ = try t.apply(.call(counter: 2, staffID: "bat"), now: start, policy: policy)
        for _ in 0..<3 { _ = try t.apply(.recall, now: start, policy: policy) }
        #expect(throws: TicketActionError.recallLimit) { try t.apply(.recall, now: start, policy: policy) }
    }

    @Test func noShowOnlyAfterTheGracePeriodAndBackToTheQueueOnce() throws {
        var t = ticket(1, minutesAgo: 3)
        _ = try t.apply(.call(counter: 2, staffID: "bat"), now: start, policy: policy)
        #expect(throws: TicketActionError.graceNotOver) {
            try t.apply(.noShow(backToQueue: true), now: start.addingTimeInterval(119), policy: policy)
        }
        let later = start.addingTimeInterval(120)
        #expect(try t.apply(.noShow(backToQueue: true), now: later, policy: policy).kind == .requeued)
        #expect(t.state == .waiting)
        #expect(t.queuedAt == later)
        _ = try t.apply(.call(counter: 3, staffID: "saraa"), now: later, policy: policy)
        #expect(throws: TicketActionError.alreadyRequeued) {
            try t.apply(.noShow(backToQueue: true), now: later.addingTimeInterval(300), policy: policy)
        }
        #expect(
            try t.apply(.noShow(backToQueue: false), now: later.addingTimeInterval(300), policy: policy).kind == .noShow
        )
        #expect(t.state == .noShow)
    }

    @Test func transferKeepsTheOriginalIssueTime() throws {
        var t = ticket(7, minutesAgo: 20)
        _ = try t.apply(.call(counter: 1, staffID: "bat"), now: start, policy: policy)
        _ = try t.apply(.start, now: start, policy: policy)
        let event = try t.apply(.transfer(toService: "Б"), now: start.addingTimeInterval(300), policy: policy)
        #expect(event.fromService == "А")
        #expect(t.serviceCode == "Б")
        #expect(t.displayNumber == "А-007")
        #expect(t.queuedAt == t.issuedAt)
        #expect(t.state == .waiting)
        #expect(throws: TicketActionError.sameService) {
            var again = t
            _ = try again.apply(.call(counter: 3, staffID: "s"), now: start, policy: policy)
            _ = try again.apply(.transfer(toService: "Б"), now: start, policy: policy)
        }
    }

    @Test func parkResumeFinish() throws {
        var t = ticket(1, minutesAgo: 3)
        #expect(throws: TicketActionError.notActive) { try t.apply(.park, now: start, policy: policy) }
        _ = try t.apply(.call(counter: 1, staffID: "bat"), now: start, policy: policy)
        _ = try t.apply(.start, now: start, policy: policy)
        _ = try t.apply(.park, now: start.addingTimeInterval(60), policy: policy)
        #expect(throws: TicketActionError.notActive) { try t.apply(.finish(.registered), now: start, policy: policy) }
        _ = try t.apply(.resume(counter: 1, staffID: "bat"), now: start.addingTimeInterval(600), policy: policy)
        let done = try t.apply(.finish(.counselled), now: start.addingTimeInterval(900), policy: policy)
        #expect(done.outcome == .counselled)
        #expect(t.state == .finished)
        #expect(t.servingStartedAt == start)
    }

    @Test func estimatesComeFromServiceTimesAndOpenCounters() {
        #expect(WaitEstimate.estimate(peopleAhead: 4, recentServiceTimes: [], openCounters: 2).minutes == nil)
        #expect(
            WaitEstimate.estimate(peopleAhead: 4, recentServiceTimes: [300, 300, 300], openCounters: 0).minutes == nil)
        let estimate = WaitEstimate.estimate(
            peopleAhead: 4, recentServiceTimes: [240, 300, 360, 420, 600], openCounters: 2)
        // 2 rounds at the median of 6 min = 12 min; 3 rounds at the 80th percentile (7.4 min) = 23 min.
        #expect(estimate.minutes == 12...23)
        #expect(
            WaitEstimate.estimate(peopleAhead: 0, recentServiceTimes: [300, 300, 300], openCounters: 1).minutes == 0...5
        )
    }

    @Test func openingHoursFollowTheOfficeZone() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ulaanbaatar")!
        let hours = OpeningHours.standard
        // Monday 23 November 2026.
        func at(_ hour: Int, _ minute: Int) -> Date {
            calendar.date(from: DateComponents(year: 2026, month: 11, day: 23, hour: hour, minute: minute))!
        }
        #expect(!hours.issuesTickets(at: at(8, 29), calendar: calendar))
        #expect(hours.issuesTickets(at: at(8, 30), calendar: calendar))
        #expect(hours.issuesTickets(at: at(16, 59), calendar: calendar))
        #expect(!hours.issuesTickets(at: at(17, 0), calendar: calendar))
        // Sunday.
        #expect(!hours.issuesTickets(at: at(10, 0).addingTimeInterval(-86_400), calendar: calendar))
    }
}
