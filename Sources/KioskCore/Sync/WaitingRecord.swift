/// An outbox record waiting for upload, its payload already JSON.
public struct WaitingRecord: Sendable, Hashable {
    public let id: String
    public let sequence: Int64
    public let type: String
    public let createdAt: String
    public let payload: String

    public init(id: String, sequence: Int64, type: String, createdAt: String, payload: String) {
        self.id = id
        self.sequence = sequence
        self.type = type
        self.createdAt = createdAt
        self.payload = payload
    }
}
