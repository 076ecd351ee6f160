public import Foundation

/// The payload of a `case.planChanged` outbox record: the whole individual action plan after a
/// change (counsellor, goals, a step added or its status), numbered per plan so the hub keeps
/// the newest.
public struct CasePlanChanged: Codable, Sendable, Hashable {
    public struct Step: Codable, Sendable, Hashable {
        public var id: String
        /// `month`, `year`.
        public var horizon: String
        public var kind: String
        public var text: String
        public var dueOn: String
        public var status: String

        public init(id: String, horizon: String, kind: String, text: String, dueOn: String, status: String) {
            self.id = id
            self.horizon = horizon
            self.kind = kind
            self.text = text
            self.dueOn = dueOn
            self.status = status
        }
    }

    public struct Plan: Codable, Sendable, Hashable {
        public var id: String
        public var registrationID: String
        public var officeCode: String
        public var revision: Int
        public var counsellorID: String
        public var goals: String
        public var steps: [Step]
        public var staffID: String
        public var at: Date

        public init(
            id: String, registrationID: String, officeCode: String, revision: Int, counsellorID: String,
            goals: String, steps: [Step], staffID: String, at: Date
        ) {
            self.id = id
            self.registrationID = registrationID
            self.officeCode = officeCode
            self.revision = revision
            self.counsellorID = counsellorID
            self.goals = goals
            self.steps = steps
            self.staffID = staffID
            self.at = at
        }
    }

    public var plan: Plan

    public init(plan: Plan) { self.plan = plan }
}
