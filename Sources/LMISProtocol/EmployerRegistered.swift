public import Foundation

/// The payload of an `employer.registered` outbox record: an employer an office registered.
public struct EmployerRegistered: Codable, Sendable, Hashable {
    public var id: String
    public var officeCode: String
    public var name: String
    /// The legal entity's state registration number, seven digits.
    public var registerNumber: String
    /// ISIC Rev. 4 section letter.
    public var sector: String
    public var aimagCode: String
    public var soumCode: String
    public var contactName: String
    public var phone: String
    public var staffID: String
    public var createdAt: Date

    public init(
        id: String, officeCode: String, name: String, registerNumber: String, sector: String, aimagCode: String,
        soumCode: String, contactName: String, phone: String, staffID: String, createdAt: Date
    ) {
        self.id = id
        self.officeCode = officeCode
        self.name = name
        self.registerNumber = registerNumber
        self.sector = sector
        self.aimagCode = aimagCode
        self.soumCode = soumCode
        self.contactName = contactName
        self.phone = phone
        self.staffID = staffID
        self.createdAt = createdAt
    }
}
