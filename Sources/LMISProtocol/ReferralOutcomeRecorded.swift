public import Foundation

/// The payload of a `referral.outcome` outbox record: what became of a referral to a vacancy,
/// and for a hire the placement with the follow-ups it set.
public struct ReferralOutcomeRecorded: Codable, Sendable, Hashable {
    public struct Placement: Codable, Sendable, Hashable {
        public var id: String
        public var registrationID: String
        public var employerID: String
        public var vacancyReference: String
        public var iscoCode: String
        public var newlyCreated: Bool
        public var placedOn: String
        public var counsellorID: String
        /// Follow-up ids and due dates, `months` after `placedOn`.
        public var followUps: [FollowUpDue]

        public init(
            id: String, registrationID: String, employerID: String, vacancyReference: String, iscoCode: String,
            newlyCreated: Bool, placedOn: String, counsellorID: String, followUps: [FollowUpDue]
        ) {
            self.id = id
            self.registrationID = registrationID
            self.employerID = employerID
            self.vacancyReference = vacancyReference
            self.iscoCode = iscoCode
            self.newlyCreated = newlyCreated
            self.placedOn = placedOn
            self.counsellorID = counsellorID
            self.followUps = followUps
        }
    }

    public struct FollowUpDue: Codable, Sendable, Hashable {
        public var id: String
        public var months: Int
        public var dueOn: String

        public init(id: String, months: Int, dueOn: String) {
            self.id = id
            self.months = months
            self.dueOn = dueOn
        }
    }

    public var referralID: String
    public var officeCode: String
    /// `hired`, `notHired` or `didNotGo`.
    public var outcome: String
    public var outcomeOn: String
    public var staffID: String
    public var recordedAt: Date
    public var placement: Placement?

    public init(
        referralID: String, officeCode: String, outcome: String, outcomeOn: String, staffID: String,
        recordedAt: Date, placement: Placement?
    ) {
        self.referralID = referralID
        self.officeCode = officeCode
        self.outcome = outcome
        self.outcomeOn = outcomeOn
        self.staffID = staffID
        self.recordedAt = recordedAt
        self.placement = placement
    }
}

/// The payload of a `followUp.answered` outbox record.
public struct FollowUpAnswered: Codable, Sendable, Hashable {
    public var id: String
    public var placementID: String
    public var months: Int
    /// `stillInJob`, `otherJob` or `notWorking`.
    public var answer: String
    /// `call`, `visit` or `sms`.
    public var channel: String
    public var answeredOn: String
    public var staffID: String?
    public var recordedAt: Date

    public init(
        id: String, placementID: String, months: Int, answer: String, channel: String, answeredOn: String,
        staffID: String?, recordedAt: Date
    ) {
        self.id = id
        self.placementID = placementID
        self.months = months
        self.answer = answer
        self.channel = channel
        self.answeredOn = answeredOn
        self.staffID = staffID
        self.recordedAt = recordedAt
    }
}
