public import Foundation
import Synchronization

/// How fast one client may ask for something: a token bucket of `burst` tries, refilled at
/// `perMinute` tries a minute.
public struct ThrottleRate: Sendable, Equatable {
    public var burst: Int
    public var perMinute: Double

    public init(burst: Int, perMinute: Double) {
        self.burst = burst
        self.perMinute = perMinute
    }

    /// Registry-number lookups: a visitor types one or two numbers, never dozens a minute.
    public static let lookups = ThrottleRate(burst: 10, perMinute: 20)
    /// Identifications and confirmations by finger, one-time codes: each takes a finger or a phone.
    public static let identifications = ThrottleRate(burst: 10, perMinute: 12)
    /// Ratings and finding a ticket to rate by its number.
    public static let ratings = ThrottleRate(burst: 10, perMinute: 10)
    /// Spoken clips and their plans: a screen in audio mode fetches a few dozen a step, the display
    /// board about ten a call.
    public static let speech = ThrottleRate(burst: 300, perMinute: 600)
}

/// Per-client token buckets (a client is the kiosk's, or a phone's, network address) with an
/// injected clock: the HTTP layer asks before each throttled request and answers 429 with
/// `Retry-After` when the bucket is empty. Buckets full again are forgotten.
public final class Throttle: Sendable {
    struct Bucket {
        var tokens: Double
        var at: Date
    }

    public let rate: ThrottleRate
    let now: @Sendable () -> Date
    private let buckets = Mutex<[String: Bucket]>([:])
    /// Most clients remembered; the fullest are forgotten first (they lose nothing).
    static let maximumClients = 4096

    public init(_ rate: ThrottleRate, now: @escaping @Sendable () -> Date) {
        self.rate = rate
        self.now = now
    }

    /// Takes one try for `client`: nil when allowed, else the whole seconds until the next try.
    public func take(_ client: String) -> Int? {
        let instant = now()
        let rate = rate
        let perSecond = rate.perMinute / 60
        return buckets.withLock { buckets in
            var bucket = buckets[client] ?? Bucket(tokens: Double(rate.burst), at: instant)
            let elapsed = max(0, instant.timeIntervalSince(bucket.at))
            bucket.tokens = min(Double(rate.burst), bucket.tokens + elapsed * perSecond)
            bucket.at = instant
            guard bucket.tokens >= 1 else {
                buckets[client] = bucket
                return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            buckets[client] = bucket
            if buckets.count > Self.maximumClients {
                // Forget the clients whose buckets would be full by now.
                buckets = buckets.filter {
                    $0.value.tokens + instant.timeIntervalSince($0.value.at) * perSecond < Double(rate.burst)
                }
            }
            return nil
        }
    }
}
