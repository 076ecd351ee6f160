public import Fingerprint
import Foundation

/// Fingers being enrolled at the reader, before they belong to anyone: a visitor's during
/// registration (stored with the registration), or a person's at a desk (stored by staff).
/// Held in memory only, each under an unguessable id, forgotten after `lifetime`.
///
/// A finger takes up to five captures: after each accepted capture from the third on, the
/// captures are compared with each other; the finger is complete when three of them agree
/// (`EnrolmentSelection`). Five captures that do not agree start the finger again.
public actor FingerprintEnrolments {
    public static let lifetime: Duration = .seconds(15 * 60)
    public static let maximumOpen = 64

    public struct Progress: Sendable, Equatable, Codable {
        public var finger: FingerPosition
        /// Accepted captures of this finger so far (0 after a restart).
        public var captures: Int
        public var complete: Bool
        /// The captures did not agree and the finger starts again.
        public var restarted: Bool
        /// Fingers complete in this enrolment, in the order they were taken.
        public var fingersComplete: [FingerPosition]
    }

    public enum EnrolmentError: Error, Hashable, Sendable {
        case unknownEnrolment
        case tooManyFingers
    }

    private struct Open {
        var created: ContinuousClock.Instant
        var pending: [FingerPosition: [FingerprintTemplate]] = [:]
        var complete: [(FingerPosition, [FingerprintTemplate])] = []
    }

    private var open: [String: Open] = [:]
    private let clock = ContinuousClock()

    public init() {}

    /// A new enrolment's id (32 hex characters).
    public func start() -> String {
        sweep()
        if open.count >= Self.maximumOpen, let oldest = open.min(by: { $0.value.created < $1.value.created }) {
            open[oldest.key] = nil
        }
        var generator = SystemRandomNumberGenerator()
        let id = (0..<2).map { _ in
            let value: UInt64 = generator.next()
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
        open[id] = Open(created: clock.now)
        return id
    }

    /// Adds an accepted capture of `finger`; a finger already complete is taken again.
    public func add(_ template: FingerprintTemplate, finger: FingerPosition, to id: String) throws -> Progress {
        sweep()
        guard var enrolment = open[id] else { throw EnrolmentError.unknownEnrolment }
        if let done = enrolment.complete.firstIndex(where: { $0.0 == finger }) {
            enrolment.complete.remove(at: done)
        } else if enrolment.complete.count + enrolment.pending.keys.filter({ $0 != finger }).count >= 2 {
            throw EnrolmentError.tooManyFingers
        }
        var captures = enrolment.pending[finger, default: []]
        captures.append(template)
        var progress = Progress(
            finger: finger, captures: captures.count, complete: false, restarted: false, fingersComplete: [])
        if captures.count >= EnrolmentSelection.minimumCaptures {
            if let chosen = EnrolmentSelection.choose(from: captures) {
                enrolment.complete.append((finger, chosen))
                enrolment.pending[finger] = nil
                progress.complete = true
            } else if captures.count >= EnrolmentSelection.maximumCaptures {
                enrolment.pending[finger] = nil
                progress.captures = 0
                progress.restarted = true
            } else {
                enrolment.pending[finger] = captures
            }
        } else {
            enrolment.pending[finger] = captures
        }
        progress.fingersComplete = enrolment.complete.map(\.0)
        open[id] = enrolment
        return progress
    }

    /// The complete fingers of an enrolment, which is then forgotten; nil when unknown or expired.
    public func take(_ id: String) -> [FingerPosition: [FingerprintTemplate]]? {
        sweep()
        guard let enrolment = open.removeValue(forKey: id) else { return nil }
        return Dictionary(enrolment.complete, uniquingKeysWith: { _, last in last })
    }

    /// Forgets an enrolment (the visitor left or started over).
    public func discard(_ id: String) { open[id] = nil }

    private func sweep() {
        let now = clock.now
        open = open.filter { now - $0.value.created < Self.lifetime }
    }
}

/// Which captures of one finger to keep: the three that agree best with one another, when
/// at least three do agree (each pair above the 1:1 threshold at a false-match rate of 0.1 %).
public enum EnrolmentSelection {
    public static let minimumCaptures = 3
    public static let maximumCaptures = 5
    public static let kept = 3
    public static let agreementFMR = 1e-3

    public static func choose(from captures: [FingerprintTemplate]) -> [FingerprintTemplate]? {
        guard captures.count >= kept else { return nil }
        let prepared = captures.map(FingerprintMatcher.prepare)
        let n = captures.count
        var scores = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                let score = FingerprintMatcher.score(prepared[i], prepared[j])
                scores[i][j] = score
                scores[j][i] = score
            }
        }
        let threshold = FingerprintMatcher.threshold(falseMatchRate: agreementFMR)
        var best: (sum: Double, members: [Int])?
        for a in 0..<n {
            for b in (a + 1)..<n where scores[a][b] >= threshold {
                for c in (b + 1)..<n where scores[a][c] >= threshold && scores[b][c] >= threshold {
                    let sum = scores[a][b] + scores[a][c] + scores[b][c]
                    if sum > best?.sum ?? -1 { best = (sum, [a, b, c]) }
                }
            }
        }
        // Best quality first: identification compares against each, the first is sent to the LMIS.
        return best.map { chosen in
            chosen.members.map { captures[$0] }.sorted { $0.quality > $1.quality }
        }
    }
}
