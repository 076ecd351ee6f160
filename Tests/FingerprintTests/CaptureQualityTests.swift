import Fingerprint
import FingerprintReplay
import Foundation
import Testing

@Suite("Capture quality")
struct CaptureQualityTests {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Kiosk/fingerprints/demo")

    static func ridges(
        width: Int = 200, height: Int = 240, from left: Int = 0, to right: Int? = nil, dark: UInt8 = 40,
        light: UInt8 = 220
    ) -> GreyImage {
        var image = GreyImage(width: width, height: height)
        for y in 0..<height {
            for x in left..<(right ?? width) { image[x, y] = (x / 4 + y / 9) % 2 == 0 ? dark : light }
        }
        return image
    }

    @Test("good prints pass: the demo images and a clear synthetic pattern")
    func acceptable() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Self.demo, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "png" }
        #expect(files.count >= 8)
        for file in files {
            let assessment = CaptureAssessment(try GreyImage(png: Array(try Data(contentsOf: file))))
            #expect(assessment.isAcceptable, "\(file.lastPathComponent): \(assessment)")
        }
        #expect(CaptureAssessment(Self.ridges()).isAcceptable)
    }

    @Test("each problem gets its own reason for the screen")
    func problems() {
        #expect(CaptureAssessment(GreyImage(width: 200, height: 240)).problem == .noFinger)
        #expect(CaptureAssessment(Self.ridges(from: 75, to: 125)).problem == .partial)
        #expect(CaptureAssessment(Self.ridges(dark: 0, light: 60)).problem == .tooDark)
        #expect(CaptureAssessment(Self.ridges(dark: 200, light: 235)).problem == .tooLight)
        // Grey noise with a finger's contrast and brightness, but no ridge direction.
        var noise = GreyImage(width: 200, height: 240)
        var state: UInt32 = 12345
        for y in 0..<240 {
            for x in 0..<200 {
                state = state &* 1_664_525 &+ 1_013_904_223
                noise[x, y] = UInt8(40 + (state >> 24) % 180)
            }
        }
        let smudged = CaptureAssessment(noise)
        #expect(smudged.problem == .smudged, "\(smudged)")
        #expect(smudged.ridgeClarity < 0.1)
    }

    @Test("the synthetic prints of the fixtures have clear ridges, whatever their impression")
    func clarityOfSyntheticPrints() throws {
        let folder = Recording.fixtures.appendingPathComponent("fingerprints/synthetic-180x256-seed23")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "png" }.sorted { $0.path < $1.path }
        #expect(files.count == 320)
        var clarities: [Double] = []
        for file in files.enumerated().filter({ $0.offset % 8 == $0.offset / 8 % 8 }).map(\.element) {
            let assessment = CaptureAssessment(try GreyImage(png: Array(try Data(contentsOf: file))))
            clarities.append(assessment.ridgeClarity)
            #expect(assessment.problem != .smudged, "\(file.lastPathComponent): \(assessment)")
        }
        #expect(clarities.count == 40)
        #expect(clarities.sorted()[20] > 0.5)
        // Real sensors' reference captures (noisier than the synthetic prints) are clear too.
        for name in ["nb1010", "aes3500", "elan"] {
            let png = try Data(contentsOf: Recording.fixtures.appendingPathComponent("usb/\(name)/capture.png"))
            let assessment = CaptureAssessment(try GreyImage(png: Array(png)))
            #expect(assessment.ridgeClarity > 0.3, "\(name): \(assessment)")
            #expect(assessment.problem == nil, "\(name): \(assessment)")
        }
    }
}
