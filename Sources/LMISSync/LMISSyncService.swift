public import Foundation
public import KioskCore
public import Logging
public import ServiceLifecycle

/// Runs sync while the kiosk serves, as independent loops, each with its own full-jitter
/// backoff: an uploader per stream (started within a second of a record waiting, whatever else
/// is under way), the heartbeat and change feed every `interval`, and registry checks in batches.
/// A nudge (`kiosk sync now` from the console, a new registration) wakes them all.
public final class LMISSyncService: Service, Sendable {
    public let engine: SyncEngine
    let interval: Duration
    let logger: Logger
    /// How often the uploader looks for newly waiting records.
    let uploadPoll: Duration
    /// The longest wait before a stream tries again after nothing answered (`SyncError.silentLink`).
    let linkRetry = Duration.seconds(2)
    private let uploads = Doorbell()
    private let feed = Doorbell()
    private let checks = Doorbell()
    let streams = StreamBoard()
    /// Where in its full-jitter window each backoff falls, in [0, 1): random, or fixed by a test.
    let jitter: @Sendable () -> Double
    /// This process's name on the registry checks it claims.
    let checker = SyncEngine.checkerName()

    public convenience init(
        engine: SyncEngine, interval: Duration, logger: Logger, uploadPoll: Duration = .seconds(1)
    ) {
        self.init(engine: engine, interval: interval, logger: logger, uploadPoll: uploadPoll) {
            Double.random(in: 0..<1)
        }
    }

    init(
        engine: SyncEngine, interval: Duration, logger: Logger, uploadPoll: Duration,
        jitter: @escaping @Sendable () -> Double
    ) {
        self.engine = engine
        self.interval = interval
        self.logger = logger
        self.uploadPoll = uploadPoll
        self.jitter = jitter
    }

    /// Asks every loop to run now (coalesced with a run already asked for); a stream waiting out
    /// its backoff after failures is tried now too (staff asked for it: an office that gathered
    /// records offline has backed off for minutes by the time its link returns).
    public func nudge() {
        Task {
            await streams.retryNow()
            await uploads.ring()
            await feed.ring()
            await checks.ring()
        }
    }

    public func status() async throws -> SyncStatus { try await engine.store.status(now: Date()) }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.uploader() }
                group.addTask { await self.loop("feed", bell: self.feed) { await self.engine.heartbeatAndDownload() } }
                group.addTask {
                    await self.loop("checks", bell: self.checks) { await self.engine.checkPending(owner: self.checker) }
                }
            }
        } onGracefulShutdown: {
            self.nudge()
        }
        try? await engine.store.releaseChecks(owner: checker)
        await engine.shutdown()
    }

    static var stopping: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

    /// One concern every `interval`, or after its backoff when it failed, or when nudged.
    func loop(_ name: String, bell: Doorbell, _ work: @escaping @Sendable () async -> SyncEngine.Report) async {
        var backoff = SyncBackoff()
        while !Self.stopping {
            let report = await work()
            await engine.note(report)
            await bell.wait(upTo: wait(after: report, &backoff, name))
        }
    }

    func wait(after report: SyncEngine.Report, _ backoff: inout SyncBackoff, _ name: String) -> Duration {
        switch report.error {
        case nil:
            backoff.succeeded()
            return interval
        case .notEnrolled?:
            // A technician's enrolment (another process) is noticed within half a minute.
            return min(interval, .seconds(30))
        case let error?:
            let wait = backoff.failed(retryAfter: report.retryAfter, unit: jitter())
            logger.info(
                "next sync attempt",
                metadata: ["sync.concern": "\(name)", "sync.wait": "\(wait)", "sync.error": "\(error)"])
            return wait
        }
    }

    /// Looks for waiting records every `uploadPoll` (or when nudged) and starts an upload for each
    /// stream that has some and none running; a stream that failed waits out its own backoff.
    func uploader() async {
        await withDiscardingTaskGroup { group in
            var seen: Int64?
            var looked = ContinuousClock.now
            while !Self.stopping {
                let newest = try? await engine.store.newestWaiting()
                // The streams are listed when something new waits, a stream finished, or now and then.
                let finished = await streams.changed()
                if let newest, newest != seen || finished || looked.duration(to: .now) > interval {
                    seen = newest
                    looked = .now
                    for stream in (try? await engine.store.waitingStreams()) ?? [] where await streams.start(stream) {
                        group.addTask { await self.upload(stream) }
                    }
                }
                let retry = await streams.nextRetry() ?? uploadPoll
                await uploads.wait(upTo: min(uploadPoll, retry))
            }
        }
    }

    func upload(_ stream: String) async {
        let report = await engine.uploadStream(stream)
        if report.error != nil { await engine.note(report) }
        var backoff = await streams.backoff(stream)
        let wait = retryWait(after: report, &backoff, stream)
        await streams.finish(stream, backoff: backoff, retryAfter: wait)
        await uploads.ring()
    }

    /// How long a stream waits before its next upload (nil: none to wait).
    func retryWait(after report: SyncEngine.Report, _ backoff: inout SyncBackoff, _ stream: String) -> Duration? {
        switch report.error {
        case nil:
            // A stream that moved starts its backoff afresh: the failures of an offline spell must
            // not make the wait after the next short outage minutes long.
            backoff.succeeded()
            return nil
        // Looked at again soon: records wait for the enrolment, not for a backoff.
        case .notEnrolled?: return uploadPoll * 2
        // Nothing answered: the try itself waited out its timeout (a connection attempt, a
        // stalled upload), so the next comes after a short jittered wait, not a backoff that grew
        // through the outage: records go within seconds of the line coming back, at the cost of a
        // connection attempt every few seconds while it is down (issue 25). A hub that refuses
        // or answers with an error still backs off as before.
        case .silentLink?: return linkRetry * jitter()
        case _?: return wait(after: report, &backoff, "upload.\(stream)")
        }
    }
}

/// The streams being uploaded now, and each stream's backoff after a failure.
actor StreamBoard {
    private var running: Set<String> = []
    private var backoffs: [String: SyncBackoff] = [:]
    private var notBefore: [String: ContinuousClock.Instant] = [:]
    private var finished = false

    /// True when `stream` was not running and its backoff is over: it runs now.
    func start(_ stream: String) -> Bool {
        if running.contains(stream) { return false }
        if let instant = notBefore[stream], instant > .now { return false }
        running.insert(stream)
        return true
    }

    func backoff(_ stream: String) -> SyncBackoff { backoffs[stream] ?? SyncBackoff() }

    /// Ends every stream's wait (their backoffs keep counting failures).
    func retryNow() {
        if !notBefore.isEmpty { finished = true }
        notBefore = [:]
    }

    func finish(_ stream: String, backoff: SyncBackoff, retryAfter: Duration?) {
        running.remove(stream)
        backoffs[stream] = backoff
        notBefore[stream] = retryAfter.map { ContinuousClock.now + $0 }
        finished = true
    }

    /// True once after a stream finished (its records may not all be uploaded yet) or a
    /// stream's backoff ran out.
    func changed() -> Bool {
        let now = ContinuousClock.now
        let expired = notBefore.values.contains { $0 <= now }
        notBefore = notBefore.filter { $0.value > now }
        defer { finished = false }
        return finished || expired
    }

    /// How long until the first stream's backoff is over.
    func nextRetry() -> Duration? {
        notBefore.values.map { ContinuousClock.now.duration(to: $0) }.filter { $0 > .zero }.min()
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
