public import Foundation
import GRDB
public import KioskCore

/// Registrations in the office database. Each write is one transaction with its outbox record.
public struct SQLiteRegistrationRepository: RegistrationRepository {
    let database: AppDatabase
    let officeCode: String

    public init(database: AppDatabase, officeCode: String) {
        self.database = database
        self.officeCode = officeCode
    }

    /// What the LMIS receives for a registration change: the whole record, nothing to look up.
    struct RegistrationPayload: Encodable {
        let registration: RegistrationSnapshot
        init(registration: Registration) { self.registration = RegistrationSnapshot(registration) }
    }

    public func register(_ details: RegistrationDetails, at instant: Date) async throws -> Registration {
        try await database.write { db in
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
            try Self.insert(registration, db)
            // Unverified until the LMIS has checked the number with the civil registry.
            try db.run(
                """
                INSERT INTO identity_check (registration_id, registry_number, state, requested_at)
                VALUES (?, ?, 'pending', ?)
                """, [Self.key(registration.id), details.registryNumber.value, Outbox.utcTimestamp(instant)])
            try Outbox.append(
                db, officeCode: officeCode, type: .registrationCreated,
                payload: RegistrationPayload(registration: registration), at: instant)
            return registration
        }
    }

    public func update(id: UUID, with details: RegistrationDetails, at instant: Date) async throws -> Registration {
        try await database.write { db in
            guard var registration = try Self.fetch(db, where: "id = ?", [Self.key(id)]) else {
                throw RegistrationStoreError.notFound
            }
            guard registration.details.registryNumber == details.registryNumber else {
                throw RegistrationStoreError.registryNumberChanged
            }
            registration.details = details
            registration.revision += 1
            registration.updatedAt = instant
            try db.run("DELETE FROM registration_skill WHERE registration_id = ?", [Self.key(id)])
            try db.run("DELETE FROM registration WHERE id = ?", [Self.key(id)])
            try Self.insert(registration, db)
            try Outbox.append(
                db, officeCode: officeCode, type: .registrationUpdated,
                payload: RegistrationPayload(registration: registration), at: instant)
            return registration
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

    static func insert(_ r: Registration, _ db: Database) throws {
        let d = r.details
        try db.run(
            """
            INSERT INTO registration (
                id, reference, office_code, revision, registry_number, family_name, given_name, birth_date, sex,
                phone, aimag_code, soum_code, education_code, occupation_code, experience_years,
                desired_occupation_code, desired_job, has_disability, disability_detail, status,
                consent_text_version, consent_accepted_at, language, created_at, updated_at, licences
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                key(r.id), r.reference, r.officeCode, r.revision, d.registryNumber.value, d.familyName, d.givenName,
                d.birthDate.description, d.sex.rawValue, d.phone.digits, d.address.aimagCode, d.address.soumCode,
                d.educationCode, d.occupationCode, d.experienceYears, d.desiredOccupationCode, d.desiredJob,
                d.hasDisability, d.disabilityDetail, d.status.rawValue, d.consent.textVersion,
                Outbox.utcTimestamp(d.consent.acceptedAt), d.language.rawValue, Outbox.utcTimestamp(r.createdAt),
                Outbox.utcTimestamp(r.updatedAt), d.licences.joined(separator: ","),
            ])
        for (position, skill) in d.skills.enumerated() {
            try db.run(
                "INSERT INTO registration_skill (registration_id, position, skill) VALUES (?, ?, ?)",
                [key(r.id), position, skill])
        }
    }

    static func fetch(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> Registration?
    {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM registration WHERE \(condition)", arguments: arguments)
        else {
            return nil
        }
        let id: String = row["id"]
        let skills = try String.fetchAll(
            db, sql: "SELECT skill FROM registration_skill WHERE registration_id = ? ORDER BY position", arguments: [id]
        )
        let stored = StoredValueError(id: id)
        let licences: String = row["licences"]
        let registry = try RegistryNumber(storedValue: row["registry_number"]).orThrow(stored)
        let details = RegistrationDetails(
            registryNumber: registry,
            familyName: row["family_name"], givenName: row["given_name"],
            birthDate: try CivilDate(iso8601: row["birth_date"]).orThrow(stored),
            sex: try Sex(rawValue: row["sex"]).orThrow(stored),
            phone: try (try? PhoneNumber(parsing: row["phone"] as String)).orThrow(stored),
            address: Address(aimagCode: row["aimag_code"], soumCode: row["soum_code"]),
            educationCode: row["education_code"], occupationCode: row["occupation_code"], skills: skills,
            licences: licences.isEmpty ? [] : licences.split(separator: ",").map(String.init),
            experienceYears: row["experience_years"], desiredOccupationCode: row["desired_occupation_code"],
            desiredJob: row["desired_job"], hasDisability: row["has_disability"],
            disabilityDetail: row["disability_detail"],
            status: try JobseekerStatus(rawValue: row["status"]).orThrow(stored),
            consent: Consent(
                textVersion: row["consent_text_version"],
                acceptedAt: try Outbox.parseUTCTimestamp(row["consent_accepted_at"])),
            language: try Language(rawValue: row["language"]).orThrow(stored))
        return Registration(
            id: try UUID(uuidString: id).orThrow(stored), reference: row["reference"], officeCode: row["office_code"],
            revision: row["revision"], details: details,
            createdAt: try Outbox.parseUTCTimestamp(row["created_at"]),
            updatedAt: try Outbox.parseUTCTimestamp(row["updated_at"]))
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
