import Fingerprint
import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// Enrolment on the demo prints: 01–03 and 07 are one finger (101), 04–06 and 08 another (105).
@Suite struct FingerprintEnrolmentTests {
    static let prints: [FingerprintTemplate] = {
        let folder = Fixtures.kioskDirectory.appendingPathComponent("fingerprints/demo")
        let files = ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "png" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        return files.compactMap { url in
            (try? Data(contentsOf: url)).flatMap { try? GreyImage(png: Array($0)) }.map {
                FeatureExtractor().extract($0)
            }
        }
    }()

    /// A template of scattered minutiae that matches nothing.
    static func noise(_ seed: UInt64) -> FingerprintTemplate {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let minutiae = (0..<30).map { _ in
            Minutia(kind: .ending, x: next(180), y: next(256), angle: UInt8(next(256)), quality: 60)
        }
        return FingerprintTemplate(width: 180, height: 256, quality: 60, minutiae: minutiae)
    }

    @Test("three prints of one finger complete it; the best three are kept, best quality first")
    func threeAgree() async throws {
        #expect(Self.prints.count == 8)
        let enrolments = FingerprintEnrolments()
        let id = await enrolments.start()
        for (index, print) in Self.prints[0..<3].enumerated() {
            let progress = try await enrolments.add(print, finger: .rightIndex, to: id)
            #expect(progress.captures == index + 1)
            #expect(progress.complete == (index == 2))
        }
        let fingers = try #require(await enrolments.take(id))
        #expect(fingers[.rightIndex]?.count == 3)
        #expect(Set(fingers[.rightIndex] ?? []) == Set(Self.prints[0..<3]))
        #expect(await enrolments.take(id) == nil)
    }

    @Test("prints of two fingers for one do not agree; five prints that never agree start the finger again")
    func disagreement() async throws {
        #expect(
            EnrolmentSelection.choose(from: [Self.prints[0], Self.prints[3], Self.prints[1], Self.prints[4]]) == nil)
        let enrolments = FingerprintEnrolments()
        let id = await enrolments.start()
        var last: FingerprintEnrolments.Progress?
        for seed in 1...5 { last = try await enrolments.add(Self.noise(UInt64(seed)), finger: .leftIndex, to: id) }
        #expect(last?.restarted == true && last?.captures == 0 && last?.complete == false)
        // A restarted finger starts from nothing: three good prints now complete it.
        for print in Self.prints[3..<6] { last = try await enrolments.add(print, finger: .leftIndex, to: id) }
        #expect(last?.complete == true && last?.fingersComplete == [.leftIndex])
    }

    @Test("at most two fingers, and unknown enrolments are refused")
    func limits() async throws {
        let enrolments = FingerprintEnrolments()
        let id = await enrolments.start()
        _ = try await enrolments.add(Self.prints[0], finger: .rightIndex, to: id)
        _ = try await enrolments.add(Self.prints[3], finger: .leftIndex, to: id)
        await #expect(throws: FingerprintEnrolments.EnrolmentError.tooManyFingers) {
            _ = try await enrolments.add(Self.prints[1], finger: .rightThumb, to: id)
        }
        await #expect(throws: FingerprintEnrolments.EnrolmentError.unknownEnrolment) {
            _ = try await enrolments.add(Self.prints[1], finger: .rightIndex, to: "nope")
        }
        await enrolments.discard(id)
        #expect(await enrolments.take(id) == nil)
    }
}
