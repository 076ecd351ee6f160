public import Foundation

/// The office this kiosk serves.
public struct Office: Sendable, Hashable {
    /// Code used in references and by the LMIS, e.g. `UB-SB`.
    public var code: String
    public var name: LocalizedText
    /// The aimag or district the office is in; the address picker starts there.
    public var adminUnitCode: String
    /// Asia/Ulaanbaatar for most of the country, Asia/Hovd in the western aimags.
    public var timeZone: TimeZone {
        didSet { calendar = Self.calendar(in: timeZone) }
    }
    /// Gregorian calendar in the office's zone, made once: every request asks for "today".
    public private(set) var calendar: Calendar

    public init(code: String, name: LocalizedText, adminUnitCode: String, timeZone: TimeZone) {
        self.code = code
        self.name = name
        self.adminUnitCode = adminUnitCode
        self.timeZone = timeZone
        self.calendar = Self.calendar(in: timeZone)
    }

    static func calendar(in timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The office's local date at `instant`: office days, ages and ticket numbers follow it.
    public func today(at instant: Date) -> CivilDate {
        CivilDate(instant, calendar: calendar)
    }

    /// `2026-11-23 09:41`: date and time in the office's zone, as printed on paper.
    public func localTimestamp(_ instant: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        return String(
            format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0)
    }
}
