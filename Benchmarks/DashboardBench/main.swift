// The office dashboard over a year of a busy office (issue 9's targets): a month < 300 ms, a
// year < 1.5 s. A year here is 250 working days of 440 tickets (110 000 tickets, about 500 000
// queue events at 4–5 events a ticket), a rating for one served ticket in five, 15 000
// registrations (60 a day) and 300 grievances, written straight into a fresh database file.
// Prints the median of 7 runs each.
//
// Then the page an office head opens, through HTTP from the kiosk binary beside this one
// (`kiosk serve` on the same database file): figures, charts and tables rendered, median of 7.
//
// Usage: .build-release/release/dashboard-bench [--tickets-per-day N] (Benchmarks/run.sh, from the
// repository's root: the page needs `Kiosk/`)
import Foundation
import KioskCore
import KioskStore
import KioskTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
let arguments = CommandLine.arguments
let perDay = arguments.firstIndex(of: "--tickets-per-day").flatMap { Int(arguments[$0 + 1]) } ?? 440

let temp = try TemporaryDatabase()
defer { temp.remove() }
let office = Fixtures.office
var generator = SystemRandomNumberGenerator()
let started = ContinuousClock.now
var days: [CivilDate] = []
var date = CivilDate(year: 2026, month: 1, day: 1)!
while days.count < 250 {
    let weekday = office.calendar.component(
        .weekday,
        from: office.calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 12))!)
    if weekday != 1 && weekday != 7 { days.append(date) }
    date = date.adding(days: 1)
}
let services = ["А", "Б", "В", "Г", "Д", "Е"]
var tickets: [Ticket] = []
var ratings: [Feedback] = []
for day in days {
    let opening = office.calendar.date(
        from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 8, minute: 30))!
    for index in 0..<perDay {
        let service = services[index % services.count]
        let issued = opening.addingTimeInterval(Double(index) * 30_600 / Double(perDay))
        let called = issued.addingTimeInterval(Double.random(in: 60...2400, using: &generator))
        let startedAt = called.addingTimeInterval(Double.random(in: 10...120, using: &generator))
        let finished = startedAt.addingTimeInterval(Double.random(in: 120...1500, using: &generator))
        let roll = Int.random(in: 0..<100, using: &generator)
        let counter = 1 + index % 10
        var ticket = Ticket(
            id: UUIDv7.make(at: issued), officeCode: office.code, officeDay: day, serviceCode: service,
            number: index + 1, priority: nil, registrationID: nil, language: .mn, issuedAt: issued)
        ticket.state = roll < 8 ? .noShow : .finished
        ticket.calledAt = called
        ticket.servingStartedAt = ticket.state == .finished ? startedAt : nil
        ticket.finishedAt = ticket.state == .finished ? finished : nil
        ticket.counter = counter
        ticket.staffID = "staff\(counter % 12)"
        tickets.append(ticket)
        if ticket.state == .finished && roll % 5 == 0 {
            ratings.append(
                Feedback(
                    ticketID: ticket.id, officeCode: office.code, officeDay: day, serviceCode: service,
                    counter: counter, staffID: "staff\(counter % 12)", rating: Int.random(in: 1...5, using: &generator),
                    comment: nil, createdAt: finished))
        }
    }
}
// The office's jobseekers: 60 registrations a working day (the indicators count them).
var registrations: [BareRegistration] = []
for (dayIndex, day) in days.enumerated() {
    let opening = office.calendar.date(
        from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 9))!
    for index in 0..<60 {
        let number = dayIndex * 60 + index
        registrations.append(
            BareRegistration(
                id: UUID().uuidString.lowercased(), number: number, officeCode: office.code,
                status: number % 3 == 0 ? "employed" : "unemployed",
                createdAt: opening.addingTimeInterval(Double(index) * 480)))
    }
}
try await temp.database.insertHistory(tickets: tickets, feedback: ratings, registrations: registrations)
let grievances = SQLiteGrievanceRepository(database: temp.database, office: office)
for index in 0..<300 {
    _ = try await grievances.file(
        category: GrievanceCategory.allCases[index % 5], text: "Гомдол \(index)", area: nil, contact: nil,
        language: .mn, at: office.calendar.date(from: DateComponents(year: 2026, month: 1 + index % 12, day: 10))!)
}
say(
    "data: \(tickets.count) tickets over \(days.count) office days, \(ratings.count) ratings,"
        + " \(registrations.count) registrations,"
        + " 300 grievances, written in"
        + " \(ContinuousClock.now - started)")

let source = SQLiteDashboardSource(database: temp.database, office: office)
let today = days.last!
func median(_ name: String, _ period: DashboardPeriod, target: Double) async throws {
    var times: [Double] = []
    var rows = 0
    for _ in 0..<7 {
        let start = ContinuousClock.now
        let dashboard = try await source.dashboard(period, today: today)
        let elapsed = ContinuousClock.now - start
        times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        rows = dashboard.office.issued
    }
    times.sort()
    say(
        "\(name): \(rows) tickets, median \(String(format: "%.0f", times[3])) ms"
            + " (min \(String(format: "%.0f", times[0])), max \(String(format: "%.0f", times[6]))) — target < \(Int(target)) ms"
    )
}
try await median(
    "dashboard for a month (2026-06)",
    DashboardPeriod(from: CivilDate(year: 2026, month: 6, day: 1)!, to: CivilDate(year: 2026, month: 6, day: 30)!)!,
    target: 300)
try await median("dashboard for the year", DashboardPeriod(from: days.first!, to: today)!, target: 1500)

// MARK: The page through HTTP

guard let kiosk = try await BenchKiosk.start(dataDirectory: temp.directory, portBase: 18_000) else { exit(0) }
defer { kiosk.stop() }
guard let cookie = try await kiosk.signIn("darga") else {
    say("page: sign-in refused")
    exit(1)
}
func page(_ name: String, from: CivilDate, to: CivilDate, target: Double) async throws {
    var times: [Double] = []
    var size = 0
    for _ in 0..<7 {
        let start = ContinuousClock.now
        let (status, body, _) = try await kiosk.fetch("/staff/dashboard?lang=mn&from=\(from)&to=\(to)", cookie: cookie)
        let elapsed = ContinuousClock.now - start
        guard status == 200 else {
            say("page: \(status)")
            exit(1)
        }
        times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        size = body.count
    }
    times.sort()
    say(
        "\(name): \(size / 1024) KiB of HTML with its charts, median \(String(format: "%.0f", times[3])) ms"
            + " (min \(String(format: "%.0f", times[0])), max \(String(format: "%.0f", times[6]))) — target < \(Int(target)) ms"
    )
}
try await page(
    "page for a month (2026-06), through HTTP", from: CivilDate(year: 2026, month: 6, day: 1)!,
    to: CivilDate(year: 2026, month: 6, day: 30)!, target: 300)
try await page("page for the year, through HTTP", from: days.first!, to: today, target: 1500)
