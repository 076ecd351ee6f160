public import Foundation
import Synchronization

/// A wall clock that tests move by hand: several office days in one test, no sleeping.
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = Fixtures.now) {
        current = Mutex(start)
    }

    /// The clock's time; pass `clock.now` where a `now` provider is asked for.
    @Sendable public func now() -> Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    public func advance(days: Int) { advance(by: TimeInterval(days) * 86_400) }
}
