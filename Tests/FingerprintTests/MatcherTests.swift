import Fingerprint
import FingerprintReplay
import Foundation
import Testing

/// The synthetic fingerprint sets of the shared fixtures (`KIOSK_FIXTURES` when set).
enum Fixtures {
    static let folder = Recording.fixtures.appendingPathComponent("fingerprints").path
    static let small = folder + "/synthetic-180x256-seed23"

    static func image(_ finger: Int, _ impression: Int, set: String = small) -> GreyImage? {
        guard let data = FileManager.default.contents(atPath: "\(set)/\(finger)_\(impression).png") else { return nil }
        return try? GreyImage(png: [UInt8](data))
    }

    static func template(_ finger: Int, _ impression: Int) -> FingerprintTemplate? {
        image(finger, impression).map { FeatureExtractor().extract($0) }
    }
}

@Test func metricsOnHandComputedLists() {
    // Perfect separation.
    let clean = VerificationRates(genuine: [5, 6, 7], impostor: [1, 2, 3])
    #expect(clean.equalErrorRate == 0)
    #expect(clean.fmr100 == 0 && clean.fmr1000 == 0 && clean.zeroFMR == 0)
    // genuine 1..10, impostor 0..9 shifted: thresholds; at t = 10 FMR 0, FNMR 0.9.
    let overlap = VerificationRates(genuine: [2, 4, 6, 8], impostor: [1, 3, 5, 7])
    // At t = 5: FMR = 2/4, FNMR = 2/4 -> EER 0.5? No: t = 4 gives FMR 2/4 (5, 7), FNMR 1/4 (2):
    // |diff| .25; t = 5: FMR 2/4, FNMR 2/4 -> gap 0 -> EER 0.5.
    #expect(overlap.equalErrorRate == 0.5)
    #expect(overlap.thresholdAtEER == 5)
    // FMR <= 1 % needs t > 7: FNMR at t = 8 is 3/4.
    #expect(overlap.fmr100 == 0.75)
    #expect(overlap.zeroFMR == 0.75)
    // One impostor of 200 above every genuine: FMR 0.5 % at t = 9 passes FMR100, not FMR1000.
    var impostors = [Double](repeating: 0, count: 199)
    impostors.append(9)
    let tail = VerificationRates(genuine: [5, 6], impostor: impostors)
    #expect(tail.fmr100 == 0)
    #expect(tail.fmr1000 == 1)
    #expect(VerificationRates.percentile([1, 2, 3, 4], 50) == 2.5)
    #expect(VerificationRates(genuine: [], impostor: [1]).equalErrorRate == 1)
}

@Test func extractionFindsMinutiaeInsideTheFinger() throws {
    let image = try #require(Fixtures.image(101, 1))
    let template = FeatureExtractor().extract(image)
    #expect((15...80).contains(template.minutiae.count))
    #expect(template.quality > 40)
    for m in template.minutiae {
        #expect(m.x >= 0 && m.x < template.width && m.y >= 0 && m.y < template.height)
        #expect(m.quality <= 100)
    }
    #expect(template.minutiae.contains { $0.kind == .ending })
    #expect(template.minutiae.contains { $0.kind == .bifurcation })
}

@Test func blankAndTinyImagesGiveNoMinutiae() {
    #expect(FeatureExtractor().extract(GreyImage(width: 180, height: 256)).minutiae.isEmpty)
    #expect(FeatureExtractor().extract(GreyImage(width: 180, height: 256, filledWith: 0)).minutiae.isEmpty)
    #expect(FeatureExtractor().extract(GreyImage(width: 3, height: 2)).minutiae.isEmpty)
    #expect(FeatureExtractor().extract(GreyImage(width: 0, height: 0)).minutiae.isEmpty)
}

/// `image` resampled bilinearly by `scale` and labelled `dpi`.
func resampled(_ image: GreyImage, scale: Double, dpi: Int) -> GreyImage {
    let w = Int(Double(image.width) * scale)
    let h = Int(Double(image.height) * scale)
    var pixels = [UInt8](repeating: 0, count: w * h)
    for y in 0..<h {
        for x in 0..<w {
            let sx = min(image.width - 1, Int(Double(x) / scale))
            let sy = min(image.height - 1, Int(Double(y) / scale))
            pixels[y * w + x] = image[sx, sy]
        }
    }
    return GreyImage(width: w, height: h, pixels: pixels, dpi: dpi)
}

@Test func a360DpiImageIsResampledAndStillMatches() throws {
    let image = try #require(Fixtures.image(102, 1))
    let low = resampled(image, scale: 0.72, dpi: 360)
    let template = FeatureExtractor().extract(low)
    #expect(abs(template.width - image.width) <= 2)
    #expect(abs(template.height - image.height) <= 2)
    let other = try #require(Fixtures.template(102, 2))
    #expect(FingerprintMatcher.score(template, other) >= FingerprintMatcher.threshold(falseMatchRate: 0.01))
}

