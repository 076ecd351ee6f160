public import Foundation
import KioskCore
import KioskStore
import LMISProtocol

/// The three concerns of sync, each able to run without the others: uploading (a stream at a
/// time, or all at once), the heartbeat and the change feed, and registry checks. `round()` runs
/// them side by side; the serving process's `LMISSyncService` runs each in its own loop.
extension SyncEngine {
    /// How long a checker's claim on registry checks lasts (a checker that dies lets go by then).
    static let checkClaim: TimeInterval = 120

    /// Uploads everything waiting (after the restore heartbeat when one is due), then sends the
    /// heartbeat; a failed upload the hub answered is followed by a heartbeat too, so that the hub
    /// hears why.
    public func uploadAll() async -> Report {
        await concern { session, report in
            let restoring = try await self.store.sequenceFloor()?.pending == true
            if restoring { try await self.heartbeat(session, &report) }
            do {
                try await self.upload(session, &report)
            } catch let error as SyncError {
                if !restoring, case .hub = error {
                    var ignored = Report()
                    _ = try? await self.heartbeat(session, &ignored)
                }
                throw error
            }
            if !restoring { try await self.heartbeat(session, &report) }
        }
    }

    /// Uploads one stream's waiting records until none wait (the serving process's uploader runs
    /// one of these per stream, so that a long stream holds up no other). Waits for the restore
    /// heartbeat first when one is due.
    public func uploadStream(_ stream: String) async -> Report {
        await concern { session, report in
            if try await self.store.sequenceFloor()?.pending == true {
                try await self.heartbeat(session, &report)
            }
            let outcome = await self.upload(stream: stream, session)
            for (status, count) in outcome.uploaded { report.uploaded[status, default: 0] += count }
            report.retryAfter = outcome.retryAfter
            if let failure = outcome.failure { throw failure }
        }
    }

    /// The heartbeat, then every change of the feed.
    public func heartbeatAndDownload() async -> Report {
        await concern { session, report in
            try await self.heartbeat(session, &report)
            try await self.download(session, &report)
        }
    }

    /// Answers pending registry checks in batches, claimed for `owner` so that no other checker
    /// of this kiosk (the serving process, `kiosk sync now`) asks about the same registrations.
    public func checkPending(owner: String) async -> Report {
        await concern { session, report in
            do {
                try await self.checkIdentities(session, owner: owner, &report)
            } catch {
                try? await self.store.releaseChecks(owner: owner)
                throw error
            }
        }
    }

    /// A concern's work with a session; its failure (but "not enrolled") noted in the report.
    private func concern(_ work: (Session, inout Report) async throws -> Void) async -> Report {
        var report = Report()
        do {
            try await work(try await session(), &report)
        } catch {
            report.error = error as? SyncError ?? .transport(String(describing: error))
        }
        return report
    }

    /// Claims a batch, asks the hub in one signed request, records the answers; until none is
    /// pending, or the civil registry answers that it cannot answer now.
    func checkIdentities(_ session: Session, owner: String, _ report: inout Report) async throws {
        while true {
            let now = Date()
            let claimed = try await store.claimChecks(
                owner: owner, limit: IdentityBatchRequest.limit, now: now,
                until: now.addingTimeInterval(Self.checkClaim))
            if claimed.isEmpty { return }
            let answer = try await session.send(
                "POST", LMISPath.identityBatch,
                body: try LMISCoding.encoder.encode(
                    IdentityBatchRequest(registryNumbers: claimed.map(\.registryNumber))))
            guard answer.status == 200 else {
                report.retryAfter = answer.retryAfter
                throw Self.failure(answer)
            }
            let answers = try answer.decode(IdentityBatchResponse.self).answers
            guard answers.map(\.registryNumber) == claimed.map(\.registryNumber) else {
                throw SyncError.badAnswer("the hub answered for other registry numbers than were asked")
            }
            try await store.recordChecks(Array(zip(claimed, answers)), at: Date())
            let answered = answers.filter { $0.result != .unavailable }.count
            report.checks += answered
            if answered < answers.count { return }
        }
    }

    /// Merges the reports of concerns run side by side: counts add up, the first failure stands,
    /// and the longest `Retry-After` is kept.
    static func merged(_ reports: [Report]) -> Report {
        var merged = Report()
        for report in reports {
            for (status, count) in report.uploaded { merged.uploaded[status, default: 0] += count }
            merged.changes += report.changes
            merged.checks += report.checks
            merged.reset = merged.reset || report.reset
            if merged.error == nil { merged.error = report.error }
            if let wait = report.retryAfter { merged.retryAfter = max(merged.retryAfter ?? .zero, wait) }
        }
        return merged
    }
}
