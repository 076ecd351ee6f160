import Foundation
import KioskCore
import LMISProtocol
import Logging
import Synchronization

/// One stream's upload over a slow link (issue 25): the next batch goes on the wire before the
/// previous one is answered, so that the line does not idle for a round trip and the hub's work
/// between batches; and a batch whose answer was lost is not sent again before the hub is asked
/// what it holds.
///
/// Exactly once and in order: every pipelined batch names the last sequence of the batch sent
/// before it (`after`), and the hub applies it only once that record is held (else it refuses
/// it, applying nothing). Answers are taken in the order the batches were sent.
extension SyncEngine {
    /// Batches of one stream on the wire at once.
    static let window = 2
    /// The shortest wait for an upload's answer before the link is taken as stalled, in seconds.
    static let minimumStall = 10.0
    /// The wait before the link was measured (the first batch of a run), in seconds.
    static let unmeasuredStall = 20.0
    /// The deadline of the receipts request that comes first after a lost answer.
    static let receiptsTimeout = Duration.seconds(8)

    /// A batch on the wire: what it carries, and its answer once it came.
    final class InFlight: Sendable {
        let batch: [WaitingRecord]
        let bytes: Int
        let sent: ContinuousClock.Instant
        /// Seconds this batch is expected to take (nil before the link was measured).
        let expected: Double?
        private let task: Task<HubClient.Answer, any Error>
        private let done = Flag()

        final class Flag: Sendable {
            let value = Mutex(false)
        }

        init(
            batch: [WaitingRecord], bytes: Int, expected: Double?,
            send: @escaping @Sendable () async throws -> HubClient.Answer
        ) {
            self.batch = batch
            self.bytes = bytes
            self.sent = .now
            self.expected = expected
            let done = self.done
            self.task = Task {
                defer { done.value.withLock { $0 = true } }
                return try await send()
            }
        }

        var answered: Bool { done.value.withLock { $0 } }
        /// Gives the request up (its connection is closed): the link stalled under it.
        func cancel() { task.cancel() }
        /// Seconds without an answer after which the link is taken as stalled (down, or a
        /// connection stuck in TCP's retransmission backoff): three times what the batch should
        /// take (it shares the line with the batch before it) and some, or `unmeasuredStall`.
        var stallLimit: Double {
            expected.map { max(SyncEngine.minimumStall, 3 * $0 + 2) } ?? SyncEngine.unmeasuredStall
        }
        var stalled: Bool { !answered && SyncEngine.seconds(sent.duration(to: .now)) > stallLimit }
        /// The answer; the request is given up when the waiting task is cancelled (shutdown).
        var answer: Result<HubClient.Answer, any Error> {
            get async {
                let task = self.task
                return await withTaskCancellationHandler {
                    await task.result
                } onCancel: {
                    task.cancel()
                }
            }
        }
        var last: Int64 { batch.last?.sequence ?? 0 }
    }

    /// One stream's waiting records, batch after batch, up to `window` on the wire, until none
    /// wait or the hub cannot be reached. After a lost answer, the hub is asked first.
    func upload(stream: String, _ session: Session) async -> StreamOutcome {
        var outcome = StreamOutcome()
        do {
            try await resumeAfterLostAnswers(stream: stream, session, &outcome)
            var flight: [InFlight] = []
            /// The last sequence sent in this run (the next batch starts after it).
            var queued: Int64 = 0
            var drained = false
            var failure: (any Error)?
            while true {
                let sizer = batchSizers[stream] ?? BatchSizer(maxRecords: LMISLimits.batchRecords)
                if failure == nil, !drained, flight.count < Self.window, Self.mayLaunch(after: flight.last) {
                    let batch = try await store.batch(
                        stream: stream, after: queued, maxRecords: sizer.records,
                        maxBytes: LMISLimits.batchBytes - 64 * 1024)
                    if batch.isEmpty {
                        drained = true
                    } else {
                        let body = Self.body(stream: stream, after: flight.last?.last, batch)
                        flight.append(
                            InFlight(batch: batch, bytes: body.count, expected: sizer.expected(bytes: body.count)) {
                                try await session.send(
                                    "POST", LMISPath.upload, body: body,
                                    headers: [CompactUploadResponse.header: CompactUploadResponse.value])
                            })
                        queued = batch.last?.sequence ?? queued
                        continue
                    }
                }
                guard let oldest = flight.first else { break }
                if oldest.stalled {
                    // No answer long past its time: the link is down or the connection stuck in
                    // TCP's retransmission backoff (after an outage, its next try can come tens of
                    // seconds after the line is back). Give the batches up, close their
                    // connections, and ask the hub what it holds on the next try, over a fresh one.
                    for other in flight {
                        other.cancel()
                        unanswered[stream, default: []].append(contentsOf: other.batch)
                        batchSizers[stream, default: sizer].cut(count: other.batch.count)
                    }
                    flight = []
                    failure =
                        failure
                        ?? SyncError.silentLink(
                            "no answer to an upload for \(Int(oldest.stallLimit)) s; the link is down or stalled")
                    break
                }
                if !oldest.answered {
                    // Not yet time for the next batch, or none to send: look again shortly.
                    try? await Task.sleep(for: .milliseconds(25))
                    continue
                }
                flight.removeFirst()
                switch await take(oldest, stream: stream, &outcome) {
                case .next: break
                case .restart:
                    // Nothing after it was applied (the hub refuses a batch whose predecessor
                    // it does not hold): wait for the rest, then start again from the oldest.
                    for other in flight {
                        if case .failed(let error) = await take(other, stream: stream, &outcome) {
                            failure = failure ?? error
                        }
                    }
                    flight = []
                    queued = 0
                    drained = false
                case .failed(let error):
                    failure = failure ?? error
                }
            }
            if let failure { throw failure }
        } catch {
            outcome.failure = error as? SyncError ?? .transport(String(describing: error))
        }
        return outcome
    }

