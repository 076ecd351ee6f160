public import Foundation

/// Who is served first: customary priority for people with disabilities, elderly people and
/// pregnant women or people with an infant.
public enum PriorityCategory: String, CaseIterable, Sendable, Codable {
    case disability
    case elderly
    case pregnantOrInfant
}

/// How a service ended, as the officer records it.
public enum ServiceOutcome: String, CaseIterable, Sendable, Codable {
    case registered
    case counselled
    case referredToProgramme
    case placedInJob
    case other
}

public enum TicketState: String, Sendable, Codable {
    /// In the queue.
    case waiting
    /// Called to a counter; the visitor is walking there.
    case called
    /// Being served at the counter.
    case serving
    /// Set aside by the officer (documents to fetch, a form to fill), resumed later.
    case parked
    case finished
    /// Did not come after being called; may be put back once.
    case noShow
}

/// A queue ticket. Numbers run per service and office day: А-001, А-002 …
public struct Ticket: Hashable, Sendable, Codable, Identifiable {
    public var id: UUID
    public var officeCode: String
    /// The office-local day the ticket belongs to; numbering restarts each day.
    public var officeDay: CivilDate
    /// The queue it waits in now; a transfer changes it.
    public var serviceCode: String
    /// The letter printed on the ticket (the service it was issued for); never changes.
    public var printedCode: String
    public var number: Int
    public var priority: PriorityCategory?
    public var registrationID: UUID?
    public var language: Language
    public var state: TicketState
    /// When it was issued; a transfer keeps it, so the visitor does not start again at the back.
    public var issuedAt: Date
    /// When it was last (re)queued: issue, or back from a no-show or a park.
    public var queuedAt: Date
    public var calledAt: Date?
    public var servingStartedAt: Date?
    public var finishedAt: Date?
    public var counter: Int?
    public var staffID: String?
    public var recalls: Int
    /// A no-show may go back to the queue once.
    public var requeued: Bool
    public var outcome: ServiceOutcome?
    /// The booked meeting the visitor checked in for; nil for a walk-in.
    public var appointment: TicketAppointment?

    public init(
        id: UUID, officeCode: String, officeDay: CivilDate, serviceCode: String, number: Int,
        priority: PriorityCategory?, registrationID: UUID?, language: Language, issuedAt: Date
    ) {
        self.id = id
        self.officeCode = officeCode
        self.officeDay = officeDay
        self.serviceCode = serviceCode
        self.printedCode = serviceCode
        self.number = number
        self.priority = priority
        self.registrationID = registrationID
        self.language = language
        self.state = .waiting
        self.issuedAt = issuedAt
        self.queuedAt = issuedAt
        self.recalls = 0
        self.requeued = false
    }

    /// `А-007`.
    public var displayNumber: String { Self.displayNumber(serviceCode: printedCode, number: number) }

    public static func displayNumber(serviceCode: String, number: Int) -> String {
        "\(serviceCode)-\(String(number).leftPadded(to: 3))"
    }
}

/// The booked meeting a ticket was issued for at check-in: it waits for that counsellor (or
/// counter) and is called ahead of walk-ins from shortly before the booked time
/// (`QueuePolicy.appointmentWindowBefore`).
public struct TicketAppointment: Hashable, Sendable, Codable {
    public var appointmentID: UUID
    /// The booked time.
    public var at: Date
    /// The counsellor booked; nil when a counter was booked instead.
    public var staffID: String?
    /// The counter booked; nil when a counsellor was booked.
    public var counter: Int?

    public init(appointmentID: UUID, at: Date, staffID: String?, counter: Int?) {
        self.appointmentID = appointmentID
        self.at = at
        self.staffID = staffID
        self.counter = counter
    }

    /// Whether the officer `staffID` at `counter` is the one this meeting is with.
    public func isFor(staffID: String, counter: Int) -> Bool {
        if let booked = self.staffID { return booked == staffID }
        return self.counter == counter
    }
}
