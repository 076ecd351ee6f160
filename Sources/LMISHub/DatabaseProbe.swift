import Foundation
import Hummingbird
import Synchronization

/// Whether PostgreSQL answers, known within a second: `/health` and every signed request ask it
/// first, so that an unreachable database is answered 503 with `Retry-After` at once instead of
/// after the client's connection attempts (a minute) and then a 500. An "up" answer is kept for a
/// quarter of a second and a "down" one for a second; one probe at a time, and a probe that hangs
/// is not waited for beyond `patience`. A ping that fails (PostgreSQL stopped, refused, closed)
/// means "down" at once; one that is only slow means "down" once it has gone unanswered for
/// `hang`, so a starved machine (a ping late by a second) is not taken for a lost database. A
/// request let in just before the database went away is watched while it runs
/// (`answer(_:orElse:)`), so it too is answered within about a second, or `hang` when PostgreSQL
/// hangs rather than goes away.
actor DatabaseProbe {
    let ping: @Sendable () async throws -> Void
    let patience: Duration
    let hang: Duration
    private var last: (up: Bool, at: ContinuousClock.Instant)?
    private var inFlight: (probe: Task<Bool, Never>, since: ContinuousClock.Instant)?

    init(
        patience: Duration = .milliseconds(500), hang: Duration = .seconds(3),
        ping: @escaping @Sendable () async throws -> Void
    ) {
        self.patience = patience
        self.hang = hang
        self.ping = ping
    }

    func isUp() async -> Bool {
        if let last, ContinuousClock.now - last.at < (last.up ? .milliseconds(250) : .seconds(1)) { return last.up }
        let probe: Task<Bool, Never>
        let since: ContinuousClock.Instant
        if let inFlight {
            (probe, since) = inFlight
        } else {
            let ping = self.ping
            // Outlives this call when PostgreSQL hangs: the next callers share it, not a new one each.
            probe = Task { (try? await ping()) != nil }
            since = .now
            inFlight = (probe, since)
            Task {
                let up = await probe.value
                self.settle(up)
            }
        }
        if let up = await Self.answer(of: probe, within: patience) {
            if !up { last = (false, .now) }
            return up
        }
        guard ContinuousClock.now - since >= hang else { return true }
        last = (false, .now)
        return false
    }

    /// The handler's answer; or `unreachable()` as soon as the database stops answering while the
    /// handler waits for it (PostgreSQL's client would hold the request for a minute). The handler
    /// is cancelled then; a write it had committed is answered again as a duplicate on the retry.
    nonisolated func answer(
        _ handler: @escaping @Sendable () async throws -> Response,
        orElse unreachable: @escaping @Sendable () -> Response
    ) async throws -> Response {
        let work = Task { try await handler() }
        let watch = Task { () -> Bool in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                if Task.isCancelled { return false }
                if await !self.isUp() { return true }
            }
            return false
        }
        defer { watch.cancel() }
        let outcome = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<Response, any Error>, Never>) in
            let answer = FirstAnswer(continuation)
            Task { answer.give(await work.result) }
            Task { if await watch.value { answer.give(.success(unreachable())) } }
        }
        if case .success(let response) = outcome, response.status == .serviceUnavailable { work.cancel() }
        return try outcome.get()
    }

    private func settle(_ up: Bool) {
        inFlight = nil
        last = (up, .now)
    }

    /// The probe's answer, or nil when it has not come within `patience`.
    static func answer(of probe: Task<Bool, Never>, within patience: Duration) async -> Bool? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool?, Never>) in
            let answer = FirstAnswer(continuation)
            // Both race to answer; the loser's answer is dropped.
            Task { answer.give(await probe.value) }
            Task {
                try? await Task.sleep(for: patience)
                answer.give(nil)
            }
        }
    }
}

/// Resumes a continuation with the first value given, once.
final class FirstAnswer<Value: Sendable>: Sendable {
    let continuation: Mutex<CheckedContinuation<Value, Never>?>

    init(_ continuation: CheckedContinuation<Value, Never>) { self.continuation = Mutex(continuation) }

    func give(_ value: Value) {
        let waiting = continuation.withLock { stored in
            defer { stored = nil }
            return stored
        }
        waiting?.resume(returning: value)
    }
}
