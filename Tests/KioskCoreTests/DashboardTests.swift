import Foundation
import KioskCore
import Testing

@Suite("Office dashboard figures")
struct DashboardTests {
    let ub = TimeZone(identifier: "Asia/Ulaanbaatar")!
    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ub
        return calendar
    }
    /// 2026-11-23 01:00 UTC = 09:00 in Ulaanbaatar.
    let nine = Date(timeIntervalSince1970: 1_795_395_600)
    let day = CivilDate(year: 2026, month: 11, day: 23)!

    func ticket(
        _ service: String, _ state: TicketState, issued: Double, called: Double? = nil, started: Double? = nil,
        finished: Double? = nil, counter: Int? = nil, staff: String? = nil
    ) -> DashboardTicket {
        DashboardTicket(
            serviceCode: service, state: state, issuedAt: nine + issued, calledAt: called.map { nine + $0 },
            servingStartedAt: started.map { nine + $0 }, finishedAt: finished.map { nine + $0 }, counter: counter,
            staffID: staff)
    }

    @Test("Each figure against a hand-computed office morning")
    func handComputed() throws {
        let tickets = [
            ticket("А", .finished, issued: 0, called: 300, started: 360, finished: 960, counter: 1, staff: "a"),
            ticket("А", .finished, issued: 600, called: 1500, started: 1500, finished: 1800, counter: 2, staff: "b"),
            ticket("А", .noShow, issued: 3600, called: 3660, counter: 1, staff: "a"),
            ticket("Б", .waiting, issued: 5400),
        ]
        func rating(_ value: Int, counter: Int) -> Feedback {
            Feedback(
                ticketID: UUID(), officeCode: "UB-SB", officeDay: day, serviceCode: "А", counter: counter,
                staffID: nil, rating: value, comment: nil, createdAt: nine)
        }
        func grievance(_ category: GrievanceCategory, _ state: GrievanceState, due: CivilDate) -> Grievance {
            Grievance(
                id: UUID(), trackingCode: "GR-AAAA-AAAA", officeCode: "UB-SB", category: category, text: "x",
                area: nil, contact: nil, language: .mn, filedAt: nine, state: state, dueOn: due)
        }
        let period = try #require(DashboardPeriod(from: day, to: day))
        let dashboard = OfficeDashboard(
            period: period, tickets: tickets, ratings: [rating(5, counter: 1), rating(2, counter: 2)],
            grievances: [
                grievance(.serviceQuality, .assigned, due: CivilDate(year: 2026, month: 11, day: 20)!),
                grievance(.staffConduct, .resolved, due: CivilDate(year: 2026, month: 11, day: 1)!),
                grievance(.other, .filed, due: CivilDate(year: 2026, month: 12, day: 23)!),
            ], today: day, calendar: calendar)

        let a = try #require(dashboard.byService.first { $0.key == "А" })
        #expect(a.issued == 3 && a.served == 2 && a.noShows == 1)
        #expect(a.abandonment == 1.0 / 3.0)
        // Waits 300, 900, 60 s: nearest-rank median 300, p90 900. Services 600, 300: median 300, p90 600.
        #expect(a.wait == DurationSummary([60, 300, 900]) && a.wait?.median == 300 && a.wait?.p90 == 900)
        #expect(a.service?.median == 300 && a.service?.p90 == 600 && a.service?.count == 2)
        let b = try #require(dashboard.byService.first { $0.key == "Б" })
        #expect(b.issued == 1 && b.served == 0 && b.abandonment == 0 && b.wait == nil && b.service == nil)
        #expect(dashboard.office.issued == 4 && dashboard.office.noShows == 1)

        #expect(dashboard.byCounter.map(\.key) == ["1", "2"])
        #expect(dashboard.byCounter[0].issued == 2 && dashboard.byCounter[0].served == 1)
        #expect(dashboard.byStaff.map(\.key) == ["a", "b"])
        // Office-local hours: 09:00 and 09:10 in the 09 row, 10:00 and 10:30 in the 10 row.
        #expect(dashboard.byHour.map(\.key) == ["09", "10"])
        #expect(dashboard.byHour.map(\.issued) == [2, 2])

        let satisfaction = try #require(dashboard.satisfactionByService.first)
        #expect(satisfaction.key == "А" && satisfaction.ratings == 2 && satisfaction.mean == 3.5)
        #expect(satisfaction.counts == [0, 1, 0, 0, 1])
        #expect(dashboard.satisfactionByCounter.map(\.mean) == [5, 2])

        #expect(dashboard.grievances.filed == 3 && dashboard.grievances.open == 2 && dashboard.grievances.overdue == 1)
        #expect(dashboard.grievances.byCategory == ["serviceQuality": 1, "staffConduct": 1, "other": 1])
    }

    @Test("Periods run forwards and are at most 400 days")
    func periods() {
        let from = CivilDate(year: 2026, month: 1, day: 1)!
        #expect(DashboardPeriod(from: from, to: from) != nil)
        #expect(DashboardPeriod(from: from, to: from.adding(days: 399)) != nil)
        #expect(DashboardPeriod(from: from, to: from.adding(days: 400)) == nil)
        #expect(DashboardPeriod(from: from, to: from.adding(days: -1)) == nil)
    }
}
