import Foundation
import KioskApp
import Testing

/// When `kiosk serve` backs up: at 02:00 in the office's time zone, or soon after a start when the
/// newest backup is more than a day old.
@Suite("Nightly backup schedule")
struct BackupScheduleTests {
    let ulaanbaatar = BackupSchedule(timeZone: TimeZone(identifier: "Asia/Ulaanbaatar")!)
    let hovd = BackupSchedule(timeZone: TimeZone(identifier: "Asia/Hovd")!)

    func utc(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    @Test(arguments: [
        // Backed up at 02:00 local (18:00 UTC the day before); at 10:00 local the next is tomorrow 02:00.
        ("2026-12-07T02:00:00Z", "2026-12-06T18:00:05Z", "2026-12-07T18:00:00Z"),
        // Just before 02:00 local, last night's backup done: tonight's is minutes away.
        ("2026-12-07T17:50:00Z", "2026-12-06T18:00:05Z", "2026-12-07T18:00:00Z"),
        // A catch-up backup made at 23:00 local: the night's 02:00 is still kept (an hour later).
        ("2026-12-07T15:30:00Z", "2026-12-07T15:00:00Z", "2026-12-07T18:00:00Z"),
    ])
    func nextIsTwoAtNightInTheOffice(now: String, last: String, expected: String) {
        #expect(ulaanbaatar.next(after: utc(now), last: utc(last)) == utc(expected))
    }

    @Test func hovdIsAnHourBehindUlaanbaatar() {
        let now = utc("2026-12-07T02:00:00Z")
        let last = utc("2026-12-06T19:00:05Z")
        #expect(hovd.next(after: now, last: last) == utc("2026-12-07T19:00:00Z"))
    }

    @Test func aMissedNightOrNoBackupIsCaughtUpSoonAfterTheStart() {
        let now = utc("2026-12-07T02:00:00Z")
        #expect(ulaanbaatar.next(after: now, last: nil) == now.addingTimeInterval(600))
        #expect(ulaanbaatar.next(after: now, last: now.addingTimeInterval(-27 * 3600)) == now.addingTimeInterval(600))
    }
}
