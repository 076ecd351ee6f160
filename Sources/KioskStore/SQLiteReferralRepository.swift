public import Foundation
import GRDB
public import KioskCore
import LMISProtocol

/// Referrals on the office database: the row, its outbox record and the staff audit line are
/// written in one transaction, so a referral staff saw recorded always reaches the LMIS.
public struct SQLiteReferralRepository: ReferralRepository {
    let database: AppDatabase
    let officeCode: String

    public init(database: AppDatabase, officeCode: String) {
        self.database = database
        self.officeCode = officeCode
    }

    public func refer(
        registrationID: UUID, vacancyReference: String, note: String?, staffID: String, counter: Int, at instant: Date
    ) async throws -> Referral {
        let registration = registrationID.uuidString.lowercased()
        return try await database.writer.write { db in
            try SQLiteRegistrationRepository.requireExisting(
                db, key: registration, orThrow: ReferralError.unknownRegistration)
            if let existing = try ReferralRow.filter(
                Column("registration_id") == registration && Column("vacancy_reference") == vacancyReference
            ).fetchOne(db) {
                throw ReferralError.alreadyReferred(try existing.referral())
            }
            let referral = Referral(
                id: UUIDv7.make(at: instant), registrationID: registrationID, vacancyReference: vacancyReference,
                staffID: staffID, counter: counter, note: note, createdAt: instant)
            let id = referral.id.uuidString.lowercased()
            try ReferralRow(referral, officeCode: officeCode).insert(db)
            try Outbox.append(
                db, officeCode: officeCode, type: .referralRecorded,
                payload: ReferralRecorded(
                    referral: .init(
                        id: id, officeCode: officeCode, registrationID: registration,
                        vacancyReference: vacancyReference, staffID: staffID, counter: counter, note: note,
                        createdAt: instant)), at: instant)
            try SQLiteStaffRepository.audit(db, staffID: staffID, action: "referral", counter: counter, at: instant)
            return referral
        }
    }

    public func referrals(registrationID: UUID) async throws -> [Referral] {
        try await database.writer.read { db in
            try ReferralRow.filter(Column("registration_id") == registrationID.uuidString.lowercased())
                .order(Column("created_at")).fetchAll(db).map { try $0.referral() }
        }
    }
}
