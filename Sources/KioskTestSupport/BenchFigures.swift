public import Foundation

// What the benchmarks print and how they draw their data: the same for every one of them.

/// Prints a line of figures at once (standard output is not line-buffered when piped).
public func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

public func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

/// The value below which `p` (0–1) of `values` lie, nearest rank.
public func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

/// `median 4.2 ms, p95 10.8 ms, max 14.4 ms`.
public func figures(_ times: [Double]) -> String {
    String(
        format: "median %.1f ms, p95 %.1f ms, max %.1f ms", percentile(times, 0.5), percentile(times, 0.95),
        times.max() ?? 0)
}

/// A generator with a fixed seed (xorshift64*): the same data on every run.
public struct Xorshift: RandomNumberGenerator {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
}
