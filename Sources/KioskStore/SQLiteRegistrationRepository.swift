public import Foundation
import GRDB
public import KioskCore
import LMISProtocol

/// Registrations in the office database. Each write is one transaction with its outbox record.
public struct SQLiteRegistrationRepository: RegistrationRepository {
    let database: AppDatabase
    let officeCode: String

    public init(database: AppDatabase, officeCode: String) {
        self.database = database
        self.officeCode = officeCode
    }

    public func register(
        _ details: RegistrationDetails, at instant: Date, by channel: RegistrationChannel, requestKey: RequestKey?
    ) async throws -> Registration {
        try await database.write { db in
            if let requestKey, let kept = try RequestKeys.record(requestKey, kind: .registration, at: instant, db),
                let registration = try Self.fetch(db, where: "id = ?", [Self.key(kept.recordID)])
            {
                return registration
            }
            if let existing = try String.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM registration WHERE registry_number = ?"),
                arguments: [details.registryNumber.value])
            {
                throw RegistrationStoreError.alreadyRegistered(UUID(uuidString: existing)!)
            }
            let number = try db.nextCounterValue(officeCode: officeCode, name: "registration")
            let registration = Registration(
                id: UUIDv7.make(at: instant),
                reference: Registration.reference(officeCode: officeCode, number: number),
                officeCode: officeCode, revision: 1, details: details, createdAt: instant, updatedAt: instant)
            try RegistrationRow(registration).insert(db)
            try Self.insertSkills(of: registration, db)
            try Self.keepRevision(
                of: registration, changed: RegistrationDetails.allStoredFields, by: channel, at: instant, db)
            // Unverified until the LMIS has checked the number with the civil registry.
            try db.run(
                """
                INSERT INTO identity_check (registration_id, registry_number, state, requested_at)
                VALUES (?, ?, 'pending', ?)
                """, [Self.key(registration.id), details.registryNumber.value, Outbox.utcTimestamp(instant)])
            try Outbox.append(
                db, officeCode: officeCode, type: .registrationCreated,
                payload: RegistrationChanged(registration), at: instant)
            if let requestKey {
                try RequestKeys.keep(requestKey, kind: .registration, recordID: registration.id, at: instant, db)
            }
            return registration
        }
    }

    /// An `UPDATE` of the row: the id, reference and creation time stay, so tickets, referrals,
    /// fingers and identity checks stay attached; the new revision is kept beside the earlier ones.
    public func update(
        id: UUID, with details: RegistrationDetails, at instant: Date, by channel: RegistrationChannel
    ) async throws -> Registration {
        try await database.write { db in
            guard var registration = try Self.fetch(db, where: "id = ?", [Self.key(id)]) else {
                throw RegistrationStoreError.notFound
            }
            guard registration.details.registryNumber == details.registryNumber else {
                throw RegistrationStoreError.registryNumberChanged
            }
            let changed = registration.details.changedFields(to: details)
            registration.details = details
            registration.revision += 1
            registration.updatedAt = instant
            try RegistrationRow(registration).update(db)
            if changed.contains(.skills) {
                try db.run("DELETE FROM registration_skill WHERE registration_id = ?", [Self.key(id)])
                try Self.insertSkills(of: registration, db)
            }
            try Self.keepRevision(of: registration, changed: changed, by: channel, at: instant, db)
            try Outbox.append(
                db, officeCode: officeCode, type: .registrationUpdated,
                payload: RegistrationChanged(registration), at: instant)
            return registration
        }
    }

    public func revisions(of id: UUID) async throws -> [RegistrationRevision] {
        try await database.writer.read { db in
            try RegistrationRevisionRow
                .filter(Column("registration_id") == Self.key(id))
                .order(Column("revision"))
                .fetchAll(db)
                .map { try $0.decoded() }
        }
    }

    public func registration(id: UUID) async throws -> Registration? {
        try await database.writer.read { db in try Self.fetch(db, where: "id = ?", [Self.key(id)]) }
    }

    public func registration(registryNumber: RegistryNumber) async throws -> Registration? {
        try await database.writer.read { db in try Self.fetch(db, where: "registry_number = ?", [registryNumber.value])
        }
    }

    /// Number of stored registrations (for the dashboard and tests).
    public func count() async throws -> Int {
        try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM registration") ?? 0 }
    }

    // MARK: - Rows

    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }

    /// Throws `error` unless the office holds the registration keyed `key`.
    static func requireExisting(_ db: Database, key: String, orThrow error: some Error) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM registration WHERE id = ?", arguments: [key]) == true else {
            throw error
        }
    }

    static func insertSkills(of r: Registration, _ db: Database) throws {
        for (position, skill) in r.details.skills.enumerated() {
            try db.run(
                "INSERT INTO registration_skill (registration_id, position, skill) VALUES (?, ?, ?)",
                [key(r.id), position, skill])
        }
    }

    /// Keeps `r` as it now stands as its revision, with what changed and who changed it.
    static func keepRevision(
        of r: Registration, changed: [RegistrationField], by channel: RegistrationChannel, at instant: Date,
        _ db: Database
    ) throws {
        try RegistrationRevisionRow(
            registrationId: key(r.id), revision: r.revision, at: Outbox.utcTimestamp(instant), channel: channel.name,
            staffId: channel.staffID, staffName: channel.staffName, counter: channel.counter,
            changedFields: changed.map(\.rawValue).joined(separator: ","),
            snapshot: try Outbox.json(RegistrationSnapshot(r))
        ).insert(db)
    }

    static func fetch(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> Registration?
    {
        guard
            let row = try RegistrationRow.fetchOne(
                db, sql: "SELECT * FROM registration WHERE \(condition)", arguments: arguments)
        else {
            return nil
        }
        let skills = try String.fetchAll(
            db.cachedStatement(sql: "SELECT skill FROM registration_skill WHERE registration_id = ? ORDER BY position"),
            arguments: [row.id])
        return try row.registration(skills: skills)
    }
}

/// A stored row that no longer decodes (edited by hand, or written by a newer version).
public struct StoredValueError: Error, CustomStringConvertible {
    let id: String
    public var description: String { "registration \(id) has a value this version cannot read" }
}

extension Optional {
    func orThrow(_ error: some Error) throws -> Wrapped {
        guard let value = self else { throw error }
        return value
    }
}
