/// Sizes one stream's upload batches to the link (issue 25): each request should take about
/// `target` from sending to the hub's answer, so that a slow rural line carries large batches
/// (little overhead per round trip) yet a cut loses at most a few seconds of sending, and a fast
/// link quickly reaches the protocol's largest batch.
///
/// A request of `n` records takes `roundTrip + n × bytesPerRecord ÷ throughput` (plus the hub's
/// work, which scales with `n` too). The sizer does not need the terms apart: after a batch of
/// `n` records took `t` seconds, `n × target ÷ t` is the batch that would have taken `target`
/// at the throughput and round trip just seen. Repeating this settles at
/// `(target − roundTrip) × throughput ÷ bytesPerRecord`; it grows at most fourfold and shrinks
/// at most to a quarter per batch, so one lucky or unlucky request does not swing it.
struct BatchSizer: Sendable, Equatable {
    /// Seconds a request should take. 8 s: several streams share a slow line, so each request
    /// gets a part of it; at 4 s the 11,600-record rural benchmark took 114 uploads whose heads
    /// (about 530 bytes each) were a tenth of the bytes on the line, at 8 s 79, and the drain
    /// went from 148 s to 141 s (`Benchmarks/rural_link.py --registrations 2000`).
    let target: Double
    /// The protocol's largest batch.
    let maxRecords: Int
    /// Records in the next batch.
    private(set) var records: Int
    /// The last throughput seen, bytes a second including the round trip (for logs and tests).
    private(set) var effectiveBytesPerSecond: Double?

    init(maxRecords: Int, target: Double = 8, initial: Int = 50) {
        self.target = target
        self.maxRecords = maxRecords
        self.records = max(1, min(initial, maxRecords))
    }

    /// A batch of `count` records (`bytes` on the wire) was answered after `seconds`.
    mutating func answered(count: Int, bytes: Int, seconds: Double) {
        guard count > 0 else { return }
        effectiveBytesPerSecond = Double(bytes) / max(seconds, 0.001)
        let ideal = Double(count) * target / max(seconds, 0.001)
        let bounded = min(max(ideal, Double(count) / 4), Double(count) * 4)
        records = max(1, min(maxRecords, Int(bounded.rounded())))
    }

    /// Seconds a request of `bytes` should take at the throughput last seen (nil before any answer).
    func expected(bytes: Int) -> Double? {
        effectiveBytesPerSecond.map { Double(bytes) / max($0, 1) }
    }

    /// The link dropped a batch of `count` records: the next is at most half of it.
    mutating func cut(count: Int) {
        records = max(1, min(records, count / 2))
    }

    /// The hub could not read a batch of `count` records: halve it to find the one at fault.
    mutating func refused(count: Int) {
        records = max(1, count / 2)
    }
}
