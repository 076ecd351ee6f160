import Foundation
import KioskCore
import KioskTestSupport
import Testing

@Suite("Programme eligibility")
struct EligibilityTests {
    let today = CivilDate(year: 2026, month: 12, day: 7)!

    func programmes() throws -> [String: Programme] {
        Dictionary(uniqueKeysWithValues: try Fixtures.bundledReferenceData().programmes.map { ($0.code, $0) })
    }

    struct Case: Sendable, CustomStringConvertible {
        let age: Int
        var disability = false
        var herder = false
        var months = 0
        var group: String? = nil
        /// The bundled programmes this person may be referred to.
        let eligible: Set<String>
        var description: String {
            "age \(age) disability \(disability) herder \(herder) months \(months) \(group ?? "-")"
        }
    }

    @Test(
        "the six bundled programmes",
        arguments: [
            Case(age: 22, eligible: ["skills", "youth"]),
            Case(age: 22, months: 7, group: "medium", eligible: ["skills", "youth", "workplace"]),
            Case(age: 22, months: 7, group: "ready", eligible: ["skills", "youth"]),
            // Not profiled yet: the group rule cannot be checked and does not bar.
            Case(age: 40, months: 7, eligible: ["skills", "workplace"]),
            Case(age: 40, months: 5, group: "high", eligible: ["skills"]),
            Case(age: 35, disability: true, eligible: ["skills", "disability"]),
            Case(age: 34, herder: true, eligible: ["skills", "youth", "herders"]),
            Case(age: 17, herder: true, eligible: ["skills", "youth"]),
            Case(age: 58, eligible: ["skills", "seniors"]),
            Case(age: 66, eligible: ["seniors"]),
            Case(age: 15, eligible: ["youth"]),
        ])
    func bundledProgrammes(_ person: Case) throws {
        let facts = EligibilityFacts(
            age: person.age, hasDisability: person.disability, herder: person.herder,
            monthsUnemployed: person.months, profileGroup: person.group)
        let answers = Eligibility.answers(Array(try programmes().values), facts, on: today)
        #expect(Set(answers.filter(\.eligible).map(\.programme.code)) == person.eligible)
        #expect(answers.count == 6)
    }

    @Test func everyRuleIsGivenWithItsResult() throws {
        let youth = try #require(try programmes()["youth"])
        let answer = Eligibility.check(
            youth, EligibilityFacts(age: 36, hasDisability: false, herder: false, monthsUnemployed: 0), on: today)
        #expect(!answer.eligible)
        #expect(
            answer.reasons.first { $0.rule == "age" }
                == EligibilityReason(
                    rule: "age", result: .unmet, values: ["min": "15", "max": "34", "value": "36"]))
        #expect(answer.reasons.first { $0.rule == "period" }?.result == .met)
    }

    @Test func outsideItsPeriodNobodyIsEligible() throws {
        var youth = try #require(try programmes()["youth"])
        youth.ends = today.adding(days: -1)
        let facts = EligibilityFacts(age: 20, hasDisability: false, herder: false, monthsUnemployed: 0)
        #expect(!Eligibility.check(youth, facts, on: today).eligible)
        youth.ends = today
        #expect(Eligibility.check(youth, facts, on: today).eligible)
    }

    @Test func quotaForTheOfficeOrTheDefault() {
        let programme = Programme(
            code: "x", name: LocalizedText(mn: "х", en: "x"), targetGroups: LocalizedText(mn: "х", en: "x"),
            rules: ProgrammeRules(), starts: today, ends: today, quotas: ["*": 10, "HOV-01": 3])
        #expect(programme.quota(office: "HOV-01") == 3)
        #expect(programme.quota(office: "UB-SB") == 10)
    }
}

@Suite("The office calendar")
struct OfficeCalendarTests {
    let calendar = OfficeCalendar(closedDays: [CivilDate(year: 2027, month: 2, day: 8)!])

    @Test(
        arguments: [
            ("2026-12-07", true),  // Monday
            ("2026-12-12", false),  // Saturday
            ("2026-12-13", false),  // Sunday
            ("2026-12-29", false),  // National Freedom Day
            ("2027-07-13", false),  // Naadam
            ("2027-02-08", false),  // a closed day the office set
            ("2027-02-09", true),
        ])
    func openDays(_ date: String, open: Bool) throws {
        #expect(calendar.isOpen(try #require(CivilDate(iso8601: date))) == open)
    }

    @Test func hoursAndNextOpenDay() throws {
        let friday = try #require(CivilDate(iso8601: "2026-12-11"))
        #expect(throws: AppointmentError.outsideHours) { try calendar.check(friday, minute: 8 * 60) }
        #expect(throws: AppointmentError.outsideHours) { try calendar.check(friday, minute: 17 * 60) }
        try calendar.check(friday, minute: 8 * 60 + 30)
        #expect(calendar.nextOpenDay(after: friday) == CivilDate(iso8601: "2026-12-14"))
        #expect(
            calendar.nextOpenDay(after: try #require(CivilDate(iso8601: "2026-12-28")))
                == CivilDate(iso8601: "2026-12-30"))
    }

    @Test func bookedTimesInTheOfficeZone() throws {
        let day = try #require(CivilDate(iso8601: "2026-12-08"))
        let ulaanbaatar = OfficeCalendar.instant(day, minute: 10 * 60, in: TimeZone(identifier: "Asia/Ulaanbaatar")!)
        let hovd = OfficeCalendar.instant(day, minute: 10 * 60, in: TimeZone(identifier: "Asia/Hovd")!)
        #expect(hovd.timeIntervalSince(ulaanbaatar) == 3600)
        #expect(ulaanbaatar == Date(timeIntervalSince1970: 1_796_695_200))  // 2026-12-08T02:00:00Z
    }
}
