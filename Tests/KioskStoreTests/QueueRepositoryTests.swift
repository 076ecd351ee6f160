import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite("Queue in the database")
struct QueueRepositoryTests {
    func repository(_ temp: TemporaryDatabase, office: Office = Fixtures.office) -> SQLiteQueueRepository {
        SQLiteQueueRepository(
            database: temp.database, office: office, services: QueueService.demo, policy: QueuePolicy())
    }

    @Test("A request key is committed with its ticket: found again after the file is reopened, forgotten after a day")
    func requestKeyIsCommittedWithItsTicket() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let key = try #require(RequestKey(UUID().uuidString, secret: "ABCD-EFGH"))
        let service = QueueService.demo[0]
        let first = try await repository(temp).issue(
            service: service, priority: nil, registrationID: nil, language: .mn, ratingDigest: "digest",
            requestKey: key, at: Fixtures.now)
        #expect(first.ratingCode == nil)
        // As after a kill: the process's answer is gone; a new one opens the same file.
        try temp.database.close()
        let reopened = try AppDatabase(directory: temp.directory)
        let queue = SQLiteQueueRepository(
            database: reopened, office: Fixtures.office, services: QueueService.demo, policy: QueuePolicy())
        let again = try await queue.issue(
            service: service, priority: nil, registrationID: nil, language: .mn, ratingDigest: "other",
            requestKey: RequestKey(key.value, secret: "ZZZZ-ZZZZ"), at: Fixtures.now.addingTimeInterval(5))
        #expect(again.ticket.id == first.ticket.id)
        #expect(again.ratingCode == "ABCD-EFGH")
        // A day on, the key is forgotten and the same key is a new request.
        let later = try await queue.issue(
            service: service, priority: nil, registrationID: nil, language: .mn, ratingDigest: "later",
            requestKey: key, at: Fixtures.now.addingTimeInterval(RequestKey.lifetime + 1))
        #expect(later.ticket.id != first.ticket.id)
        #expect(later.ratingCode == nil)
        try reopened.close()
    }

    @Test func numbersRunPerServiceAndRestartAtLocalMidnight() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let hovd = Office(
            code: "MN-043", name: LocalizedText(mn: "Ховд", en: "Khovd"), adminUnitCode: "MN-043",
            timeZone: TimeZone(identifier: "Asia/Hovd")!)
        let queue = repository(temp, office: hovd)
        let a = QueueService.demo[0]
        let b = QueueService.demo[1]
        // 16:58 UTC is 23:58 in Hovd; 17:02 UTC is 00:02 the next day there.
        let beforeMidnight = Date(timeIntervalSince1970: 1_795_366_680)
        let afterMidnight = beforeMidnight.addingTimeInterval(240)
        let first = try await queue.issue(
            service: a, priority: nil, registrationID: nil, language: .mn, at: beforeMidnight)
        let second = try await queue.issue(
            service: a, priority: nil, registrationID: nil, language: .mn, at: beforeMidnight)
        let other = try await queue.issue(
            service: b, priority: nil, registrationID: nil, language: .mn, at: beforeMidnight)
        let nextDay = try await queue.issue(
            service: a, priority: nil, registrationID: nil, language: .mn, at: afterMidnight)
        #expect(first.ticket.displayNumber == "А-001")
        #expect(second.ticket.displayNumber == "А-002")
        #expect(other.ticket.displayNumber == "Б-001")
        #expect(nextDay.ticket.displayNumber == "А-001")
        #expect(first.ticket.officeDay.description == "2026-11-22")
        #expect(nextDay.ticket.officeDay.description == "2026-11-23")
        // Yesterday's tickets are not called today.
        let called = try await queue.callNext(counter: 1, staffID: "bat", services: ["А"], at: afterMidnight)
        #expect(called?.id == nextDay.ticket.id)
        #expect(try await queue.callNext(counter: 1, staffID: "bat", services: ["А"], at: afterMidnight) == nil)
    }

    @Test func everyStepIsAnEventWithItsOutboxRecord() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let queue = repository(temp)
        let now = Fixtures.now
        let issued = try await queue.issue(
            service: QueueService.demo[0], priority: .elderly, registrationID: nil, language: .mn, at: now)
        _ = try await queue.callNext(counter: 1, staffID: "bat", services: ["А"], at: now)
        _ = try await queue.act(ticketID: issued.ticket.id, .recall, at: now.addingTimeInterval(30))
        _ = try await queue.act(ticketID: issued.ticket.id, .start, at: now.addingTimeInterval(60))
        let done = try await queue.act(
            ticketID: issued.ticket.id, .finish(.registered), at: now.addingTimeInterval(400))
        #expect(done.state == .finished)
        let (events, outbox) = try await temp.database.writer.read { db in
            (
                try String.fetchAll(db, sql: "SELECT kind FROM ticket_event ORDER BY seq"),
                try String.fetchAll(db, sql: "SELECT record_type FROM outbox ORDER BY seq")
            )
        }
        #expect(events == ["issued", "called", "recalled", "started", "finished"])
        #expect(outbox == ["queue.issued", "queue.called", "queue.recalled", "queue.started", "queue.finished"])
        let calls = try await queue.calls(after: 0, limit: 10)
        #expect(calls.map(\.kind) == [.called, .recalled])
        #expect(calls.allSatisfy { $0.displayNumber == "А-001" && $0.counter == 1 })
        let figures = try await queue.figures(at: now)
        #expect(figures.first?.dimension == .office)
        #expect(figures.first?.served == 1)
        #expect(figures.first?.medianService == 340)
        #expect(figures.first { $0.dimension == .service && $0.key == "А" }?.issued == 1)
        #expect(figures.first { $0.dimension == .counter && $0.key == "1" }?.medianWait == 0)
        #expect(figures.first { $0.dimension == .staff && $0.key == "bat" }?.served == 1)
    }

    @Test func concurrentCallersNeverGetTheSameTicket() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let queue = repository(temp)
        let now = Fixtures.now
        for index in 0..<120 {
            _ = try await queue.issue(
                service: QueueService.demo[index % 2], priority: index % 7 == 0 ? .disability : nil,
                registrationID: nil,
                language: .mn, at: now.addingTimeInterval(Double(index)))
        }
        // Ten counters press "call next" as fast as they can, all at once.
        let called = try await withThrowingTaskGroup(of: [UUID].self) { group in
            for counter in 1...10 {
                group.addTask {
                    var mine: [UUID] = []
                    while let ticket = try await queue.callNext(
                        counter: counter, staffID: "staff\(counter)", services: ["А", "Б"],
                        at: now.addingTimeInterval(600))
                    {
                        mine.append(ticket.id)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [UUID]()) { $0 += $1 }
        }
        #expect(called.count == 120)
        #expect(Set(called).count == 120)
    }

    @Test func estimateUsesRecentServiceTimesAndOpenCounters() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let queue = repository(temp)
        let service = QueueService.demo[0]
        var now = Fixtures.now
        for _ in 0..<3 {
            let t = try await queue.issue(service: service, priority: nil, registrationID: nil, language: .mn, at: now)
            _ = try await queue.callNext(counter: 1, staffID: "bat", services: ["А"], at: now)
            _ = try await queue.act(ticketID: t.ticket.id, .start, at: now)
            now = now.addingTimeInterval(300)
            _ = try await queue.act(ticketID: t.ticket.id, .finish(.registered), at: now)
        }
        for _ in 0..<2 {
            _ = try await queue.issue(service: service, priority: nil, registrationID: nil, language: .mn, at: now)
        }
        // No counter open: no estimate, never an invented one.
        let closed = try await queue.issue(service: service, priority: nil, registrationID: nil, language: .mn, at: now)
        #expect(closed.estimate.peopleAhead == 2)
        #expect(closed.estimate.minutes == nil)
        try await temp.database.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO staff (id, display_name, role, pin_hash, created_at) VALUES ('bat', 'Бат', 'staff', 'x', '');
                    INSERT INTO staff_session (token_hash, staff_id, counter, created_at, expires_at)
                    VALUES ('t', 'bat', 1, '', '2999-01-01T00:00:00.000Z');
                    """)
        }
        let open = try await queue.estimate(for: closed.ticket, at: now)
        #expect(open.minutes == 10...15)
    }
}

@Suite("Queue position in SQL")
struct QueuePositionTests {
    @Test func peopleAheadMatchesThePolicyForAMixedQueue() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let policy = QueuePolicy()
        let queue = SQLiteQueueRepository(
            database: temp.database, office: Fixtures.office, services: QueueService.demo, policy: policy)
        // Issue times spread over 40 minutes, some at the same instant, a quarter with priority.
        let tickets = try await Self.issueMixed(queue, spacing: 120, priorityOneIn: 4) {
            QueueService.demo[$0 % 3 == 0 ? 4 : 0]
        }
        let now = Fixtures.now.addingTimeInterval(3000)
        for ticket in tickets {
            let sql = try await queue.estimate(for: ticket, at: now).peopleAhead
            #expect(sql == policy.ahead(of: ticket, in: tickets, now: now), "\(ticket.displayNumber)")
        }
    }

    @Test func callingOrderMatchesThePolicy() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let policy = QueuePolicy()
        let queue = SQLiteQueueRepository(
            database: temp.database, office: Fixtures.office, services: QueueService.demo, policy: policy)
        // A minute apart, two at once, a third with priority: some priority tickets come exactly
        // a head start after normal ones (equal effective waits).
        var waiting = try await Self.issueMixed(queue, spacing: 60, priorityOneIn: 3) { _ in QueueService.demo[0] }
        var now = Fixtures.now.addingTimeInterval(3600)
        var streak = 0
        while let expected = policy.next(from: waiting, now: now, priorityCallsInARow: streak) {
            let called = try await queue.callNext(
                counter: 1, staffID: "staff1", services: [QueueService.demo[0].code], at: now)
            #expect(called?.id == expected.id, "\(expected.displayNumber)")
            waiting.removeAll { $0.id == expected.id }
            streak = expected.priority == nil ? 0 : streak + 1
            now.addTimeInterval(1)
        }
        #expect(waiting.isEmpty)
    }

    /// Forty tickets, two at each instant `spacing` seconds apart, one in `priorityOneIn` with priority.
    static func issueMixed(
        _ queue: SQLiteQueueRepository, spacing: TimeInterval, priorityOneIn: Int, service: (Int) -> QueueService
    ) async throws -> [Ticket] {
        var generator = SystemRandomNumberGenerator()
        var tickets: [Ticket] = []
        for index in 0..<40 {
            let at = Fixtures.now.addingTimeInterval(Double(index / 2) * spacing)
            let priority: PriorityCategory? =
                Int.random(in: 0..<priorityOneIn, using: &generator) == 0 ? .elderly : nil
            tickets.append(
                try await queue.issue(
                    service: service(index), priority: priority, registrationID: nil, language: .mn, at: at
                ).ticket)
        }
        return tickets
    }
}

@Suite("Queue actions by counter")
struct QueueCounterTests {
    @Test func anotherCountersTicketIsRefusedUnlessParked() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let queue = SQLiteQueueRepository(
            database: temp.database, office: Fixtures.office, services: QueueService.demo, policy: QueuePolicy())
        let now = Fixtures.now
        _ = try await queue.issue(
            service: QueueService.demo[0], priority: nil, registrationID: nil, language: .mn, at: now)
        let called = try #require(try await queue.callNext(counter: 1, staffID: "bat", services: ["А"], at: now))
        await #expect(throws: TicketActionError.wrongCounter) {
            try await queue.act(ticketID: called.id, .start, by: 2, at: now)
        }
        _ = try await queue.act(ticketID: called.id, .park, by: 1, at: now)
        let resumed = try await queue.act(ticketID: called.id, .resume(counter: 2, staffID: "saraa"), by: 2, at: now)
        #expect(resumed.counter == 2)
    }

    @Test("An idle counter's call is answered from memory until a ticket is issued, which it then gets")
    func idleCallsAndNewTickets() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let changes = QueueChanges(emptyAnswerLifetime: .seconds(60))
        let queue = SQLiteQueueRepository(
            database: temp.database, office: Fixtures.office, services: QueueService.demo, policy: QueuePolicy(),
            changes: changes)
        let now = Fixtures.now
        #expect(try await queue.callNext(counter: 1, staffID: "saraa", services: ["А"], at: now) == nil)
        #expect(changes.knownEmpty(["А"]))
        // A ticket written behind this process's back (by another repository's changes) is not seen
        // while the answer is remembered ...
        let other = SQLiteQueueRepository(
            database: temp.database, office: Fixtures.office, services: QueueService.demo, policy: QueuePolicy())
        _ = try await other.issue(
            service: QueueService.demo[0], priority: nil, registrationID: nil, language: .mn, at: now)
        #expect(try await queue.callNext(counter: 1, staffID: "saraa", services: ["А"], at: now) == nil)
        // ... but one issued through the process's queue moves the version on, and is called at once.
        let issued = try await queue.issue(
            service: QueueService.demo[0], priority: nil, registrationID: nil, language: .mn, at: now)
        let first = try await queue.callNext(counter: 1, staffID: "saraa", services: ["А"], at: now)
        let second = try await queue.callNext(counter: 2, staffID: "bold", services: ["А"], at: now)
        #expect(Set([first?.id, second?.id]).count == 2)
        #expect([first?.id, second?.id].contains(issued.ticket.id))
    }
}
