import Foundation
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

/// The weekly vacancy digest's week and sending time in the office's own time zone (issue 22).
@Suite("Weekly vacancy digest")
struct VacancyDigestTests {
    static func digests(_ zone: String, weekday: Int = 1, hour: Int = 10) throws -> (VacancyDigests, TemporaryDatabase)
    {
        let temp = try TemporaryDatabase()
        let rules = SMSRules(timeZone: try #require(TimeZone(identifier: zone)))
        let digests = VacancyDigests(
            database: temp.database, catalog: SQLiteVacancyCatalog(database: temp.database),
            matcher: JobMatcher(reference: try Fixtures.catalog()), rules: rules,
            wording: SMSWording(templates: [:]), weekday: weekday, hour: hour, publicURL: "https://kiosk.example")
        return (digests, temp)
    }

    static func utc(_ text: String) throws -> Date { try Outbox.parseUTCTimestamp(text) }

    @Test(
        arguments: [
            // Ulaanbaatar (UTC+8): Monday 10:00 is 02:00 UTC.
            ("Asia/Ulaanbaatar", "2026-12-07T01:59:00.000Z", nil),
            ("Asia/Ulaanbaatar", "2026-12-07T02:00:00.000Z", "2026-W50"),
            ("Asia/Ulaanbaatar", "2026-12-13T15:59:00.000Z", "2026-W50"),
            // Sunday 00:00 local is still week 50; Monday 00:00 local begins week 51, not yet due.
            ("Asia/Ulaanbaatar", "2026-12-13T16:00:00.000Z", nil),
            // Hovd (UTC+7): the same instant is an hour earlier there, not yet 10:00.
            ("Asia/Hovd", "2026-12-07T02:30:00.000Z", nil),
            ("Asia/Hovd", "2026-12-07T03:00:00.000Z", "2026-W50"),
            // The ISO week-year: 31 December 2026 is in 2026's week 53, 4 January 2027 in 2027's week 1.
            ("Asia/Ulaanbaatar", "2026-12-31T12:00:00.000Z", "2026-W53"),
            ("Asia/Ulaanbaatar", "2027-01-04T02:00:00.000Z", "2027-W01"),
        ] as [(String, String, String?)])
    func theWeekAndItsSendingTimeFollowTheOfficesZone(zone: String, instant: String, week: String?) throws {
        let (digests, temp) = try Self.digests(zone)
        defer { temp.remove() }
        #expect(digests.week(of: try Self.utc(instant)) == week)
    }

    @Test func nothingIsQueuedBeforeTheWeeksTimeOrWithoutConsent() async throws {
        let (digests, temp) = try Self.digests("Asia/Ulaanbaatar")
        defer { temp.remove() }
        #expect(try await digests.run(at: try Self.utc("2026-12-07T01:00:00.000Z")) == 0)
        #expect(try await digests.run(at: try Self.utc("2026-12-07T03:00:00.000Z")) == 0)
        #expect(try await temp.database.testSQL("SELECT count(*) FROM sms_message") == [["0"]])
    }
}
