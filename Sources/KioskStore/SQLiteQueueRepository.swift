public import Foundation
import GRDB
public import KioskCore
import LMISProtocol

/// The queue in the office database. Call-next and every ticket action run as one write unit
/// (see `GroupCommitWriter`), and units never interleave, so two counters calling at once
/// always get different tickets.
public struct SQLiteQueueRepository: QueueRepository {
    let database: AppDatabase
    let office: Office
    let services: [QueueService]
    public let policy: QueuePolicy
    public let changes: QueueChanges
    /// "Your turn is near" text messages queued by calls (none where the office sends no SMS).
    public var turnNear: TurnNearNotices?

    /// `changes` is told of every write this repository commits; the repositories of one process
    /// share one (the display board waits on it).
    public init(
        database: AppDatabase, office: Office, services: [QueueService], policy: QueuePolicy,
        changes: QueueChanges = QueueChanges(), turnNear: TurnNearNotices? = nil
    ) {
        self.turnNear = turnNear
        self.database = database
        self.office = office
        self.services = services
        self.policy = policy
        self.changes = changes
    }

    func day(_ instant: Date) -> String { office.today(at: instant).description }

    public func issue(
        service: QueueService, priority: PriorityCategory?, registrationID: UUID?, language: Language,
        ratingDigest: String?, requestKey: RequestKey?, appointment: TicketAppointment?, at instant: Date
    ) async throws -> IssuedTicket {
        let officeCode = office.code
        let today = office.today(at: instant)
        let ticket = try await database.write { db -> (Ticket, WaitEstimate, String?) in
            if let requestKey, let kept = try RequestKeys.record(requestKey, kind: .ticket, at: instant, db),
                let ticket = try Self.ticket(id: kept.recordID, db)
            {
                return (ticket, try estimate(for: ticket, at: instant, db), kept.secret)
            }
            let number = try db.nextCounterValue(officeCode: officeCode, name: "ticket:\(today):\(service.code)")
            var ticket = Ticket(
                id: UUIDv7.make(at: instant), officeCode: officeCode, officeDay: today, serviceCode: service.code,
                number: Int(number), priority: priority, registrationID: registrationID, language: language,
                issuedAt: instant)
            ticket.appointment = appointment
            try TicketRow(ticket).insert(db)
            if let ratingDigest {
                try db.execute(
                    sql: "INSERT INTO ticket_rating_code (ticket_id, digest) VALUES (?, ?)",
                    arguments: [Self.key(ticket.id), ratingDigest])
            }
            try record(TicketEvent(kind: .issued, at: instant), for: ticket, db)
            if let requestKey { try RequestKeys.keep(requestKey, kind: .ticket, recordID: ticket.id, at: instant, db) }
            // The estimate is read in the same transaction: one trip to the database, not two.
            return (ticket, try estimate(for: ticket, at: instant, db), nil)
        }
        changes.changed()
        return IssuedTicket(ticket: ticket.0, estimate: ticket.1, ratingCode: ticket.2)
    }

