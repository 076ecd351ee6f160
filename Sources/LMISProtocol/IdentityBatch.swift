public import Foundation

extension LMISPath {
    /// Many registry checks in one signed request (`IdentityBatchRequest`).
    public static let identityBatch = "/v1/identity/batch"
}

/// Registry numbers a kiosk checks at once: registrations made while the hub or the civil
/// registry could not be asked. No finger templates: a batch is for numbers only.
public struct IdentityBatchRequest: Codable, Sendable, Hashable {
    /// At most `IdentityBatchRequest.limit` numbers.
    public var registryNumbers: [String]

    /// The most numbers one request carries.
    public static let limit = 200

    public init(registryNumbers: [String]) { self.registryNumbers = registryNumbers }
}

/// One answer for each number asked, in the order asked. A number the civil registry could not
/// answer now is `unavailable` (asked again later); the others are answered.
public struct IdentityBatchResponse: Codable, Sendable, Hashable {
    public struct Answer: Codable, Sendable, Hashable {
        public var registryNumber: String
        public var result: IdentityResult
        public var personID: String?

        public init(registryNumber: String, result: IdentityResult, personID: String? = nil) {
            self.registryNumber = registryNumber
            self.result = result
            self.personID = personID
        }
    }

    public var answers: [Answer]

    public init(answers: [Answer]) { self.answers = answers }
}
