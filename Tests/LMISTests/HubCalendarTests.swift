import Foundation
import Testing

@testable import LMISHub

/// The admin pages' default period follows the offices' day, not the UTC date: from 16:00 UTC an
/// office in Ulaanbaatar is already on the next day, and its records are dated so.
@Suite("The hub's default day and month")
struct HubCalendarTests {
    private func instant(_ text: String) throws -> Date {
        try Date(text, strategy: .iso8601)
    }

    @Test func theDayTurnsAtMidnightInUlaanbaatarNotAtMidnightUTC() throws {
        #expect(HubCalendar.today(try instant("2026-12-07T15:59:59Z")) == "2026-12-07")
        #expect(HubCalendar.today(try instant("2026-12-07T16:00:00Z")) == "2026-12-08")
        #expect(HubCalendar.today(try instant("2026-12-07T23:30:00Z")) == "2026-12-08")
    }

    @Test func theMonthTurnsWithUlaanbaatarsFirstDay() throws {
        #expect(HubCalendar.thisMonth(try instant("2026-11-30T15:59:59Z")) == "2026-11")
        #expect(HubCalendar.thisMonth(try instant("2026-11-30T16:00:00Z")) == "2026-12")
        #expect(HubCalendar.thisMonth(try instant("2026-12-31T16:00:00Z")) == "2027-01")
    }
}
