import Synchronization

/// Tells the parts of the kiosk that follow the queue that it has changed, in this process:
/// a version that grows after every committed queue write, and waiters woken by it.
///
/// The display board's stream waits here instead of asking the database every few tens of
/// milliseconds (a call reaches the board as soon as it is committed), and a counter that found
/// nobody waiting is answered from memory until something changes, so idle counters asking
/// again and again never queue behind the kiosk's ticket writes.
public final class QueueChanges: Sendable {
    private struct State {
        var version: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Waiters cancelled before they were stored.
        var cancelled: Set<UInt64> = []
        var nextWaiter: UInt64 = 0
        /// Per set of services: the version at which a call found nobody waiting, and when.
        var empty: [[String]: (version: UInt64, at: ContinuousClock.Instant)] = [:]
    }

    private let state = Mutex(State())
    /// How long a "nobody waiting" answer is trusted while nothing changes here: bounds what a
    /// ticket written by another process (none does today) could wait to be seen.
    public let emptyAnswerLifetime: Duration

    public init(emptyAnswerLifetime: Duration = .seconds(1)) {
        self.emptyAnswerLifetime = emptyAnswerLifetime
    }

    /// The current version.
    public var version: UInt64 { state.withLock { $0.version } }

    /// Called after a queue write has committed: wakes every waiter.
    public func changed() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.version &+= 1
            let woken = Array(state.waiters.values)
            state.waiters = [:]
            return woken
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns once the version differs from `seen`, or after `limit`, or on cancellation, with
    /// the version then.
    @discardableResult
    public func wait(after seen: UInt64, upTo limit: Duration) async -> UInt64 {
        if version != seen { return version }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.suspend(after: seen) }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
        return version
    }

    private func suspend(after seen: UInt64) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.version != seen || state.cancelled.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                // Not stored yet (a stored waiter leaves only by a change, which moves the version).
                if state.version == seen { state.cancelled.insert(id) }
                return nil
            }
            waiter?.resume()
        }
    }

    /// True when a call for `services` found nobody waiting at the current version, recently.
    public func knownEmpty(_ services: [String], now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            guard let mark = state.empty[services] else { return false }
            return mark.version == state.version && now - mark.at < emptyAnswerLifetime
        }
    }

    /// Notes that a call for `services` that began at `version` found nobody waiting. A write
    /// committed after that call's read has moved the version on, so the note never hides it.
    public func noteEmpty(_ services: [String], atVersion version: UInt64, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            guard state.version == version else { return }
            state.empty[services] = (version, now)
        }
    }
}
