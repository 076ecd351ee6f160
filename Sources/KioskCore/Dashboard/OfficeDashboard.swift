public import Foundation

/// Days of the office's calendar, both included: what the dashboard reads.
public struct DashboardPeriod: Sendable, Equatable, Codable {
    /// Longer periods are refused: a year and a little is the longest an office head compares.
    public static let maxDays = 400

    public let from: CivilDate
    public let to: CivilDate

    public init?(from: CivilDate, to: CivilDate) {
        guard from <= to, from.adding(days: Self.maxDays - 1) >= to else { return nil }
        self.from = from
        self.to = to
    }
}

/// Median and 90th percentile of durations, in seconds (nearest rank).
public struct DurationSummary: Sendable, Equatable, Codable {
    public let count: Int
    public let median: Double
    public let p90: Double

    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        func rank(_ p: Double) -> Double { sorted[max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1)] }
        count = sorted.count
        median = rank(0.5)
        p90 = rank(0.9)
    }
}

/// One row of the queue tables: a service, counter, officer or hour of the day.
public struct QueueRow: Sendable, Equatable, Codable {
    public let key: String
    public let issued: Int
    public let served: Int
    public let noShows: Int
    /// No-shows among the tickets issued, 0...1; nil when none was issued.
    public let abandonment: Double?
    /// From issue to first call.
    public let wait: DurationSummary?
    /// From the start of service to its end.
    public let service: DurationSummary?
}

/// Ratings of a service or counter.
public struct SatisfactionRow: Sendable, Equatable, Codable {
    public let key: String
    public let ratings: Int
    public let mean: Double
    /// How many of each rating, 1 to 5.
    public let counts: [Int]
}

public struct GrievanceFigures: Sendable, Equatable, Codable {
    public let filed: Int
    public let open: Int
    public let overdue: Int
    /// Filed in the period, by category.
    public let byCategory: [String: Int]
}

/// A ticket as the dashboard reads it: times only, nothing about the person.
public struct DashboardTicket: Sendable {
    public let serviceCode: String
    public let state: TicketState
    public let issuedAt: Date
    public let calledAt: Date?
    public let servingStartedAt: Date?
    public let finishedAt: Date?
    public let counter: Int?
    public let staffID: String?
    /// How the officer ended the service (finished tickets).
    public let outcome: ServiceOutcome?
    /// The person, when the service needed registration: the indicators count people, not visits.
    public let registrationID: UUID?
    /// The office day it was issued on; from `issuedAt` in the office's zone when not given.
    public let officeDay: CivilDate?

    public init(
        serviceCode: String, state: TicketState, issuedAt: Date, calledAt: Date?, servingStartedAt: Date?,
        finishedAt: Date?, counter: Int?, staffID: String?, outcome: ServiceOutcome? = nil,
        registrationID: UUID? = nil, officeDay: CivilDate? = nil
    ) {
        self.serviceCode = serviceCode
        self.state = state
        self.issuedAt = issuedAt
        self.calledAt = calledAt
        self.servingStartedAt = servingStartedAt
        self.finishedAt = finishedAt
        self.counter = counter
        self.staffID = staffID
        self.outcome = outcome
        self.registrationID = registrationID
        self.officeDay = officeDay
    }

    /// From issue to the first call; nil while it waits.
    public var wait: Double? { calledAt.map { $0.timeIntervalSince(issuedAt) } }

    /// From the start of service to its end, for a finished service.
    public var service: Double? {
        guard state == .finished, let start = servingStartedAt, let end = finishedAt else { return nil }
        return end.timeIntervalSince(start)
    }
}

/// A jobseeker registered at the office, as the indicators read it: when, and the status.
public struct DashboardRegistration: Sendable {
    public let createdAt: Date
    public let status: JobseekerStatus

    public init(createdAt: Date, status: JobseekerStatus) {
        self.createdAt = createdAt
        self.status = status
    }
}

