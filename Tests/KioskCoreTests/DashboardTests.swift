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
        finished: Double? = nil, counter: Int? = nil, staff: String? = nil, outcome: ServiceOutcome? = nil,
        person: UUID? = nil
    ) -> DashboardTicket {
        DashboardTicket(
            serviceCode: service, state: state, issuedAt: nine + issued, calledAt: called.map { nine + $0 },
            servingStartedAt: started.map { nine + $0 }, finishedAt: finished.map { nine + $0 }, counter: counter,
            staffID: staff, outcome: outcome, registrationID: person)
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

    /// A hand-computed month for the six LMIS indicators and the recommended additions.
    @Test("The LMIS indicators of a period, counted by hand")
    func indicators() throws {
        let dorj = UUID()
        let saraa = UUID()
        // Office-local days: 2026-11-01 00:00 in Ulaanbaatar is 2026-10-31 16:00 UTC.
        let novemberStart = Date(timeIntervalSince1970: 1_793_462_400)
        let decemberStart = novemberStart + 30 * 86_400
        func registration(_ at: Date, _ status: JobseekerStatus) -> DashboardRegistration {
            DashboardRegistration(createdAt: at, status: status)
        }
        let registrations = [
            registration(novemberStart - 86_400, .unemployed),  // October: registered, not new
            registration(novemberStart - 1, .student),  // 23:59:59 on 31 October, local
            registration(novemberStart, .unemployed),  // the first second of November: new
            registration(novemberStart + 10 * 86_400, .employedLooking),
            registration(decemberStart - 1, .unemployed),  // the last second of November
            registration(decemberStart, .unemployed),  // December: not yet registered at the period's end
        ]
        let tickets = [
            // Dorj placed twice (one person), Saraa counselled twice (one person), a visitor
            // without a registration counselled, an unfinished "placed" that does not count.
            ticket(
                "В", .finished, issued: 0, called: 60, started: 60, finished: 660, staff: "a", outcome: .placedInJob,
                person: dorj),
            ticket(
                "В", .finished, issued: 0, called: 60, started: 60, finished: 360, staff: "a", outcome: .placedInJob,
                person: dorj),
            ticket(
                "Б", .finished, issued: 0, called: 60, started: 60, finished: 960, staff: "b", outcome: .counselled,
                person: saraa),
            ticket(
                "Б", .finished, issued: 0, called: 60, started: 60, finished: 360, staff: "b", outcome: .counselled,
                person: saraa),
            ticket("Б", .finished, issued: 0, called: 60, started: 60, finished: 660, staff: "b", outcome: .counselled),
            ticket("В", .serving, issued: 0, called: 60, started: 60, staff: "c", person: UUID()),
        ]
        let nov = { (day: Int) in CivilDate(year: 2026, month: 11, day: day)! }
        let vacancies = [
            DashboardVacancy(postedOn: nov(1), posts: 3, newlyCreated: true),
            DashboardVacancy(postedOn: nov(30), posts: 2, newlyCreated: false),
            DashboardVacancy(postedOn: CivilDate(year: 2026, month: 10, day: 31)!, posts: 9, newlyCreated: true),
        ]
        let ratings = [4, 5, 2].map { value in
            Feedback(
                ticketID: UUID(), officeCode: "UB-SB", officeDay: nov(2), serviceCode: "Б", counter: 1, staffID: "b",
                rating: value, comment: nil, createdAt: nine)
        }
        let period = try #require(DashboardPeriod(from: nov(1), to: nov(30)))
        let figures = OfficeDashboard(
            period: period, tickets: tickets, ratings: ratings, grievances: [], registrations: registrations,
            vacancies: vacancies, today: nov(30), calendar: calendar
        ).indicators
        #expect(figures.registeredJobseekers == 5)
        #expect(figures.newRegistrations == 3)
        #expect(figures.registeredUnemployed == 3)
        #expect(figures.registeredVacancies == 2 && figures.vacancyPosts == 5)
        #expect(figures.foundJob == 1)
        #expect(figures.newlyCreatedJobs == 3)
        #expect(figures.careerGuidance == 2)
        // Officers a and b finished services; c has not finished one.
        #expect(figures.officers == 2 && figures.jobseekersPerOfficer == 2.5)
        // 600 + 300 + 900 + 300 + 600 s = 45 min over three people served (Dorj, Saraa, the visitor).
        #expect(figures.serviceMinutesPerPerson == 15)
        #expect(figures.satisfaction == 11.0 / 3.0)

        let empty = OfficeDashboard(
            period: period, tickets: [], ratings: [], grievances: [], today: nov(30), calendar: calendar
        ).indicators
        #expect(empty.registeredJobseekers == 0 && empty.officers == 0)
        #expect(empty.jobseekersPerOfficer == nil && empty.serviceMinutesPerPerson == nil && empty.satisfaction == nil)
    }

    @Test("Waits and services in bands, and tickets by office day")
    func distributionsAndDays() throws {
        let bands = DurationHistogram([0, 299.9, 300, 599, 600, 1199, 1200, 1800, 2700, 3599, 3600, 86_400])
        // <5: 0 and 299.9; 5–10: 300, 599; 10–15: 600; 15–20: 1199; 20–30: 1200; 30–45: 1800;
        // 45–60: 2700, 3599; 60+: 3600, a day.
        #expect(bands.counts == [2, 2, 1, 1, 1, 1, 2, 2])
        #expect(DurationHistogram.labels == ["<5", "5–10", "10–15", "15–20", "20–30", "30–45", "45–60", "60+"])
        #expect(DurationHistogram([]).counts == [0, 0, 0, 0, 0, 0, 0, 0])

        // 09:00 local on the 23rd, and 23:30 local (15:30 UTC): still the 23rd in Ulaanbaatar;
        // 00:30 local on the 24th (16:30 UTC on the 23rd) is the next office day.
        let tickets = [
            ticket("А", .finished, issued: 0, called: 400, started: 400, finished: 1000),
            ticket("А", .waiting, issued: 14.5 * 3600),
            ticket("А", .waiting, issued: 15.5 * 3600),
        ]
        let period = try #require(DashboardPeriod(from: day, to: day.adding(days: 1)))
        let dashboard = OfficeDashboard(
            period: period, tickets: tickets, ratings: [], grievances: [], today: day, calendar: calendar)
        #expect(dashboard.byDay.map(\.key) == ["2026-11-23", "2026-11-24"])
        #expect(dashboard.byDay.map(\.issued) == [2, 1])
        #expect(dashboard.waitDistribution.counts == [0, 1, 0, 0, 0, 0, 0, 0])
        #expect(dashboard.serviceDistribution.counts == [0, 0, 1, 0, 0, 0, 0, 0])
    }
}
