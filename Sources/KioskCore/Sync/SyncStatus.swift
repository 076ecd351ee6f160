public import Foundation

/// Where the kiosk stands with the LMIS: what the staff console and `kiosk sync status` show.
public struct SyncStatus: Sendable, Hashable, Codable {
    /// Nil while the kiosk is not enrolled with a hub.
    public var hubURL: String?
    public var deviceID: String?
    public var lastSuccessAt: Date?
    public var lastAttemptAt: Date?
    /// The last failure, in words, while the link is down.
    public var lastError: String?
    /// Records waiting to be uploaded.
    public var waiting: Int
    /// Age of the oldest waiting record, in seconds.
    public var oldestWaitingSeconds: Int?
    /// Records the hub refused (kept in quarantine at both ends).
    public var quarantined: Int
    /// Registrations whose registry check has not been answered yet.
    public var unverified: Int
    /// Open vacancies held locally.
    public var vacancies: Int
    /// How far the kiosk's clock is from the hub's (hub minus kiosk), when known.
    public var clockOffsetSeconds: Double

    public init(
        hubURL: String?, deviceID: String?, lastSuccessAt: Date?, lastAttemptAt: Date?, lastError: String?,
        waiting: Int, oldestWaitingSeconds: Int?, quarantined: Int, unverified: Int, vacancies: Int,
        clockOffsetSeconds: Double
    ) {
        self.hubURL = hubURL
        self.deviceID = deviceID
        self.lastSuccessAt = lastSuccessAt
        self.lastAttemptAt = lastAttemptAt
        self.lastError = lastError
        self.waiting = waiting
        self.oldestWaitingSeconds = oldestWaitingSeconds
        self.quarantined = quarantined
        self.unverified = unverified
        self.vacancies = vacancies
        self.clockOffsetSeconds = clockOffsetSeconds
    }
}

/// Full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff And Jitter"):
/// the n-th consecutive failure waits a uniformly random time in [0, min(cap, base·2ⁿ)], never
/// less than what the hub asked for with `Retry-After`. Never gives up.
public struct SyncBackoff: Sendable, Hashable {
    public var base: Duration
    public var cap: Duration
    public private(set) var failures = 0

    public init(base: Duration = .seconds(2), cap: Duration = .seconds(300)) {
        self.base = base
        self.cap = cap
    }

    /// Records a failure; the wait before the next attempt. `unit` is a random number in [0, 1).
    public mutating func failed(retryAfter: Duration? = nil, unit: Double) -> Duration {
        let exponent = min(failures, 30)
        failures += 1
        let ceiling = min(cap, base * Double(1 << exponent))
        let wait = ceiling * min(max(unit, 0), 1)
        if let retryAfter, retryAfter > wait { return min(retryAfter, .seconds(3600)) }
        return wait
    }

    public mutating func succeeded() { failures = 0 }
}
