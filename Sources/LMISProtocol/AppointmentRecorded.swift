public import Foundation

/// The payload of an `appointment.recorded` outbox record: the appointment as it stands after a
/// booking, a check-in, a missed mark or a cancellation (the hub keeps the latest by `changedAt`).
public struct AppointmentRecorded: Codable, Sendable, Hashable {
    public struct Appointment: Codable, Sendable, Hashable {
        public var id: String
        public var officeCode: String
        public var registrationID: String
        public var serviceCode: String
        public var at: Date
        /// Office-local date, `2026-12-08`.
        public var officeDay: String
        public var staffID: String?
        public var counter: Int?
        public var bookedBy: String
        public var bookedAt: Date
        /// `booked`, `checkedIn`, `missed`, `cancelled`.
        public var state: String
        public var ticketID: String?
        public var changedAt: Date

        public init(
            id: String, officeCode: String, registrationID: String, serviceCode: String, at: Date, officeDay: String,
            staffID: String?, counter: Int?, bookedBy: String, bookedAt: Date, state: String, ticketID: String?,
            changedAt: Date
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
            self.state = state
            self.ticketID = ticketID
            self.changedAt = changedAt
        }
    }

    public var appointment: Appointment

    public init(appointment: Appointment) { self.appointment = appointment }
}
