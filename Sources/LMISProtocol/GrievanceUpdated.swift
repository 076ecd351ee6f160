public import Foundation

/// The payload of a `grievance.updated` outbox record.
public struct GrievanceUpdated: Codable, Sendable, Hashable {
    public struct Step: Codable, Sendable, Hashable {
        public var id: String
        public var trackingCode: String
        public var officeCode: String
        public var position: Int
        public var action: String
        public var state: String
        public var note: String?
        public var assignee: String?
        public var dueOn: String
        public var staffID: String
        public var counter: Int
        public var at: Date

        public init(
            id: String, trackingCode: String, officeCode: String, position: Int, action: String, state: String,
            note: String?, assignee: String?, dueOn: String, staffID: String, counter: Int, at: Date
        ) {
            self.id = id
            self.trackingCode = trackingCode
            self.officeCode = officeCode
            self.position = position
            self.action = action
            self.state = state
            self.note = note
            self.assignee = assignee
            self.dueOn = dueOn
            self.staffID = staffID
            self.counter = counter
            self.at = at
        }
    }

    public var grievance: Step

    public init(grievance: Step) { self.grievance = grievance }
}
