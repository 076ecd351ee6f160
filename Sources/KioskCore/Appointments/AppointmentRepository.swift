public import Foundation

/// Kept and missed appointments over a span of office days, for the dashboard.
public struct AppointmentFigures: Sendable, Equatable, Codable {
    public var booked: Int
    public var kept: Int
    public var missed: Int
    public var cancelled: Int

    public init(booked: Int = 0, kept: Int = 0, missed: Int = 0, cancelled: Int = 0) {
        self.booked = booked
        self.kept = kept
        self.missed = missed
        self.cancelled = cancelled
    }
}

/// Storage of appointments. Each change is written with its outbox record
/// (`appointment.recorded`, the appointment as it stands) in one transaction.
public protocol AppointmentRepository: LeaveRepository {
    /// Stores a new booking, refusing (`AppointmentError.slotTaken`) when the counsellor or
    /// counter has another booked appointment less than `slotMinutes` from it, in the same
    /// transaction; `bookedBy`'s action is audited at `counter`.
    func book(_ appointment: Appointment, slotMinutes: Int, counter: Int) async throws -> Appointment
    func appointment(id: UUID) async throws -> Appointment?
    /// The office day's appointments, by time; only `staffID`'s when given.
    func appointments(on day: CivilDate, staffID: String?) async throws -> [Appointment]
    /// A person's appointments, latest first.
    func appointments(registrationID: UUID) async throws -> [Appointment]
    /// Moves a booked appointment on (checked in with its ticket, missed, cancelled);
    /// `AppointmentError.notBooked` when it is no longer booked.
    func change(id: UUID, to state: AppointmentState, ticketID: UUID?, at instant: Date) async throws -> Appointment
    /// Marks missed every booked appointment whose time is before `cutoff`; answers them.
    func markMissed(bookedBefore cutoff: Date, at instant: Date) async throws -> [Appointment]
    func figures(from: CivilDate, through: CivilDate) async throws -> AppointmentFigures
}

/// An officer appointments can be booked with.
public struct Counsellor: Sendable, Equatable, Codable {
    public var staffID: String
    public var displayName: String

    public init(staffID: String, displayName: String) {
        self.staffID = staffID
        self.displayName = displayName
    }
}

/// The office's counsellors: staff and the head (technicians serve no one).
public protocol CounsellorDirectory: Sendable {
    func counsellors() async throws -> [Counsellor]
}