/// A vacancy the office registered (the LMIS names the office that took it).
public struct DashboardVacancy: Sendable {
    public let postedOn: CivilDate
    public let posts: Int
    /// The employer reported the posts as newly created jobs.
    public let newlyCreated: Bool

    public init(postedOn: CivilDate, posts: Int, newlyCreated: Bool) {
        self.postedOn = postedOn
        self.posts = posts
        self.newlyCreated = newlyCreated
    }
}

/// How many durations fall in each band: under 5 minutes, 5–10, 10–15, 15–20, 20–30, 30–45,
/// 45–60 and an hour or more (a band holds its lower bound).
public struct DurationHistogram: Sendable, Equatable, Codable {
    /// Upper bounds of the bands but the last, in minutes.
    public static let bounds: [Int] = [5, 10, 15, 20, 30, 45, 60]
    public let counts: [Int]

    public init(_ seconds: [Double]) {
        var counts = [Int](repeating: 0, count: Self.bounds.count + 1)
        for value in seconds {
            let band = Self.bounds.firstIndex { value < Double($0 * 60) } ?? Self.bounds.count
            counts[band] += 1
        }
        self.counts = counts
    }

    /// `<5`, `5–10`, …, `60+` (minutes).
    public static var labels: [String] {
        ["<\(bounds[0])"] + zip(bounds, bounds.dropFirst()).map { "\($0)–\($1)" } + ["\(bounds.last!)+"]
    }
}

/// The six figures the LMIS compiles monthly per office (`DOMAIN.md`), for the dashboard's
/// period and from the office's own data, with the additions the assessment recommends. The
/// hub computes the same six from what the office uploaded (`HubStore.indicators`).
public struct LMISIndicators: Sendable, Equatable, Codable {
    /// 1. People registered at the office by the end of the period.
    public let registeredJobseekers: Int
    /// Of them, registered during the period.
    public let newRegistrations: Int
    /// 2. Of the registered, those whose status (as last recorded) is unemployed.
    public let registeredUnemployed: Int
    /// 3. Vacancies the office registered, posted in the period (the kiosk holds open ones only:
    /// a vacancy closed since is counted by the LMIS, not here).
    public let registeredVacancies: Int
    /// Their posts.
    public let vacancyPosts: Int
    /// 4. People whose service ended "placed in a job" in the period (a visitor without a
    /// registration counts once per visit).
    public let foundJob: Int
    /// 5. Posts of newly created jobs among the period's vacancies.
    public let newlyCreatedJobs: Int
    /// 6. People whose service ended "counselled" in the period.
    public let careerGuidance: Int
    /// Officers who finished at least one service in the period.
    public let officers: Int
    /// Registered jobseekers per such officer.
    public let jobseekersPerOfficer: Double?
    /// Minutes of service per person served (all finished services of the period).
    public let serviceMinutesPerPerson: Double?
    /// Mean rating of the period, 1–5.
    public let satisfaction: Double?
}

/// The office's figures for a period, computed from its own data.
public struct OfficeDashboard: Sendable, Equatable, Codable {
    public let period: DashboardPeriod
    public let office: QueueRow
    public let byService: [QueueRow]
    public let byCounter: [QueueRow]
    public let byStaff: [QueueRow]
    /// By the office-local hour the ticket was issued (`08`, `09`, …).
    public let byHour: [QueueRow]
    /// By office day (`2026-11-23`), every day of the period that had a ticket.
    public let byDay: [QueueRow]
    /// Waits (issue to first call) and services (start to end) of the period, in bands.
    public let waitDistribution: DurationHistogram
    public let serviceDistribution: DurationHistogram
    public let satisfactionByService: [SatisfactionRow]
    public let satisfactionByCounter: [SatisfactionRow]
    public let grievances: GrievanceFigures
    public let indicators: LMISIndicators

