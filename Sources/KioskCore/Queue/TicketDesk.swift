public import Foundation

/// What a visitor asks for at the kiosk, as sent: the use case checks every part.
public struct TicketRequest: Sendable, Equatable {
    public var serviceCode: String
    /// A `PriorityCategory` raw value, or nil.
    public var priority: String?
    /// The registration's id, as text, or nil.
    public var registrationID: String?
    /// The registry number of a returning visitor who has not proved who they are: the ticket is
    /// theirs to take (the officer sees the ID card at the counter), and nothing about them is
    /// shown at the kiosk. Ignored when `registrationID` is given.
    public var registryNumber: String?
    public var language: Language
    /// The screen's key for this tap's intent: a ticket already issued under it is answered again.
    public var requestKey: RequestKey?
    /// The booked meeting the visitor checked in for (`Appointments.checkIn`); nil for a walk-in.
    public var appointment: TicketAppointment?

    public init(
        serviceCode: String, priority: String? = nil, registrationID: String? = nil, registryNumber: String? = nil,
        language: Language = .mn, requestKey: RequestKey? = nil
    ) {
        self.requestKey = requestKey
        self.serviceCode = serviceCode
        self.priority = priority
        self.registrationID = registrationID
        self.registryNumber = registryNumber
        self.language = language
    }
}

/// Why the desk refused a well-formed request.
public struct TicketDeskError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: String { case closed, notWaitingToPrint }
    private let code: Code
    /// The service issues no tickets at this hour or on this day.
    public static let closed = Self(code: .closed)
    /// The ticket was called or finished, so it is not printed again.
    public static let notWaitingToPrint = Self(code: .notWaitingToPrint)
    public var identifier: String { code.rawValue }
    public var description: String { "ticket desk refused: \(code.rawValue)" }
}

/// A counter's view of the queue: today's waiting tickets in calling order, the tickets at this
/// counter (and every parked one), and today's figures.
public struct CounterOverview: Sendable {
    /// When it was read (the tickets' waits count to this instant).
    public var at: Date
    public var counter: Int
    public var waiting: [Ticket]
    public var active: [Ticket]
    public var figures: [QueueFigures]
}

/// The queue use case: issuing tickets at the kiosk and serving them at counters. It holds the
/// rules (which services exist, are open and need a registration; which services a counter
/// calls) and reads the time from its injected clock.
public struct TicketDesk: Sendable {
    let queue: any QueueRepository
    let registrations: any RegistrationRepository
    /// The office's services, as configured.
    public let services: [QueueService]
    let office: Office
    let now: @Sendable () -> Date

    public init(
        queue: any QueueRepository, registrations: any RegistrationRepository, services: [QueueService],
        office: Office, now: @escaping @Sendable () -> Date
    ) {
        self.queue = queue
        self.registrations = registrations
        self.services = services
        self.office = office
        self.now = now
    }

    public func service(_ code: String) -> QueueService? { services.first { $0.code == code } }

    /// Whether `service` issues tickets now.
    public func isOpen(_ service: QueueService) -> Bool {
        service.hours.issuesTickets(at: now(), calendar: office.calendar)
    }

    /// The codes of the services `counter` serves.
    public func services(atCounter counter: Int) -> [String] {
        services.filter { $0.counters.contains(counter) }.map(\.code)
    }

