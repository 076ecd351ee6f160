public import Foundation

/// An estimated wait as a range, from recent service times and the counters open now.
public struct WaitEstimate: Hashable, Sendable, Codable {
    public var peopleAhead: Int
    /// nil when there is nothing to base an estimate on (no service finished recently, or no
    /// counter open for the service): the screen then says so instead of inventing a number.
    public var minutes: ClosedRange<Int>?

    public init(peopleAhead: Int, minutes: ClosedRange<Int>?) {
        self.peopleAhead = peopleAhead
        self.minutes = minutes
    }

    /// `recentServiceTimes` are the durations (seconds) of the latest finished services of this
    /// service; the range runs from their median to their 80th percentile, shared among the
    /// `openCounters`, for everyone ahead plus the visitor being served now.
    public static func estimate(peopleAhead: Int, recentServiceTimes: [TimeInterval], openCounters: Int) -> WaitEstimate
    {
        guard openCounters > 0, recentServiceTimes.count >= 3 else {
            return WaitEstimate(peopleAhead: peopleAhead, minutes: nil)
        }
        let sorted = recentServiceTimes.sorted()
        func percentile(_ p: Double) -> TimeInterval {
            let position = p * Double(sorted.count - 1)
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, sorted.count - 1)
            return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
        }
        let rounds = Double(peopleAhead) / Double(openCounters)
        let low = Int((rounds * percentile(0.5) / 60).rounded(.down))
        let high = Int(((rounds + 1) * percentile(0.8) / 60).rounded(.up))
        return WaitEstimate(peopleAhead: peopleAhead, minutes: low...max(low, high))
    }
}
