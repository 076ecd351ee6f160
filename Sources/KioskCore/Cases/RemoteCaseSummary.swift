/// What the LMIS hub holds of a person's case at every office: the newest profile and plan
/// (open steps only) and the last outcomes. Asked for when an office serves someone another
/// office registered.
public struct RemoteCaseSummary: Sendable, Equatable, Codable {
    public struct Profile: Sendable, Equatable, Codable {
        public var officeCode: String
        public var group: String
        public var decided: Bool
        public var at: String
    }

    public struct Step: Sendable, Equatable, Codable {
        public var kind: String
        public var text: String
        public var dueOn: String
    }

    public struct Plan: Sendable, Equatable, Codable {
        public var officeCode: String
        public var counsellorID: String
        public var goals: String
        public var openSteps: [Step]
    }

    public struct Outcome: Sendable, Equatable, Codable {
        public var officeCode: String
        public var at: String
        public var outcome: String
    }

    public var found: Bool
    public var offices: [String]
    public var profile: Profile?
    public var plan: Plan?
    public var lastOutcomes: [Outcome]
}

/// Asks the hub for a person's case summary; throws when the hub cannot be reached (or the
/// kiosk is not enrolled).
public protocol CaseSummaryLookup: Sendable {
    func summary(registryNumber: String) async throws -> RemoteCaseSummary
}
