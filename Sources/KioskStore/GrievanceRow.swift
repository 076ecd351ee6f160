import Foundation
import GRDB
import KioskCore

/// A row of `grievance`, read and written by column name (its steps are `GrievanceStepRow`s).
struct GrievanceRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "grievance"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var trackingCode: String
    var officeCode: String
    var category: String
    var text: String
    var area: String?
    var contactName: String?
    var contactPhone: String?
    var language: String
    var filedAt: String
    var state: String
    var dueOn: String
    var assignee: String?

    init(_ g: Grievance) {
        id = g.id.uuidString.lowercased()
        trackingCode = g.trackingCode
        officeCode = g.officeCode
        category = g.category.rawValue
        text = g.text
        area = g.area
        contactName = g.contact?.name
        contactPhone = g.contact?.phone.digits
        language = g.language.rawValue
        filedAt = Outbox.utcTimestamp(g.filedAt)
        state = g.state.rawValue
        dueOn = g.dueOn.description
        assignee = g.assignee
    }

    /// The domain value with its steps, or `StoredValueError` when a column holds what this
    /// version cannot read.
    func grievance(_ db: Database) throws -> Grievance {
        let invalid = StoredValueError(id: id)
        let steps = try GrievanceStepRow.filter(Column("grievance_id") == id).order(Column("position"))
            .fetchAll(db).map { try $0.step(invalid) }
        var contact: GrievanceContact?
        if let contactName, let contactPhone {
            contact = GrievanceContact(name: contactName, phone: try PhoneNumber(parsing: contactPhone))
        }
        return Grievance(
            id: try UUID(uuidString: id).orThrow(invalid), trackingCode: trackingCode, officeCode: officeCode,
            category: try GrievanceCategory(rawValue: category).orThrow(invalid), text: text, area: area,
            contact: contact, language: Language(rawValue: language) ?? .mn,
            filedAt: try Outbox.parseUTCTimestamp(filedAt), state: try GrievanceState(rawValue: state).orThrow(invalid),
            dueOn: try CivilDate(iso8601: dueOn).orThrow(invalid), assignee: assignee, steps: steps)
    }
}

/// A row of `grievance_step`: one triage step, with who took it.
struct GrievanceStepRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "grievance_step"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var grievanceId: String
    var position: Int
    var action: String
    var note: String?
    var assignee: String?
    var dueOn: String
    var staffId: String
    var at: String

    init(_ step: GrievanceStep, grievanceID: String, position: Int) {
        grievanceId = grievanceID
        self.position = position
        action = step.action.rawValue
        note = step.note
        assignee = step.assignee
        dueOn = step.dueOn.description
        staffId = step.staffID
        at = Outbox.utcTimestamp(step.at)
    }

    func step(_ invalid: StoredValueError) throws -> GrievanceStep {
        GrievanceStep(
            action: try GrievanceAction(rawValue: action).orThrow(invalid), note: note, assignee: assignee,
            dueOn: try CivilDate(iso8601: dueOn).orThrow(invalid), staffID: staffId,
            at: try Outbox.parseUTCTimestamp(at))
    }
}
