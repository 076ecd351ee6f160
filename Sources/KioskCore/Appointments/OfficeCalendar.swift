public import Foundation

/// The days and hours an office takes appointments: its opening hours' weekdays, less the fixed
/// public holidays and the closed days the office sets (Tsagaan Sar and other movable holidays,
/// training days, moves).
public struct OfficeCalendar: Sendable, Hashable {
    public var hours: OpeningHours
    /// Closed days the office set, beside the fixed public holidays.
    public var closedDays: Set<CivilDate>
    /// Minutes a booking holds its counsellor: two bookings of one counsellor start this far apart.
    public var slotMinutes: Int

    public init(hours: OpeningHours = .standard, closedDays: Set<CivilDate> = [], slotMinutes: Int = 20) {
        self.hours = hours
        self.closedDays = closedDays
        self.slotMinutes = slotMinutes
    }

    /// Public holidays on fixed dates (Labour Law of Mongolia): New Year, International Women's
    /// Day, Children's Day, Naadam (11–15 July), Independence Day and National Freedom Day.
    public static let fixedPublicHolidays: [(month: Int, day: Int)] = [
        (1, 1), (3, 8), (6, 1), (7, 11), (7, 12), (7, 13), (7, 14), (7, 15), (11, 26), (12, 29),
    ]

    public func isPublicHoliday(_ date: CivilDate) -> Bool {
        Self.fixedPublicHolidays.contains { $0.month == date.month && $0.day == date.day }
    }

    /// Whether the office is open on `date`.
    public func isOpen(_ date: CivilDate) -> Bool {
        hours.weekdays.contains(date.isoWeekday) && !isPublicHoliday(date) && !closedDays.contains(date)
    }

    /// Whether a meeting may start at `minute` of `date`: an open day, from opening to the last ticket.
    public func check(_ date: CivilDate, minute: Int) throws(AppointmentError) {
        guard isOpen(date) else { throw .closedDay }
        guard minute >= hours.opens, minute < hours.lastTicket else { throw .outsideHours }
    }

    /// The next open day after `date`.
    public func nextOpenDay(after date: CivilDate) -> CivilDate {
        var day = date.adding(days: 1)
        for _ in 0..<400 where !isOpen(day) { day = day.adding(days: 1) }
        return day
    }

    /// The instant of `minute` past midnight on `date` in `timeZone`.
    public static func instant(_ date: CivilDate, minute: Int, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(
            year: date.year, month: date.month, day: date.day, hour: minute / 60, minute: minute % 60)
        return calendar.date(from: components)!
    }
}

extension CivilDate {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        // Days since 1970-01-01 (a Thursday), by the civil-from-days inverse (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return ((days % 7 + 7 + 3) % 7) + 1
    }
}
