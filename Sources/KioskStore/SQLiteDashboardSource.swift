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
        let (tickets, ratings, registrations, vacancies) = try await database.writer.read { db in
            let tickets = try Row.fetchAll(
                db,
                sql: """
                    SELECT service_code, state, issued_at, called_at, serving_started_at, finished_at, counter, staff_id,
                           outcome, registration_id, office_day
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
                    finishedAt: try time(5), counter: row[6], staffID: row[7],
                    outcome: (row[8] as String?).flatMap(ServiceOutcome.init(rawValue:)),
                    registrationID: (row[9] as String?).flatMap(UUID.init(uuidString:)),
                    officeDay: CivilDate(iso8601: row[10]))
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
            // Every registration of the office: those registered by the period's end are counted.
            let registrations = try Row.fetchAll(
                db, sql: "SELECT created_at, status FROM registration WHERE office_code = ?", arguments: [officeCode]
            ).map { row in
                DashboardRegistration(
                    createdAt: try Outbox.parseUTCTimestamp(row[0]),
                    status: JobseekerStatus(rawValue: row[1]) ?? .other)
            }
            // The vacancies the LMIS says this office registered (open ones: closed ones leave the kiosk).
            let vacancies = try Row.fetchAll(
                db,
                sql: """
                    SELECT posted_on, json_extract(data, '$.posts'), json_extract(data, '$.newlyCreated') FROM vacancy
                    WHERE json_extract(data, '$.officeCode') = ? AND posted_on BETWEEN ? AND ?
                    """, arguments: range
            ).compactMap { row -> DashboardVacancy? in
                guard let day = CivilDate(iso8601: row[0]) else { return nil }
                return DashboardVacancy(
                    postedOn: day, posts: max(1, (row[1] as Int?) ?? 1), newlyCreated: ((row[2] as Int?) ?? 0) != 0)
            }
            return (tickets, ratings, registrations, vacancies)
        }
        return OfficeDashboard(
            period: period, tickets: tickets, ratings: ratings,
            grievances: try await grievances.grievances(openOnly: false), registrations: registrations,
            vacancies: vacancies, today: today, calendar: office.calendar)
    }
}
