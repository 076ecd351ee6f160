/// When to try opening a reader again after the kernel announced it. The kernel announces a
/// plugged-in reader before udev has given the service access (and before the device answers),
/// so opening is tried again with doubling waits for about three seconds, then left until the
/// reader is plugged in again.
public struct ReopenSchedule: Sendable, Equatable {
    /// Attempts made and failed so far.
    public private(set) var failures = 0
    /// Attempts in all, the first included.
    public let attempts: Int
    /// The wait after the first failure; each later wait is twice the one before.
    public let firstWait: Duration

    public init(attempts: Int = 6, firstWait: Duration = .milliseconds(100)) {
        self.attempts = attempts
        self.firstWait = firstWait
    }

    /// Records a failed attempt. Returns how long to wait before the next one, or `nil` when
    /// every attempt has been made.
    public mutating func failed() -> Duration? {
        failures += 1
        guard failures < attempts else { return nil }
        return firstWait * (1 << (failures - 1))
    }
}
