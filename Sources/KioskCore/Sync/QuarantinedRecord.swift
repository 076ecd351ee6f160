/// An outbox record the hub refused, kept aside with the reason.
public struct QuarantinedRecord: Sendable, Hashable, Codable {
    public let id: String
    public let sequence: Int64
    public let type: String
    public let reason: String
    public let syncedAt: String

    public init(id: String, sequence: Int64, type: String, reason: String, syncedAt: String) {
        self.id = id
        self.sequence = sequence
        self.type = type
        self.reason = reason
        self.syncedAt = syncedAt
    }
}