    /// The next batch goes once the one before has had about half its expected time, so that
    /// the two overlap instead of going in step; before the link is measured, one at a time.
    static func mayLaunch(after previous: InFlight?) -> Bool {
        guard let previous else { return true }
        guard let expected = previous.expected else { return previous.answered }
        return seconds(previous.sent.duration(to: .now)) >= expected / 2
    }

    enum Taken {
        case next
        case restart
        case failed(any Error)
    }

    /// Takes one batch's answer: records the results, or notes the records as maybe held by the
    /// hub when the answer was lost.
    func take(_ flight: InFlight, stream: String, _ outcome: inout StreamOutcome) async -> Taken {
        var sizer = batchSizers[stream] ?? BatchSizer(maxRecords: LMISLimits.batchRecords)
        defer { batchSizers[stream] = sizer }
        let batch = flight.batch
        do {
            let answer: HubClient.Answer
            switch await flight.answer {
            case .success(let value): answer = value
            case .failure(let error):
                switch error as? SyncError {
                case .transport?, .silentLink?:
                    // A link that keeps dropping carries small batches more often than large ones.
                    sizer.cut(count: batch.count)
                    unanswered[stream, default: []].append(contentsOf: batch)
                default: break
                }
                return .failed(error)
            }
            switch answer.status {
            case 200:
                let results = try Self.results(of: answer, batch)
                guard Set(results.map(\.id)) == Set(batch.map(\.id)) else {
                    throw SyncError.badAnswer("the hub answered for other records than were sent")
                }
                try await store.record(results, at: Date())
                for result in results { outcome.uploaded[result.status, default: 0] += 1 }
                sizer.answered(
                    count: batch.count, bytes: flight.bytes, seconds: Self.seconds(flight.sent.duration(to: .now)))
                return .next
            case 409 where answer.problem?.error == .outOfOrder:
                return .restart
            case 400 where [.badRequest, .tooLarge].contains(answer.problem?.error),
                413 where [.badRequest, .tooLarge].contains(answer.problem?.error):
                // The hub itself cannot read this batch (not a proxy or a misconfigured
                // address answering 400): narrow it down to the record that jams it.
                if batch.count == 1 {
                    try await store.setAside(
                        id: batch[0].id, reason: "refused by the hub: \(Self.failure(answer))", at: Date())
                    outcome.uploaded[.rejected, default: 0] += 1
                    logger.error("record set aside", metadata: ["sync.record": "\(batch[0].id)"])
                } else {
                    sizer.refused(count: batch.count)
                }
                return .restart
            default:
                outcome.retryAfter = answer.retryAfter
                return .failed(Self.failure(answer))
            }
        } catch {
            return .failed(error)
        }
    }

    /// Before sending a stream's records again after a lost answer, asks the hub which of them
    /// it holds and records those as answered (issue 25): only the rest go again.
    func resumeAfterLostAnswers(stream: String, _ session: Session, _ outcome: inout StreamOutcome) async throws {
        guard let lost = unanswered[stream], let first = lost.map(\.sequence).min(),
            let last = lost.map(\.sequence).max()
        else { return }
        let answer = try await session.send(
            "GET", LMISPath.uploadReceipts + "?stream=\(stream)&from=\(first)&through=\(last)",
            timeout: Self.receiptsTimeout)
        guard answer.status == 200 else {
            outcome.retryAfter = answer.retryAfter
            throw Self.failure(answer)
        }
        let receipts = try answer.decode(UploadReceipts.self)
        let results = Self.held(receipts.received, of: lost)
        try await store.record(results, at: Date())
        for result in results { outcome.uploaded[result.status, default: 0] += 1 }
        unanswered[stream] = nil
        logger.info(
            "asked the hub before sending again",
            metadata: [
                "sync.stream": "\(stream)", "sync.unanswered": "\(lost.count)", "sync.held": "\(results.count)",
                "sync.hub_highest": "\(receipts.highest)",
            ])
    }

    /// The results the hub kept for the records of `lost` it holds (others it names are ignored).
    static func held(_ received: CompactUploadResponse, of lost: [WaitingRecord]) -> [RecordResult] {
        let ids = Dictionary(lost.map { ($0.sequence, $0.id) }, uniquingKeysWith: { first, _ in first })
        let known = Set(lost.map { $0.id.lowercased() })
        return received.applied.compactMap { sequence in
            ids[sequence].map { RecordResult(id: $0, sequence: sequence, status: .applied) }
        } + received.results.filter { known.contains($0.id.lowercased()) }
    }
}
