public import Foundation

/// How a counter chooses the next ticket among those waiting for its services.
///
/// Default: a priority ticket counts as if it had waited `priorityHeadStart` longer (15 min);
/// otherwise the longest wait goes first. A counter makes at most `maxPriorityInARow` (3)
/// priority calls in a row while normal tickets wait, so a stream of priority visitors cannot
/// hold the queue. Because every ticket's wait grows while it waits, a normal ticket is called
/// at the latest once it has waited `priorityHeadStart` longer than every priority ticket:
/// nobody waits forever.
public struct QueuePolicy: Hashable, Sendable, Codable {
    public var priorityHeadStart: TimeInterval
    public var maxPriorityInARow: Int
    /// How long after a call the officer may mark a no-show.
    public var noShowGrace: TimeInterval
    public var maxRecalls: Int
    /// How long before its booked time an appointment's ticket goes ahead of walk-ins (10 min).
    public var appointmentWindowBefore: TimeInterval = 10 * 60

    public init(
        priorityHeadStart: TimeInterval = 15 * 60, maxPriorityInARow: Int = 3, noShowGrace: TimeInterval = 120,
        maxRecalls: Int = 3
    ) {
        self.priorityHeadStart = priorityHeadStart
        self.maxPriorityInARow = maxPriorityInARow
        self.noShowGrace = noShowGrace
        self.maxRecalls = maxRecalls
    }

    /// The ticket to call next, or nil when none waits. `priorityCallsInARow` is how many of
    /// this counter's latest calls were priority tickets, back to its last normal call.
    public func next(from waiting: [Ticket], now: Date, priorityCallsInARow: Int) -> Ticket? {
        let candidates = waiting.filter { $0.state == .waiting }
        let normalsWaiting = candidates.contains { $0.priority == nil }
        let allowPriority = !normalsWaiting || priorityCallsInARow < maxPriorityInARow
        return
            candidates
            .filter { allowPriority || $0.priority == nil }
            .min { precedes($0, $1, now: now) }
    }

    /// The ticket the officer `staffID` at `counter` calls next. Appointment tickets
    /// (`Ticket.appointment`) wait for their own counsellor or counter only: once the window
    /// before the booked time is open they go first, earliest booked time first (then the
    /// earlier check-in), ahead of priority and walk-in tickets alike. Walk-ins follow
    /// `next(from:now:priorityCallsInARow:)`. A visitor who checked in early is called before the
    /// window opens only when no walk-in waits for this counter.
    public func next(
        from waiting: [Ticket], now: Date, priorityCallsInARow: Int, staffID: String, counter: Int
    ) -> Ticket? {
        let booked = waiting.filter {
            $0.state == .waiting && $0.appointment?.isFor(staffID: staffID, counter: counter) == true
        }
        .sorted { a, b in
            let (x, y) = (a.appointment!.at, b.appointment!.at)
            return x != y ? x < y : (a.queuedAt != b.queuedAt ? a.queuedAt < b.queuedAt : a.number < b.number)
        }
        if let due = booked.first(where: { isDue($0, now: now) }) { return due }
        let walkIns = waiting.filter { $0.appointment == nil }
        return next(from: walkIns, now: now, priorityCallsInARow: priorityCallsInARow) ?? booked.first
    }

    /// Whether an appointment ticket's window before its booked time has opened.
    public func isDue(_ ticket: Ticket, now: Date) -> Bool {
        guard let appointment = ticket.appointment else { return false }
        return now >= appointment.at.addingTimeInterval(-appointmentWindowBefore)
    }

    /// Whether `a` is called before `b`: higher effective wait first (queued before `b`'s
    /// cut-off for `a`'s class); then the earlier queued; then the lower number.
    public func precedes(_ a: Ticket, _ b: Ticket, now: Date) -> Bool {
        let cutoff = cutoff(for: b, otherIsPriority: a.priority != nil)
        if a.queuedAt != cutoff { return a.queuedAt < cutoff }
        if a.queuedAt != b.queuedAt { return a.queuedAt < b.queuedAt }
        return a.number < b.number
    }

    /// The queue time at which a ticket of the given class has the same effective wait as
    /// `ticket`: queued earlier, it goes first. Within one class this is `ticket`'s own queue
    /// time, so a class is called in order of arrival (`queuedAt`, then `number`): a store
    /// needs to hand `next` only the first waiting ticket of each class, and `ahead` only the
    /// tickets queued up to these cut-offs.
    public func cutoff(for ticket: Ticket, otherIsPriority: Bool) -> Date {
        ticket.queuedAt.addingTimeInterval(
            headStart(priority: otherIsPriority) - headStart(priority: ticket.priority != nil))
    }

    func headStart(priority: Bool) -> TimeInterval { priority ? priorityHeadStart : 0 }

    /// Effective waiting time: real wait plus the head start of a priority ticket.
    public func score(_ ticket: Ticket, now: Date) -> TimeInterval {
        now.timeIntervalSince(ticket.queuedAt) + (ticket.priority == nil ? 0 : priorityHeadStart)
    }

    /// Tickets of `ticket`'s service that the policy would call before it, counted from the
    /// current queue (an estimate: later priority arrivals may still go ahead).
    /// An appointment's ticket counts only the appointments booked before it with the same
    /// counsellor or counter.
    public func ahead(of ticket: Ticket, in waiting: [Ticket], now: Date) -> Int {
        if let mine = ticket.appointment {
            return waiting.filter { other in
                guard other.id != ticket.id, other.state == .waiting, let theirs = other.appointment,
                    theirs.staffID == mine.staffID, theirs.counter == mine.counter
                else { return false }
                return theirs.at != mine.at ? theirs.at < mine.at : other.queuedAt < ticket.queuedAt
            }.count
        }
        return waiting.filter { other in
            other.id != ticket.id && other.state == .waiting && other.serviceCode == ticket.serviceCode
                && precedes(other, ticket, now: now)
        }.count
    }
}
