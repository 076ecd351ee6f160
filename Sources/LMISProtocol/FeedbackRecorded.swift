public import Foundation

/// The payload of a `feedback.recorded` outbox record.
public struct FeedbackRecorded: Codable, Sendable, Hashable {
    public struct Feedback: Codable, Sendable, Hashable {
        public var ticketID: String
        public var officeCode: String
        public var officeDay: String
        public var serviceCode: String
        public var counter: Int?
        public var staffID: String?
        public var rating: Int
        public var comment: String?
        public var createdAt: Date

        public init(
            ticketID: String, officeCode: String, officeDay: String, serviceCode: String, counter: Int?,
            staffID: String?, rating: Int, comment: String?, createdAt: Date
        ) {
            self.ticketID = ticketID
            self.officeCode = officeCode
            self.officeDay = officeDay
            self.serviceCode = serviceCode
            self.counter = counter
            self.staffID = staffID
            self.rating = rating
            self.comment = comment
            self.createdAt = createdAt
        }
    }

    public var feedback: Feedback

    public init(feedback: Feedback) { self.feedback = feedback }
}
