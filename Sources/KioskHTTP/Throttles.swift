import Foundation
import Hummingbird
import KioskCore

/// Per-client throttling of what an outsider could repeat to learn or spoil something: registry
/// number lookups, identifications (finger, code), ratings. An empty bucket is answered 429
/// `throttled` with `Retry-After`, in both languages.
struct Throttles: Sendable {
    let lookups: Throttle
    let identifications: Throttle
    let ratings: Throttle
    /// New screen sessions: a flood of them must not push the kiosk's own out of memory.
    let sessions: Throttle
    /// The voice's clips and plans: a screen in audio mode asks a few a step.
    let speech: Throttle

    init(now: @escaping @Sendable () -> Date) {
        sessions = Throttle(.lookups, now: now)
        lookups = Throttle(.lookups, now: now)
        identifications = Throttle(.identifications, now: now)
        ratings = Throttle(.ratings, now: now)
        speech = Throttle(.speech, now: now)
    }

    /// The client a request counts against: its network address (the kiosk's touchscreen, a
    /// phone, a staff PC); requests without one (the router tests) share one bucket.
    static func client(of context: some RequestContext) -> String {
        (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress ?? "local"
    }

    /// Takes one try of `throttle` for the request's client, or throws the 429 answer.
    static func take(_ throttle: Throttle, _ context: some RequestContext, _ locales: Locales) throws {
        guard let wait = throttle.take(client(of: context)) else { return }
        var error = APIError(status: .tooManyRequests, code: "throttled", message: locales.both("api.throttled"))
        error.retryAfterSeconds = wait
        throw error
    }
}
