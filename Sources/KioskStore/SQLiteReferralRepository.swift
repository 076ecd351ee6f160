public import Foundation
import GRDB
public import KioskCore

/// Referrals on the office database: the row, its outbox record and the staff audit line are
/// written in one transaction, so a referral staff saw recorded always reaches the LMIS.
public struct SQLiteReferralRepository: ReferralRepository {
    let database: AppDatabase
    let officeCode: String

    public init(database: AppDatabase, officeCode: String) {
        self.database = database
        self.officeCode = officeCode
    }

    struct Payload: Encodable {
        struct Body: Encodable {
            let id: String
            let officeCode: String
            let registrationID: String
            let vacancyReference: String
            let staffID: String
            let counter: Int
            let note: String?
            let createdAt: Date
        }
        let referral: Body
    }

    public func refer(
        registrationID: UUID, vacancyReference: String, note: String?, staffID: String, counter: Int, at instant: Date
    ) async throws -> Referral {
        let registration = registrationID.uuidString.lowercased()
        return try await database.writer.write { db in
            try SQLiteRegistrationRepository.requireExisting(
                db, key: registration, orThrow: ReferralError.unknownRegistration)
            if let existing = try Row.fetchOne(
                db, sql: "SELECT * FROM referral WHERE registration_id = ? AND vacancy_reference = ?",
                arguments: [registration, vacancyReference])
            {
                throw ReferralError.alreadyReferred(try Self.referral(existing))
            }
            let referral = Referral(
                id: UUIDv7.make(at: instant), registrationID: registrationID, vacancyReference: vacancyReference,
                staffID: staffID, counter: counter, note: note, createdAt: instant)
            let id = referral.id.uuidString.lowercased()
            try db.execute(
                sql: """
                    INSERT INTO referral (id, office_code, registration_id, vacancy_reference, staff_id, counter, note,
                        created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, officeCode, registration, vacancyReference, staffID, counter, note,
                    Outbox.utcTimestamp(instant),
                ])
            try Outbox.append(
                db, officeCode: officeCode, type: .referralRecorded,
                payload: Payload(
                    referral: Payload.Body(
                        id: id, officeCode: officeCode, registrationID: registration,
                        vacancyReference: vacancyReference, staffID: staffID, counter: counter, note: note,
                        createdAt: instant)), at: instant)
            try SQLiteStaffRepository.audit(db, staffID: staffID, action: "referral", counter: counter, at: instant)
            return referral
        }
    }

    public func referrals(registrationID: UUID) async throws -> [Referral] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM referral WHERE registration_id = ? ORDER BY created_at",
                arguments: [registrationID.uuidString.lowercased()]
            ).map(Self.referral)
        }
    }

    static func referral(_ row: Row) throws -> Referral {
        Referral(
            id: UUID(uuidString: row["id"])!, registrationID: UUID(uuidString: row["registration_id"])!,
            vacancyReference: row["vacancy_reference"], staffID: row["staff_id"], counter: row["counter"],
            note: row["note"], createdAt: try Outbox.parseUTCTimestamp(row["created_at"]))
    }
}
