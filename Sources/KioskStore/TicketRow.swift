import Foundation
import GRDB
import KioskCore

/// A row of `ticket`, read and written by column name.
struct TicketRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "ticket"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var officeCode: String
    var officeDay: String
    var serviceCode: String
    var printedCode: String
    var number: Int
    var priority: String?
    var registrationId: String?
    var language: String
    var state: String
    var issuedAt: String
    var queuedAt: String
    var calledAt: String?
    var servingStartedAt: String?
    var finishedAt: String?
    var counter: Int?
    var staffId: String?
    var recalls: Int
    var requeued: Bool
    var outcome: String?
    var appointmentId: String?
    var appointmentAt: String?
    var appointmentStaffId: String?
    var appointmentCounter: Int?

    init(_ t: Ticket) {
        func time(_ date: Date?) -> String? { date.map(Outbox.utcTimestamp) }
        id = SQLiteQueueRepository.key(t.id)
        officeCode = t.officeCode
        officeDay = t.officeDay.description
        serviceCode = t.serviceCode
        printedCode = t.printedCode
        number = t.number
        priority = t.priority?.rawValue
        registrationId = t.registrationID.map(SQLiteQueueRepository.key)
        language = t.language.rawValue
        state = t.state.rawValue
        issuedAt = Outbox.utcTimestamp(t.issuedAt)
        queuedAt = Outbox.utcTimestamp(t.queuedAt)
        calledAt = time(t.calledAt)
        servingStartedAt = time(t.servingStartedAt)
        finishedAt = time(t.finishedAt)
        counter = t.counter
        staffId = t.staffID
        recalls = t.recalls
        requeued = t.requeued
        outcome = t.outcome?.rawValue
        appointmentId = t.appointment.map { SQLiteQueueRepository.key($0.appointmentID) }
        appointmentAt = time(t.appointment?.at)
        appointmentStaffId = t.appointment?.staffID
        appointmentCounter = t.appointment?.counter
    }

    /// The domain value, or `StoredValueError` when a column holds what this version cannot read.
    func ticket() throws -> Ticket {
        let invalid = StoredValueError(id: id)
        func time(_ text: String?) throws -> Date? { try text.map(Outbox.parseUTCTimestamp) }
        var ticket = Ticket(
            id: try UUID(uuidString: id).orThrow(invalid), officeCode: officeCode,
            officeDay: try CivilDate(iso8601: officeDay).orThrow(invalid), serviceCode: printedCode, number: number,
            priority: priority.flatMap(PriorityCategory.init(rawValue:)),
            registrationID: registrationId.flatMap(UUID.init(uuidString:)),
            language: Language(rawValue: language) ?? .mn, issuedAt: try Outbox.parseUTCTimestamp(issuedAt))
        ticket.serviceCode = serviceCode
        ticket.state = try TicketState(rawValue: state).orThrow(invalid)
        ticket.queuedAt = try Outbox.parseUTCTimestamp(queuedAt)
        ticket.calledAt = try time(calledAt)
        ticket.servingStartedAt = try time(servingStartedAt)
        ticket.finishedAt = try time(finishedAt)
        ticket.counter = counter
        ticket.staffID = staffId
        ticket.recalls = recalls
        ticket.requeued = requeued
        ticket.outcome = outcome.flatMap(ServiceOutcome.init(rawValue:))
        if let appointmentId, let appointmentAt {
            ticket.appointment = TicketAppointment(
                appointmentID: try UUID(uuidString: appointmentId).orThrow(invalid),
                at: try Outbox.parseUTCTimestamp(appointmentAt), staffID: appointmentStaffId,
                counter: appointmentCounter)
        }
        return ticket
    }
}
