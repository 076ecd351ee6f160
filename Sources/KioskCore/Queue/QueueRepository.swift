public import Foundation

/// A ticket as issued, with where it stands.
public struct IssuedTicket: Sendable, Equatable {
    public var ticket: Ticket
    public var estimate: WaitEstimate
    /// The rating code printed on the ticket and in its QR code: known only when the ticket is
    /// issued (the office keeps its digest), and to whoever shows it again (a reprint).
    public var ratingCode: String?

    public init(ticket: Ticket, estimate: WaitEstimate, ratingCode: String? = nil) {
        self.ticket = ticket
        self.estimate = estimate
        self.ratingCode = ratingCode
    }
}

/// A call as the display board shows it; `sequence` is the SSE event id.
public struct QueueCall: Sendable, Equatable, Codable {
    public var sequence: Int64
    public var kind: TicketEventKind
    public var displayNumber: String
    public var serviceCode: String
    public var counter: Int
    public var at: Date

    public init(
        sequence: Int64, kind: TicketEventKind, displayNumber: String, serviceCode: String, counter: Int, at: Date
    ) {
        self.sequence = sequence
        self.kind = kind
        self.displayNumber = displayNumber
        self.serviceCode = serviceCode
        self.counter = counter
        self.at = at
    }
}

/// Today's figures for the office, or for one service, counter or staff member.
public struct QueueFigures: Sendable, Equatable, Codable {
    public enum Dimension: String, Sendable, Codable { case office, service, counter, staff }
    public var dimension: Dimension
    /// The service code, counter number or staff id; nil for the office.
    public var key: String?
    public var issued: Int
    public var waiting: Int
    public var served: Int
    public var noShows: Int
    /// Median wait from issue to first call, seconds; nil before the first call.
    public var medianWait: TimeInterval?
    /// Median service time from start to finish, seconds.
    public var medianService: TimeInterval?

    public init(
        dimension: Dimension, key: String?, issued: Int, waiting: Int, served: Int, noShows: Int,
        medianWait: TimeInterval?,
        medianService: TimeInterval?
    ) {
        self.dimension = dimension
        self.key = key
        self.issued = issued
        self.waiting = waiting
        self.served = served
        self.noShows = noShows
        self.medianWait = medianWait
        self.medianService = medianService
    }
}

/// Storage of the queue. Every change writes its ticket event and outbox record in one transaction.
public protocol QueueRepository: Sendable {
    /// Issues a ticket, keeping `ratingDigest` (the digest of its rating code) with it, and
    /// `requestKey` in the same transaction. When `requestKey` already issued a ticket, that
    /// ticket is answered again (with the key's kept rating code) and nothing is issued.
    /// `appointment` makes it the ticket of a booked meeting (`QueuePolicy.next(…staffID:counter:)`).
    func issue(
        service: QueueService, priority: PriorityCategory?, registrationID: UUID?, language: Language,
        ratingDigest: String?, requestKey: RequestKey?, appointment: TicketAppointment?, at instant: Date
    ) async throws -> IssuedTicket
    /// Calls the ticket the policy chooses among today's waiting tickets of `services`;
    /// nil when none waits. Two counters calling at once never get the same ticket.
    func callNext(counter: Int, staffID: String, services: [String], at instant: Date) async throws -> Ticket?
    /// The order the queue is called in.
    var policy: QueuePolicy { get }
    /// Moves on after every committed queue write of this process.
    var changes: QueueChanges { get }
    /// Applies a staff action. With `counter`, a ticket held at another counter is refused
    /// (`TicketActionError.wrongCounter`) unless it is parked, in the same transaction.
    func act(ticketID: UUID, _ action: TicketAction, by counter: Int?, at instant: Date) async throws -> Ticket
    func ticket(id: UUID) async throws -> Ticket?
    /// Today's waiting tickets, oldest first.
    func waiting(at instant: Date) async throws -> [Ticket]
    func estimate(for ticket: Ticket, at instant: Date) async throws -> WaitEstimate
    /// How many of today's tickets wait.
    func waitingCount(at instant: Date) async throws -> Int
    /// Calls and recalls after `sequence`, oldest first.
    func calls(after sequence: Int64, limit: Int) async throws -> [QueueCall]
    func figures(at instant: Date) async throws -> [QueueFigures]
    /// Today's tickets at counters: called, being served, parked.
    func active(at instant: Date) async throws -> [Ticket]
    /// The sequence of the latest call or recall (0 before any).
    func lastCallSequence() async throws -> Int64
}

extension QueueRepository {
    /// A walk-in's ticket.
    public func issue(
        service: QueueService, priority: PriorityCategory?, registrationID: UUID?, language: Language,
        ratingDigest: String?, requestKey: RequestKey?, at instant: Date
    ) async throws -> IssuedTicket {
        try await issue(
            service: service, priority: priority, registrationID: registrationID, language: language,
            ratingDigest: ratingDigest, requestKey: requestKey, appointment: nil, at: instant)
    }

    /// A ticket without a rating code (tests and tools).
    public func issue(
        service: QueueService, priority: PriorityCategory?, registrationID: UUID?, language: Language, at instant: Date
    ) async throws -> IssuedTicket {
        try await issue(
            service: service, priority: priority, registrationID: registrationID, language: language,
            ratingDigest: nil, requestKey: nil, at: instant)
    }

    /// A ticket issued without a request key (tests and tools).
    public func issue(
        service: QueueService, priority: PriorityCategory?, registrationID: UUID?, language: Language,
        ratingDigest: String?, at instant: Date
    ) async throws -> IssuedTicket {
        try await issue(
            service: service, priority: priority, registrationID: registrationID, language: language,
            ratingDigest: ratingDigest, requestKey: nil, at: instant)
    }

    public func act(ticketID: UUID, _ action: TicketAction, at instant: Date) async throws -> Ticket {
        try await act(ticketID: ticketID, action, by: nil, at: instant)
    }
}

/// The store could not find the ticket an action names.
public struct QueueStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    private let code: String
    public static let ticketNotFound = Self(code: "ticketNotFound")
    public var description: String { code }
}
