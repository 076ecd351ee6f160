import Foundation
import GRDB
import KioskCore

/// A row of `referral`, read and written by column name.
struct ReferralRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "referral"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var officeCode: String
    var registrationId: String
    var vacancyReference: String
    var staffId: String
    var counter: Int
    var note: String?
    var createdAt: String

    init(_ r: Referral, officeCode: String) {
        id = r.id.uuidString.lowercased()
        self.officeCode = officeCode
        registrationId = r.registrationID.uuidString.lowercased()
        vacancyReference = r.vacancyReference
        staffId = r.staffID
        counter = r.counter
        note = r.note
        createdAt = Outbox.utcTimestamp(r.createdAt)
    }

    /// The domain value, or `StoredValueError` when a column holds what this version cannot read.
    func referral() throws -> Referral {
        let invalid = StoredValueError(id: id)
        return Referral(
            id: try UUID(uuidString: id).orThrow(invalid),
            registrationID: try UUID(uuidString: registrationId).orThrow(invalid),
            vacancyReference: vacancyReference, staffID: staffId, counter: counter, note: note,
            createdAt: try Outbox.parseUTCTimestamp(createdAt))
    }
}
