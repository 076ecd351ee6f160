public import Foundation
import GRDB
public import KioskCore
import LMISProtocol

/// Appointments on the office database: each change, its outbox record (`appointment.recorded`)
/// and the staff audit line in one transaction, and with a booking its SMS reminders (taken
/// back by a check-in, a cancellation or a missed mark) where the office texts.
public struct SQLiteAppointmentRepository: AppointmentRepository {
    let database: AppDatabase
    let reminders: AppointmentReminders?

    public init(database: AppDatabase, reminders: AppointmentReminders? = nil) {
        self.database = database
        self.reminders = reminders
    }

    public func book(_ appointment: Appointment, slotMinutes: Int, counter: Int) async throws -> Appointment {
        try await database.write { db in
            try SQLiteRegistrationRepository.requireExisting(
                db, key: Self.key(appointment.registrationID), orThrow: AppointmentError.unknownRegistration)
            let slot = TimeInterval(slotMinutes * 60)
            let clash = try Bool.fetchOne(
                db,
                sql: """
                    SELECT 1 FROM appointment WHERE state IN ('booked', 'checkedIn') AND office_day = ?
                    AND (staff_id = ? OR counter = ?) AND at > ? AND at < ?
                    """,
                arguments: [
                    appointment.officeDay.description, appointment.staffID, appointment.counter,
                    Outbox.utcTimestamp(appointment.at.addingTimeInterval(-slot)),
                    Outbox.utcTimestamp(appointment.at.addingTimeInterval(slot)),
                ])
            if clash == true { throw AppointmentError.slotTaken }
            try AppointmentRow(appointment).insert(db)
            try Self.record(appointment, at: appointment.bookedAt, db)
            try reminders?.queue(for: appointment, at: appointment.bookedAt, db)
            try SQLiteStaffRepository.audit(
                db, staffID: appointment.bookedBy, action: "appointment.book", counter: counter,
                at: appointment.bookedAt)
            return appointment
        }
    }

    public func appointment(id: UUID) async throws -> Appointment? {
        try await database.writer.read { db in try AppointmentRow.fetchOne(db, key: Self.key(id))?.appointment() }
    }

    public func appointments(on day: CivilDate, staffID: String?) async throws -> [Appointment] {
        try await database.writer.read { db in
            var request = AppointmentRow.filter(Column("office_day") == day.description)
            if let staffID { request = request.filter(Column("staff_id") == staffID) }
            return try request.order(Column("at")).fetchAll(db).map { try $0.appointment() }
        }
    }

    public func appointments(registrationID: UUID) async throws -> [Appointment] {
        try await database.writer.read { db in
            try AppointmentRow.filter(Column("registration_id") == Self.key(registrationID))
                .order(Column("at").desc).fetchAll(db).map { try $0.appointment() }
        }
    }

    public func change(id: UUID, to state: AppointmentState, ticketID: UUID?, at instant: Date) async throws
        -> Appointment
    {
        try await database.write { db in
            guard var appointment = try AppointmentRow.fetchOne(db, key: Self.key(id))?.appointment() else {
                throw AppointmentError.notFound
            }
            // A check-in answered again under its request key names the same ticket: nothing changes.
            if appointment.state == .checkedIn, state == .checkedIn, appointment.ticketID == ticketID {
                return appointment
            }
            guard appointment.state == .booked else { throw AppointmentError.notBooked }
            appointment.state = state
            appointment.ticketID = ticketID ?? appointment.ticketID
            appointment.changedAt = instant
            try AppointmentRow(appointment).update(db)
            try Self.record(appointment, at: instant, db)
            try reminders?.withdraw(appointmentID: appointment.id, db)
            return appointment
        }
    }

