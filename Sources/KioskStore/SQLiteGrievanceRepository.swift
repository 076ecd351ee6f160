public import Foundation
import GRDB
public import KioskCore

/// Grievances in the office database. Filing and every triage step are written with their LMIS
/// record (`grievance.filed`, `grievance.updated`) and, for steps, a staff audit line, in one
/// transaction.
public struct SQLiteGrievanceRepository: GrievanceRepository {
    let database: AppDatabase
    let office: Office

    public init(database: AppDatabase, office: Office) {
        self.database = database
        self.office = office
    }

    struct FiledPayload: Encodable {
        struct Body: Encodable {
            let id: String
            let trackingCode: String
            let officeCode: String
            let category: String
            let text: String
            let area: String?
            let contactName: String?
            let contactPhone: String?
            let language: String
            let filedAt: Date
            let dueOn: String
        }
        let grievance: Body
    }

    struct UpdatedPayload: Encodable {
        struct Body: Encodable {
            let id: String
            let trackingCode: String
            let officeCode: String
            let position: Int
            let action: String
            let state: String
            let note: String?
            let assignee: String?
            let dueOn: String
            let staffID: String
            let counter: Int
            let at: Date
        }
        let grievance: Body
    }

    public func file(
        category: GrievanceCategory, text: String, area: String?, contact: GrievanceContact?, language: Language,
        at instant: Date
    ) async throws -> Grievance {
        let officeCode = office.code
        let dueOn = office.today(at: instant).adding(days: Grievance.daysToResolve)
        return try await database.write { db in
            var generator = SystemRandomNumberGenerator()
            var code = Grievance.makeTrackingCode(using: &generator)
            while try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM grievance WHERE tracking_code = ?)", arguments: [code]) == true
            {
                code = Grievance.makeTrackingCode(using: &generator)
            }
            let grievance = Grievance(
                id: UUIDv7.make(at: instant), trackingCode: code, officeCode: officeCode, category: category,
                text: text, area: area, contact: contact, language: language, filedAt: instant, dueOn: dueOn)
            let id = grievance.id.uuidString.lowercased()
            try db.execute(
                sql: """
                    INSERT INTO grievance (id, tracking_code, office_code, category, text, area, contact_name,
                        contact_phone, language, filed_at, state, due_on)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'filed', ?)
                    """,
                arguments: [
                    id, code, officeCode, category.rawValue, text, area, contact?.name, contact?.phone.digits,
                    language.rawValue, Outbox.utcTimestamp(instant), dueOn.description,
                ])
            try Outbox.append(
                db, officeCode: officeCode, type: .grievanceFiled,
                payload: FiledPayload(
                    grievance: .init(
                        id: id, trackingCode: code, officeCode: officeCode, category: category.rawValue, text: text,
                        area: area, contactName: contact?.name, contactPhone: contact?.phone.digits,
                        language: language.rawValue, filedAt: instant, dueOn: dueOn.description)),
                at: instant)
            return grievance
        }
    }

    public func grievance(trackingCode: String) async throws -> Grievance? {
        try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM grievance WHERE tracking_code = ?", arguments: [trackingCode])
                .map { try Self.grievance($0, db) }
        }
    }

    public func grievances(openOnly: Bool) async throws -> [Grievance] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: openOnly
                    ? "SELECT * FROM grievance WHERE state NOT IN ('resolved', 'referred') ORDER BY filed_at DESC"
                    : "SELECT * FROM grievance ORDER BY filed_at DESC"
            ).map { try Self.grievance($0, db) }
        }
    }

    public func act(
        trackingCode: String, action: GrievanceAction, note: String?, assignee: String?, dueOn: CivilDate?,
        by staff: StaffSession, at instant: Date
    ) async throws -> Grievance {
        try await database.write { db in
            guard
                var grievance = try Row.fetchOne(
                    db, sql: "SELECT * FROM grievance WHERE tracking_code = ?", arguments: [trackingCode]
                ).map({ try Self.grievance($0, db) })
            else { throw GrievanceError.notFound }
            guard grievance.isVisible(to: staff.role) else { throw GrievanceError.forbidden }
            let step = GrievanceStep(
                action: action, note: note, assignee: action == .assign ? assignee : nil,
                dueOn: dueOn ?? grievance.dueOn, staffID: staff.staffID, at: instant)
            try grievance.apply(step)
            let id = grievance.id.uuidString.lowercased()
            let position = grievance.steps.count
            try db.execute(
                sql: "UPDATE grievance SET state = ?, due_on = ?, assignee = ? WHERE id = ?",
                arguments: [grievance.state.rawValue, grievance.dueOn.description, grievance.assignee, id])
            try db.execute(
                sql: """
                    INSERT INTO grievance_step (grievance_id, position, action, note, assignee, due_on, staff_id, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, position, action.rawValue, note, step.assignee, step.dueOn.description, staff.staffID,
                    Outbox.utcTimestamp(instant),
                ])
            try SQLiteStaffRepository.audit(
                db, staffID: staff.staffID, action: "grievance.\(action.rawValue)", counter: staff.counter, at: instant)
            try Outbox.append(
                db, officeCode: grievance.officeCode, type: .grievanceUpdated,
                payload: UpdatedPayload(
                    grievance: .init(
                        id: id, trackingCode: grievance.trackingCode, officeCode: grievance.officeCode,
                        position: position, action: action.rawValue, state: grievance.state.rawValue, note: note,
                        assignee: step.assignee, dueOn: step.dueOn.description, staffID: staff.staffID,
                        counter: staff.counter, at: instant)),
                at: instant)
            return grievance
        }
    }

    static func grievance(_ row: Row, _ db: Database) throws -> Grievance {
        let id: String = row["id"]
        let invalid = StoredValueError(id: id)
        let steps = try Row.fetchAll(
            db, sql: "SELECT * FROM grievance_step WHERE grievance_id = ? ORDER BY position", arguments: [id]
        ).map { step in
            GrievanceStep(
                action: try GrievanceAction(rawValue: step["action"]).orThrow(invalid), note: step["note"],
                assignee: step["assignee"], dueOn: try CivilDate(iso8601: step["due_on"]).orThrow(invalid),
                staffID: step["staff_id"], at: try Outbox.parseUTCTimestamp(step["at"]))
        }
        var contact: GrievanceContact?
        if let name: String = row["contact_name"], let phone: String = row["contact_phone"] {
            contact = GrievanceContact(name: name, phone: try PhoneNumber(parsing: phone))
        }
        return Grievance(
            id: try UUID(uuidString: id).orThrow(invalid), trackingCode: row["tracking_code"],
            officeCode: row["office_code"], category: try GrievanceCategory(rawValue: row["category"]).orThrow(invalid),
            text: row["text"], area: row["area"], contact: contact,
            language: Language(rawValue: row["language"]) ?? .mn,
            filedAt: try Outbox.parseUTCTimestamp(row["filed_at"]),
            state: try GrievanceState(rawValue: row["state"]).orThrow(invalid),
            dueOn: try CivilDate(iso8601: row["due_on"]).orThrow(invalid), assignee: row["assignee"], steps: steps)
    }
}
