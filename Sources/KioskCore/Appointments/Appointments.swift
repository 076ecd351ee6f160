public import Foundation

/// Booking a person's next meeting, checking in for it at the kiosk, and marking the ones
/// nobody came to. A check-in issues a ticket through the `TicketDesk` that waits for the
/// booked counsellor (`QueuePolicy.next(…staffID:counter:)`).
public struct Appointments: Sendable {
    let repository: any AppointmentRepository
    let registrations: any RegistrationRepository
    let desk: TicketDesk
    let office: Office
    public let calendar: OfficeCalendar
    /// Who may be booked.
    public let counsellors: any CounsellorDirectory
    /// How long after the booked time check-in stays open; then it is missed.
    public let lateAfter: TimeInterval
    public let now: @Sendable () -> Date

    public init(
        repository: any AppointmentRepository, registrations: any RegistrationRepository, desk: TicketDesk,
        office: Office, calendar: OfficeCalendar, counsellors: any CounsellorDirectory,
        lateAfter: TimeInterval = 30 * 60, now: @escaping @Sendable () -> Date
    ) {
        self.repository = repository
        self.registrations = registrations
        self.desk = desk
        self.office = office
        self.calendar = calendar
        self.counsellors = counsellors
        self.lateAfter = lateAfter
        self.now = now
    }

    /// How long before the booked time a check-in's ticket goes ahead of walk-ins.
    public var windowBefore: TimeInterval { desk.queue.policy.appointmentWindowBefore }

    /// Books a meeting on an open office day within the hours, not in the past, with a known
    /// counsellor or a counter serving the service.
    public func book(_ booking: AppointmentBooking, by staff: StaffSession) async throws -> Appointment {
        guard (booking.staffID == nil) != (booking.counter == nil) else { throw AppointmentError.counsellorOrCounter }
        guard let service = desk.service(booking.serviceCode) else { throw AppointmentError.unknownService }
        if let counter = booking.counter, !service.counters.contains(counter) {
            throw AppointmentError.unknownService
        }
        if let staffID = booking.staffID,
            try await !counsellors.counsellors().contains(where: { $0.staffID == staffID })
        {
            throw AppointmentError.unknownCounsellor
        }
        if let staffID = booking.staffID, try await isOnLeave(staffID, on: booking.date) {
            throw AppointmentError.onLeave
        }
        // The day must be open for the office; the time within the service's own hours.
        var serviceCalendar = calendar
        serviceCalendar.hours.opens = service.hours.opens
        serviceCalendar.hours.lastTicket = service.hours.lastTicket
        try serviceCalendar.check(booking.date, minute: booking.minute)
        let instant = now()
        let at = OfficeCalendar.instant(booking.date, minute: booking.minute, in: office.timeZone)
        guard at > instant else { throw AppointmentError.inPast }
        guard try await registrations.registration(id: booking.registrationID) != nil else {
            throw AppointmentError.unknownRegistration
        }
        let appointment = Appointment(
            id: UUIDv7.make(at: instant), officeCode: office.code, registrationID: booking.registrationID,
            serviceCode: service.code, at: at, officeDay: booking.date, staffID: booking.staffID,
            counter: booking.counter, bookedBy: staff.staffID, bookedAt: instant)
        return try await repository.book(appointment, slotMinutes: calendar.slotMinutes, counter: staff.counter)
    }

    /// The person's appointment today that check-in is open for: booked, from any time before
    /// until `lateAfter` past its time; the earliest when there are two.
    public func openToday(registrationID: UUID) async throws -> Appointment? {
        let instant = now()
        _ = try await markMissed()
        return try await repository.appointments(registrationID: registrationID)
            .filter { $0.state == .booked && $0.officeDay == office.today(at: instant) }
            .min { $0.at < $1.at }
    }

    /// Checks the person in for today's appointment: a ticket for its service that waits for
    /// its counsellor. `AppointmentError.noneToday` when none is open.
    public func checkIn(
        registrationID: UUID, language: Language, requestKey: RequestKey?
    ) async throws -> (Appointment, IssuedTicket) {
        guard let appointment = try await openToday(registrationID: registrationID) else {
            throw AppointmentError.noneToday
        }
        var request = TicketRequest(
            serviceCode: appointment.serviceCode, registrationID: registrationID.uuidString.lowercased(),
            language: language, requestKey: requestKey)
        request.appointment = appointment.ticketAppointment
        let issued = try await desk.issue(request)
        let checkedIn = try await repository.change(
            id: appointment.id, to: .checkedIn, ticketID: issued.ticket.id, at: now())
        return (checkedIn, issued)
    }

    /// Checks in the holder of a typed registry number (no proof: nothing about them is shown).
    public func checkIn(
        registryNumber typed: String, language: Language, requestKey: RequestKey?
    ) async throws -> (Appointment, IssuedTicket) {
        guard
            let number = try? RegistryNumber(parsing: typed, today: office.today(at: now())),
            let registration = try await registrations.registration(registryNumber: number)
        else { throw AppointmentError.noneToday }
        return try await checkIn(registrationID: registration.id, language: language, requestKey: requestKey)
    }

    /// Marks missed the booked appointments whose check-in window (`lateAfter` past the time) has closed.
    @discardableResult
    public func markMissed() async throws -> [Appointment] {
        let instant = now()
        return try await repository.markMissed(bookedBefore: instant.addingTimeInterval(-lateAfter), at: instant)
    }

    public func cancel(id: UUID) async throws -> Appointment {
        try await repository.change(id: id, to: .cancelled, ticketID: nil, at: now())
    }

    /// A counsellor's day (everyone's when `staffID` is nil), missed ones marked first.
    public func day(_ date: CivilDate, staffID: String?) async throws -> [Appointment] {
        try await markMissed()
        return try await repository.appointments(on: date, staffID: staffID)
    }

    public func appointments(registrationID: UUID) async throws -> [Appointment] {
        try await markMissed()
        return try await repository.appointments(registrationID: registrationID)
    }

    /// What the reminder texts need: the booked appointments of today and of the next open
    /// office day (the SMS sender looks up each person's phone and language).
    public func reminders() async throws -> (today: [Appointment], next: [Appointment]) {
        let today = office.today(at: now())
        let next = calendar.nextOpenDay(after: today)
        let booked = { (day: CivilDate) in
            try await repository.appointments(on: day, staffID: nil).filter { $0.state == .booked }
        }
        return (try await booked(today), try await booked(next))
    }

    public func figures(from: CivilDate, through: CivilDate) async throws -> AppointmentFigures {
        try await markMissed()
        return try await repository.figures(from: from, through: through)
    }
}
