public import Foundation
public import KioskCore
public import Logging

/// Hands queued messages to the route and records what comes back, until cancelled.
///
/// A message is handed (the route holds it durably) before it is marked handed; a crash between
/// the two hands it again on restart, and the route, keyed by the message id, does not send it
/// twice. A route that refuses a message (modem gone, daemon stopped, hub unreachable) leaves it
/// queued, tried again after a back-off that doubles from `firstRetry` up to `longestRetry`.
public struct SMSSender: Sendable {
    public let queue: SQLiteSMSQueue
    public let transport: any SMSTransport
    public var batch: Int
    public var firstRetry: TimeInterval
    public var longestRetry: TimeInterval
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        queue: SQLiteSMSQueue, transport: any SMSTransport, batch: Int = 500, firstRetry: TimeInterval = 5,
        longestRetry: TimeInterval = 600, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.queue = queue
        self.transport = transport
        self.batch = batch
        self.firstRetry = firstRetry
        self.longestRetry = longestRetry
        self.logger = logger
        self.now = now
    }

    /// The wait before the next try of a message the route refused `attempts` times.
    public func backOff(afterAttempts attempts: Int) -> TimeInterval {
        min(longestRetry, firstRetry * pow(2, Double(min(attempts, 20))))
    }

    /// Hands what is due (in batches of `batch`); returns how many were handed.
    @discardableResult
    public func handDue() async throws -> Int {
        var total = 0
        while true {
            let due = try await queue.due(limit: batch, at: now())
            guard !due.isEmpty else { return total }
            var handed: [UUID] = []
            var refused = false
            for message in due {
                do {
                    try await transport.hand(message.outgoing)
                    handed.append(message.id)
                } catch {
                    // Without the number or text: the error is the route's own words.
                    logger.warning(
                        "text message not handed to the route; tried again later",
                        metadata: [
                            "kiosk.sms.id": "\(message.id)", "kiosk.sms.kind": "\(message.kind.rawValue)",
                            "kiosk.error": "\(error)",
                        ])
                    try await queue.markRetry(
                        message.id, error: "\(error)",
                        retryAt: now().addingTimeInterval(backOff(afterAttempts: message.attempts)))
                    refused = true
                    break
                }
            }
            try await queue.markHanded(handed, at: now())
            total += handed.count
            if refused || due.count < batch { return total }
        }
    }

    /// Records the route's delivery reports and received messages, then acknowledges them.
    @discardableResult
    public func collect() async throws -> SMSCollection {
        let collection = try await transport.collect()
        guard !collection.reports.isEmpty || !collection.received.isEmpty else { return collection }
        try await queue.record(collection, at: now())
        try await transport.acknowledge(collection)
        return collection
    }

    /// Hands and collects every `interval` until the task is cancelled.
    public func run(every interval: Duration = .milliseconds(200)) async {
        var collectedAt = ContinuousClock.now - .seconds(60)
        while !Task.isCancelled {
            do {
                try await handDue()
                if ContinuousClock.now - collectedAt >= .seconds(2) {
                    collectedAt = .now
                    try await collect()
                }
            } catch {
                logger.error("text message queue round failed", metadata: ["kiosk.error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}

/// Sends one-time codes by queuing them: the code exists as a message exactly when the kiosk
/// said it was sent, and goes out at any hour without a consent (the person asked for it).
public struct QueuedOneTimeCodeSender: OneTimeCodeSender {
    public let queue: SQLiteSMSQueue
    public let wording: SMSWording
    public let lifetimeMinutes: Int
    let now: @Sendable () -> Date

    public init(
        queue: SQLiteSMSQueue, wording: SMSWording, lifetimeMinutes: Int,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.queue = queue
        self.wording = wording
        self.lifetimeMinutes = lifetimeMinutes
        self.now = now
    }

    public func send(code: String, to phone: PhoneNumber, language: Language) async throws {
        let text = wording.text(
            "oneTimeCode", kind: .oneTimeCode, language, ["code": code, "minutes": "\(lifetimeMinutes)"])
        try await queue.queue(kind: .oneTimeCode, to: phone, text: text, at: now())
    }
}
