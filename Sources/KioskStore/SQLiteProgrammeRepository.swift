public import Foundation
import GRDB
public import KioskCore
import LMISProtocol

/// Programme referrals on the office database: the quota is checked and the place taken in one
/// transaction (writes never interleave), with the outbox record (`programme.referral`) and the
/// staff audit line.
public struct SQLiteProgrammeRepository: ProgrammeRepository {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func programmes() async throws -> [Programme] {
        try await database.writer.read { db in try ReferenceStore.programmes(db) }
    }

    public func refer(_ referral: ProgrammeReferral, programme: Programme, quota: Int, counter: Int) async throws
        -> ProgrammeReferral
    {
        try await database.write { db in
            try SQLiteRegistrationRepository.requireExisting(
                db, key: Self.key(referral.registrationID), orThrow: ProgrammeError.unknownRegistration)
            let open = try Bool.fetchOne(
                db,
                sql: """
                    SELECT 1 FROM programme_referral WHERE registration_id = ? AND programme_code = ? AND outcome IS NULL
                    """, arguments: [Self.key(referral.registrationID), programme.code])
            if open == true { throw ProgrammeError.alreadyEnrolled }
            let held =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM programme_referral WHERE programme_code = ? AND referred_on BETWEEN ? AND ?
                        AND (outcome IS NULL OR outcome <> 'didNotGo')
                        """, arguments: [programme.code, programme.starts.description, programme.ends.description]) ?? 0
            if held >= quota { throw ProgrammeError.quotaFull }
            try ProgrammeReferralRow(referral).insert(db)
            try Self.record(referral, at: referral.referredAt, db)
            try SQLiteStaffRepository.audit(
                db, staffID: referral.staffID, action: "programme.refer", counter: counter, at: referral.referredAt)
            return referral
        }
    }

    public func recordOutcome(
        id: UUID, _ outcome: ProgrammeOutcome, on date: CivilDate, by staffID: String, counter: Int, at instant: Date
    ) async throws -> ProgrammeReferral {
        try await database.write { db in
            guard var referral = try ProgrammeReferralRow.fetchOne(db, key: Self.key(id))?.referral() else {
                throw ProgrammeError.referralNotFound
            }
            guard referral.outcome == nil else { throw ProgrammeError.outcomeRecorded }
            referral.outcome = outcome
            referral.outcomeOn = date
            referral.outcomeBy = staffID
            try ProgrammeReferralRow(referral).update(db)
            try Self.record(referral, at: instant, db)
            try SQLiteStaffRepository.audit(
                db, staffID: staffID, action: "programme.outcome", counter: counter, at: instant)
            return referral
        }
    }

    public func referral(id: UUID) async throws -> ProgrammeReferral? {
        try await database.writer.read { db in try ProgrammeReferralRow.fetchOne(db, key: Self.key(id))?.referral() }
    }

    public func referrals(registrationID: UUID) async throws -> [ProgrammeReferral] {
        try await database.writer.read { db in
            try ProgrammeReferralRow.filter(Column("registration_id") == Self.key(registrationID))
                .order(Column("referred_at").desc).fetchAll(db).map { try $0.referral() }
        }
    }

    public func counts(for programme: Programme) async throws -> [ProgrammeOutcome?: Int] {
        try await database.writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT outcome, COUNT(*) AS n FROM programme_referral
                    WHERE programme_code = ? AND referred_on BETWEEN ? AND ? GROUP BY outcome
                    """, arguments: [programme.code, programme.starts.description, programme.ends.description])
            var counts: [ProgrammeOutcome?: Int] = [:]
            for row in rows {
                let outcome: String? = row["outcome"]
                counts[outcome.flatMap(ProgrammeOutcome.init(rawValue:))] = row["n"]
            }
            return counts
        }
    }

    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }

    static func record(_ r: ProgrammeReferral, at instant: Date, _ db: Database) throws {
        try Outbox.append(
            db, officeCode: r.officeCode, type: .programmeReferral,
            payload: ProgrammeReferralRecorded(
                referral: .init(
                    id: key(r.id), officeCode: r.officeCode, registrationID: key(r.registrationID),
                    programmeCode: r.programmeCode, staffID: r.staffID, referredAt: r.referredAt,
                    referredOn: r.referredOn.description, outcome: r.outcome?.rawValue,
                    outcomeOn: r.outcomeOn?.description, outcomeBy: r.outcomeBy)), at: instant)
    }
}

/// A row of `programme_referral`.
struct ProgrammeReferralRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "programme_referral"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var officeCode: String
    var registrationId: String
    var programmeCode: String
    var staffId: String
    var referredAt: String
    var referredOn: String
    var outcome: String?
    var outcomeOn: String?
    var outcomeBy: String?

    init(_ r: ProgrammeReferral) {
        id = SQLiteProgrammeRepository.key(r.id)
        officeCode = r.officeCode
        registrationId = SQLiteProgrammeRepository.key(r.registrationID)
        programmeCode = r.programmeCode
        staffId = r.staffID
        referredAt = Outbox.utcTimestamp(r.referredAt)
        referredOn = r.referredOn.description
        outcome = r.outcome?.rawValue
        outcomeOn = r.outcomeOn?.description
        outcomeBy = r.outcomeBy
    }

    func referral() throws -> ProgrammeReferral {
        let invalid = StoredValueError(id: id)
        var r = ProgrammeReferral(
            id: try UUID(uuidString: id).orThrow(invalid), officeCode: officeCode,
            registrationID: try UUID(uuidString: registrationId).orThrow(invalid), programmeCode: programmeCode,
            staffID: staffId, referredAt: try Outbox.parseUTCTimestamp(referredAt),
            referredOn: try CivilDate(iso8601: referredOn).orThrow(invalid))
        r.outcome = try outcome.map { try ProgrammeOutcome(rawValue: $0).orThrow(invalid) }
        r.outcomeOn = try outcomeOn.map { try CivilDate(iso8601: $0).orThrow(invalid) }
        r.outcomeBy = outcomeBy
        return r
    }
}
