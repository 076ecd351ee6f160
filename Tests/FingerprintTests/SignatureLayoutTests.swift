import Fingerprint
import Foundation
import Testing

/// The gallery's compact signature layout (issue 26): a template's candidate form kept as its set
/// bits' positions says exactly what the full bit vector says.
@Suite("Signature layout")
struct SignatureLayoutTests {
    @Test("the set bits are the vector's bits, ascending, and the population")
    func setBitsRoundTrip() throws {
        for finger in [101, 117, 140] {
            let signature = FingerprintSignature(FingerprintMatcher.prepare(try #require(Fixtures.template(finger, 1))))
            let positions = signature.setBits
            #expect(positions.count == signature.population)
            #expect(positions == positions.sorted() && Set(positions).count == positions.count)
            var rebuilt = [UInt64](repeating: 0, count: FingerprintSignature.words)
            for position in positions { rebuilt[Int(position) >> 6] |= 1 << UInt64(position & 63) }
            #expect(rebuilt == signature.bits)
        }
    }

    @Test("a probe's two-way ranking keeps its mate first among the fixture fingers")
    func twoWayRanking() throws {
        var gallery = FingerprintGallery()
        for finger in 101...140 {
            let captures = try (1...3).map { try #require(Fixtures.template(finger, $0)) }
            gallery.add(id: "person-\(finger)", finger: EnrolledFinger(templates: captures))
        }
        var first = 0
        for finger in 101...140 {
            let probe = FingerprintMatcher.prepare(try #require(Fixtures.template(finger, 6)))
            if gallery.shortlistPosition(of: "person-\(finger)", probe: probe) == 0 { first += 1 }
        }
        // Removing a person keeps the others' signatures in place.
        let removed = gallery.remove(id: "person-120")
        #expect(removed)
        let probe = FingerprintMatcher.prepare(try #require(Fixtures.template(121, 6)))
        #expect(gallery.shortlistPosition(of: "person-121", probe: probe) == 0)
        #expect(first >= 38, "mate first for \(first) of 40")
    }
}
