/// One enrolled finger: up to three templates of it, chosen from the enrolment captures, and
/// their prepared forms for matching.
///
/// `enrol` compares every capture with every other (the mean of both directions' calibrated
/// scores). Captures agree when that score reaches `agreementThreshold` (30: a false-match rate
/// of about 0.1 %). The capture agreeing with the most others (ties: higher summed score) is the
/// anchor; the captures agreeing with it form the finger's group. Enrolment is refused when the
/// group has fewer than 2 captures, or when the captures left out hold a second agreeing pair
/// (two different fingers were presented). From the group, the three with the best
/// `quality / 100 + mean agreement score / 100` are kept, best first.
///
/// A probe's score against the finger is the best of its templates' scores.
public struct EnrolledFinger: Sendable {
    /// Why a set of captures could not be enrolled.
    public enum EnrolmentError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Fewer than two captures were given (or more than `maximumCaptures`).
        case tooFewCaptures(Int)
        /// No two captures agree: ask for new captures of one finger.
        case noAgreement
        /// Two groups of captures agree among themselves but not with each other.
        case mixedFingers

        public var description: String {
            switch self {
            case .tooFewCaptures(let count): "enrolment needs 2 to 5 captures, got \(count)"
            case .noAgreement: "no two captures agree: they may be of different fingers or too poor"
            case .mixedFingers: "the captures come from more than one finger"
            }
        }
    }

    /// Most captures `enrol` considers (extra ones are ignored).
    public static let maximumCaptures = 5
    /// Most templates kept.
    public static let maximumTemplates = 3
    /// Calibrated score at which two captures count as the same finger.
    public static let agreementThreshold = 30.0

    /// The kept templates, best first.
    public let templates: [FingerprintTemplate]
    let prepared: [FingerprintMatcher.Prepared]

    /// A finger from stored templates (at most `maximumTemplates` are kept; none is checked).
    public init(templates: [FingerprintTemplate]) {
        let kept = Array(templates.prefix(Self.maximumTemplates))
        self.templates = kept
        self.prepared = kept.map(FingerprintMatcher.prepare)
    }

    /// The finger from up to five captures, or nil when they do not agree (see the type's
    /// documentation; `enrolment(_:)` tells why).
    public static func enrol(_ captures: [FingerprintTemplate]) -> EnrolledFinger? {
        try? enrolment(captures)
    }

    /// As `enrol`, throwing the reason for a refusal.
    public static func enrolment(_ captures: [FingerprintTemplate]) throws(EnrolmentError) -> EnrolledFinger {
        let used = Array(captures.prefix(maximumCaptures))
        guard used.count >= 2 else { throw .tooFewCaptures(captures.count) }
        let prepared = used.map(FingerprintMatcher.prepare)
        let n = used.count
        var agreement = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for a in 0..<n {
            for b in (a + 1)..<n {
                let s =
                    0.5
                    * (FingerprintMatcher.score(prepared[a], prepared[b])
                        + FingerprintMatcher.score(prepared[b], prepared[a]))
                agreement[a][b] = s
                agreement[b][a] = s
            }
        }
        func agrees(_ a: Int, _ b: Int) -> Bool { a != b && agreement[a][b] >= agreementThreshold }
        // Anchor: most agreeing partners, then highest total agreement.
        let anchor = (0..<n).max { a, b in
            let ca = (0..<n).filter { agrees(a, $0) }.count
            let cb = (0..<n).filter { agrees(b, $0) }.count
            if ca != cb { return ca < cb }
            return agreement[a].reduce(0, +) < agreement[b].reduce(0, +)
        }
        guard let anchor else { throw .noAgreement }
        let group = [anchor] + (0..<n).filter { agrees(anchor, $0) }
        guard group.count >= 2 else { throw .noAgreement }
        let rest = (0..<n).filter { !group.contains($0) }
        for a in rest {
            for b in rest where agrees(a, b) { throw .mixedFingers }
        }
        func merit(_ i: Int) -> Double {
            let others = group.filter { $0 != i }
            let mean = others.map { agreement[i][$0] }.reduce(0, +) / Double(max(1, others.count))
            return Double(used[i].quality) / 100 + min(mean, 100) / 100
        }
        let chosen = group.sorted { merit($0) > merit($1) }.prefix(maximumTemplates)
        return EnrolledFinger(templates: chosen.map { used[$0] })
    }

    /// The best calibrated score of `probe` against this finger's templates.
    public func score(_ probe: FingerprintMatcher.Prepared) -> Double {
        prepared.reduce(0) { max($0, FingerprintMatcher.score(probe, $1)) }
    }

    /// The best calibrated score of `probe` against this finger's templates.
    public func score(_ probe: FingerprintTemplate) -> Double {
        score(FingerprintMatcher.prepare(probe))
    }
}
