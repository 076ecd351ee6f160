public import Foundation

public enum AppointmentState: String, CaseIterable, Sendable, Codable {
    /// Booked, the person not yet come.
    case booked
    /// The person checked in at the kiosk and holds a ticket for it.
    case checkedIn
    /// Nobody checked in before the window after the booked time closed.
    case missed
    /// Called off by an officer.
    case cancelled
}

/// A meeting booked for a person with a counsellor (or at a counter) at an office-local time.
public struct Appointment: Hashable, Sendable, Codable, Identifiable {
    public var id: UUID
    public var officeCode: String
    public var registrationID: UUID
    /// The queue the person's ticket goes to at check-in.
    public var serviceCode: String
    /// The booked instant; `officeDay` is its office-local date.
    public var at: Date
    public var officeDay: CivilDate
    /// The counsellor booked, or nil when a counter was booked.
    public var staffID: String?
    /// The counter booked, or nil when a counsellor was booked.
    public var counter: Int?
    /// The officer who booked it.
    public var bookedBy: String
    public var bookedAt: Date
    public var state: AppointmentState
    public var ticketID: UUID?
    /// When it changed last: check-in, missed or cancelled.
    public var changedAt: Date?

    public init(
        id: UUID, officeCode: String, registrationID: UUID, serviceCode: String, at: Date, officeDay: CivilDate,
        staffID: String?, counter: Int?, bookedBy: String, bookedAt: Date
    ) {
        self.id = id
        self.officeCode = officeCode
        self.registrationID = registrationID
        self.serviceCode = serviceCode
        self.at = at
        self.officeDay = officeDay
        self.staffID = staffID
        self.counter = counter
        self.bookedBy = bookedBy
        self.bookedAt = bookedAt
        self.state = .booked
    }

    /// What the queue keeps of it on the ticket issued at check-in.
    public var ticketAppointment: TicketAppointment {
        TicketAppointment(appointmentID: id, at: at, staffID: staffID, counter: counter)
    }
}

/// An officer's booking as asked: the office-local date and minute of the day, with a
/// counsellor or a counter.
public struct AppointmentBooking: Sendable, Equatable {
    public var registrationID: UUID
    public var serviceCode: String
    public var date: CivilDate
    /// Minutes after office-local midnight.
    public var minute: Int
    public var staffID: String?
    public var counter: Int?

    public init(
        registrationID: UUID, serviceCode: String, date: CivilDate, minute: Int, staffID: String?, counter: Int?
    ) {
        self.registrationID = registrationID
        self.serviceCode = serviceCode
        self.date = date
        self.minute = minute
        self.staffID = staffID
        self.counter = counter
    }
}

/// Why an appointment was refused; the code is the locale key (`appointment.error.<code>`).
public struct AppointmentError: Error, Hashable, Sendable, CustomStringConvertible {
    public let code: String
    /// The office is closed that day (weekend, public holiday or a closed day the office set).
    public static let closedDay = Self(code: "closedDay")
    /// The time is outside the office's hours for appointments.
    public static let outsideHours = Self(code: "outsideHours")
    public static let inPast = Self(code: "inPast")
    /// The counsellor (or counter) has another appointment too close to that time.
    public static let slotTaken = Self(code: "slotTaken")
    public static let unknownRegistration = Self(code: "unknownRegistration")
    public static let unknownService = Self(code: "unknownService")
    public static let unknownCounsellor = Self(code: "unknownCounsellor")
    /// Neither or both of a counsellor and a counter were named.
    public static let counsellorOrCounter = Self(code: "counsellorOrCounter")
    public static let notFound = Self(code: "notFound")
    /// Check-in found no appointment of the person's for today still open.
    public static let noneToday = Self(code: "noneToday")
    /// The appointment is no longer booked (checked in, missed or cancelled).
    public static let notBooked = Self(code: "notBooked")
    /// The counsellor is away that day (a leave day); the booking screen offers the next free days.
    public static let onLeave = Self(code: "onLeave")
    /// An officer may enter leave days for themselves only; the head for anyone.
    public static let notYourLeave = Self(code: "notYourLeave")
    public var description: String { "appointment refused: \(code)" }
}
