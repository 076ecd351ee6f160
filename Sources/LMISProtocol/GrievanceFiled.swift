public import Foundation

/// The payload of a `grievance.filed` outbox record.
public struct GrievanceFiled: Codable, Sendable, Hashable {
    public struct Grievance: Codable, Sendable, Hashable {
        public var id: String
        public var trackingCode: String
        public var officeCode: String
        public var category: String
        public var text: String
        public var area: String?
        public var contactName: String?
        public var contactPhone: String?
        public var language: String
        public var filedAt: Date
        public var dueOn: String

        public init(
            id: String, trackingCode: String, officeCode: String, category: String, text: String, area: String?,
            contactName: String?, contactPhone: String?, language: String, filedAt: Date, dueOn: String
        ) {
            self.id = id
            self.trackingCode = trackingCode
            self.officeCode = officeCode
            self.category = category
            self.text = text
            self.area = area
            self.contactName = contactName
            self.contactPhone = contactPhone
            self.language = language
            self.filedAt = filedAt
            self.dueOn = dueOn
        }
    }

    public var grievance: Grievance

    public init(grievance: Grievance) { self.grievance = grievance }
}
