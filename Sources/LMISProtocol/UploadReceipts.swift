/// What the hub holds of one stream's records of the asking device (issue 25), asked with a
/// signed `GET /v1/upload/receipts?stream=S&from=A&through=B` after an upload's answer was lost:
/// the kiosk records what arrived as if it had heard the answer and sends only the rest, instead
/// of sending the whole batch again to be answered "duplicate".
public struct UploadReceipts: Codable, Sendable, Hashable {
    /// The highest sequence of the stream the hub holds for the device (0: none).
    public var highest: Int64
    /// The results kept for the stream's records numbered `from` through `through`, in brief.
    public var received: CompactUploadResponse

    public init(highest: Int64, received: CompactUploadResponse) {
        self.highest = highest
        self.received = received
    }

    /// The most records one answer names (two batches' worth: what a pipelined stream has in flight).
    public static let limit = 2 * LMISLimits.batchRecords
}
