/// The upload answer in brief, for slow links (issue 25): asked for with the request header
/// `LMIS-Results: compact`. Records applied with nothing more to say are named by their
/// sequence alone (a few bytes each instead of their id, sequence and status); every other
/// result comes whole. Without the header the hub answers `UploadResponse` as always.
public struct CompactUploadResponse: Codable, Sendable, Hashable {
    public static let header = "LMIS-Results"
    public static let value = "compact"

    /// Sequences of the records applied without a reason or a person id.
    public var applied: [Int64]
    /// The other results, whole.
    public var results: [RecordResult]

    public init(_ full: [RecordResult]) {
        let plain = { (result: RecordResult) in
            result.status == .applied && result.reason == nil && result.personID == nil
        }
        applied = full.filter(plain).map(\.sequence)
        results = full.filter { !plain($0) }
    }

    /// Every record's result, ids restored from the batch sent (`sequence → id`). Nil when the
    /// answer names a sequence that was not sent.
    public func expanded(ids: [Int64: String]) -> [RecordResult]? {
        var all = results
        for sequence in applied {
            guard let id = ids[sequence] else { return nil }
            all.append(RecordResult(id: id, sequence: sequence, status: .applied))
        }
        return all
    }
}
