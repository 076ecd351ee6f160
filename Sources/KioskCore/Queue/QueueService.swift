public import Foundation

/// A service visitors queue for, as the office configures it.
public struct QueueService: Hashable, Sendable, Codable {
    /// One Cyrillic capital letter printed before the number: `А-001`.
    public var code: String
    public var name: LocalizedText
    /// Counters (by number) that serve it.
    public var counters: [Int]
    public var hours: OpeningHours
    /// The visitor must register (or be identified as registered) before taking a ticket.
    public var requiresRegistration: Bool

    public init(code: String, name: LocalizedText, counters: [Int], hours: OpeningHours, requiresRegistration: Bool) {
        self.code = code
        self.name = name
        self.counters = counters
        self.hours = hours
        self.requiresRegistration = requiresRegistration
    }
}

/// Opening hours in office-local time, minutes after midnight, the same on each working day.
public struct OpeningHours: Hashable, Sendable, Codable {
    public var opens: Int
    public var closes: Int
    /// No ticket is issued after this time, so the last visitor is served before closing.
    public var lastTicket: Int
    /// ISO weekdays the office is open (1 = Monday … 7 = Sunday).
    public var weekdays: Set<Int>

    public init(opens: Int, closes: Int, lastTicket: Int, weekdays: Set<Int> = [1, 2, 3, 4, 5]) {
        self.opens = opens
        self.closes = closes
        self.lastTicket = lastTicket
        self.weekdays = weekdays
    }

    /// Mongolian public offices: 08:30–17:30, last ticket 17:00, Monday to Friday.
    public static let standard = OpeningHours(opens: 8 * 60 + 30, closes: 17 * 60 + 30, lastTicket: 17 * 60)

    /// Every day, all day: the demo office, so a developer can take tickets at any hour.
    public static let allDay = OpeningHours(
        opens: 0, closes: 24 * 60, lastTicket: 24 * 60, weekdays: [1, 2, 3, 4, 5, 6, 7])

    /// Whether a ticket may be issued at `instant` in `calendar`'s zone.
    public func issuesTickets(at instant: Date, calendar: Calendar) -> Bool {
        let parts = calendar.dateComponents([.hour, .minute, .weekday], from: instant)
        let isoWeekday = ((parts.weekday! + 5) % 7) + 1  // Calendar: 1 = Sunday
        let minute = parts.hour! * 60 + parts.minute!
        return weekdays.contains(isoWeekday) && minute >= opens && minute < lastTicket
    }

    public static func clock(_ minutes: Int) -> String {
        let h = minutes / 60
        let m = minutes % 60
        return "\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m)"
    }
}

extension QueueService {
    /// The demo office's services (open all day, every day; a real office configures its hours).
    public static let demo: [QueueService] = [
        QueueService(
            code: "А", name: LocalizedText(mn: "Ажил хайгчийн бүртгэл", en: "Jobseeker registration"),
            counters: [1, 2], hours: .allDay, requiresRegistration: false),
        QueueService(
            code: "Б", name: LocalizedText(mn: "Мэргэжлийн зөвлөгөө", en: "Career counselling"),
            counters: [3], hours: .allDay, requiresRegistration: true),
        QueueService(
            code: "В", name: LocalizedText(mn: "Ажилд зуучлах", en: "Job placement"),
            counters: [1, 3], hours: .allDay, requiresRegistration: true),
        QueueService(
            code: "Г", name: LocalizedText(mn: "Хөдөлмөр эрхлэлтийг дэмжих хөтөлбөр", en: "Employment programmes"),
            counters: [4], hours: .allDay, requiresRegistration: true),
        QueueService(
            code: "Д", name: LocalizedText(mn: "Нийгмийн халамжийн үйлчилгээ", en: "Social welfare"),
            counters: [5, 6], hours: .allDay, requiresRegistration: false),
        QueueService(
            code: "Е", name: LocalizedText(mn: "Ажил олгогчийн үйлчилгээ", en: "Employer services"),
            counters: [4], hours: .allDay, requiresRegistration: false),
    ]
}
