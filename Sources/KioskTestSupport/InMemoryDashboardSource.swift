public import Foundation
public import KioskCore
import Synchronization

/// An office's queue history held in memory, for use-case tests: the figures of a period are
/// computed by `OfficeDashboard` from the tickets and ratings of its days, as the SQLite source
/// computes them from its tables. Every period asked for is kept, with the day it was asked on.
public final class InMemoryDashboardSource: DashboardSource {
    let office: Office
    let tickets: [DashboardTicket]
    let ratings: [Feedback]
    private let asked = Mutex<[(period: DashboardPeriod, today: CivilDate)]>([])

    public init(office: Office, tickets: [DashboardTicket] = [], ratings: [Feedback] = []) {
        self.office = office
        self.tickets = tickets
        self.ratings = ratings
    }

    /// The periods asked for, oldest first, each with the office day it was asked on.
    public var requests: [(period: DashboardPeriod, today: CivilDate)] { asked.withLock { $0 } }

    public func dashboard(_ period: DashboardPeriod, today: CivilDate) async throws -> OfficeDashboard {
        asked.withLock { $0.append((period, today)) }
        func within(_ day: CivilDate) -> Bool { period.from <= day && day <= period.to }
        return OfficeDashboard(
            period: period,
            tickets: tickets.filter { within($0.officeDay ?? office.today(at: $0.issuedAt)) },
            ratings: ratings.filter { within($0.officeDay) }, grievances: [], today: today, calendar: office.calendar)
    }
}