@Test func genuineAboveAndImpostorBelowTheOnePercentThreshold() throws {
    let threshold = FingerprintMatcher.threshold(falseMatchRate: 0.01)
    #expect(threshold == 20)
    let fingers = [103, 104, 105, 106]
    var templates: [Int: [FingerprintMatcher.Prepared]] = [:]
    for f in fingers {
        templates[f] = try (1...2).map { FingerprintMatcher.prepare(try #require(Fixtures.template(f, $0))) }
    }
    for f in fingers {
        let pair = try #require(templates[f])
        #expect(FingerprintMatcher.score(pair[0], pair[1]) >= threshold)
        for g in fingers where g != f {
            let other = try #require(templates[g])
            #expect(FingerprintMatcher.score(pair[0], other[0]) < threshold)
        }
    }
    #expect(FingerprintMatcher.identificationThreshold(gallerySize: 100, falseMatchRate: 1e-4) == 60)
}

/// `t` rotated by `degrees` about its centre and shifted (positions kept inside by enlarging).
func transformed(_ t: FingerprintTemplate, degrees: Double, dx: Double, dy: Double) -> FingerprintTemplate {
    let a = degrees * .pi / 180
    let size = 600
    let cx = Double(t.width) / 2
    let cy = Double(t.height) / 2
    let minutiae = t.minutiae.map { m -> Minutia in
        let x = Double(m.x) - cx
        let y = Double(m.y) - cy
        // Image coordinates (y down): a visual counter-clockwise turn by `a`.
        let nx = cos(a) * x + sin(a) * y + 300 + dx
        let ny = -sin(a) * x + cos(a) * y + 300 + dy
        let angle = (Int(m.angle) + Int((degrees * 256 / 360).rounded()) + 512) % 256
        return Minutia(
            kind: m.kind, x: Int(nx.rounded()), y: Int(ny.rounded()), angle: UInt8(angle), quality: m.quality)
    }
    return FingerprintTemplate(width: size, height: size, quality: t.quality, minutiae: minutiae)
}

@Test func rotationAndTranslationKeepTheScoreHigh() throws {
    let a = try #require(Fixtures.template(107, 1))
    let b = try #require(Fixtures.template(107, 3))
    let base = FingerprintMatcher.score(a, b)
    #expect(base >= 40)
    for degrees in [-60.0, -30, 30, 60, 180] {
        let moved = transformed(b, degrees: degrees, dx: 40, dy: -25)
        #expect(FingerprintMatcher.score(a, moved) >= 40, "rotation \(degrees)")
    }
    // The template against itself rotated: near-perfect.
    #expect(FingerprintMatcher.score(a, transformed(a, degrees: 30, dx: 0, dy: 0)) >= 60)
}

@Test func byteAndISORoundTripsKeepMatching() throws {
    let a = try #require(Fixtures.template(108, 1))
    let b = try #require(Fixtures.template(108, 2))
    let fromBytes = try FingerprintTemplate(bytes: a.bytes)
    #expect(fromBytes == a)
    let record = try #require(a.minutiaeRecord().bytes)
    let fromISO = try FingerprintTemplate(record: MinutiaeRecord(bytes: record))
    #expect(FingerprintMatcher.score(fromISO, b) == FingerprintMatcher.score(a, b))
    #expect(FingerprintMatcher.score(fromBytes, b) >= 20)
}

@Test func enrolmentPicksThreeAndRefusesMixedFingers() throws {
    let same = try (1...5).map { try #require(Fixtures.template(109, $0)) }
    let finger = try #require(EnrolledFinger.enrol(same))
    #expect(finger.templates.count == 3)
    let probe = try #require(Fixtures.template(109, 7))
    #expect(finger.score(probe) >= 40)
    let mixed = try [111, 112, 113].map { try #require(Fixtures.template($0, 1)) }
    #expect(EnrolledFinger.enrol(mixed) == nil)
    #expect(throws: EnrolledFinger.EnrolmentError.noAgreement) { try EnrolledFinger.enrolment(mixed) }
    let twoAndTwo = [same[0], same[1]] + (try [1, 2].map { try #require(Fixtures.template(114, $0)) })
    #expect(throws: EnrolledFinger.EnrolmentError.mixedFingers) { try EnrolledFinger.enrolment(twoAndTwo) }
    #expect(throws: EnrolledFinger.EnrolmentError.tooFewCaptures(1)) { try EnrolledFinger.enrolment([same[0]]) }
}

@Test func galleryFindsTheRightPersonAndNothingForAnUnknownFinger() throws {
    var gallery = FingerprintGallery()
    for f in 115...120 {
        let captures = try (1...3).map { try #require(Fixtures.template(f, $0)) }
        gallery.add(id: "person-\(f)", finger: try #require(EnrolledFinger.enrol(captures)))
    }
    #expect(gallery.count == 6)
    let probe = try #require(Fixtures.template(117, 6))
    let found = gallery.identify(probe)
    #expect(found.first?.id == "person-117")
    let stranger = try #require(Fixtures.template(125, 4))
    #expect(gallery.identify(stranger).isEmpty)
    let removed = gallery.remove(id: "person-117")
    #expect(removed)
    #expect(gallery.identify(probe).isEmpty)
    #expect(gallery.count == 5)
}
