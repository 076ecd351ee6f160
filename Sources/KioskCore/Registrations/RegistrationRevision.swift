public import Foundation

/// Who made a change to a registration: the visitor at the kiosk, or a member of staff.
public enum RegistrationChannel: Hashable, Sendable {
    case kiosk
    /// A signed-in member of staff (their id and display name, and the counter they sat at).
    case staff(id: String, name: String, counter: Int)
    /// The state a registration was in when the office began to keep revisions: who made it is
    /// not known.
    case migrated

    /// `kiosk`, `staff` or `migrated`, as stored and shown.
    public var name: String {
        switch self {
        case .kiosk: "kiosk"
        case .staff: "staff"
        case .migrated: "migrated"
        }
    }

    public var staffID: String? {
        if case .staff(let id, _, _) = self { return id }
        return nil
    }

    public var staffName: String? {
        if case .staff(_, let name, _) = self { return name }
        return nil
    }

    public var counter: Int? {
        if case .staff(_, _, let counter) = self { return counter }
        return nil
    }
}

/// One kept revision of a registration: what it held from that moment, what changed from the
/// revision before, when and through which channel. Revisions are never rewritten.
public struct RegistrationRevision: Sendable, Equatable {
    public var registrationID: UUID
    public var revision: Int
    public var at: Date
    public var channel: RegistrationChannel
    /// The fields that differ from the revision before (every field of the first revision).
    public var changedFields: [RegistrationField]
    /// The registration as it stood from this revision on.
    public var snapshot: RegistrationSnapshot

    public init(
        registrationID: UUID, revision: Int, at: Date, channel: RegistrationChannel,
        changedFields: [RegistrationField], snapshot: RegistrationSnapshot
    ) {
        self.registrationID = registrationID
        self.revision = revision
        self.at = at
        self.channel = channel
        self.changedFields = changedFields
        self.snapshot = snapshot
    }
}

extension RegistrationDetails {
    /// The fields whose values differ in `other`, in the order of `RegistrationField`
    /// (the registry number never changes; the consent counts when its text version does).
    public func changedFields(to other: RegistrationDetails) -> [RegistrationField] {
        RegistrationField.allCases.filter { field in
            switch field {
            case .registryNumber: registryNumber != other.registryNumber
            case .familyName: familyName != other.familyName
            case .givenName: givenName != other.givenName
            case .phone: phone != other.phone
            case .aimagCode: address.aimagCode != other.address.aimagCode
            case .soumCode: address.soumCode != other.address.soumCode
            case .educationCode: educationCode != other.educationCode
            case .occupationCode: occupationCode != other.occupationCode
            case .skills: skills != other.skills
            case .licences: licences != other.licences
            case .experienceYears: experienceYears != other.experienceYears
            case .desiredOccupationCode: desiredOccupationCode != other.desiredOccupationCode
            case .desiredJob: desiredJob != other.desiredJob
            case .hasDisability: hasDisability != other.hasDisability
            case .disabilityDetail: disabilityDetail != other.disabilityDetail
            case .status: status != other.status
            case .consent: consent.textVersion != other.consent.textVersion
            case .language: language != other.language
            case .keepPhone: false
            }
        }
    }

    /// Every field a first revision sets.
    public static var allStoredFields: [RegistrationField] {
        RegistrationField.allCases.filter { $0 != .keepPhone }
    }
}
