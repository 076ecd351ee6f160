import Foundation

/// The impostor tail measured where the kiosk's 1:N thresholds sit (issue 26), and the arithmetic
/// `fingerprint-bench --tail` measures it with.
///
/// A comparison is what the kiosk does with each enrolled template: one probe impression against
/// one template of another finger (`FingerprintMatcher.details(probe, template).raw`). The
/// calibration table (`FingerprintMatcher.calibrated(raw:)`) promises that a score s is reached
/// by about 10^(−s/10) of them. `ImpostorTailTests` holds what a generated set of distinct
/// fingers showed (the README gives the command) and fails when the table promises more than
/// those measurements allow at 10^−5 … 10^−7.
public enum ImpostorTail {
    /// A per-comparison false-match rate and the raw score that many impostor comparisons reach.
    public struct Point: Sendable, Equatable {
        /// False matches per impostor comparison.
        public var rate: Double
        /// The raw score reached by `above` of the comparisons (`above` = rate × comparisons,
        /// rounded down): the `above`-th highest impostor raw score.
        public var raw: Double
        /// Impostor comparisons at or above `raw`.
        public var above: Int

        public init(rate: Double, raw: Double, above: Int) {
            self.rate = rate
            self.raw = raw
            self.above = above
        }
    }

    /// The `above`-th highest of `tail` for `rate` of `comparisons`, nil when fewer than one
    /// comparison is expected above or the tail kept is too short.
    /// - Parameters:
    ///   - tail: the highest impostor raw scores, highest first (those under a floor may be
    ///     left out).
    ///   - comparisons: impostor comparisons made in all.
    public static func point(rate: Double, tail: [Double], comparisons: Int) -> Point? {
        let wanted = Int((Double(comparisons) * rate).rounded(.down))
        guard wanted >= 1, wanted <= tail.count else { return nil }
        let raw = tail[wanted - 1]
        return Point(rate: rate, raw: raw, above: tail.prefix { $0 >= raw }.count)
    }

    /// The upper confidence bound on a rate of which `seen` events were counted in `comparisons`
    /// independent trials (Poisson; `seen` 0 gives about 3 / comparisons at 95 %).
    public static func upperRate(seen: Int, comparisons: Int, confidence: Double = 0.95) -> Double {
        guard comparisons > 0 else { return 1 }
        /// P(X ≤ seen) for a Poisson count of mean `mean`.
        func atMost(_ mean: Double) -> Double {
            var term = exp(-mean)
            var sum = term
            if seen > 0 {
                for k in 1...seen {
                    term *= mean / Double(k)
                    sum += term
                }
            }
            return sum
        }
        var low = Double(seen)
        var high = Double(seen) + 10 + 10 * Double(seen).squareRoot()
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if atMost(middle) > 1 - confidence { low = middle } else { high = middle }
        }
        return high / Double(comparisons)
    }

    /// The raw score at which the shipped table gives the calibrated score `score` (the table's
    /// threshold for a rate of 10^(−score/10)).
    public static func tableRaw(score: Double) -> Double {
        var low = 0.0
        var high = 200.0
        for _ in 0..<80 {
            let middle = (low + high) / 2
            if FingerprintMatcher.calibrated(raw: middle) < score { low = middle } else { high = middle }
        }
        return high
    }
}
