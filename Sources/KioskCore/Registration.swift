public import Foundation

/// What a jobseeker is doing now, as the LMIS records it.
public enum JobseekerStatus: String, CaseIterable, Sendable, Codable {
    case unemployed
    case employedLooking
    case student
    case herder
    case other
}

public struct Address: Hashable, Sendable, Codable {
    /// Aimag or Ulaanbaatar district.
    public var aimagCode: String
    /// Soum or khoroo within it; the aimag or district's own code only when the reference data
    /// lists nothing under it.
    public var soumCode: String

    public init(aimagCode: String, soumCode: String) {
        self.aimagCode = aimagCode
        self.soumCode = soumCode
    }
}

/// The consent a person gave, with the version of the text they were shown.
public struct Consent: Hashable, Sendable, Codable {
    public var textVersion: String
    public var acceptedAt: Date

    public init(textVersion: String, acceptedAt: Date) {
        self.textVersion = textVersion
        self.acceptedAt = acceptedAt
    }
}

/// The validated details of a jobseeker: only what the employment service needs.
public struct RegistrationDetails: Hashable, Sendable, Codable {
    public var registryNumber: RegistryNumber
    public var familyName: String
    public var givenName: String
    public var birthDate: CivilDate
    public var sex: Sex
    public var phone: PhoneNumber
    public var address: Address
    public var educationCode: String
    public var occupationCode: String?
    public var skills: [String]
    /// Licences the person holds (`Licence.codes`): a must-have for some vacancies.
    public var licences: [String]
    public var experienceYears: Int
    public var desiredOccupationCode: String
    public var desiredJob: String?
    public var hasDisability: Bool
    public var disabilityDetail: String?
    public var status: JobseekerStatus
    public var consent: Consent
    public var language: Language

    public init(
        registryNumber: RegistryNumber, familyName: String, givenName: String, birthDate: CivilDate, sex: Sex,
        phone: PhoneNumber, address: Address, educationCode: String, occupationCode: String?, skills: [String],
        licences: [String] = [], experienceYears: Int, desiredOccupationCode: String, desiredJob: String?,
        hasDisability: Bool,
        disabilityDetail: String?, status: JobseekerStatus, consent: Consent, language: Language
    ) {
        self.registryNumber = registryNumber
        self.familyName = familyName
        self.givenName = givenName
        self.birthDate = birthDate
        self.sex = sex
        self.phone = phone
        self.address = address
        self.educationCode = educationCode
        self.occupationCode = occupationCode
        self.skills = skills
        self.licences = licences
        self.experienceYears = experienceYears
        self.desiredOccupationCode = desiredOccupationCode
        self.desiredJob = desiredJob
        self.hasDisability = hasDisability
        self.disabilityDetail = disabilityDetail
        self.status = status
        self.consent = consent
        self.language = language
    }

    /// "Б. Болд": how screens greet a returning person without showing more than needed.
    public var displayName: String {
        guard let initial = familyName.first else { return givenName }
        return "\(initial). \(givenName)"
    }
}

/// Licences a registration records: the Mongolian driving licence categories.
public enum Licence {
    public static let codes = ["driving-a", "driving-b", "driving-c", "driving-d", "driving-e", "driving-m"]
}

/// A stored registration.
public struct Registration: Hashable, Sendable, Codable, Identifiable {
    public var id: UUID
    /// Short code printed on the receipt and said at the desk, e.g. `UB-SB-000042`.
    public var reference: String
    public var officeCode: String
    /// Increments with each update, starting at 1.
    public var revision: Int
    public var details: RegistrationDetails
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, reference: String, officeCode: String, revision: Int, details: RegistrationDetails,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.reference = reference
        self.officeCode = officeCode
        self.revision = revision
        self.details = details
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Registration {
    /// The reference printed for the `number`-th registration of an office: `UB-SB-000042`.
    public static func reference(officeCode: String, number: Int64) -> String {
        "\(officeCode)-\(String(number).leftPadded(to: 6))"
    }
}

/// Storage of registrations. Every write also appends its outbox record and the registration's
/// revision in the same transaction.
public protocol RegistrationRepository: Sendable {
    /// Stores a new registration (revision 1) with `requestKey`, in one transaction; throws
    /// `RegistrationStoreError.alreadyRegistered` when the registry number is already known, so a
    /// person is never registered twice. When `requestKey` already registered someone, that
    /// registration is answered again (before the duplicate check) and nothing is stored.
    func register(
        _ details: RegistrationDetails, at instant: Date, by channel: RegistrationChannel, requestKey: RequestKey?
    ) async throws -> Registration
    /// Changes the details of an existing registration in place (same id, reference and registry
    /// number; tickets, referrals and fingers stay attached) and keeps the revision before.
    func update(id: UUID, with details: RegistrationDetails, at instant: Date, by channel: RegistrationChannel)
        async throws -> Registration
    func registration(id: UUID) async throws -> Registration?
    func registration(registryNumber: RegistryNumber) async throws -> Registration?
    /// Every kept revision, oldest first; empty when the office holds no such registration.
    func revisions(of id: UUID) async throws -> [RegistrationRevision]
}

extension RegistrationRepository {
    /// A registration made at the kiosk.
    public func register(_ details: RegistrationDetails, at instant: Date) async throws -> Registration {
        try await register(details, at: instant, by: .kiosk)
    }

    /// A registration made without a request key (tools and tests).
    public func register(_ details: RegistrationDetails, at instant: Date, by channel: RegistrationChannel)
        async throws -> Registration
    {
        try await register(details, at: instant, by: channel, requestKey: nil)
    }

    /// An update made at the kiosk.
    public func update(id: UUID, with details: RegistrationDetails, at instant: Date) async throws -> Registration {
        try await update(id: id, with: details, at: instant, by: .kiosk)
    }
}

public struct RegistrationStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable { case alreadyRegistered(UUID), notFound, registryNumberChanged }
    private let code: Code

    public static func alreadyRegistered(_ id: UUID) -> Self { Self(code: .alreadyRegistered(id)) }
    public static let notFound = Self(code: .notFound)
    public static let registryNumberChanged = Self(code: .registryNumberChanged)

    /// The existing registration's id when the error is `alreadyRegistered`.
    public var existingID: UUID? {
        if case .alreadyRegistered(let id) = code { return id }
        return nil
    }

    public var description: String {
        switch code {
        case .alreadyRegistered: "registry number already registered"
        case .notFound: "registration not found"
        case .registryNumberChanged: "an update may not change the registry number"
        }
    }
}