    /// Builds the figures. `calendar` is the office's (hours and days are local). `registrations`
    /// are the office's (all of them: the indicators count those registered by the period's
    /// end); `vacancies` those the office registered.
    public init(
        period: DashboardPeriod, tickets: [DashboardTicket], ratings: [Feedback], grievances: [Grievance],
        registrations: [DashboardRegistration] = [], vacancies: [DashboardVacancy] = [], today: CivilDate,
        calendar: Calendar
    ) {
        // One pass over the tickets (a year is a hundred thousand): each ticket is added to its
        // service, counter, officer, hour and day, and to what the indicators count.
        var all = Tally()
        var services: [String: Tally] = [:]
        var counters: [Int: Tally] = [:]
        var staff: [String: Tally] = [:]
        var hours: [Int: Tally] = [:]
        var days: [CivilDate: Tally] = [:]
        var people = PeopleCount()
        // The zone's offset by quarter hour: zones change offset on a quarter hour at the
        // earliest, and asking the zone for every ticket cost a tenth of a year's dashboard.
        let zone = calendar.timeZone
        var offsets: [Int: Int] = [:]
        for ticket in tickets {
            let wait = ticket.wait
            let service = ticket.service
            all.add(ticket, wait: wait, service: service)
            services[ticket.serviceCode, default: Tally()].add(ticket, wait: wait, service: service)
            if let counter = ticket.counter {
                counters[counter, default: Tally()].add(ticket, wait: wait, service: service)
            }
            if let officer = ticket.staffID {
                staff[officer, default: Tally()].add(ticket, wait: wait, service: service)
            }
            let seconds = ticket.issuedAt.timeIntervalSince1970
            let quarter = Int((seconds / 900).rounded(.down))
            let offset =
                offsets[quarter]
                ?? {
                    let found = zone.secondsFromGMT(for: ticket.issuedAt)
                    offsets[quarter] = found
                    return found
                }()
            let local = seconds + Double(offset)
            let hour = Int(local - (local / 86_400).rounded(.down) * 86_400) / 3600
            hours[hour, default: Tally()].add(ticket, wait: wait, service: service)
            days[ticket.officeDay ?? CivilDate(ticket.issuedAt, calendar: calendar), default: Tally()].add(
                ticket, wait: wait, service: service)
            if ticket.state == .finished { people.add(ticket, service: service) }
        }
        func rows<Key: Comparable>(_ tallies: [Key: Tally], _ name: (Key) -> String) -> [QueueRow] {
            tallies.sorted { $0.key < $1.key }.map { $0.value.row(name($0.key)) }
        }
        func satisfaction<Key: Hashable & Comparable>(_ key: (Feedback) -> Key?, _ name: (Key) -> String)
            -> [SatisfactionRow]
        {
            Dictionary(grouping: ratings.compactMap { r in key(r).map { ($0, r) } }, by: \.0)
                .sorted { $0.key < $1.key }.map { group in
                    let values = group.value.map(\.1.rating)
                    return SatisfactionRow(
                        key: name(group.key), ratings: values.count,
                        mean: Double(values.reduce(0, +)) / Double(values.count),
                        counts: (1...5).map { rating in values.filter { $0 == rating }.count })
                }
        }
        self.period = period
        office = all.row("office")
        byService = rows(services) { $0 }
        byCounter = rows(counters) { String($0) }
        byStaff = rows(staff) { $0 }
        byHour = rows(hours) { $0 < 10 ? "0\($0)" : String($0) }
        byDay = rows(days, \.description)
        waitDistribution = DurationHistogram(all.waits)
        serviceDistribution = DurationHistogram(all.services)
        satisfactionByService = satisfaction({ $0.serviceCode }, { $0 })
        satisfactionByCounter = satisfaction({ $0.counter }, { String($0) })
        let filed = grievances.filter { grievance in
            let day = CivilDate(grievance.filedAt, calendar: calendar)
            return day >= period.from && day <= period.to
        }
        self.grievances = GrievanceFigures(
            filed: filed.count, open: grievances.filter { $0.state.isOpen }.count,
            overdue: grievances.filter { $0.isOverdue(today: today) }.count,
            byCategory: Dictionary(grouping: filed, by: \.category.rawValue).mapValues(\.count))
        indicators = Self.indicators(
            period: period, people: people, ratings: ratings, registrations: registrations, vacancies: vacancies,
            calendar: calendar)
    }

