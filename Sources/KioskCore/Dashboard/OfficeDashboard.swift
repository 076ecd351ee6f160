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

    public init(
        serviceCode: String, state: TicketState, issuedAt: Date, calledAt: Date?, servingStartedAt: Date?,
        finishedAt: Date?, counter: Int?, staffID: String?
    ) {
        self.serviceCode = serviceCode
        self.state = state
        self.issuedAt = issuedAt
        self.calledAt = calledAt
        self.servingStartedAt = servingStartedAt
        self.finishedAt = finishedAt
        self.counter = counter
        self.staffID = staffID
    }
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
    public let satisfactionByService: [SatisfactionRow]
    public let satisfactionByCounter: [SatisfactionRow]
    public let grievances: GrievanceFigures

    /// Builds the figures. `calendar` is the office's (hours of the day are local).
    public init(
        period: DashboardPeriod, tickets: [DashboardTicket], ratings: [Feedback], grievances: [Grievance],
        today: CivilDate, calendar: Calendar
    ) {
        func row(_ key: String, _ tickets: [DashboardTicket]) -> QueueRow {
            let noShows = tickets.filter { $0.state == .noShow }.count
            return QueueRow(
                key: key, issued: tickets.count, served: tickets.filter { $0.state == .finished }.count,
                noShows: noShows, abandonment: tickets.isEmpty ? nil : Double(noShows) / Double(tickets.count),
                wait: DurationSummary(tickets.compactMap { t in t.calledAt.map { $0.timeIntervalSince(t.issuedAt) } }),
                service: DurationSummary(
                    tickets.compactMap { t -> Double? in
                        guard t.state == .finished, let start = t.servingStartedAt, let end = t.finishedAt else {
                            return nil
                        }
                        return end.timeIntervalSince(start)
                    }))
        }
        func rows<Key: Hashable & Comparable>(_ key: (DashboardTicket) -> Key?, _ name: (Key) -> String) -> [QueueRow] {
            Dictionary(grouping: tickets.compactMap { t in key(t).map { ($0, t) } }, by: \.0)
                .sorted { $0.key < $1.key }.map { row(name($0.key), $0.value.map(\.1)) }
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
        office = row("office", tickets)
        byService = rows({ $0.serviceCode }, { $0 })
        byCounter = rows({ $0.counter }, { String($0) })
        byStaff = rows({ $0.staffID }, { $0 })
        // The hour by the zone's offset (a calendar per ticket cost a tenth of a year's dashboard).
        let zone = calendar.timeZone
        byHour = rows(
            { ticket in
                let local = ticket.issuedAt.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: ticket.issuedAt))
                return Int(local.truncatingRemainder(dividingBy: 86_400).rounded(.down) + (local < 0 ? 86_400 : 0))
                    / 3600
            }, { $0 < 10 ? "0\($0)" : String($0) })
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
    }
}

/// Reads what the dashboard needs for a period.
public protocol DashboardSource: Sendable {
    func dashboard(_ period: DashboardPeriod, today: CivilDate) async throws -> OfficeDashboard
}
