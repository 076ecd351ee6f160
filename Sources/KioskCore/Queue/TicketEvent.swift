public import Foundation

/// Every step of a ticket's life, stored with its outbox record.
public enum TicketEventKind: String, CaseIterable, Sendable, Codable {
    case issued, called, recalled, started, transferred, parked, resumed, noShow, requeued, finished
}

public struct TicketEvent: Hashable, Sendable, Codable {
    public var kind: TicketEventKind
    public var at: Date
    public var counter: Int?
    public var staffID: String?
    /// Transfer: the service left; finish: nil.
    public var fromService: String?
    public var outcome: ServiceOutcome?

    public init(
        kind: TicketEventKind, at: Date, counter: Int? = nil, staffID: String? = nil, fromService: String? = nil,
        outcome: ServiceOutcome? = nil
    ) {
        self.kind = kind
        self.at = at
        self.counter = counter
        self.staffID = staffID
        self.fromService = fromService
        self.outcome = outcome
    }
}

/// What a staff member does to a ticket.
public enum TicketAction: Sendable, Equatable {
    case call(counter: Int, staffID: String)
    case recall
    case start
    case noShow(backToQueue: Bool)
    case transfer(toService: String)
    case park
    case resume(counter: Int, staffID: String)
    case finish(ServiceOutcome)
}

/// Why an action was refused. `identifier` is stable and a locale key under `errors.queue`.
public struct TicketActionError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: String {
        case notWaiting, notCalled, notActive, notParked, recallLimit, graceNotOver, alreadyRequeued
        case sameService, unknownService, noTicketWaiting, wrongCounter
    }
    private let code: Code
    public static let notWaiting = Self(code: .notWaiting)
    public static let notCalled = Self(code: .notCalled)
    public static let notActive = Self(code: .notActive)
    public static let notParked = Self(code: .notParked)
    public static let recallLimit = Self(code: .recallLimit)
    public static let graceNotOver = Self(code: .graceNotOver)
    public static let alreadyRequeued = Self(code: .alreadyRequeued)
    public static let sameService = Self(code: .sameService)
    public static let unknownService = Self(code: .unknownService)
    public static let noTicketWaiting = Self(code: .noTicketWaiting)
    public static let wrongCounter = Self(code: .wrongCounter)
    public var identifier: String { code.rawValue }
    public var description: String { "ticket action refused: \(code.rawValue)" }
}

extension Ticket {
    /// Applies `action` at `now`; returns the event to record. The rules live here, pure and
    /// testable with any clock; the store runs them inside its write transaction.
    public mutating func apply(_ action: TicketAction, now: Date, policy: QueuePolicy) throws(TicketActionError)
        -> TicketEvent
    {
        switch action {
        case .call(let counter, let staffID):
            guard state == .waiting else { throw .notWaiting }
            state = .called
            calledAt = now
            self.counter = counter
            self.staffID = staffID
            recalls = 0
            return TicketEvent(kind: .called, at: now, counter: counter, staffID: staffID)
        case .recall:
            guard state == .called else { throw .notCalled }
            guard recalls < policy.maxRecalls else { throw .recallLimit }
            recalls += 1
            return TicketEvent(kind: .recalled, at: now, counter: counter, staffID: staffID)
        case .start:
            guard state == .called else { throw .notCalled }
            state = .serving
            servingStartedAt = now
            return TicketEvent(kind: .started, at: now, counter: counter, staffID: staffID)
        case .noShow(let backToQueue):
            guard state == .called, let calledAt else { throw .notCalled }
            guard now.timeIntervalSince(calledAt) >= policy.noShowGrace else { throw .graceNotOver }
            let event = TicketEvent(kind: .noShow, at: now, counter: counter, staffID: staffID)
            if backToQueue {
                guard !requeued else { throw .alreadyRequeued }
                requeued = true
                state = .waiting
                queuedAt = now
                self.calledAt = nil
                counter = nil
                return TicketEvent(kind: .requeued, at: now, counter: event.counter, staffID: event.staffID)
            }
            state = .noShow
            finishedAt = now
            return event
        case .transfer(let target):
            guard state == .called || state == .serving else { throw .notActive }
            guard target != serviceCode else { throw .sameService }
            let event = TicketEvent(
                kind: .transferred, at: now, counter: counter, staffID: staffID, fromService: serviceCode)
            serviceCode = target
            state = .waiting
            // The original issue time decides its place in the new queue, where any counter of
            // that service serves it: the appointment was kept at the first.
            queuedAt = issuedAt
            appointment = nil
            calledAt = nil
            servingStartedAt = nil
            counter = nil
            recalls = 0
            return event
        case .park:
            guard state == .called || state == .serving else { throw .notActive }
            state = .parked
            return TicketEvent(kind: .parked, at: now, counter: counter, staffID: staffID)
        case .resume(let counter, let staffID):
            guard state == .parked else { throw .notParked }
            state = .serving
            self.counter = counter
            self.staffID = staffID
            if servingStartedAt == nil { servingStartedAt = now }
            return TicketEvent(kind: .resumed, at: now, counter: counter, staffID: staffID)
        case .finish(let outcome):
            guard state == .serving || state == .called else { throw .notActive }
            if servingStartedAt == nil { servingStartedAt = now }
            state = .finished
            finishedAt = now
            self.outcome = outcome
            return TicketEvent(kind: .finished, at: now, counter: counter, staffID: staffID, outcome: outcome)
        }
    }
}
