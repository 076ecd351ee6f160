import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// The dashboard use case over an in-memory history and a hand-moved clock.
@Suite struct DashboardUseCaseTests {
    let november22 = CivilDate(year: 2026, month: 11, day: 22)!

    @Test func withoutDatesThePeriodIsThisMonthSoFar() {
        let period = Dashboard.period(from: nil, to: nil, today: november22)
        #expect(period == DashboardPeriod(from: CivilDate(year: 2026, month: 11, day: 1)!, to: november22))
        let first = CivilDate(year: 2026, month: 12, day: 1)!
        #expect(Dashboard.period(from: nil, to: nil, today: first) == DashboardPeriod(from: first, to: first))
    }

    @Test func aMissingEndIsFilledInAndAPeriodThatCannotBeShownIsRefused() {
        let october = CivilDate(year: 2026, month: 10, day: 5)!
        #expect(
            Dashboard.period(from: october, to: nil, today: november22)
                == DashboardPeriod(from: october, to: november22))
        #expect(
            Dashboard.period(from: nil, to: CivilDate(year: 2026, month: 11, day: 10)!, today: november22)
                == DashboardPeriod(
                    from: CivilDate(year: 2026, month: 11, day: 1)!, to: CivilDate(year: 2026, month: 11, day: 10)!))
        // Before the month's first day: the end comes before the start.
        #expect(Dashboard.period(from: nil, to: october, today: november22) == nil)
        #expect(
            Dashboard.period(from: november22.adding(days: -DashboardPeriod.maxDays), to: nil, today: november22) == nil
        )
    }

    @Test func theFiguresAreThoseOfThePeriodAsOfTheOfficeDay() async throws {
        let clock = TestClock()
        let office = Fixtures.office
        let source = InMemoryDashboardSource(
            office: office,
            tickets: [
                DashboardTicket(
                    serviceCode: "А", state: .finished, issuedAt: Fixtures.now, calledAt: Fixtures.now + 300,
                    servingStartedAt: Fixtures.now + 360, finishedAt: Fixtures.now + 900, counter: 1, staffID: "a"),
                DashboardTicket(
                    serviceCode: "Б", state: .noShow, issuedAt: Fixtures.now - 40 * 86_400,
                    calledAt: Fixtures.now - 40 * 86_400 + 60, servingStartedAt: nil, finishedAt: nil, counter: 2,
                    staffID: "b"),
            ])
        let dashboard = Dashboard(source: source, office: office, now: clock.now)
        #expect(dashboard.today == november22)
        let month = try #require(Dashboard.period(from: nil, to: nil, today: dashboard.today))
        #expect(try await dashboard.figures(month).office.issued == 1)
        // 14:00 in Ulaanbaatar (06:00 UTC): ten hours later it is midnight there, the 23rd, and
        // still the 22nd in UTC.
        clock.advance(by: 10 * 3600)
        #expect(dashboard.today == CivilDate(year: 2026, month: 11, day: 23)!)
        let two = try #require(
            DashboardPeriod(from: CivilDate(year: 2026, month: 10, day: 1)!, to: november22))
        #expect(try await dashboard.figures(two).office.issued == 2)
        #expect(source.requests.map { $0.today } == [november22, CivilDate(year: 2026, month: 11, day: 23)!])
        #expect(source.requests.map { $0.period } == [month, two])
    }
}
