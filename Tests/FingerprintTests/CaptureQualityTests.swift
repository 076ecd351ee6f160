import Fingerprint
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
        #expect(files.count >= 4)
        for file in files {
            let assessment = CaptureAssessment(try GreyImage(png: Array(try Data(contentsOf: file))))
            #expect(assessment.isAcceptable, "\(file.lastPathComponent): \(assessment)")
        }
        #expect(CaptureAssessment(Self.ridges()).isAcceptable)
    }

    @Test("each problem gets its own reason for the screen")
    func problems() {
        #expect(CaptureAssessment(GreyImage(width: 200, height: 240)).problem == .noFinger)
        #expect(CaptureAssessment(Self.ridges(from: 0, to: 50)).problem == .partial)
        #expect(CaptureAssessment(Self.ridges(dark: 0, light: 60)).problem == .tooDark)
        #expect(CaptureAssessment(Self.ridges(dark: 200, light: 235)).problem == .tooLight)
    }
}
