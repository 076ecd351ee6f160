public import Foundation

/// A day a counsellor is away (leave, training, sickness): nobody is booked with them that day.
public struct LeaveDay: Sendable, Equatable, Codable {
    public var staffID: String
    public var date: CivilDate
    /// The head or the counsellor themselves.
    public var enteredBy: String
    public var enteredAt: Date

    public init(staffID: String, date: CivilDate, enteredBy: String, enteredAt: Date) {
        self.staffID = staffID
        self.date = date
        self.enteredBy = enteredBy
        self.enteredAt = enteredAt
    }
}

/// Storage of counsellors' leave days, each change with its staff audit line.
public protocol LeaveRepository: Sendable {
    /// Leave days from `from` through `through`, by date; only `staffID`'s when given.
    func leaveDays(staffID: String?, from: CivilDate, through: CivilDate) async throws -> [LeaveDay]
    /// Records a leave day (again: nothing changes), audited at `counter`, and sends the change
    /// to `officeCode`'s other devices through the hub.
    func addLeave(_ day: LeaveDay, officeCode: String, counter: Int) async throws
    /// Takes a leave day back, for the office's other devices too; false when there was none.
    func removeLeave(
        staffID: String, date: CivilDate, by enteredBy: String, officeCode: String, counter: Int, at instant: Date
    ) async throws -> Bool
}

extension Appointments {
    /// Whether `staff` may enter or take back `staffID`'s leave: the head for anyone, an
    /// officer for themselves.
    static func mayManageLeave(of staffID: String, _ staff: StaffSession) -> Bool {
        staff.role == .head || (staff.role == .staff && staff.staffID == staffID)
    }

    func requireLeaveManager(of staffID: String, _ staff: StaffSession) async throws {
        guard Self.mayManageLeave(of: staffID, staff) else { throw AppointmentError.notYourLeave }
        guard try await counsellors.counsellors().contains(where: { $0.staffID == staffID }) else {
            throw AppointmentError.unknownCounsellor
        }
    }

    /// Records `staffID`'s leave on `date` (today or later) and answers the appointments booked
    /// with them that day, which the office must rebook (they stay booked until it does).
    public func addLeave(staffID: String, date: CivilDate, by staff: StaffSession) async throws -> [Appointment] {
        try await requireLeaveManager(of: staffID, staff)
        guard date >= office.today(at: now()) else { throw AppointmentError.inPast }
        try await repository.addLeave(
            LeaveDay(staffID: staffID, date: date, enteredBy: staff.staffID, enteredAt: now()), officeCode: office.code,
            counter: staff.counter)
        return try await toRebook(staffID: staffID, date: date)
    }

    /// Takes back a leave day; `AppointmentError.notFound` when there was none.
    public func removeLeave(staffID: String, date: CivilDate, by staff: StaffSession) async throws {
        try await requireLeaveManager(of: staffID, staff)
        guard
            try await repository.removeLeave(
                staffID: staffID, date: date, by: staff.staffID, officeCode: office.code, counter: staff.counter,
                at: now())
        else { throw AppointmentError.notFound }
    }

    /// The appointments still booked with `staffID` on a day they are away.
    public func toRebook(staffID: String, date: CivilDate) async throws -> [Appointment] {
        try await repository.appointments(on: date, staffID: staffID).filter { $0.state == .booked }
    }

    /// Leave days from today on (the next `days`), one counsellor's or everyone's.
    public func upcomingLeave(staffID: String?, days: Int = 366) async throws -> [LeaveDay] {
        let today = office.today(at: now())
        return try await repository.leaveDays(staffID: staffID, from: today, through: today.adding(days: days))
    }

    /// Whether `staffID` is away on `date`.
    public func isOnLeave(_ staffID: String, on date: CivilDate) async throws -> Bool {
        !(try await repository.leaveDays(staffID: staffID, from: date, through: date).isEmpty)
    }

    /// The next `count` days after `date` on which the office is open and `staffID` (when
    /// given) is not away: what the booking screen offers.
    public func freeDays(staffID: String?, after date: CivilDate, count: Int = 5) async throws -> [CivilDate] {
        var away: Set<CivilDate> = []
        if let staffID {
            away = Set(
                try await repository.leaveDays(staffID: staffID, from: date, through: date.adding(days: 400))
                    .map(\.date))
        }
        var days: [CivilDate] = []
        var day = date
        for _ in 0..<400 where days.count < count {
            day = calendar.nextOpenDay(after: day)
            if !away.contains(day) { days.append(day) }
        }
        return days
    }
}

extension Appointments {
    /// Who is away on `date`.
    public func onLeave(_ date: CivilDate) async throws -> [LeaveDay] {
        try await repository.leaveDays(staffID: nil, from: date, through: date)
    }
}
