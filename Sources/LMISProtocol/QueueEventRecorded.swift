public import Foundation

/// The payload of a `queue.<kind>` outbox record (`queue.issued`, `queue.called`, …): the event
/// and the ticket as it stands after it.
public struct QueueEventRecorded: Codable, Sendable, Hashable {
    public struct Event: Codable, Sendable, Hashable {
        /// `issued`, `called`, `finished`, …: the record type's second part.
        public var kind: String
        public var at: Date
        public var counter: Int?
        public var staffID: String?
        /// A transfer: the service the ticket left.
        public var fromService: String?
        public var outcome: String?

        public init(
            kind: String, at: Date, counter: Int?, staffID: String?, fromService: String?, outcome: String?
        ) {
            self.kind = kind
            self.at = at
            self.counter = counter
            self.staffID = staffID
            self.fromService = fromService
            self.outcome = outcome
        }
    }

    public struct Ticket: Codable, Sendable, Hashable {
        /// Ids in upper case, as the kiosk has always written them here.
        public var id: String
        public var officeCode: String
        /// `YYYY-MM-DD`.
        public var officeDay: String
        public var serviceCode: String
        /// The letter printed on the ticket (the service it was issued for).
        public var printedCode: String
        public var number: Int
        public var priority: String?
        public var registrationID: String?
        public var language: String
        public var state: String
        public var issuedAt: Date
        public var queuedAt: Date
        public var calledAt: Date?
        public var servingStartedAt: Date?
        public var finishedAt: Date?
        public var counter: Int?
        public var staffID: String?
        public var recalls: Int
        public var requeued: Bool
        public var outcome: String?

        public init(
            id: String, officeCode: String, officeDay: String, serviceCode: String, printedCode: String, number: Int,
            priority: String?, registrationID: String?, language: String, state: String, issuedAt: Date,
            queuedAt: Date, calledAt: Date?, servingStartedAt: Date?, finishedAt: Date?, counter: Int?,
            staffID: String?, recalls: Int, requeued: Bool, outcome: String?
        ) {
            self.id = id
            self.officeCode = officeCode
            self.officeDay = officeDay
            self.serviceCode = serviceCode
            self.printedCode = printedCode
            self.number = number
            self.priority = priority
            self.registrationID = registrationID
            self.language = language
            self.state = state
            self.issuedAt = issuedAt
            self.queuedAt = queuedAt
            self.calledAt = calledAt
            self.servingStartedAt = servingStartedAt
            self.finishedAt = finishedAt
            self.counter = counter
            self.staffID = staffID
            self.recalls = recalls
            self.requeued = requeued
            self.outcome = outcome
        }
    }

    /// The event's number at the kiosk (`ticket_event`'s rowid).
    public var sequence: Int64
    public var event: Event
    public var ticket: Ticket

    public init(sequence: Int64, event: Event, ticket: Ticket) {
        self.sequence = sequence
        self.event = event
        self.ticket = ticket
    }
}
