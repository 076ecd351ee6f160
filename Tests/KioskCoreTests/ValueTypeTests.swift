import Foundation
import KioskCore
import Testing

@Suite("Civil dates, phone numbers, UUIDv7")
struct ValueTypeTests {
    @Test func civilDateRejectsImpossibleDates() {
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2100, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2026, month: 6, day: 31) == nil)
        #expect(CivilDate(iso8601: "2026-1-01") == nil)
        #expect(CivilDate(iso8601: "2026-01-01")?.description == "2026-01-01")
    }

    @Test func ageCountsCompletedYears() {
        let born = CivilDate(year: 2008, month: 2, day: 29)!
        #expect(born.age(on: CivilDate(year: 2023, month: 2, day: 28)!) == 14)
        #expect(born.age(on: CivilDate(year: 2023, month: 3, day: 1)!) == 15)
    }

    /// 16:30 UTC on 22 November is already 00:30 on the 23rd in Ulaanbaatar (UTC+8) but still
    /// 23:30 on the 22nd in Hovd (UTC+7): office days follow the office's zone.
    @Test func officeDayFollowsTheOfficeTimeZone() {
        let instant = Date(timeIntervalSince1970: 1_795_365_000)  // 2026-11-22T16:30:00Z
        let ulaanbaatar = CivilDate(instant, in: TimeZone(identifier: "Asia/Ulaanbaatar")!)
        let hovd = CivilDate(instant, in: TimeZone(identifier: "Asia/Hovd")!)
        #expect(ulaanbaatar.description == "2026-11-23")
        #expect(hovd.description == "2026-11-22")
    }

    @Test(arguments: ["99112233", "9911 2233", "+976 8811-2233", "66001122", "80123456"])
    func acceptsMobileNumbers(_ raw: String) throws {
        #expect(try PhoneNumber(parsing: raw).digits.count == 8)
    }

    @Test(arguments: [
        ("", FieldError.Code.required), ("9911223", .wrongLength), ("991122334", .wrongLength),
        ("70112233", .notMobile), ("11223344", .notMobile), ("9911223a", .invalidCharacters),
        ("٩٩١١٢٢٣٣", .invalidCharacters),
    ])
    func rejectsOtherNumbers(_ raw: String, _ code: FieldError.Code) {
        #expect(throws: code) { try PhoneNumber(parsing: raw) }
    }

    @Test func phoneMaskShowsOnlyTheLastFourDigits() throws {
        #expect(try PhoneNumber(parsing: "99112233").masked == "•••• 2233")
    }

    @Test func uuidV7CarriesItsTimeAndSorts() {
        let first = UUIDv7.make(at: Date(timeIntervalSince1970: 1_795_327_200.123))
        let second = UUIDv7.make(at: Date(timeIntervalSince1970: 1_795_327_200.124))
        #expect(first.uuidString.dropFirst(14).first == "7")
        #expect(["8", "9", "A", "B"].contains(first.uuidString.dropFirst(19).first.map(String.init)))
        #expect(UUIDv7.timestamp(of: first)?.timeIntervalSince1970 == 1_795_327_200.123)
        #expect(first.uuidString < second.uuidString)
        #expect(UUIDv7.timestamp(of: UUID(uuidString: "3F2504E0-4F89-41D3-9A0C-0305E82C3301")!) == nil)
    }
}
