/// A held-out check of the score calibration (issue 26): thresholds set from the impostor scores
/// of one part of the fingers, checked on searches among the other part, none of whose fingers
/// the thresholds have seen.
///
/// For an office-wide false-match rate `wanted` (the chance that a search's best wrong finger
/// passes) in a gallery of `galleryTemplates` templates, the kiosk wants each comparison to pass
/// with a rate of `wanted / galleryTemplates` (`FingerprintMatcher.identificationThreshold`).
/// The threshold is the score that this share of the calibration part's impostor comparisons
/// reaches; the rate seen is the share of the check part's searches whose best wrong score
/// reaches it.
public enum HeldOutCalibration {
    /// One wanted rate and what the check part saw.
    public struct Level: Sendable, Equatable {
        /// Office-wide false-match rate wanted, 0…1.
        public var wanted: Double
        /// The per-comparison rate it asks for.
        public var perComparison: Double
        /// The score from the calibration part; nil when its impostors cannot resolve the rate
        /// (fewer than one comparison expected above, or below the scores kept).
        public var threshold: Double?
        /// Impostor comparisons of the calibration part at or above the threshold.
        public var calibrationAbove: Int
        /// Searches of the check part whose best wrong score reaches the threshold.
        public var seen: Int
        /// Searches of the check part.
        public var searches: Int
        /// `seen / searches` (0 with no search).
        public var seenRate: Double { searches > 0 ? Double(seen) / Double(searches) : 0 }
    }

    /// The levels for each rate of `wanted`.
    /// - Parameters:
    ///   - calibrationScores: the calibration part's impostor scores; only the highest are
    ///     needed (those under a floor may be left out).
    ///   - calibrationComparisons: how many impostor comparisons the calibration part made in
    ///     all (with the ones left out).
    ///   - galleryTemplates: templates in the gallery the check part searched.
    ///   - checkHighest: per search of the check part, its best wrong score.
    public static func levels(
        calibrationScores: [Double], calibrationComparisons: Int, galleryTemplates: Int, checkHighest: [Double],
        wanted: [Double]
    ) -> [Level] {
        let tail = calibrationScores.sorted(by: >)
        return wanted.map { rate in
            let perComparison = rate / Double(max(1, galleryTemplates))
            let above = Int((Double(calibrationComparisons) * perComparison).rounded(.down))
            guard above >= 1, above <= tail.count else {
                return Level(
                    wanted: rate, perComparison: perComparison, threshold: nil, calibrationAbove: 0, seen: 0,
                    searches: checkHighest.count)
            }
            let threshold = tail[above - 1]
            return Level(
                wanted: rate, perComparison: perComparison, threshold: threshold,
                calibrationAbove: tail.prefix { $0 >= threshold }.count,
                seen: checkHighest.filter { $0 >= threshold }.count, searches: checkHighest.count)
        }
    }
}
