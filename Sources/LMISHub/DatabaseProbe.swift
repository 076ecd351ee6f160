import Foundation
import Synchronization

/// Whether PostgreSQL answers, known within a second: `/health` and every signed request ask it
/// first, so that an unreachable database is answered 503 with `Retry-After` at once instead of
/// after the client's connection attempts (a minute) and then a 500. The answer is kept for a
/// second; one probe at a time, and a probe that hangs is not waited for beyond the second.
actor DatabaseProbe {
    let ping: @Sendable () async throws -> Void
    let patience: Duration
    private var last: (up: Bool, at: ContinuousClock.Instant)?
    private var inFlight: Task<Bool, Never>?

    init(patience: Duration = .milliseconds(700), ping: @escaping @Sendable () async throws -> Void) {
        self.patience = patience
        self.ping = ping
    }

    func isUp() async -> Bool {
        if let last, ContinuousClock.now - last.at < .seconds(1) { return last.up }
        let probe: Task<Bool, Never>
        if let inFlight {
            probe = inFlight
        } else {
            let ping = self.ping
            // Outlives this call when PostgreSQL hangs: the next callers share it, not a new one each.
            probe = Task { (try? await ping()) != nil }
            inFlight = probe
            Task {
                let up = await probe.value
                self.settle(up)
            }
        }
        let up = await Self.firstOf(probe, orFalseAfter: patience)
        if !up { last = (false, .now) }
        return up
    }

    private func settle(_ up: Bool) {
        inFlight = nil
        last = (up, .now)
    }

    /// The probe's answer, or false when it has not come within `patience`.
    static func firstOf(_ probe: Task<Bool, Never>, orFalseAfter patience: Duration) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let answer = FirstAnswer(continuation)
            // Both race to answer; the loser's answer is dropped.
            Task { answer.give(await probe.value) }
            Task {
                try? await Task.sleep(for: patience)
                answer.give(false)
            }
        }
    }
}

/// Resumes a continuation with the first value given, once.
final class FirstAnswer: Sendable {
    let continuation: Mutex<CheckedContinuation<Bool, Never>?>

    init(_ continuation: CheckedContinuation<Bool, Never>) { self.continuation = Mutex(continuation) }

    func give(_ value: Bool) {
        let waiting = continuation.withLock { stored in
            defer { stored = nil }
            return stored
        }
        waiting?.resume(returning: value)
    }
}
