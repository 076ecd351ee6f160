import Fingerprint
import Foundation
import Testing

/// The fixture set's fingers (impressions 1–3 enrolled), each as its own person.
private func enrolledFixtureFingers(_ fingers: ClosedRange<Int>) throws -> FingerprintGallery {
    var gallery = FingerprintGallery()
    for finger in fingers {
        let captures = try (1...3).map { try #require(Fixtures.template(finger, $0)) }
        gallery.add(id: "person-\(finger)", finger: EnrolledFinger(templates: captures))
    }
    return gallery
}

@Test func shortlistFindsTheSameBestCandidateAsTheSearchOfEveryFinger() throws {
    // The 40 fingers of the 180×256 fixture set, the shortlist on from 8 fingers and keeping a
    // quarter of them (10): every probe (impressions 4–8) must get the same best candidate and
    // score as the exhaustive search.
    var gallery = try enrolledFixtureFingers(101...140)
    gallery.shortlistMinimum = 8
    gallery.shortlistShare = 0.25
    var compared = 0
    for finger in 101...140 {
        for impression in 4...8 {
            let probe = FingerprintMatcher.prepare(try #require(Fixtures.template(finger, impression)))
            let everyone = gallery.identify(prepared: probe, falseMatchRate: 1e6, exhaustive: true)
            let shortlisted = gallery.identify(prepared: probe, falseMatchRate: 1e6)
            #expect(shortlisted.first == everyone.first, "finger \(finger) impression \(impression)")
            // Only the fingers kept are scored, each the same as exhaustive.
            #expect(shortlisted.count <= 12)  // 10, and any tied with the tenth
            for candidate in shortlisted {
                #expect(everyone.contains(candidate))
            }
            compared += 1
        }
    }
    #expect(compared == 200)
}

@Test func shortlistRanksTheMateFirstAndIsKeptAfterRemovals() throws {
    var gallery = try enrolledFixtureFingers(101...140)
    #expect(gallery.fingerCount == 40)
    let probe = FingerprintMatcher.prepare(try #require(Fixtures.template(117, 6)))
    let position = try #require(gallery.shortlistPosition(of: "person-117", probe: probe))
    #expect(position < 4)
    #expect(gallery.shortlistPosition(of: "nobody", probe: probe) == nil)
    // Removing people rebuilds the signature arrays: the others keep their places' owners.
    for finger in 101...110 { gallery.remove(id: "person-\(finger)") }
    #expect(gallery.fingerCount == 30)
    gallery.shortlistMinimum = 4
    gallery.shortlistShare = 0.2
    #expect(gallery.identify(prepared: probe, falseMatchRate: 1e6).first?.id == "person-117")
    #expect(try #require(gallery.shortlistPosition(of: "person-117", probe: probe)) < 4)
}

@Test func signatureSharesMoreBitsWithTheSameFinger() throws {
    let probe = FingerprintMatcher.prepare(try #require(Fixtures.template(121, 5)))
    let probeSignature = FingerprintSignature(probe: probe)
    let candidate = FingerprintSignature(FingerprintMatcher.prepare(try #require(Fixtures.template(121, 1))))
    #expect(candidate.bits.count == FingerprintSignature.words)
    // The probe form covers at least the candidate form of itself.
    let own = FingerprintSignature(probe)
    #expect(zip(own.bits, probeSignature.bits).allSatisfy { $0 & $1 == $0 })
    #expect(probeSignature.population > own.population)
    let mate = probeSignature.similarity(toCandidate: candidate)
    let others = try (122...131).map {
        probeSignature.similarity(
            toCandidate: FingerprintSignature(FingerprintMatcher.prepare(try #require(Fixtures.template($0, 1)))))
    }
    #expect(mate > others.max() ?? 1)
}
