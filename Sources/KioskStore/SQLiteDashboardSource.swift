public import Foundation
import GRDB
public import KioskCore

/// The dashboard's figures from the office database: tickets and ratings of the period's office
/// days (office-local, as stored), and the grievances.
public struct SQLiteDashboardSource: DashboardSource {
    let database: AppDatabase
    let office: Office
    let grievances: SQLiteGrievanceRepository

    public init(database: AppDatabase, office: Office) {
        self.database = database
        self.office = office
        self.grievances = SQLiteGrievanceRepository(database: database, office: office)
    }

    public func dashboard(_ period: DashboardPeriod, today: CivilDate) async throws -> OfficeDashboard {
        let officeCode = office.code
        let range: StatementArguments = [officeCode, period.from.description, period.to.description]
        let (tickets, ratings) = try await database.writer.read { db in
            let tickets = try Row.fetchAll(
                db,
                sql: """
                    SELECT service_code, state, issued_at, called_at, serving_started_at, finished_at, counter, staff_id
                    FROM ticket WHERE office_code = ? AND office_day BETWEEN ? AND ?
                    """, arguments: range
            ).map { row in
                // By position (the columns above, in order): a year is a hundred thousand rows.
                func time(_ index: Int) throws -> Date? {
                    try (row[index] as String?).map(Outbox.parseUTCTimestamp)
                }
                return DashboardTicket(
                    serviceCode: row[0], state: TicketState(rawValue: row[1]) ?? .waiting,
                    issuedAt: try time(2) ?? .distantPast, calledAt: try time(3), servingStartedAt: try time(4),
                    finishedAt: try time(5), counter: row[6], staffID: row[7])
            }
            let ratings = try Row.fetchAll(
                db,
                sql: """
                    SELECT ticket_id, office_day, service_code, counter, staff_id, rating, created_at FROM feedback
                    WHERE office_code = ? AND office_day BETWEEN ? AND ?
                    """, arguments: range
            ).compactMap { row -> Feedback? in
                guard let id = UUID(uuidString: row["ticket_id"]), let day = CivilDate(iso8601: row["office_day"])
                else { return nil }
                return Feedback(
                    ticketID: id, officeCode: officeCode, officeDay: day, serviceCode: row["service_code"],
                    counter: row["counter"], staffID: row["staff_id"], rating: row["rating"], comment: nil,
                    createdAt: try Outbox.parseUTCTimestamp(row["created_at"]))
            }
            return (tickets, ratings)
        }
        return OfficeDashboard(
            period: period, tickets: tickets, ratings: ratings,
            grievances: try await grievances.grievances(openOnly: false), today: today, calendar: office.calendar)
    }
}