    public func markMissed(bookedBefore cutoff: Date, at instant: Date) async throws -> [Appointment] {
        let cutoffText = Outbox.utcTimestamp(cutoff)
        // Read first: most calls find nothing and need no write.
        let due = try await database.writer.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM appointment WHERE state = 'booked' AND at < ?", arguments: [cutoffText])
        }
        guard due == true else { return [] }
        return try await database.write { db in
            let rows = try AppointmentRow.filter(Column("state") == "booked" && Column("at") < cutoffText).fetchAll(db)
            return try rows.map { row in
                var appointment = try row.appointment()
                appointment.state = .missed
                appointment.changedAt = instant
                try AppointmentRow(appointment).update(db)
                try Self.record(appointment, at: instant, db)
                try reminders?.withdraw(appointmentID: appointment.id, db)
                return appointment
            }
        }
    }

    public func figures(from: CivilDate, through: CivilDate) async throws -> AppointmentFigures {
        try await database.writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT state, COUNT(*) AS n FROM appointment WHERE office_day BETWEEN ? AND ? GROUP BY state
                    """, arguments: [from.description, through.description])
            var figures = AppointmentFigures()
            for row in rows {
                let n: Int = row["n"]
                switch AppointmentState(rawValue: row["state"]) {
                case .booked: figures.booked = n
                case .checkedIn: figures.kept = n
                case .missed: figures.missed = n
                case .cancelled: figures.cancelled = n
                case nil: break
                }
            }
            return figures
        }
    }

    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }

    /// The appointment as it stands, to the LMIS.
    static func record(_ a: Appointment, at instant: Date, _ db: Database) throws {
        try Outbox.append(
            db, officeCode: a.officeCode, type: .appointmentRecorded,
            payload: AppointmentRecorded(
                appointment: .init(
                    id: key(a.id), officeCode: a.officeCode, registrationID: key(a.registrationID),
                    serviceCode: a.serviceCode, at: a.at, officeDay: a.officeDay.description, staffID: a.staffID,
                    counter: a.counter, bookedBy: a.bookedBy, bookedAt: a.bookedAt, state: a.state.rawValue,
                    ticketID: a.ticketID.map(key), changedAt: instant)), at: instant)
    }
}

/// A row of `appointment`.
struct AppointmentRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "appointment"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var officeCode: String
    var registrationId: String
    var serviceCode: String
    var at: String
    var officeDay: String
    var staffId: String?
    var counter: Int?
    var bookedBy: String
    var bookedAt: String
    var state: String
    var ticketId: String?
    var changedAt: String?

    init(_ a: Appointment) {
        id = SQLiteAppointmentRepository.key(a.id)
        officeCode = a.officeCode
        registrationId = SQLiteAppointmentRepository.key(a.registrationID)
        serviceCode = a.serviceCode
        at = Outbox.utcTimestamp(a.at)
        officeDay = a.officeDay.description
        staffId = a.staffID
        counter = a.counter
        bookedBy = a.bookedBy
        bookedAt = Outbox.utcTimestamp(a.bookedAt)
        state = a.state.rawValue
        ticketId = a.ticketID.map(SQLiteAppointmentRepository.key)
        changedAt = a.changedAt.map(Outbox.utcTimestamp)
    }

    func appointment() throws -> Appointment {
        let invalid = StoredValueError(id: id)
        var a = Appointment(
            id: try UUID(uuidString: id).orThrow(invalid), officeCode: officeCode,
            registrationID: try UUID(uuidString: registrationId).orThrow(invalid), serviceCode: serviceCode,
            at: try Outbox.parseUTCTimestamp(at), officeDay: try CivilDate(iso8601: officeDay).orThrow(invalid),
            staffID: staffId, counter: counter, bookedBy: bookedBy, bookedAt: try Outbox.parseUTCTimestamp(bookedAt))
        a.state = try AppointmentState(rawValue: state).orThrow(invalid)
        a.ticketID = ticketId.flatMap(UUID.init(uuidString:))
        a.changedAt = try changedAt.map(Outbox.parseUTCTimestamp)
        return a
    }
}

extension SQLiteAppointmentRepository {
    /// Sends the leave days entered before they were shared with the office's other devices
    /// (before migration v49) to the hub, once; answers how many went.
    public func shareEarlierLeave(officeCode: String) async throws -> Int {
        try await database.write { db in try CalendarChanges.shareEarlier(db, officeCode: officeCode) }
    }

    public func leaveDays(staffID: String?, from: CivilDate, through: CivilDate) async throws -> [LeaveDay] {
        try await database.writer.read { db in
            var sql = "SELECT staff_id, day, entered_by, entered_at FROM counsellor_leave WHERE day BETWEEN ? AND ?"
            var arguments: StatementArguments = [from.description, through.description]
            if let staffID {
                sql += " AND staff_id = ?"
                arguments += [staffID]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY day, staff_id", arguments: arguments).map { row in
                let day: String = row["day"]
                return LeaveDay(
                    staffID: row["staff_id"], date: try CivilDate(iso8601: day).orThrow(StoredValueError(id: day)),
                    enteredBy: row["entered_by"], enteredAt: try Outbox.parseUTCTimestamp(row["entered_at"]))
            }
        }
    }

    public func addLeave(_ day: LeaveDay, officeCode: String, counter: Int) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO counsellor_leave (staff_id, day, entered_by, entered_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """,
                arguments: [day.staffID, day.date.description, day.enteredBy, Outbox.utcTimestamp(day.enteredAt)])
            if db.changesCount > 0 {
                try CalendarChanges.recordLocal(
                    db, officeCode: officeCode, staffID: day.staffID, day: day.date, removed: false, by: day.enteredBy,
                    at: day.enteredAt)
            }
            try SQLiteStaffRepository.audit(
                db, staffID: day.enteredBy, action: "appointment.leave.add", counter: counter, at: day.enteredAt)
        }
    }

    public func removeLeave(
        staffID: String, date: CivilDate, by enteredBy: String, officeCode: String, counter: Int, at instant: Date
    ) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM counsellor_leave WHERE staff_id = ? AND day = ?",
                arguments: [staffID, date.description])
            guard db.changesCount > 0 else { return false }
            try CalendarChanges.recordLocal(
                db, officeCode: officeCode, staffID: staffID, day: date, removed: true, by: enteredBy, at: instant)
            try SQLiteStaffRepository.audit(
                db, staffID: enteredBy, action: "appointment.leave.remove", counter: counter, at: instant)
            return true
        }
    }
}
