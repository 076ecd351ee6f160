import Fingerprint
import FingerprintReplay
import Foundation
import Testing

/// The quality gate's advice on placing the finger again (issue 26): each way a capture goes
/// wrong gets its own verdict, on generated captures and on real sensors' recorded captures
/// changed the way a poor placement changes them.
@Suite("Capture advice")
struct CaptureAdviceTests {
    /// Slanted ridges between `left` and `right` (white elsewhere); `broken` of the dark ridge
    /// pixels, chosen at random, are light instead (dry skin breaks ridges up).
    static func ridges(
        dark: UInt8, light: UInt8, from left: Int = 0, to right: Int = 200, broken: Double = 0
    ) -> GreyImage {
        var image = GreyImage(width: 200, height: 240)
        var state: UInt32 = 2026
        for y in 0..<240 {
            for x in 0..<200 {
                guard x >= left, x < right else {
                    image[x, y] = 255
                    continue
                }
                state = state &* 1_664_525 &+ 1_013_904_223
                let ridge = (x / 4 + y / 9) % 2 == 0 && Double(state >> 8) / Double(1 << 24) >= broken
                image[x, y] = ridge ? dark : light
            }
        }
        return image
    }

    @Test("wet and pressed too hard, dry and pressed too lightly are told apart")
    func skin() {
        let wet = CaptureAssessment(Self.ridges(dark: 25, light: 50))
        #expect(wet.problem == .tooWet, "\(wet)")
        let hard = CaptureAssessment(Self.ridges(dark: 0, light: 60))
        #expect(hard.problem == .tooDark, "\(hard)")
        let dry = CaptureAssessment(Self.ridges(dark: 150, light: 245, broken: 0.6))
        #expect(dry.problem == .tooDry, "\(dry)")
        let light = CaptureAssessment(Self.ridges(dark: 200, light: 235))
        #expect(light.problem == .tooLight, "\(light)")
    }

    @Test("too little of the finger: off the middle, or only a small centred patch")
    func position() {
        let left = CaptureAssessment(Self.ridges(dark: 40, light: 220, from: 0, to: 50))
        #expect(left.problem == .offCentre, "\(left)")
        #expect(left.centreOffsetX < -0.5)
        let right = CaptureAssessment(Self.ridges(dark: 40, light: 220, from: 150, to: 200))
        #expect(right.problem == .offCentre && right.centreOffsetX > 0.5, "\(right)")
        let centred = CaptureAssessment(Self.ridges(dark: 40, light: 220, from: 80, to: 120))
        #expect(centred.problem == .partial, "\(centred)")
        #expect(abs(centred.centreOffsetX) < 0.1)
        let whole = CaptureAssessment(Self.ridges(dark: 40, light: 220))
        #expect(whole.isAcceptable && abs(whole.centreOffsetX) < 0.1 && abs(whole.centreOffsetY) < 0.1)
    }

    @Test("a real sensor's capture, placed at the reader's edge, is off-centre; as recorded it passes")
    func recorded() throws {
        for name in ["nb1010", "aes3500", "elan"] {
            let png = try Data(contentsOf: Recording.fixtures.appendingPathComponent("usb/\(name)/capture.png"))
            let image = try GreyImage(png: Array(png))
            #expect(CaptureAssessment(image).isAcceptable, "\(name)")
            // Only the top quarter of the print touched the sensor (the rest is empty glass).
            var edge = image
            for y in (image.height / 4)..<image.height {
                for x in 0..<image.width { edge[x, y] = 255 }
            }
            let assessment = CaptureAssessment(edge)
            #expect(assessment.problem == .offCentre, "\(name): \(assessment)")
            #expect(assessment.centreOffsetY < -0.3, "\(name): \(assessment)")
        }
    }
}
