public import Foundation
import GRDB
import GRDBSQLite
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
            let tickets = try Self.tickets(db, range)
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

    /// The period's tickets, read column by column from SQLite's own buffers: a year is a hundred
    /// thousand rows, and a string for each of their times, identifiers and codes cost more than
    /// the figures themselves.
    static func tickets(_ db: Database, _ range: StatementArguments) throws -> [DashboardTicket] {
        let statement = try db.makeStatement(
            sql: """
                SELECT service_code, state, issued_at, called_at, serving_started_at, finished_at, counter, staff_id,
                       outcome, registration_id, office_day
                FROM ticket WHERE office_code = ? AND office_day BETWEEN ? AND ?
                """)
        try statement.setArguments(range)
        let sqlite = statement.sqliteStatement
        let rows = try Row.fetchCursor(statement)
        var services = Interned()
        var states = Interned()
        var officers = Interned()
        var outcomes = Interned()
        var tickets: [DashboardTicket] = []
        func text(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
            guard let start = sqlite3_column_text(sqlite, column) else { return nil }
            return UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(sqlite, column)))
        }
        func time(_ column: Int32) throws -> Date? { try text(column).map(Outbox.parseUTCTimestamp(utf8:)) }
        while try rows.next() != nil {
            tickets.append(
                DashboardTicket(
                    serviceCode: text(0).map { services.string($0) } ?? "",
                    state: text(1).flatMap { TicketState(rawValue: states.string($0)) } ?? .waiting,
                    issuedAt: try time(2) ?? .distantPast, calledAt: try time(3), servingStartedAt: try time(4),
                    finishedAt: try time(5),
                    counter: sqlite3_column_type(sqlite, 6) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(sqlite, 6)),
                    staffID: text(7).map { officers.string($0) },
                    outcome: text(8).flatMap { ServiceOutcome(rawValue: outcomes.string($0)) },
                    registrationID: text(9).flatMap(Self.uuid),
                    officeDay: text(10).flatMap(Self.civilDate)))
        }
        return tickets
    }

    /// `YYYY-MM-DD`.
    static func civilDate(_ bytes: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    /// A UUID written `8-4-4-4-12` in hex (either case).
    static func uuid(_ bytes: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard bytes.count == 36 else { return nil }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var filled = 0
        var high: UInt8?
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                withUnsafeMutableBytes(of: &value) { $0[filled] = first << 4 | nibble }
                filled += 1
                high = nil
            } else {
                high = nibble
            }
        }
        return UUID(uuid: value)
    }
}

/// The few distinct codes and names of a long read (services, states, officers), each made into
/// a string once.
struct Interned {
    private var known: [(bytes: [UInt8], string: String)] = []

    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        for entry in known where entry.bytes.count == bytes.count {
            let same = entry.bytes.withUnsafeBufferPointer { known in
                guard let left = known.baseAddress, let right = bytes.baseAddress else { return true }
                return memcmp(left, right, bytes.count) == 0
            }
            if same { return entry.string }
        }
        let string = String(decoding: bytes, as: UTF8.self)
        if known.count < 64 { known.append((Array(bytes), string)) }
        return string
    }
}
