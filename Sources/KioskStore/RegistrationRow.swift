import Foundation
import GRDB
import KioskCore

/// A row of `registration`, read and written by column name.
struct RegistrationRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "registration"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var reference: String
    var officeCode: String
    var revision: Int
    var registryNumber: String
    var familyName: String
    var givenName: String
    var birthDate: String
    var sex: String
    var phone: String
    var aimagCode: String
    var soumCode: String
    var educationCode: String
    var occupationCode: String?
    var experienceYears: Int
    var desiredOccupationCode: String
    var desiredJob: String?
    var hasDisability: Bool
    var disabilityDetail: String?
    var status: String
    var consentTextVersion: String
    var consentAcceptedAt: String
    var language: String
    var createdAt: String
    var updatedAt: String
    /// Licence codes joined by commas (skills have a table of their own, in order).
    var licences: String

    /// The registration's columns: its wire form (`RegistrationSnapshot`, the one flattening of
    /// a registration), with times as outbox timestamps and licences joined.
    init(_ r: Registration) {
        let s = RegistrationSnapshot(r)
        (id, reference, officeCode, revision) = (s.id, s.reference, s.officeCode, s.revision)
        (registryNumber, familyName, givenName) = (s.registryNumber, s.familyName, s.givenName)
        (birthDate, sex, phone, aimagCode, soumCode) = (s.birthDate, s.sex, s.phone, s.aimagCode, s.soumCode)
        (educationCode, occupationCode, experienceYears) = (s.educationCode, s.occupationCode, s.experienceYears)
        (desiredOccupationCode, desiredJob) = (s.desiredOccupationCode, s.desiredJob)
        (hasDisability, disabilityDetail, status) = (s.hasDisability, s.disabilityDetail, s.status)
        (consentTextVersion, language) = (s.consentTextVersion, s.language)
        consentAcceptedAt = Outbox.utcTimestamp(s.consentAcceptedAt)
        createdAt = Outbox.utcTimestamp(s.createdAt)
        updatedAt = Outbox.utcTimestamp(s.updatedAt)
        licences = (s.licences ?? []).joined(separator: ",")
    }

    /// The domain value, or `StoredValueError` when a column holds what this version cannot read.
    func registration(skills: [String]) throws -> Registration {
        let stored = StoredValueError(id: id)
        let details = RegistrationDetails(
            registryNumber: try RegistryNumber(storedValue: registryNumber).orThrow(stored),
            familyName: familyName, givenName: givenName,
            birthDate: try CivilDate(iso8601: birthDate).orThrow(stored),
            sex: try Sex(rawValue: sex).orThrow(stored),
            phone: try (try? PhoneNumber(parsing: phone)).orThrow(stored),
            address: Address(aimagCode: aimagCode, soumCode: soumCode),
            educationCode: educationCode, occupationCode: occupationCode, skills: skills,
            licences: licences.isEmpty ? [] : licences.split(separator: ",").map(String.init),
            experienceYears: experienceYears, desiredOccupationCode: desiredOccupationCode,
            desiredJob: desiredJob, hasDisability: hasDisability, disabilityDetail: disabilityDetail,
            status: try JobseekerStatus(rawValue: status).orThrow(stored),
            consent: Consent(
                textVersion: consentTextVersion, acceptedAt: try Outbox.parseUTCTimestamp(consentAcceptedAt)),
            language: try Language(rawValue: language).orThrow(stored))
        return Registration(
            id: try UUID(uuidString: id).orThrow(stored), reference: reference, officeCode: officeCode,
            revision: revision, details: details, createdAt: try Outbox.parseUTCTimestamp(createdAt),
            updatedAt: try Outbox.parseUTCTimestamp(updatedAt))
    }
}

/// A row of `registration_revision`: one kept revision of a registration.
struct RegistrationRevisionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "registration_revision"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var registrationId: String
    var revision: Int
    var at: String
    /// `kiosk`, `staff`, or `migrated` (the state found when revisions began to be kept).
    var channel: String
    var staffId: String?
    var staffName: String?
    var counter: Int?
    /// Field names joined by commas; empty for a `migrated` revision (what changed before is unknown).
    var changedFields: String
    /// The registration as it stood from this revision on (`RegistrationSnapshot` as outbox JSON).
    var snapshot: String

    func decoded() throws -> RegistrationRevision {
        let stored = StoredValueError(id: registrationId)
        let channel: RegistrationChannel
        switch self.channel {
        case "kiosk": channel = .kiosk
        case "staff":
            channel = .staff(id: try staffId.orThrow(stored), name: staffName ?? "", counter: counter ?? 0)
        case "migrated": channel = .migrated
        default: throw stored
        }
        return RegistrationRevision(
            registrationID: try UUID(uuidString: registrationId).orThrow(stored), revision: revision,
            at: try Outbox.parseUTCTimestamp(at), channel: channel,
            changedFields: changedFields.split(separator: ",").compactMap { RegistrationField(rawValue: String($0)) },
            snapshot: try Outbox.decoder.decode(RegistrationSnapshot.self, from: Data(snapshot.utf8)))
    }
}