    public func callNext(counter: Int, staffID: String, services codes: [String], at instant: Date) async throws
        -> Ticket?
    {
        let today = day(instant)
        let officeCode = office.code
        let policy = policy
        let turnNear = turnNear
        guard !codes.isEmpty, !changes.knownEmpty(codes) else { return nil }
        let version = changes.version
        // `othersBooked`: nothing was called, yet other officers' appointment tickets wait in
        // these services, so the services are not empty for everyone.
        let (called, othersBooked) = try await database.write { db -> (Ticket?, Bool) in
            let marks = Array(repeating: "?", count: codes.count).joined(separator: ", ")
            var arguments: StatementArguments = [officeCode, today]
            arguments += StatementArguments(codes)
            // Within a class the policy calls in order of arrival (`QueuePolicy.cutoff`), so the
            // first normal and the first priority ticket are its only candidates: two indexed
            // lookups replace reading the whole queue, and the policy chooses between them. A
            // third finds the earliest booked appointment ticket waiting for this officer.
            var waiting = try ["IS NULL", "IS NOT NULL"].compactMap { priority in
                try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT * FROM ticket WHERE office_code = ? AND office_day = ? AND state = 'waiting'
                            AND service_code IN (\(marks)) AND priority \(priority) AND appointment_at IS NULL
                            ORDER BY queued_at, number LIMIT 1
                            """), arguments: arguments
                ).map(Self.ticket)
            }
            waiting +=
                try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT * FROM ticket WHERE office_code = ? AND office_day = ? AND state = 'waiting'
                            AND service_code IN (\(marks)) AND appointment_at IS NOT NULL
                            AND (appointment_staff_id = ? OR (appointment_staff_id IS NULL AND appointment_counter = ?))
                            ORDER BY appointment_at, queued_at, number LIMIT 1
                            """), arguments: arguments + [staffID, counter]
                ).map(Self.ticket).map { [$0] } ?? []
            let recent = try String?.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT t.priority FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id
                        WHERE e.counter = ? AND e.kind = 'called' AND t.office_day = ?
                        ORDER BY e.seq DESC LIMIT ?
                        """), arguments: [counter, today, policy.maxPriorityInARow])
            let streak = recent.prefix { $0 != nil }.count
            guard
                var ticket = policy.next(
                    from: waiting, now: instant, priorityCallsInARow: streak, staffID: staffID, counter: counter)
            else {
                let booked = try Bool.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT 1 FROM ticket WHERE office_code = ? AND office_day = ? AND state = 'waiting'
                            AND service_code IN (\(marks)) AND appointment_at IS NOT NULL LIMIT 1
                            """), arguments: arguments)
                return (nil, booked == true)
            }
            let event = try ticket.apply(.call(counter: counter, staffID: staffID), now: instant, policy: policy)
            try update(ticket, db)
            try record(event, for: ticket, db)
            try turnNear?.queue(afterCallIn: ticket.serviceCode, officeCode: officeCode, day: today, at: instant, db)
            return (ticket, false)
        }
        if called == nil {
            // The "known empty" shortcut is only for queues nobody else may call from either.
            guard !othersBooked else { return nil }
            changes.noteEmpty(codes, atVersion: version)
        } else {
            changes.changed()
        }
        return called
    }

    public func act(ticketID: UUID, _ action: TicketAction, by counter: Int?, at instant: Date) async throws -> Ticket {
        let policy = policy
        let turnNear = turnNear
        let known = Set(services.map(\.code))
        let ticket = try await database.write { db -> Ticket in
            guard
                var ticket = try Self.ticket(id: ticketID, db)
            else { throw QueueStoreError.ticketNotFound }
            if let counter, let held = ticket.counter, held != counter, ticket.state != .parked {
                throw TicketActionError.wrongCounter
            }
            if case .transfer(let target) = action, !known.contains(target) { throw TicketActionError.unknownService }
            let event = try ticket.apply(action, now: instant, policy: policy)
            try update(ticket, db)
            try record(event, for: ticket, db)
            if action == .recall { try turnNear?.queueRecall(of: ticket, at: instant, db) }
            return ticket
        }
        changes.changed()
        return ticket
    }

    public func ticket(id: UUID) async throws -> Ticket? {
        try await database.writer.read { db in
            try Self.ticket(id: id, db)
        }
    }

    public func waiting(at instant: Date) async throws -> [Ticket] {
        try await todaysTickets(at: instant, where: "state = 'waiting'", orderBy: "queued_at")
    }

    public func estimate(for ticket: Ticket, at instant: Date) async throws -> WaitEstimate {
        try await database.writer.read { db in try estimate(for: ticket, at: instant, db) }
    }

    /// People ahead by the calling policy, the last 30 service times of the service, and the
    /// counters open for it now.
    func estimate(for ticket: Ticket, at instant: Date, _ db: Database) throws -> WaitEstimate {
        let counters = services.first { $0.code == ticket.serviceCode }?.counters ?? []
        let now = Outbox.utcTimestamp(instant)
        var ahead = 0
        if ticket.state == .waiting, let mine = ticket.appointment {
            // An appointment's ticket waits only behind appointments booked earlier with the same officer.
            let booked = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM ticket WHERE office_code = ? AND office_day = ? AND state = 'waiting'
                        AND appointment_at IS NOT NULL AND appointment_at <= ?
                        AND appointment_staff_id IS ? AND appointment_counter IS ?
                        """),
                arguments: [
                    ticket.officeCode, ticket.officeDay.description, Outbox.utcTimestamp(mine.at), mine.staffID,
                    mine.counter,
                ]
            ).map(Self.ticket)
            ahead = policy.ahead(of: booked.first { $0.id == ticket.id } ?? ticket, in: booked, now: instant)
        } else if ticket.state == .waiting {
            // The candidates: waiting tickets of the service queued up to the policy's cut-off
            // for their class (a millisecond more, as times are stored to the millisecond).
            // The policy counts those it calls first.
            var candidates: [Ticket] = []
            for isPriority in [false, true] {
                let cutoff = policy.cutoff(for: ticket, otherIsPriority: isPriority).addingTimeInterval(0.001)
                candidates += try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT * FROM ticket WHERE office_code = ? AND office_day = ? AND state = 'waiting'
                            AND service_code = ? AND priority \(isPriority ? "IS NOT NULL" : "IS NULL") AND queued_at <= ?
                            """),
                    arguments: [
                        ticket.officeCode, ticket.officeDay.description, ticket.serviceCode,
                        Outbox.utcTimestamp(cutoff),
                    ]
                ).map(Self.ticket)
            }
            // The ticket as stored (its times to the millisecond), so that ties compare alike.
            let stored = candidates.first { $0.id == ticket.id } ?? ticket
            ahead = policy.ahead(of: stored, in: candidates, now: instant)
        }
        // Seconds, worked out by SQLite (the times are UTC text with milliseconds; julianday is
        // exact to about 0.05 ms, hence the rounding to milliseconds); the partial
        // index `ticket_finished` keeps this to 30 rows however long the office has run.
        let times = try Double.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT round((julianday(finished_at) - julianday(serving_started_at)) * 86400.0, 3) FROM ticket
                    WHERE service_code = ? AND state = 'finished' AND serving_started_at IS NOT NULL
                    ORDER BY finished_at DESC LIMIT 30
                    """), arguments: [ticket.serviceCode])
        let openCounters = try Int.fetchAll(
            db.cachedStatement(
                sql: "SELECT DISTINCT counter FROM staff_session WHERE ended_at IS NULL AND expires_at > ?"),
            arguments: [now])
        return WaitEstimate.estimate(
            peopleAhead: ahead, recentServiceTimes: times, openCounters: Set(openCounters).intersection(counters).count)
    }

    public func waitingCount(at instant: Date) async throws -> Int {
        let today = day(instant)
        let officeCode = office.code
        return try await database.writer.read { db in
            try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT COUNT(*) FROM ticket WHERE office_code = ? AND office_day = ? AND state = 'waiting'"),
                arguments: [officeCode, today]) ?? 0
        }
    }

    public func calls(after sequence: Int64, limit: Int) async throws -> [QueueCall] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT e.seq, e.kind, e.at, e.counter, e.service_code, t.printed_code, t.number
                        FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id
                        WHERE e.seq > ? AND e.kind IN ('called', 'recalled') ORDER BY e.seq LIMIT ?
                        """), arguments: [sequence, limit]
            ).map { row in
                QueueCall(
                    sequence: row["seq"], kind: TicketEventKind(rawValue: row["kind"]) ?? .called,
                    displayNumber: Ticket.displayNumber(serviceCode: row["printed_code"], number: row["number"]),
                    serviceCode: row["service_code"], counter: row["counter"],
                    at: try Outbox.parseUTCTimestamp(row["at"]))
            }
        }
    }

    public func lastCallSequence() async throws -> Int64 {
        try await database.writer.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT COALESCE(MAX(seq), 0) FROM ticket_event WHERE kind IN ('called', 'recalled')") ?? 0
        }
    }

    public func active(at instant: Date) async throws -> [Ticket] {
        try await todaysTickets(at: instant, where: "state IN ('called', 'serving', 'parked')", orderBy: "called_at")
    }

    public func figures(at instant: Date) async throws -> [QueueFigures] {
        let tickets = try await todaysTickets(at: instant, where: "1", orderBy: "issued_at")
        func figures(_ dimension: QueueFigures.Dimension, _ key: String?, _ tickets: [Ticket]) -> QueueFigures {
            let waits = tickets.compactMap { t in t.calledAt.map { $0.timeIntervalSince(t.issuedAt) } }
            let services = tickets.compactMap { t -> TimeInterval? in
                guard t.state == .finished, let start = t.servingStartedAt, let end = t.finishedAt else { return nil }
                return end.timeIntervalSince(start)
            }
            return QueueFigures(
                dimension: dimension, key: key, issued: tickets.count,
                waiting: tickets.filter { $0.state == .waiting }.count,
                served: tickets.filter { $0.state == .finished }.count,
                noShows: tickets.filter { $0.state == .noShow }.count, medianWait: Self.median(waits),
                medianService: Self.median(services))
        }
        // Waiting and service times by the counter and staff member who served (or called) them.
        let counters = Set(tickets.compactMap(\.counter)).sorted()
        let staff = Set(tickets.compactMap(\.staffID)).sorted()
        return [figures(.office, nil, tickets)]
            + services.map { service in
                figures(.service, service.code, tickets.filter { $0.serviceCode == service.code })
            }
            + counters.map { counter in figures(.counter, String(counter), tickets.filter { $0.counter == counter }) }
            + staff.map { id in figures(.staff, id, tickets.filter { $0.staffID == id }) }
    }

    static func median(_ values: [TimeInterval]) -> TimeInterval? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    // MARK: - Rows

    /// Today's tickets of the office matching `condition` (a fixed SQL fragment, never input).
    func todaysTickets(at instant: Date, where condition: String, orderBy order: String) async throws -> [Ticket] {
        let arguments: StatementArguments = [office.code, day(instant)]
        return try await database.writer.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT * FROM ticket WHERE office_code = ? AND office_day = ? AND \(condition) ORDER BY \(order)"
                ),
                arguments: arguments
            ).map(Self.ticket)
        }
    }

    static func ticket(id: UUID, _ db: Database) throws -> Ticket? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM ticket WHERE id = ?"), arguments: [key(id)]).map(ticket)
    }

    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }

    func update(_ ticket: Ticket, _ db: Database) throws {
        try TicketRow(ticket).update(db)
    }

    /// Stores the event and its outbox record (`queue.<kind>`), in the caller's transaction.
    func record(_ event: TicketEvent, for ticket: Ticket, _ db: Database) throws {
        try db.run(
            """
            INSERT INTO ticket_event (ticket_id, kind, at, service_code, counter, staff_id, from_service, outcome)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                Self.key(ticket.id), event.kind.rawValue, Outbox.utcTimestamp(event.at), ticket.serviceCode,
                event.counter, event.staffID, event.fromService, event.outcome?.rawValue,
            ])
        let sequence = db.lastInsertedRowID
        try Outbox.append(
            db, officeCode: ticket.officeCode, type: OutboxRecordType(rawValue: "queue.\(event.kind.rawValue)"),
            payload: QueueEventRecorded(sequence: sequence, event: event, ticket: ticket), at: event.at)
    }

    static func ticket(_ row: Row) throws -> Ticket {
        try TicketRow(row: row).ticket()
    }
}
