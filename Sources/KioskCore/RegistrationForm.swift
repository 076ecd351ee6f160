public import Foundation

/// What the screen or an API client sends: every field optional and untyped, so that each
/// problem can be reported on its own field instead of failing the whole request.
public struct RegistrationForm: Sendable, Codable, Equatable {
    public var registryNumber: String?
    public var familyName: String?
    public var givenName: String?
    public var phone: String?
    public var aimagCode: String?
    public var soumCode: String?
    public var educationCode: String?
    public var occupationCode: String?
    public var skills: [String]?
    public var licences: [String]?
    public var experienceYears: Int?
    public var desiredOccupationCode: String?
    public var desiredJob: String?
    public var hasDisability: Bool?
    public var disabilityDetail: String?
    public var status: String?
    public var consent: Bool?
    public var language: String?
    public var keepPhone: Bool?

    public init() {}

    /// JSON keys a client may send; anything else is refused as an unknown field.
    public static let fieldNames: Set<String> = Set(RegistrationField.allCases.map(\.rawValue))
}

/// The rules of the registration form.
public struct RegistrationValidator: Sendable {
    public let catalog: ReferenceCatalog
    /// Version of the consent text shown on the screen; stored with the consent.
    public let consentTextVersion: String

    public static let maxNameLength = 40
    public static let maxSkills = 15
    public static let maxSkillLength = 60
    public static let maxFreeTextLength = 200
    public static let maxExperienceYears = 60

    public init(catalog: ReferenceCatalog, consentTextVersion: String) {
        self.catalog = catalog
        self.consentTextVersion = consentTextVersion
    }

    /// Validates the whole form. `today` is the office's local date, `now` the acceptance time.
    public func validate(_ form: RegistrationForm, today: CivilDate, now: Date) -> Result<
        RegistrationDetails, ValidationFailure
    > {
        var errors: [FieldError] = []
        func fail(_ field: RegistrationField, _ code: FieldError.Code) {
            errors.append(FieldError(field: field, code: code))
        }

        var registry: RegistryNumber?
        do {
            registry = try RegistryNumber(parsing: form.registryNumber ?? "", today: today)
        } catch {
            errors.append(FieldError(field: .registryNumber, registryNumber: error))
        }

        let familyName = name(form.familyName, .familyName, &errors)
        let givenName = name(form.givenName, .givenName, &errors)

        var phone: PhoneNumber?
        do { phone = try PhoneNumber(parsing: form.phone ?? "") } catch { fail(.phone, error) }

        var address: Address?
        if let aimag = nonEmpty(form.aimagCode) {
            if let unit = catalog.adminUnit(aimag), unit.kind.isTopLevel {
                let hasChildren = !catalog.children(of: aimag).isEmpty
                if !hasChildren, nonEmpty(form.soumCode) ?? aimag == aimag {
                    // Reference data that lists no soum or khoroo under this unit (an LMIS feed can
                    // add a unit before its children): the unit itself is the address, rather than
                    // a question nobody can answer.
                    address = Address(aimagCode: aimag, soumCode: aimag)
                } else if let soum = nonEmpty(form.soumCode) {
                    if let child = catalog.adminUnit(soum) {
                        if child.parentCode == aimag {
                            address = Address(aimagCode: aimag, soumCode: soum)
                        } else {
                            fail(.soumCode, .notInAimag)
                        }
                    } else {
                        fail(.soumCode, .unknownCode)
                    }
                } else {
                    fail(.soumCode, .required)
                }
            } else {
                fail(.aimagCode, .unknownCode)
            }
        } else {
            fail(.aimagCode, .required)
            if nonEmpty(form.soumCode) == nil { fail(.soumCode, .required) }
        }

        let education = code(form.educationCode, .educationCode, required: true, &errors) {
            catalog.educationLevel($0) != nil
        }
        let occupation = code(form.occupationCode, .occupationCode, required: false, &errors) {
            catalog.occupation($0) != nil
        }
        let desired = code(form.desiredOccupationCode, .desiredOccupationCode, required: true, &errors) {
            catalog.occupation($0) != nil
        }

        var skills: [String] = []
        var seenSkills = Set<String>()
        for raw in form.skills ?? [] {
            guard let skill = freeText(raw, .skills, maxLength: Self.maxSkillLength, &errors) else { continue }
            if seenSkills.insert(skill.lowercased()).inserted { skills.append(skill) }
        }
        if skills.count > Self.maxSkills { fail(.skills, .tooMany) }

        var licences: [String] = []
        for code in form.licences ?? [] where !licences.contains(code) {
            if Licence.codes.contains(code) { licences.append(code) } else { fail(.licences, .unknownCode) }
        }

        var experience = 0
        if let years = form.experienceYears {
            if !(0...Self.maxExperienceYears).contains(years) {
                fail(.experienceYears, .outOfRange)
            } else if let registry, years > max(0, registry.birthDate.age(on: today) - 14) {
                fail(.experienceYears, .exceedsAge)
            } else {
                experience = years
            }
        } else {
            fail(.experienceYears, .required)
        }

        let desiredJob = form.desiredJob.flatMap {
            freeText($0, .desiredJob, maxLength: Self.maxFreeTextLength, &errors)
        }

        if form.hasDisability == nil { fail(.hasDisability, .required) }
        let hasDisability = form.hasDisability ?? false
        let disabilityDetail =
            hasDisability
            ? form.disabilityDetail.flatMap {
                freeText($0, .disabilityDetail, maxLength: Self.maxFreeTextLength, &errors)
            }
            : nil

        var status: JobseekerStatus?
        if let raw = nonEmpty(form.status) {
            status = JobseekerStatus(rawValue: raw)
            if status == nil { fail(.status, .unknownCode) }
        } else {
            fail(.status, .required)
        }

        if form.consent != true { fail(.consent, .mustAccept) }

        var language = Language.mn
        if let raw = nonEmpty(form.language) {
            if let parsed = Language(code: raw) { language = parsed } else { fail(.language, .unknownCode) }
        }

        guard errors.isEmpty, let registry, let familyName, let givenName, let phone, let address,
            let education, let desired, let status
        else {
            return .failure(ValidationFailure(errors: errors))
        }
        return .success(
            RegistrationDetails(
                registryNumber: registry, familyName: familyName, givenName: givenName,
                birthDate: registry.birthDate, sex: registry.sex, phone: phone, address: address,
                educationCode: education, occupationCode: occupation, skills: skills, licences: licences,
                experienceYears: experience, desiredOccupationCode: desired, desiredJob: desiredJob,
                hasDisability: hasDisability, disabilityDetail: disabilityDetail, status: status,
                consent: Consent(textVersion: consentTextVersion, acceptedAt: now), language: language
            ))
    }

