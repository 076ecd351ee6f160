/// Whether a job CUPS refused is handed over again. Once, and only when the scheduler refused
/// at once (it is restarting): a timeout is never retried, so a visitor waits at most one
/// timeout before the screen says what happened.
struct SubmitRetry: Sendable, Equatable {
    /// Attempts in all, the first included.
    let attempts = 2
    /// A refusal slower than this is not a restarting scheduler.
    let quickRefusal = Duration.milliseconds(500)
    /// The pause before the second attempt.
    let pause = Duration.milliseconds(200)
    private(set) var failures = 0

    /// Records a failed attempt that took `elapsed`. Returns the pause before the next attempt,
    /// or `nil` when the job is not tried again.
    mutating func failed(_ kind: PrintError.Kind, after elapsed: Duration) -> Duration? {
        failures += 1
        guard kind == .serverUnreachable, failures < attempts, elapsed <= quickRefusal else { return nil }
        return pause
    }
}
