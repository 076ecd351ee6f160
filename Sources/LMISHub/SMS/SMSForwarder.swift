public import Logging
public import ServiceLifecycle

/// Runs the SMS relay's rounds (messages to the gateway, the gateway's events back) every
/// `interval` while the hub serves, and the retention purge (`SMSRelay.purge`) hourly; stops with
/// the hub's graceful shutdown. A failed round is logged and the next one starts over from the tables.
public struct SMSForwarder: Service {
    let relay: SMSRelay
    let interval: Duration
    let logger: Logger

    public init(relay: SMSRelay, interval: Duration, logger: Logger) {
        self.relay = relay
        self.interval = interval
        self.logger = logger
    }

    /// A round is never cut short (a message half handed over would wait `reclaimAfter`): the
    /// shutdown is seen between rounds, and the wait between them is at most `interval`.
    public func run() async throws {
        var lastPurge = ContinuousClock.now - .seconds(3600)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Numbers and reply texts past their retention, once an hour (and at start).
            if ContinuousClock.now - lastPurge >= .seconds(3600) {
                do {
                    let purged = try await relay.purge()
                    lastPurge = ContinuousClock.now
                    if purged != SMSRelay.Purged() {
                        logger.info(
                            "SMS numbers and texts past their retention purged",
                            metadata: [
                                "hub.sms_purged": "\(purged.messages)", "hub.sms_replies_purged": "\(purged.replies)",
                            ])
                    }
                } catch {
                    logger.warning("SMS purge failed", metadata: ["hub.error": "\(String(reflecting: error))"])
                }
            }
            do {
                let round = try await relay.round()
                if round != SMSRelay.Round() {
                    logger.info(
                        "SMS relay round",
                        metadata: [
                            "hub.sms_sent": "\(round.sent)", "hub.sms_retried": "\(round.retried)",
                            "hub.sms_failed": "\(round.failed)", "hub.sms_events": "\(round.events)",
                        ])
                }
            } catch {
                logger.warning("SMS relay round failed", metadata: ["hub.error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
