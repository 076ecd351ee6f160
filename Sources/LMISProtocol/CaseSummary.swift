/// What the hub holds of a person's case across offices, for an office that has just identified
/// someone registered elsewhere (`POST /v1/case-summary`, signed by the device).
public struct CaseSummary: Codable, Sendable, Hashable {
    public struct Request: Codable, Sendable, Hashable {
        public var registryNumber: String

        public init(registryNumber: String) { self.registryNumber = registryNumber }
    }

    public struct Profile: Codable, Sendable, Hashable {
        public var officeCode: String
        /// `ready`, `medium`, `high`: the group decided last, else the one suggested.
        public var group: String
        public var decided: Bool
        /// An LMIS time.
        public var at: String
    }

    public struct Step: Codable, Sendable, Hashable {
        public var kind: String
        public var text: String
        public var dueOn: String
    }

    public struct Plan: Codable, Sendable, Hashable {
        public var officeCode: String
        public var counsellorID: String
        public var goals: String
        public var openSteps: [Step]
    }

    public struct Outcome: Codable, Sendable, Hashable {
        public var officeCode: String
        public var at: String
        public var outcome: String
    }

    /// Whether the hub knows the person at all.
    public var found: Bool
    /// The offices that registered them.
    public var offices: [String]
    public var profile: Profile?
    public var plan: Plan?
    /// The newest first, at most five.
    public var lastOutcomes: [Outcome]
}

extension LMISPath {
    public static let caseSummary = "/v1/case-summary"
}
