public import Foundation

/// The payload of a `registration.created` or `registration.updated` outbox record: the whole
/// registration as it stands, nothing to look up. Ids in lower case, dates as `YYYY-MM-DD`.
public struct RegistrationChanged: Codable, Sendable, Hashable {
    public struct Registration: Codable, Sendable, Hashable {
        public var id: String
        public var reference: String
        public var officeCode: String
        public var revision: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var registryNumber: String
        public var familyName: String
        public var givenName: String
        public var birthDate: String
        public var sex: String
        public var phone: String
        public var aimagCode: String
        public var soumCode: String
        public var educationCode: String
        public var occupationCode: String?
        public var skills: [String]
        /// Absent in records written before licences were recorded.
        public var licences: [String]?
        public var experienceYears: Int
        public var desiredOccupationCode: String
        public var desiredJob: String?
        public var hasDisability: Bool
        public var disabilityDetail: String?
        public var status: String
        public var consentTextVersion: String
        public var consentAcceptedAt: Date
        public var language: String

        public init(
            id: String, reference: String, officeCode: String, revision: Int, createdAt: Date, updatedAt: Date,
            registryNumber: String, familyName: String, givenName: String, birthDate: String, sex: String,
            phone: String, aimagCode: String, soumCode: String, educationCode: String, occupationCode: String?,
            skills: [String], licences: [String]?, experienceYears: Int, desiredOccupationCode: String,
            desiredJob: String?, hasDisability: Bool, disabilityDetail: String?, status: String,
            consentTextVersion: String, consentAcceptedAt: Date, language: String
        ) {
            self.id = id
            self.reference = reference
            self.officeCode = officeCode
            self.revision = revision
            self.createdAt = createdAt
            self.updatedAt = updatedAt
            self.registryNumber = registryNumber
            self.familyName = familyName
            self.givenName = givenName
            self.birthDate = birthDate
            self.sex = sex
            self.phone = phone
            self.aimagCode = aimagCode
            self.soumCode = soumCode
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
            self.consentTextVersion = consentTextVersion
            self.consentAcceptedAt = consentAcceptedAt
            self.language = language
        }
    }

    public var registration: Registration

    public init(registration: Registration) { self.registration = registration }
}
