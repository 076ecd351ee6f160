public import Foundation
import GRDB
public import KioskCore
public import LMISProtocol

extension SQLiteSyncStore {
    /// Claims up to `limit` pending registry checks for `owner` until `until`, in one write: a
    /// check claimed by another checker (the serving process, or `kiosk sync now`) whose claim
    /// has not run out is not taken, so that no registration is asked about twice at once.
    public func claimChecks(owner: String, limit: Int, now: Date, until: Date) async throws -> [PendingIdentityCheck] {
        let nowText = Outbox.utcTimestamp(now)
        return try await writer.write { db in
            try Row.fetchAll(
                db,
                sql: """
                    UPDATE identity_check SET claimed_by = ?, claimed_until = ?
                    WHERE registration_id IN (
                        SELECT registration_id FROM identity_check
                        WHERE state = 'pending' AND (claimed_until IS NULL OR claimed_until < ? OR claimed_by = ?)
                        ORDER BY requested_at LIMIT ?)
                    RETURNING registration_id, registry_number
                    """, arguments: [owner, Outbox.utcTimestamp(until), nowText, owner, limit]
            ).map { PendingIdentityCheck(registrationID: $0["registration_id"], registryNumber: $0["registry_number"]) }
        }
    }

    /// Records the hub's answers for claimed checks in one transaction and lets go of the claims;
    /// an `unavailable` answer leaves the check pending for a later attempt.
    public func recordChecks(_ answers: [(PendingIdentityCheck, IdentityBatchResponse.Answer)], at instant: Date)
        async throws
    {
        let now = Outbox.utcTimestamp(instant)
        try await writer.write { db in
            let unavailable = try db.cachedStatement(
                sql: """
                    UPDATE identity_check SET attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL
                    WHERE registration_id = ?
                    """)
            let answered = try db.cachedStatement(
                sql: """
                    UPDATE identity_check SET state = ?, checked_at = ?, attempts = attempts + 1, claimed_by = NULL,
                        claimed_until = NULL
                    WHERE registration_id = ? AND state = 'pending'
                    """)
            let person = try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO lmis_person (registration_id, person_id) VALUES (?, ?)")
            for (check, answer) in answers {
                if answer.result == .unavailable {
                    try unavailable.execute(arguments: [check.registrationID])
                    continue
                }
                try answered.execute(arguments: [answer.result.rawValue, now, check.registrationID])
                if let personID = answer.personID {
                    try person.execute(arguments: [check.registrationID, personID])
                }
            }
        }
    }

    /// Lets go of `owner`'s claims (a batch that could not be asked).
    public func releaseChecks(owner: String) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE identity_check SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?",
                arguments: [owner])
        }
    }

    /// The newest waiting record's sequence (nil when none waits): read every second or so by the
    /// uploader, through the waiting-records index.
    public func newestWaiting() async throws -> Int64? {
        try await writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT max(seq) FROM outbox WHERE sync_state IS NULL")
        }
    }

    /// The sequences of the records waiting now, ascending (what a forced re-enrolment abandons).
    public func waitingSequences() async throws -> [Int64] {
        try await writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT seq FROM outbox WHERE sync_state IS NULL ORDER BY seq")
        }
    }

    /// Saves a new enrolment and, in the same transaction, marks the records up to `through` still
    /// waiting as abandoned (never uploaded under the new device). Answers how many were marked.
    @discardableResult
    public func saveEnrolment(_ enrolment: SyncEnrolment, at instant: Date, abandoningThrough through: Int64)
        async throws -> Int
    {
        let now = Outbox.utcTimestamp(instant)
        return try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET sync_state = 'abandoned', synced_at = ?,
                        sync_reason = 'abandoned by kiosk sync enrol --force (device ' || ? || ')'
                    WHERE sync_state IS NULL AND seq <= ?
                    """, arguments: [now, enrolment.deviceID, through])
            let abandoned = db.changesCount
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO lmis_enrolment (id, hub_url, device_id, office_code, enrolled_at)
                    VALUES (1, ?, ?, ?, ?)
                    """, arguments: [enrolment.hubURL, enrolment.deviceID, enrolment.officeCode, now])
            try db.execute(sql: "UPDATE lmis_sync_status SET cursor = NULL, last_error = NULL")
            return abandoned
        }
    }
}
