public import Foundation

/// The payload of a `programme.referral` outbox record: a referral to an employment promotion
/// programme as it stands, at the referral and again with its outcome.
public struct ProgrammeReferralRecorded: Codable, Sendable, Hashable {
    public struct Referral: Codable, Sendable, Hashable {
        public var id: String
        public var officeCode: String
        public var registrationID: String
        public var programmeCode: String
        public var staffID: String
        public var referredAt: Date
        /// Office-local date, `2026-12-08`.
        public var referredOn: String
        /// `completed`, `droppedOut`, `didNotGo`; nil until recorded.
        public var outcome: String?
        public var outcomeOn: String?
        public var outcomeBy: String?

        public init(
            id: String, officeCode: String, registrationID: String, programmeCode: String, staffID: String,
            referredAt: Date, referredOn: String, outcome: String?, outcomeOn: String?, outcomeBy: String?
        ) {
            self.id = id
            self.officeCode = officeCode
            self.registrationID = registrationID
            self.programmeCode = programmeCode
            self.staffID = staffID
            self.referredAt = referredAt
            self.referredOn = referredOn
            self.outcome = outcome
            self.outcomeOn = outcomeOn
            self.outcomeBy = outcomeBy
        }
    }

    public var referral: Referral

    public init(referral: Referral) { self.referral = referral }
}
