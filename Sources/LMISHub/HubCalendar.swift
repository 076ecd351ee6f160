import Foundation

/// The day the admin pages and reports default to. The hub serves offices in Asia/Ulaanbaatar and
/// Asia/Hovd; Ulaanbaatar's day starts an hour before Hovd's, so "today" there is never earlier than
/// any office's today, and a period that ends on it holds every office's records of its own today.
/// (The UTC date would end eight hours early: from 16:00 UTC an office's records are dated tomorrow.)
enum HubCalendar {
    private static let style = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "Asia/Ulaanbaatar")!)
        .year().month().day().dateSeparator(.dash)

    /// `2026-12-08`: the date in Asia/Ulaanbaatar at `now`.
    static func today(_ now: Date = Date()) -> String { now.formatted(style) }

    /// `2026-12`: the month in Asia/Ulaanbaatar at `now`.
    static func thisMonth(_ now: Date = Date()) -> String { String(today(now).prefix(7)) }
}