    static func indicators(
        period: DashboardPeriod, people: PeopleCount, ratings: [Feedback], registrations: [DashboardRegistration],
        vacancies: [DashboardVacancy], calendar: Calendar
    ) -> LMISIndicators {
        func start(_ day: CivilDate) -> Date {
            calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
        }
        let from = start(period.from)
        let end = start(period.to.adding(days: 1))
        var registered = 0
        var new = 0
        var unemployed = 0
        for registration in registrations where registration.createdAt < end {
            registered += 1
            if registration.createdAt >= from { new += 1 }
            if registration.status == .unemployed { unemployed += 1 }
        }
        let posted = vacancies.filter { $0.postedOn >= period.from && $0.postedOn <= period.to }
        let officers = people.officers.count
        let served = people.served.count
        return LMISIndicators(
            registeredJobseekers: registered, newRegistrations: new, registeredUnemployed: unemployed,
            registeredVacancies: posted.count, vacancyPosts: posted.reduce(0) { $0 + $1.posts },
            foundJob: people.placed.count,
            newlyCreatedJobs: posted.filter(\.newlyCreated).reduce(0) { $0 + $1.posts },
            careerGuidance: people.counselled.count,
            officers: officers,
            jobseekersPerOfficer: officers == 0 ? nil : Double(registered) / Double(officers),
            serviceMinutesPerPerson: served == 0 || people.serviceCount == 0
                ? nil : people.serviceSeconds / 60 / Double(served),
            satisfaction: ratings.isEmpty
                ? nil : Double(ratings.reduce(0) { $0 + $1.rating }) / Double(ratings.count))
    }
}

/// The tickets of one row, as they are added.
struct Tally {
    var issued = 0
    var served = 0
    var noShows = 0
    var waits: [Double] = []
    var services: [Double] = []

    mutating func add(_ ticket: DashboardTicket, wait: Double?, service: Double?) {
        issued += 1
        if ticket.state == .finished { served += 1 }
        if ticket.state == .noShow { noShows += 1 }
        if let wait { waits.append(wait) }
        if let service { services.append(service) }
    }

    func row(_ key: String) -> QueueRow {
        QueueRow(
            key: key, issued: issued, served: served, noShows: noShows,
            abandonment: issued == 0 ? nil : Double(noShows) / Double(issued), wait: DurationSummary(waits),
            service: DurationSummary(services))
    }
}

/// The people of the finished services: a person once however often served (by registration),
/// a visit without a registration on its own.
struct PeopleCount {
    struct Person: Hashable {
        let registration: UUID?
        /// The visit's position among those without a registration.
        let visit: Int
    }

    var served: Set<Person> = []
    var placed: Set<Person> = []
    var counselled: Set<Person> = []
    var officers: Set<String> = []
    var serviceSeconds = 0.0
    var serviceCount = 0
    private var visits = 0

    mutating func add(_ ticket: DashboardTicket, service: Double?) {
        let person: Person
        if let registration = ticket.registrationID {
            person = Person(registration: registration, visit: 0)
        } else {
            visits += 1
            person = Person(registration: nil, visit: visits)
        }
        served.insert(person)
        if ticket.outcome == .placedInJob { placed.insert(person) }
        if ticket.outcome == .counselled { counselled.insert(person) }
        if let officer = ticket.staffID { officers.insert(officer) }
        if let service {
            serviceSeconds += service
            serviceCount += 1
        }
    }
}

/// Reads what the dashboard needs for a period.
public protocol DashboardSource: Sendable {
    func dashboard(_ period: DashboardPeriod, today: CivilDate) async throws -> OfficeDashboard
}
