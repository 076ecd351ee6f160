import Fingerprint
import Foundation
import Testing

@Suite struct ImpostorTailTests {
    /// The impostor tail measured on generated fingers none of which the table was fitted on
    /// (`Benchmarks/fingerprint-gallery.py DIR --impressions 12 --sensor 180x256 --seed 7001`, its
    /// first 1 000 fingers; `fingerprint-bench --tail DIR --tail-impressions 12`, 2026-12-07; the
    /// README's fingerprint section): every impression of each finger against every impression of
    /// every other finger, 499 500 distinct finger pairs.
    static let comparisons = 71_928_000

    /// The raw score that each rate of those comparisons reached (the bench's "measured raw").
    static let measured: [ImpostorTail.Point] = [
        .init(rate: 1e-4, raw: 8.393, above: 7192), .init(rate: 1e-5, raw: 11.698, above: 719),
        .init(rate: 1e-6, raw: 15.541, above: 71), .init(rate: 1e-7, raw: 18.994, above: 7),
    ]

    /// The highest impostor raw score of those comparisons (10^-8 of them is less than one: the
    /// measurement says only that no impostor reached a score above this one).
    static let highest = 23.029

    /// The table's threshold for each rate from 10^-5 to 10^-8 lies at or above the raw score that
    /// this rate of the measured impostor comparisons reached: the table never promises a lower
    /// false-match rate than the impostors showed. Where the set is too small to resolve the rate
    /// (10^-8 of 72 million comparisons), the threshold must lie above every impostor seen.
    @Test func theTablesThresholdsFrom1e5To1e8AreAtOrAboveTheMeasuredImpostorScores() {
        for exponent in 5...8 {
            let rate = pow(10, -Double(exponent))
            let score = FingerprintMatcher.threshold(falseMatchRate: rate)
            let tableRaw = ImpostorTail.tableRaw(score: score)
            let measuredRaw = Self.measured.first { abs(log10($0.rate) - log10(rate)) < 1e-9 }?.raw ?? Self.highest
            #expect(
                tableRaw >= measuredRaw,
                "10^-\(exponent): the table's score \(score) is raw \(tableRaw), below the measured \(measuredRaw)")
            // The same seen from the score: the table calls the measured raw score no higher
            // than the score it promises for this rate.
            #expect(FingerprintMatcher.calibrated(raw: measuredRaw) <= score + 1e-9)
        }
    }

    /// The measured points are a tail: rarer rates at higher raw scores, counts as asked.
    @Test func theMeasuredPointsAreOrderedAndCounted() {
        let points = Self.measured
        for (higher, lower) in zip(points, points.dropFirst()) {
            #expect(lower.rate < higher.rate)
            #expect(lower.raw > higher.raw)
        }
        #expect(Self.highest > (points.last?.raw ?? 0))
        for point in points {
            let expected = Double(Self.comparisons) * point.rate
            #expect(Double(point.above) >= expected.rounded(.down))
            #expect(Double(point.above) < expected + 3)
        }
    }

    @Test func aPointIsTheKthHighestScoreAndUnresolvedBelowOne() {
        let tail: [Double] = [50, 40, 40, 30, 20]
        // 1 000 comparisons at 0.3 %: the 3rd highest, 40, reached by 3.
        #expect(ImpostorTail.point(rate: 0.003, tail: tail, comparisons: 1000) == .init(rate: 0.003, raw: 40, above: 3))
        #expect(ImpostorTail.point(rate: 0.002, tail: tail, comparisons: 1000)?.above == 3)
        // Fewer than one expected, or more than the scores kept: not resolved.
        #expect(ImpostorTail.point(rate: 0.0005, tail: tail, comparisons: 1000) == nil)
        #expect(ImpostorTail.point(rate: 0.01, tail: tail, comparisons: 1000) == nil)
    }

    @Test func theUpperBoundIsPoissons() {
        // None seen: −ln(0.05) ≈ 2.996 events; one seen: 4.744; ten seen: 16.962.
        #expect(abs(ImpostorTail.upperRate(seen: 0, comparisons: 1_000_000) * 1e6 - 2.996) < 0.001)
        #expect(abs(ImpostorTail.upperRate(seen: 1, comparisons: 1000) * 1000 - 4.744) < 0.001)
        #expect(abs(ImpostorTail.upperRate(seen: 10, comparisons: 100) * 100 - 16.962) < 0.002)
    }

    @Test func theTablesRawScoreGivesTheScoreBack() {
        for score in [20.0, 40, 60, 75, 90] {
            #expect(abs(FingerprintMatcher.calibrated(raw: ImpostorTail.tableRaw(score: score)) - score) < 1e-6)
        }
    }
}
