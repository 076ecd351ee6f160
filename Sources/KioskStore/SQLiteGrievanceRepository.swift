public import Foundation
import GRDB
public import KioskCore
import LMISProtocol

/// Grievances in the office database. Filing and every triage step are written with their LMIS
/// record (`grievance.filed`, `grievance.updated`) and, for steps, a staff audit line, in one
/// transaction.
public struct SQLiteGrievanceRepository: GrievanceRepository {
    let database: AppDatabase
    let office: Office
    /// Text messages to filers who left a phone: none where the office sends no SMS.
    public var updates: (rules: SMSRules, wording: SMSWording)?

    public init(database: AppDatabase, office: Office, updates: (rules: SMSRules, wording: SMSWording)? = nil) {
        self.database = database
        self.office = office
        self.updates = updates
    }

    public func file(
        category: GrievanceCategory, text: String, area: String?, contact: GrievanceContact?, language: Language,
        requestKey: RequestKey?, at instant: Date
    ) async throws -> Grievance {
        let officeCode = office.code
        let dueOn = office.today(at: instant).adding(days: Grievance.daysToResolve)
        return try await database.write { db in
            if let requestKey, let kept = try RequestKeys.record(requestKey, kind: .grievance, at: instant, db),
                let row = try GrievanceRow.filter(Column("id") == kept.recordID.uuidString.lowercased()).fetchOne(db)
            {
                return try row.grievance(db)
            }
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
            try GrievanceRow(grievance).insert(db)
            try Outbox.append(
                db, officeCode: officeCode, type: .grievanceFiled,
                payload: GrievanceFiled(
                    grievance: .init(
                        id: id, trackingCode: code, officeCode: officeCode, category: category.rawValue, text: text,
                        area: area, contactName: contact?.name, contactPhone: contact?.phone.digits,
                        language: language.rawValue, filedAt: instant, dueOn: dueOn.description)),
                at: instant)
            if let requestKey {
                try RequestKeys.keep(requestKey, kind: .grievance, recordID: grievance.id, at: instant, db)
            }
            // A phone left for a reply is the filer's consent to hear of the grievance by text.
            if updates != nil, let contact {
                try db.setSMSConsent(
                    phone: contact.phone, kind: .grievanceUpdate, granted: true, source: .kiosk, at: instant)
            }
            return grievance
        }
    }

    public func grievance(trackingCode: String) async throws -> Grievance? {
        try await database.writer.read { db in
            try GrievanceRow.filter(Column("tracking_code") == trackingCode).fetchOne(db)?.grievance(db)
        }
    }

    public func grievances(openOnly: Bool) async throws -> [Grievance] {
        try await database.writer.read { db in
            try GrievanceRow.fetchAll(
                db,
                sql: openOnly
                    ? "SELECT * FROM grievance WHERE state NOT IN ('resolved', 'referred') ORDER BY filed_at DESC"
                    : "SELECT * FROM grievance ORDER BY filed_at DESC"
            ).map { try $0.grievance(db) }
        }
    }

    public func act(
        trackingCode: String, action: GrievanceAction, note: String?, assignee: String?, dueOn: CivilDate?,
        by staff: StaffSession, at instant: Date
    ) async throws -> Grievance {
        let updates = updates
        return try await database.write { db in
            guard
                var grievance = try GrievanceRow.filter(Column("tracking_code") == trackingCode).fetchOne(db)?
                    .grievance(db)
            else { throw GrievanceError.notFound }
            guard grievance.isVisible(to: staff.role) else { throw GrievanceError.forbidden }
            let step = GrievanceStep(
                action: action, note: note, assignee: action == .assign ? assignee : nil,
                dueOn: dueOn ?? grievance.dueOn, staffID: staff.staffID, at: instant)
            try grievance.apply(step)
            let id = grievance.id.uuidString.lowercased()
            let position = grievance.steps.count
            try GrievanceRow(grievance).update(db, columns: ["state", "due_on", "assignee"])
            try GrievanceStepRow(step, grievanceID: id, position: position).insert(db)
            try SQLiteStaffRepository.audit(
                db, staffID: staff.staffID, action: "grievance.\(action.rawValue)", counter: staff.counter, at: instant)
            try Outbox.append(
                db, officeCode: grievance.officeCode, type: .grievanceUpdated,
                payload: GrievanceUpdated(
                    grievance: .init(
                        id: id, trackingCode: grievance.trackingCode, officeCode: grievance.officeCode,
                        position: position, action: action.rawValue, state: grievance.state.rawValue, note: note,
                        assignee: step.assignee, dueOn: step.dueOn.description, staffID: staff.staffID,
                        counter: staff.counter, at: instant)),
                at: instant)
            // An answer (resolved, or referred on) is texted to a filer who left a phone, in the
            // step's transaction; a STOP, a withdrawn consent or the day's limit leaves it unsent.
            if let updates, let contact = grievance.contact, action == .resolve || action == .refer {
                do {
                    try db.queueSMS(
                        kind: .grievanceUpdate, to: contact.phone,
                        text: updates.wording.text("grievanceUpdate", kind: .grievanceUpdate, grievance.language, [:]),
                        dedupeKey: "grievance:\(id):\(position)", rules: updates.rules, at: instant)
                } catch is SMSRefusal {}
            }
            return grievance
        }
    }
}
