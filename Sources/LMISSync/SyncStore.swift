public import Foundation
public import KioskCore
public import KioskStore
public import LMISProtocol

/// The sync bookkeeping a round reads and writes: enrolment, the outbox's upload state, the
/// change feed and registry checks. Its SQLite adapter is `SQLiteSyncStore` in KioskStore.
public protocol SyncStore: SyncClaims {
    /// Closes the office database it lives in (technician commands, before a wipe or when
    /// done); the store cannot be used afterwards.
    func close() throws
    func enrolment() async throws -> SyncEnrolment?
    func saveEnrolment(_ enrolment: SyncEnrolment, at instant: Date) async throws
    func waitingCount() async throws -> Int
    /// Streams with records waiting, oldest first: families, and of the queue's office-day lanes
    /// (`RecordStream.queueLane(day:)`) the oldest day's and the newest day's.
    func waitingStreams() async throws -> [String]
    /// The oldest waiting records of a stream, within the count and byte bounds (at least one).
    func batch(stream: String, after: Int64, maxRecords: Int, maxBytes: Int) async throws -> [WaitingRecord]
    /// Records the hub's answers, and the person ids it gave registrations.
    func record(_ results: [RecordResult], at instant: Date) async throws
    /// Puts one record aside that the hub cannot take even alone.
    func setAside(id: String, reason: String, at instant: Date) async throws
    func cursor() async throws -> String?
    func clockOffset() async throws -> Double
    func saveClockOffset(_ seconds: Double) async throws
    func noteAttempt(at instant: Date, error: String?) async throws
    /// Applies one page of the change feed and its cursor at once; `startsOver` for the first
    /// page of a feed read from the start.
    func apply(_ page: ChangesResponse, startsOver: Bool) async throws
    func pendingChecks(limit: Int) async throws -> [PendingIdentityCheck]
    func recordCheck(_ registrationID: String, result: IdentityResult, personID: String?, at instant: Date)
        async throws
    func status(now: Date) async throws -> SyncStatus
    func quarantined(limit: Int) async throws -> [QuarantinedRecord]
    /// The outbox's numbering after a restore; nil when never restored.
    func sequenceFloor() async throws -> SequenceFloor?
    /// Numbers records made since a restore above `hubHighest` (once; see `SQLiteSyncStore`).
    func settleSequenceFloor(hubHighest: Int64) async throws -> SequenceFloor?
    /// The highest sequence the outbox has given.
    func lastSequence() async throws -> Int64
}

extension SyncStore {
    /// The oldest waiting records of a stream.
    public func batch(stream: String, maxRecords: Int, maxBytes: Int) async throws -> [WaitingRecord] {
        try await batch(stream: stream, after: 0, maxRecords: maxRecords, maxBytes: maxBytes)
    }

    /// The first hundred records put aside.
    public func quarantined() async throws -> [QuarantinedRecord] { try await quarantined(limit: 100) }
}

extension SQLiteSyncStore: SyncStore {}

/// What independent streams and shared registry checks need of the bookkeeping.
public protocol SyncClaims: Sendable {
    func claimChecks(owner: String, limit: Int, now: Date, until: Date) async throws -> [PendingIdentityCheck]
    func recordChecks(_ answers: [(PendingIdentityCheck, IdentityBatchResponse.Answer)], at instant: Date)
        async throws
    func releaseChecks(owner: String) async throws
    func newestWaiting() async throws -> Int64?
    func waitingSequences() async throws -> [Int64]
    @discardableResult
    func saveEnrolment(_ enrolment: SyncEnrolment, at instant: Date, abandoningThrough through: Int64) async throws
        -> Int
}

extension SQLiteSyncStore: SyncClaims {}
