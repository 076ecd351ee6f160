public import Foundation
public import KioskCore
public import Logging
public import ServiceLifecycle

/// Runs sync rounds while the kiosk serves: every `interval` when all is well, after a
/// full-jitter backoff when the hub cannot be reached, and at once when nudged
/// (`kiosk sync now` from the console or a new registration).
public final class LMISSyncService: Service, Sendable {
    public let engine: SyncEngine
    let interval: Duration
    let logger: Logger
    private let doorbell = Doorbell()

    public init(engine: SyncEngine, interval: Duration, logger: Logger) {
        self.engine = engine
        self.interval = interval
        self.logger = logger
    }

    /// Asks for a round now (coalesced with one already asked for).
    public func nudge() { Task { await doorbell.ring() } }

    public func status() async throws -> SyncStatus { try await engine.store.status(now: Date()) }

    public func run() async throws {
        var backoff = SyncBackoff()
        try await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let report = await engine.round()
                let wait: Duration
                switch report.error {
                case nil:
                    backoff.succeeded()
                    wait = interval
                case .notEnrolled?:
                    wait = interval
                case let error?:
                    wait = backoff.failed(retryAfter: report.retryAfter, unit: Double.random(in: 0..<1))
                    logger.info("next sync attempt", metadata: ["sync.wait": "\(wait)", "sync.error": "\(error)"])
                }
                // Sleep until the wait is over or someone nudges.
                await doorbell.wait(upTo: wait)
            }
        } onGracefulShutdown: {
            Task { await self.doorbell.ring() }
        }
        await engine.shutdown()
    }
}

/// Wakes the sync loop early; a ring while nobody waits is kept for the next wait.
actor Doorbell {
    private var pending = false
    private var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
    private var nextID: UInt64 = 0

    func ring() {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume()
        } else {
            pending = true
        }
    }

    func wait(upTo duration: Duration) async {
        if pending {
            pending = false
            return
        }
        nextID += 1
        let id = nextID
        await withCheckedContinuation { continuation in
            waiter = (id, continuation)
            Task {
                try? await Task.sleep(for: duration)
                self.expire(id)
            }
        }
    }

    private func expire(_ id: UInt64) {
        if let waiter, waiter.id == id {
            self.waiter = nil
            waiter.continuation.resume()
        }
    }
}
