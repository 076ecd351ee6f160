/// The hub this kiosk is enrolled with, and the identity the hub gave it.
public struct SyncEnrolment: Sendable, Hashable {
    public let hubURL: String
    public let deviceID: String
    public let officeCode: String

    public init(hubURL: String, deviceID: String, officeCode: String) {
        self.hubURL = hubURL
        self.deviceID = deviceID
        self.officeCode = officeCode
    }
}
