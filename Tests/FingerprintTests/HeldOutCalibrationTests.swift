import Fingerprint
import Testing

@Suite struct HeldOutCalibrationTests {
    @Test func theThresholdIsWhereTheCalibrationPartsImpostorsReachTheRateAndTheCheckPartIsCountedAgainstIt() {
        // 1 000 impostor comparisons scoring 0…999, a gallery of 10 templates: an office-wide
        // 10 % asks 1 % of the comparisons, the 10 highest (990…999).
        let levels = HeldOutCalibration.levels(
            calibrationScores: (0..<1000).map(Double.init), calibrationComparisons: 1000, galleryTemplates: 10,
            checkHighest: [995, 989, 990.5, 12], wanted: [0.1, 0.01, 0.001])
        #expect(levels[0].threshold == 990)
        #expect(levels[0].calibrationAbove == 10)
        #expect(levels[0].seen == 2)
        #expect(levels[0].searches == 4)
        #expect(levels[0].seenRate == 0.5)
        #expect(levels[1].threshold == 999)
        #expect(levels[1].seen == 0)
        // 0.01 % of 1 000 comparisons is less than one: not resolved, nothing claimed.
        #expect(levels[2].threshold == nil)
        #expect(levels[2].seen == 0)
    }

    @Test func aRateBelowTheScoresKeptIsNotResolved() {
        // Only the 5 highest of 1 000 comparisons were kept: 1 % needs the 10th.
        let levels = HeldOutCalibration.levels(
            calibrationScores: [50, 40, 30, 20, 10], calibrationComparisons: 1000, galleryTemplates: 1,
            checkHighest: [45], wanted: [0.01, 0.002])
        #expect(levels[0].threshold == nil)
        #expect(levels[1].threshold == 40)
        #expect(levels[1].seen == 1)
    }
}
