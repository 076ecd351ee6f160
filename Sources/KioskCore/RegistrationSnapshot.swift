public import Foundation

/// The wire form of a registration, the same in the API and in outbox payloads: flat, ids in
/// lower case, dates as `YYYY-MM-DD`, times in UTC.
public struct RegistrationSnapshot: Codable, Sendable, Equatable {
    public let id: String
    public let reference: String
    public let officeCode: String
    public let revision: Int
    public let createdAt: Date
    public let updatedAt: Date
    public let registryNumber: String
    public let familyName: String
    public let givenName: String
    public let birthDate: String
    public let sex: String
    public let phone: String
    public let aimagCode: String
    public let soumCode: String
    public let educationCode: String
    public let occupationCode: String?
    public let skills: [String]
    /// Absent in snapshots written before licences were recorded.
    public let licences: [String]?
    public let experienceYears: Int
    public let desiredOccupationCode: String
    public let desiredJob: String?
    public let hasDisability: Bool
    public let disabilityDetail: String?
    public let status: String
    public let consentTextVersion: String
    public let consentAcceptedAt: Date
    public let language: String

    public init(_ r: Registration) {
        let d = r.details
        id = r.id.uuidString.lowercased()
        reference = r.reference
        officeCode = r.officeCode
        revision = r.revision
        createdAt = r.createdAt
        updatedAt = r.updatedAt
        registryNumber = d.registryNumber.value
        familyName = d.familyName
        givenName = d.givenName
        birthDate = d.birthDate.description
        sex = d.sex.rawValue
        phone = d.phone.digits
        aimagCode = d.address.aimagCode
        soumCode = d.address.soumCode
        educationCode = d.educationCode
        occupationCode = d.occupationCode
        skills = d.skills
        licences = d.licences
        experienceYears = d.experienceYears
        desiredOccupationCode = d.desiredOccupationCode
        desiredJob = d.desiredJob
        hasDisability = d.hasDisability
        disabilityDetail = d.disabilityDetail
        status = d.status.rawValue
        consentTextVersion = d.consent.textVersion
        consentAcceptedAt = d.consent.acceptedAt
        language = d.language.rawValue
    }
}
