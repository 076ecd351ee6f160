public import Foundation
public import KioskCore
import Synchronization

/// A queue kept in memory, for use-case tests without SQLite. Follows `SQLiteQueueRepository`'s
/// contract: numbers per service and office day, the policy's calling order, another counter's
/// ticket refused unless parked, calls numbered for the display board.
public final class InMemoryQueueRepository: QueueRepository {
    struct State {
        var tickets: [UUID: Ticket] = [:]
        /// The digests of the tickets' rating codes.
        var ratingDigests: [UUID: String] = [:]
        var numbers: [String: Int] = [:]
        var calls: [QueueCall] = []
        /// Per counter, whether each of its calls was a priority ticket, latest last.
        var priorityCalls: [Int: [Bool]] = [:]
        /// Request keys and the ticket each issued, with its kept rating code.
        var requestKeys: [String: RequestKeyRecord] = [:]
    }
    private let state = Mutex(State())
    let office: Office
    let services: [QueueService]
    public let policy: QueuePolicy
    public let changes = QueueChanges()

    public init(office: Office = Fixtures.office, services: [QueueService], policy: QueuePolicy = QueuePolicy()) {
        self.office = office
        self.services = services
        self.policy = policy
    }

    public func issue(
        service: QueueService, priority: PriorityCategory?, registrationID: UUID?, language: Language,
        ratingDigest: String?, requestKey: RequestKey?, appointment: TicketAppointment?, at instant: Date
    ) async throws -> IssuedTicket {
        let today = office.today(at: instant)
        let (ticket, keptCode) = state.withLock { state -> (Ticket, String?) in
            if let requestKey, let kept = state.requestKeys[requestKey.value], let ticket = state.tickets[kept.recordID]
            {
                return (ticket, kept.secret)
            }
            let key = "\(today):\(service.code)"
            state.numbers[key, default: 0] += 1
            var ticket = Ticket(
                id: UUIDv7.make(at: instant), officeCode: office.code, officeDay: today, serviceCode: service.code,
                number: state.numbers[key]!, priority: priority, registrationID: registrationID, language: language,
                issuedAt: instant)
            ticket.appointment = appointment
            state.tickets[ticket.id] = ticket
            state.ratingDigests[ticket.id] = ratingDigest
            if let requestKey {
                state.requestKeys[requestKey.value] = RequestKeyRecord(recordID: ticket.id, secret: requestKey.secret)
            }
            return (ticket, nil)
        }
        return IssuedTicket(
            ticket: ticket, estimate: try await estimate(for: ticket, at: instant), ratingCode: keptCode)
    }

    public func callNext(counter: Int, staffID: String, services codes: [String], at instant: Date) async throws
        -> Ticket?
    {
        let today = office.today(at: instant)
        let policy = policy
        return try state.withLock { state -> Ticket? in
            let waiting = state.tickets.values.filter { $0.officeDay == today && codes.contains($0.serviceCode) }
            let inARow = (state.priorityCalls[counter] ?? []).reversed().prefix { $0 }.count
            guard
                var ticket = policy.next(
                    from: Array(waiting), now: instant, priorityCallsInARow: inARow, staffID: staffID, counter: counter)
            else {
                return nil
            }
            let event = try ticket.apply(.call(counter: counter, staffID: staffID), now: instant, policy: policy)
            state.priorityCalls[counter, default: []].append(ticket.priority != nil)
            Self.record(event, ticket, &state)
            return ticket
        }
    }

    public func act(ticketID: UUID, _ action: TicketAction, by counter: Int?, at instant: Date) async throws -> Ticket {
        let policy = policy
        let known = Set(services.map(\.code))
        return try state.withLock { state in
            guard var ticket = state.tickets[ticketID] else { throw QueueStoreError.ticketNotFound }
            if let counter, let held = ticket.counter, held != counter, ticket.state != .parked {
                throw TicketActionError.wrongCounter
            }
            if case .transfer(let target) = action, !known.contains(target) { throw TicketActionError.unknownService }
            let event = try ticket.apply(action, now: instant, policy: policy)
            Self.record(event, ticket, &state)
            return ticket
        }
    }

    static func record(_ event: TicketEvent, _ ticket: Ticket, _ state: inout State) {
        state.tickets[ticket.id] = ticket
        guard event.kind == .called || event.kind == .recalled, let counter = event.counter else { return }
        state.calls.append(
            QueueCall(
                sequence: Int64(state.calls.count + 1), kind: event.kind, displayNumber: ticket.displayNumber,
                serviceCode: ticket.serviceCode, counter: counter, at: event.at))
    }

    public func ticket(id: UUID) async throws -> Ticket? { state.withLock { $0.tickets[id] } }

    /// Every ticket of every day, for fakes built on this one.
    public var tickets: [Ticket] { state.withLock { Array($0.tickets.values) } }

    /// The digest of a ticket's rating code, as the store keeps it.
    public func ratingDigest(_ ticketID: UUID) -> String? { state.withLock { $0.ratingDigests[ticketID] } }

    func today(_ instant: Date, _ states: Set<TicketState>) -> [Ticket] {
        let today = office.today(at: instant)
        return state.withLock { state in
            state.tickets.values.filter { $0.officeDay == today && states.contains($0.state) }
        }
    }

    public func waiting(at instant: Date) async throws -> [Ticket] {
        today(instant, [.waiting]).sorted { $0.queuedAt < $1.queuedAt }
    }

    public func estimate(for ticket: Ticket, at instant: Date) async throws -> WaitEstimate {
        WaitEstimate(
            peopleAhead: policy.ahead(of: ticket, in: today(instant, [.waiting]), now: instant), minutes: nil)
    }

    public func waitingCount(at instant: Date) async throws -> Int { today(instant, [.waiting]).count }

    public func calls(after sequence: Int64, limit: Int) async throws -> [QueueCall] {
        state.withLock { Array($0.calls.filter { $0.sequence > sequence }.prefix(limit)) }
    }

    /// The office's figures only: issued, waiting, served and no-shows (no medians).
    public func figures(at instant: Date) async throws -> [QueueFigures] {
        let tickets = today(instant, [.waiting, .called, .serving, .parked, .finished, .noShow])
        func count(_ state: TicketState) -> Int { tickets.filter { $0.state == state }.count }
        return [
            QueueFigures(
                dimension: .office, key: nil, issued: tickets.count, waiting: count(.waiting),
                served: count(.finished), noShows: count(.noShow), medianWait: nil, medianService: nil)
        ]
    }

    public func active(at instant: Date) async throws -> [Ticket] {
        today(instant, [.called, .serving, .parked]).sorted {
            ($0.calledAt ?? .distantPast) < ($1.calledAt ?? .distantPast)
        }
    }

    public func lastCallSequence() async throws -> Int64 { state.withLock { $0.calls.last?.sequence ?? 0 } }
}
