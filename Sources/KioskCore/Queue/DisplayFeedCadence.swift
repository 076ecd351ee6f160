/// When the display board's stream reads the waiting count, sends a keep-alive and wakes up.
///
/// Calls are sent as soon as a queue write commits. The waiting count follows a change within
/// `countAfterChange` and is read at least every `countEvery` (another process may write); a
/// keep-alive comment goes out when nothing was written for `keepAliveAfter`, so proxies and the
/// browser keep the connection. A value type over the instants it is given: tests move time by
/// hand instead of sleeping.
public struct DisplayFeedCadence<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public let countAfterChange: Duration
    public let countEvery: Duration
    public let keepAliveAfter: Duration
    private var lastWrite: Instant
    private var lastCount: Instant?
    /// A queue write happened since the count was last read.
    private var changeSinceCount = true

    public init(
        start: Instant, countAfterChange: Duration = .milliseconds(250), countEvery: Duration = .seconds(1),
        keepAliveAfter: Duration = .seconds(15)
    ) {
        self.countAfterChange = countAfterChange
        self.countEvery = countEvery
        self.keepAliveAfter = keepAliveAfter
        lastWrite = start
    }

    /// Whether the waiting count should be read now. The first reading is due at once.
    public func countDue(at now: Instant) -> Bool {
        guard let lastCount else { return true }
        let since = lastCount.duration(to: now)
        return since >= countEvery || (changeSinceCount && since >= countAfterChange)
    }

    /// The count was read at `now`.
    public mutating func countRead(at now: Instant) {
        lastCount = now
        changeSinceCount = false
    }

    /// Something (a call, a count, a keep-alive) was written to the board at `now`.
    public mutating func wrote(at now: Instant) {
        lastWrite = now
    }

    /// Whether a keep-alive should be written now.
    public func keepAliveDue(at now: Instant) -> Bool {
        lastWrite.duration(to: now) >= keepAliveAfter
    }

    /// A queue write was seen: the count is read again soon.
    public mutating func queueChanged() {
        changeSinceCount = true
    }

    /// How long to wait for the next queue write before looking again: until the count is due
    /// after a change, otherwise `countEvery`.
    public func wait(at now: Instant) -> Duration {
        guard changeSinceCount, let lastCount else { return countEvery }
        return max(.zero, countAfterChange - lastCount.duration(to: now))
    }
}
