public import Foundation

/// An organisation that takes people on, registered at the counter of an office.
public struct Employer: Sendable, Hashable, Codable {
    public var id: UUID
    public var officeCode: String
    public var details: EmployerDetails
    public var createdAt: Date

    public init(id: UUID, officeCode: String, details: EmployerDetails, createdAt: Date) {
        self.id = id
        self.officeCode = officeCode
        self.details = details
        self.createdAt = createdAt
    }
}

/// The checked details of an employer.
public struct EmployerDetails: Sendable, Hashable, Codable {
    public var name: String
    /// The state registration number of the legal entity (`OrganisationNumber`).
    public var registerNumber: String
    /// ISIC Rev. 4 section letter (`EmployerSector`).
    public var sector: String
    public var address: Address
    public var contactName: String
    public var phone: PhoneNumber

    public init(
        name: String, registerNumber: String, sector: String, address: Address, contactName: String, phone: PhoneNumber
    ) {
        self.name = name
        self.registerNumber = registerNumber
        self.sector = sector
        self.address = address
        self.contactName = contactName
        self.phone = phone
    }
}

/// The state registration number of a Mongolian legal entity (company, NGO, state body): seven
/// digits, given by the legal entities' registration office and used as the organisation's
/// taxpayer number too. No check digit is published, so only the form is checked: spaces the
/// officer types between groups are dropped, anything else than seven ASCII digits is refused.
public enum OrganisationNumber {
    public static let length = 7

    /// The number without spaces, or the reason it is refused (`required`, `registerNumber`).
    public static func parse(_ raw: String?) -> Result<String, FieldError> {
        let typed = (raw ?? "").filter { !$0.isWhitespace }
        guard !typed.isEmpty else { return .failure(FieldError(field: "registerNumber", code: "required")) }
        guard typed.count == length, typed.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .failure(FieldError(field: "registerNumber", code: "organisationNumber"))
        }
        return .success(typed)
    }
}

/// Economic sectors, the sections of ISIC Rev. 4 (as Mongolia's classification of economic
/// activities, ЭЗҮАНА, uses them); the screens word them from `employer.sectors.<letter>`.
public enum EmployerSector {
    public static let codes: [String] = (UInt8(ascii: "A")...UInt8(ascii: "U")).map { String(UnicodeScalar($0)) }
}

/// What an officer types for an employer, as the JSON API receives it.
public struct EmployerForm: Sendable, Hashable, Codable {
    public var name: String?
    public var registerNumber: String?
    public var sector: String?
    public var aimagCode: String?
    public var soumCode: String?
    public var contactName: String?
    public var phone: String?

    public init(
        name: String? = nil, registerNumber: String? = nil, sector: String? = nil, aimagCode: String? = nil,
        soumCode: String? = nil, contactName: String? = nil, phone: String? = nil
    ) {
        self.name = name
        self.registerNumber = registerNumber
        self.sector = sector
        self.aimagCode = aimagCode
        self.soumCode = soumCode
        self.contactName = contactName
        self.phone = phone
    }
}

/// Checks forms of employers and vacancies as strictly as registrations: every field named in
/// the answer, codes from the reference catalog, free text without control characters.
public struct IntakeValidator: Sendable {
    public let catalog: ReferenceCatalog

    public init(catalog: ReferenceCatalog) { self.catalog = catalog }

    public static let maxNameLength = 120
    public static let maxContactLength = 80

    public func validate(_ form: EmployerForm) -> Result<EmployerDetails, ValidationFailure> {
        var errors: [FieldError] = []
        let name = text(form.name, "name", limit: Self.maxNameLength, required: true, &errors)
        var number: String?
        switch OrganisationNumber.parse(form.registerNumber) {
        case .success(let value): number = value
        case .failure(let error): errors.append(error)
        }
        var sector: String?
        if let raw = trimmed(form.sector) {
            if EmployerSector.codes.contains(raw) {
                sector = raw
            } else {
                errors.append(FieldError(field: "sector", code: "unknownCode"))
            }
        } else {
            errors.append(FieldError(field: "sector", code: "required"))
        }
        let address = place(aimag: form.aimagCode, soum: form.soumCode, soumRequired: true, &errors)
        let contact = text(form.contactName, "contactName", limit: Self.maxContactLength, required: true, &errors)
        var phone: PhoneNumber?
        do {
            phone = try PhoneNumber(parsing: form.phone ?? "")
        } catch {
            errors.append(FieldError(field: "phone", code: error.rawValue))
        }
        guard errors.isEmpty, let name, let number, let sector, let address, let contact, let phone else {
            return .failure(ValidationFailure(errors: errors))
        }
        return .success(
            EmployerDetails(
                name: name, registerNumber: number, sector: sector,
                address: Address(aimagCode: address.aimag, soumCode: address.soum ?? address.aimag),
                contactName: contact, phone: phone))
    }

    // MARK: - Shared checks

    func trimmed(_ raw: String?) -> String? {
        guard let text = raw?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// One line of free text, inner runs of spaces made one.
    func text(_ raw: String?, _ field: String, limit: Int, required: Bool, _ errors: inout [FieldError]) -> String? {
        let joined = (raw ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        switch FreeText.checked(joined, field: field, limit: limit, required: required, lines: false) {
        case .success(let value): return value
        case .failure(let error):
            errors.append(error)
            return nil
        }
    }

    /// An aimag or district and, within it, a soum or khoroo (required for an employer's address,
    /// optional for a vacancy's place when the job is anywhere in the aimag).
    func place(aimag rawAimag: String?, soum rawSoum: String?, soumRequired: Bool, _ errors: inout [FieldError])
        -> (aimag: String, soum: String?)?
    {
        guard let aimag = trimmed(rawAimag) else {
            errors.append(FieldError(field: "aimagCode", code: "required"))
            return nil
        }
        guard let unit = catalog.adminUnit(aimag), unit.kind.isTopLevel else {
            errors.append(FieldError(field: "aimagCode", code: "unknownCode"))
            return nil
        }
        guard let soum = trimmed(rawSoum) else {
            if soumRequired && !catalog.children(of: aimag).isEmpty {
                errors.append(FieldError(field: "soumCode", code: "required"))
                return nil
            }
            return (aimag, nil)
        }
        guard let child = catalog.adminUnit(soum) else {
            errors.append(FieldError(field: "soumCode", code: "unknownCode"))
            return nil
        }
        guard child.parentCode == aimag else {
            errors.append(FieldError(field: "soumCode", code: "notInAimag"))
            return nil
        }
        return (aimag, soum)
    }
}
