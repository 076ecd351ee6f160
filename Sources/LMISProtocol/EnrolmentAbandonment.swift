/// What a kiosk re-enrolled with `kiosk sync enrol --force` leaves behind: the records that were
/// waiting under its previous device and will never be uploaded (by sequence ranges), and the
/// highest sequence its outbox had given, below which the new device's numbers were not its own.
public struct EnrolmentAbandonment: Codable, Sendable, Hashable {
    /// The device the kiosk was enrolled as before (nil when it was enrolled with another hub).
    public var previousDeviceID: String?
    /// Inclusive ranges `[first, last]` of the sequences abandoned, ascending.
    public var ranges: [[Int64]]
    /// How many records the ranges hold.
    public var count: Int
    /// The highest sequence the outbox had given when the new device was enrolled.
    public var sequenceFloor: Int64

    public init(previousDeviceID: String?, ranges: [[Int64]], count: Int, sequenceFloor: Int64) {
        self.previousDeviceID = previousDeviceID
        self.ranges = ranges
        self.count = count
        self.sequenceFloor = sequenceFloor
    }

    /// Inclusive ranges of ascending sequences.
    public static func ranges(_ sequences: [Int64]) -> [[Int64]] {
        var ranges: [[Int64]] = []
        for sequence in sequences {
            if let last = ranges.last?.last, sequence == last + 1 {
                ranges[ranges.count - 1][1] = sequence
            } else {
                ranges.append([sequence, sequence])
            }
        }
        return ranges
    }
}