    /// Issues a ticket. Throws `ValidationFailure` (unknown service, priority or registration, or
    /// a service that needs a registration) and `TicketDeskError.closed`, in that order.
    public func issue(_ request: TicketRequest) async throws -> IssuedTicket {
        guard let service = service(request.serviceCode) else {
            throw ValidationFailure(errors: [FieldError(field: "serviceCode", code: "queue.unknownService")])
        }
        var priority: PriorityCategory?
        if let raw = request.priority {
            guard let parsed = PriorityCategory(rawValue: raw) else {
                throw ValidationFailure(errors: [FieldError(field: "priority", code: "unknownCode")])
            }
            priority = parsed
        }
        var registrationID: UUID?
        if let raw = request.registrationID {
            guard let id = UUID(uuidString: raw), try await registrations.registration(id: id) != nil else {
                throw ValidationFailure(errors: [FieldError(field: "registrationId", code: "queue.unknownRegistration")]
                )
            }
            registrationID = id
        } else if let typed = request.registryNumber {
            guard
                let number = try? RegistryNumber(parsing: typed, today: office.today(at: now())),
                let registration = try await registrations.registration(registryNumber: number)
            else {
                throw ValidationFailure(errors: [FieldError(field: "registryNumber", code: "queue.unknownRegistration")]
                )
            }
            registrationID = registration.id
        }
        if service.requiresRegistration && registrationID == nil {
            throw ValidationFailure(errors: [FieldError(field: "registrationId", code: "queue.registrationRequired")])
        }
        let instant = now()
        guard service.hours.issuesTickets(at: instant, calendar: office.calendar) else { throw TicketDeskError.closed }
        let code = Feedback.newRatingCode()
        // The key keeps the code itself: a ticket answered again under it carries the same code.
        var key = request.requestKey
        key?.secret = code
        var issued = try await queue.issue(
            service: service, priority: priority, registrationID: registrationID, language: request.language,
            ratingDigest: Feedback.ratingDigest(code), requestKey: key, appointment: request.appointment, at: instant)
        issued.ratingCode = issued.ratingCode ?? code
        return issued
    }

    /// A ticket with where it stands now; nil when the office has no such ticket.
    public func ticket(id: UUID) async throws -> IssuedTicket? {
        guard let ticket = try await queue.ticket(id: id) else { return nil }
        return IssuedTicket(ticket: ticket, estimate: try await queue.estimate(for: ticket, at: now()))
    }

    /// A ticket still to be printed (waiting or parked) with its estimate; `QueueStoreError`
    /// when there is none, `TicketDeskError.notWaitingToPrint` when it is past that.
    public func ticketToPrint(id: UUID) async throws -> IssuedTicket {
        guard let issued = try await ticket(id: id) else { throw QueueStoreError.ticketNotFound }
        guard issued.ticket.state == .waiting || issued.ticket.state == .parked else {
            throw TicketDeskError.notWaitingToPrint
        }
        return issued
    }

    /// Seconds until a called ticket may be marked as a no-show; nil unless it is called.
    public func noShowInSeconds(_ ticket: Ticket) -> Int? {
        guard ticket.state == .called, let calledAt = ticket.calledAt else { return nil }
        let elapsed = now().timeIntervalSince(calledAt)
        return max(0, Int((queue.policy.noShowGrace - elapsed).rounded(.up)))
    }

    /// Calls the next ticket for the signed-in officer's counter, among its services.
    /// Throws `TicketActionError.wrongCounter` for another counter and `.noTicketWaiting`.
    public func callNext(counter: Int, by session: StaffSession) async throws -> Ticket {
        guard counter == session.counter else { throw TicketActionError.wrongCounter }
        guard
            let ticket = try await queue.callNext(
                counter: counter, staffID: session.staffID, services: services(atCounter: counter), at: now())
        else { throw TicketActionError.noTicketWaiting }
        return ticket
    }

    /// Applies an officer's action to a ticket held at their counter (or parked).
    public func act(ticketID: UUID, _ action: TicketAction, by session: StaffSession) async throws -> Ticket {
        try await queue.act(ticketID: ticketID, action, by: session.counter, at: now())
    }

    /// What `counter` sees of today's queue.
    public func overview(counter: Int) async throws -> CounterOverview {
        let instant = now()
        let policy = queue.policy
        let waiting = try await queue.waiting(at: instant).sorted { policy.precedes($0, $1, now: instant) }
        let active = try await queue.active(at: instant).filter { $0.counter == counter || $0.state == .parked }
        return CounterOverview(
            at: instant, counter: counter, waiting: waiting, active: active,
            figures: try await queue.figures(at: instant))
    }
}
