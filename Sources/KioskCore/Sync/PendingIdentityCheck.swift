/// A registration whose registry number the hub has not confirmed yet.
public struct PendingIdentityCheck: Sendable, Hashable {
    public let registrationID: String
    public let registryNumber: String

    public init(registrationID: String, registryNumber: String) {
        self.registrationID = registrationID
        self.registryNumber = registryNumber
    }
}