    /// Validates only `fields`, for a screen that checks one step before moving on.
    public func errors(in form: RegistrationForm, fields: Set<RegistrationField>, today: CivilDate) -> [FieldError] {
        guard case .failure(let failure) = validate(form, today: today, now: Date(timeIntervalSince1970: 0)) else {
            return []
        }
        let names = Set(fields.map(\.rawValue))
        return failure.errors.filter { names.contains($0.field) }
    }

    // MARK: - Field rules

    /// Cyrillic letters with single spaces or hyphens between parts; written as "Бат-Эрдэнэ"
    /// whatever case the keyboard produced.
    func name(_ raw: String?, _ field: RegistrationField, _ errors: inout [FieldError]) -> String? {
        let parts = (raw ?? "").split(whereSeparator: { $0.isWhitespace })
        let text = parts.joined(separator: " ")
        guard !text.isEmpty else {
            errors.append(FieldError(field: field, code: .required))
            return nil
        }
        guard text.count <= Self.maxNameLength else {
            errors.append(FieldError(field: field, code: .tooLong))
            return nil
        }
        let allowed = text.allSatisfy { $0 == " " || $0 == "-" || RegistryNumber.isCyrillicLetter($0) }
        let wellFormed = !text.hasPrefix("-") && !text.hasSuffix("-") && !text.contains("--")
        guard allowed, wellFormed else {
            errors.append(FieldError(field: field, code: .invalidCharacters))
            return nil
        }
        return Self.capitalisedName(text)
    }

    static func capitalisedName(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var part = Substring()
        func flush() {
            result += part.prefix(1).uppercased()
            result += part.dropFirst().lowercased()
        }
        var start = text.startIndex
        for index in text.indices where text[index] == " " || text[index] == "-" {
            part = text[start..<index]
            flush()
            result.append(text[index])
            start = text.index(after: index)
        }
        part = text[start...]
        flush()
        return result
    }

    func code(
        _ raw: String?, _ field: RegistrationField, required: Bool, _ errors: inout [FieldError],
        exists: (String) -> Bool
    ) -> String? {
        guard let value = nonEmpty(raw) else {
            if required { errors.append(FieldError(field: field, code: .required)) }
            return nil
        }
        guard exists(value) else {
            errors.append(FieldError(field: field, code: .unknownCode))
            return nil
        }
        return value
    }

    /// Trimmed text without control characters; nil when empty.
    func freeText(_ raw: String, _ field: RegistrationField, maxLength: Int, _ errors: inout [FieldError]) -> String? {
        let text = raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard !text.isEmpty else { return nil }
        if text.unicodeScalars.contains(where: {
            $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
        }) {
            errors.append(FieldError(field: field, code: .invalidCharacters))
            return nil
        }
        guard text.count <= maxLength else {
            errors.append(FieldError(field: field, code: .tooLong))
            return nil
        }
        return text
    }

    func nonEmpty(_ raw: String?) -> String? {
        guard let text = raw?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }
}

/// All field errors of one submitted form.
public struct ValidationFailure: Error, Sendable, Equatable {
    public let errors: [FieldError]

    public init(errors: [FieldError]) {
        self.errors = errors
    }

    public func codes(for field: RegistrationField) -> [String] {
        errors.filter { $0.field == field.rawValue }.map(\.code)
    }
}
