import Synchronization

/// Uploads the hub is still receiving or applying, by the key named in their `LMIS-Key` header
/// (issue 25). A kiosk that gave an upload up (no answer in time) asks for receipts over a fresh
/// connection, and that question can overtake the rest of the abandoned upload on a slow line:
/// answered at once, it would call records "not held" that the abandoned upload then applies,
/// and the kiosk would send them twice. So the receipts question first waits, a bounded time,
/// for uploads of that key which began before it and are still coming in or being applied.
/// An upload whose bytes stopped coming (`quiet`) is not waited for: its connection is dead or
/// stuck, and the kiosk's kernel drops it (`Provisioning/image/sysctl-lswo-kiosk.conf`).
///
/// Keyed before the signature is checked (the body is not in yet): a stranger naming another
/// device's key can delay that device's receipts by `patience` at most, never change them.
final class UploadReceptions: Sendable {
    private struct Reception {
        let began: ContinuousClock.Instant
        /// When its last bytes came; nil once the body is in (being checked and applied).
        var lastBytes: ContinuousClock.Instant?
    }
    private struct State {
        var next: UInt64 = 0
        var running: [String: [UInt64: Reception]] = [:]
    }
    private let state = Mutex(State())
    /// An upload with no bytes for this long is not waited for.
    let quiet: Duration

    init(quiet: Duration) { self.quiet = quiet }

    /// Notes an upload of `key` begun now; `end` it with the token.
    func begin(key: String) -> UInt64 {
        state.withLock { state in
            state.next += 1
            let now = ContinuousClock.now
            state.running[key, default: [:]][state.next] = Reception(began: now, lastBytes: now)
            return state.next
        }
    }

    /// More of the upload's body came in.
    func progress(key: String, token: UInt64) {
        state.withLock { state in
            if state.running[key]?[token]?.lastBytes != nil { state.running[key]?[token]?.lastBytes = .now }
        }
    }

    /// The body is in: the upload is checked and applied now.
    func received(key: String, token: UInt64) {
        state.withLock { state in state.running[key]?[token]?.lastBytes = nil }
    }

    func end(key: String, token: UInt64) {
        state.withLock { state in
            state.running[key]?[token] = nil
            if state.running[key]?.isEmpty == true { state.running[key] = nil }
        }
    }

    /// Uploads of `key` begun before `instant` that are being applied or still getting bytes.
    func running(key: String, before instant: ContinuousClock.Instant) -> Int {
        let now = ContinuousClock.now
        return state.withLock { state in
            (state.running[key] ?? [:]).values.count { reception in
                reception.began < instant && (reception.lastBytes.map { now - $0 < quiet } ?? true)
            }
        }
    }

    /// Returns once no upload of `key` begun before `instant` is being applied or getting bytes,
    /// or `patience` has passed; answers how many still are then.
    func settle(key: String, before instant: ContinuousClock.Instant, patience: Duration) async -> Int {
        let deadline = ContinuousClock.now + patience
        while true {
            let left = running(key: key, before: instant)
            if left == 0 || ContinuousClock.now >= deadline { return left }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
