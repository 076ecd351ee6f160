/// One rejected field of a form. `code` is stable and doubles as the locale key of the message
/// (`errors.<code>` in `Kiosk/locales/*.json`); it never contains what the visitor typed.
public struct FieldError: Error, Hashable, Sendable, Codable {
    public let field: String
    public let code: String

    public init(field: String, code: String) {
        self.field = field
        self.code = code
    }

    public init(field: RegistrationField, code: Code) {
        self.init(field: field.rawValue, code: code.rawValue)
    }

    public init(field: RegistrationField, registryNumber error: RegistryNumberError) {
        self.init(field: field.rawValue, code: "registryNumber.\(error.identifier)")
    }

    /// Generic reasons shared by several fields.
    public enum Code: String, Error, Sendable {
        case required
        case tooLong
        case invalidCharacters
        case wrongLength
        case notMobile
        case unknownCode
        case notInAimag
        case outOfRange
        case tooMany
        case mustAccept
        case exceedsAge
    }
}

/// Every field a registration form carries, named as in the JSON API.
public enum RegistrationField: String, CaseIterable, Sendable, Codable {
    case registryNumber
    case familyName
    case givenName
    case phone
    case aimagCode
    case soumCode
    case educationCode
    case occupationCode
    case skills
    /// Licence codes the person holds (`driving-c`), from `Licence.codes`.
    case licences
    case experienceYears
    case desiredOccupationCode
    case desiredJob
    case hasDisability
    case disabilityDetail
    case status
    case consent
    case language
    /// On an update, `true` with no `phone` keeps the stored number (the screen never sees it).
    case keepPhone
}
