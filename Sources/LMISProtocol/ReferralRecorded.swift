public import Foundation

/// The payload of a `referral.recorded` outbox record.
public struct ReferralRecorded: Codable, Sendable, Hashable {
    public struct Referral: Codable, Sendable, Hashable {
        public var id: String
        public var officeCode: String
        public var registrationID: String
        public var vacancyReference: String
        public var staffID: String
        public var counter: Int
        public var note: String?
        public var createdAt: Date

        public init(
            id: String, officeCode: String, registrationID: String, vacancyReference: String, staffID: String,
            counter: Int, note: String?, createdAt: Date
        ) {
            self.id = id
            self.officeCode = officeCode
            self.registrationID = registrationID
            self.vacancyReference = vacancyReference
            self.staffID = staffID
            self.counter = counter
            self.note = note
            self.createdAt = createdAt
        }
    }

    public var referral: Referral

    public init(referral: Referral) { self.referral = referral }
}
