public import Foundation
import GRDB
public import KioskCore
public import LMISProtocol

/// The kiosk's sync bookkeeping in its SQLite database: enrolment, the outbox's upload state,
/// the change feed's cursor and what it brings, and registry checks.
public struct SQLiteSyncStore: Sendable {
    public let database: AppDatabase

    public init(database: AppDatabase) { self.database = database }

    var writer: any DatabaseWriter { database.writer }

    /// Closes the office database; neither can be used afterwards.
    public func close() throws { try database.close() }

    public func enrolment() async throws -> SyncEnrolment? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT hub_url, device_id, office_code FROM lmis_enrolment WHERE id = 1").map {
                SyncEnrolment(hubURL: $0["hub_url"], deviceID: $0["device_id"], officeCode: $0["office_code"])
            }
        }
    }

    public func saveEnrolment(_ enrolment: SyncEnrolment, at instant: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO lmis_enrolment (id, hub_url, device_id, office_code, enrolled_at)
                    VALUES (1, ?, ?, ?, ?)
                    """,
                arguments: [enrolment.hubURL, enrolment.deviceID, enrolment.officeCode, Outbox.utcTimestamp(instant)])
            // A new hub's feed starts over.
            try db.execute(sql: "UPDATE lmis_sync_status SET cursor = NULL, last_error = NULL")
        }
    }

    public func waitingCount() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE sync_state IS NULL")!
        }
    }

    /// Streams with records waiting, oldest first. Of the queue's day lanes, only the oldest
    /// day's and the newest day's (today's, while the office works): today's tickets go up beside
    /// the backlog, which drains a day at a time, in order, and is never held up by today's.
    /// One index seek per stream (migration v50): a sync round asks every second, and a week's
    /// backlog is a handful of lanes among tens of thousands of waiting records.
    public func waitingStreams() async throws -> [String] {
        let waiting = try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    WITH RECURSIVE lane(stream) AS (
                        SELECT MIN(stream) FROM outbox WHERE sync_state IS NULL
                        UNION ALL
                        SELECT (SELECT MIN(o.stream) FROM outbox o WHERE o.sync_state IS NULL AND o.stream > lane.stream)
                        FROM lane WHERE lane.stream IS NOT NULL)
                    SELECT stream,
                           (SELECT MIN(o.seq) FROM outbox o WHERE o.sync_state IS NULL AND o.stream = lane.stream) AS first
                    FROM lane WHERE stream IS NOT NULL ORDER BY first
                    """
            ).map { (stream: $0["stream"] as String, first: $0["first"] as Int64) }
        }
        let days = waiting.compactMap { RecordStream.laneDay(of: $0.stream) }
        let kept = Set([days.min(), days.max()].compactMap { $0 })
        return waiting.filter { RecordStream.laneDay(of: $0.stream).map(kept.contains) ?? true }.map(\.stream)
    }

    /// The oldest waiting records of a stream, within the count and byte bounds (at least one).
    public func batch(stream: String, after: Int64 = 0, maxRecords: Int, maxBytes: Int) async throws
        -> [WaitingRecord]
    {
        try await writer.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, seq, record_type, created_at, payload
                    FROM outbox INDEXED BY outbox_waiting_stream
                    WHERE sync_state IS NULL AND stream = ? AND seq > ?
                    ORDER BY seq LIMIT ?
                    """,
                arguments: [stream, after, maxRecords])
            var batch: [WaitingRecord] = []
            var bytes = 0
            while let row = try rows.next() {
                let payload: String = row["payload"]
                if !batch.isEmpty, bytes + payload.utf8.count > maxBytes { break }
                bytes += payload.utf8.count + 120
                batch.append(
                    WaitingRecord(
                        id: row["id"], sequence: row["seq"], type: row["record_type"], createdAt: row["created_at"],
                        payload: payload))
            }
            return batch
        }
    }

    /// Records the hub's answers, and the person ids it gave registrations.
    public func record(_ results: [RecordResult], at instant: Date) async throws {
        let now = Outbox.utcTimestamp(instant)
        try await writer.write { db in
            let update = try db.cachedStatement(
                sql:
                    "UPDATE outbox SET sync_state = ?, sync_reason = ?, synced_at = ? WHERE id = ? AND sync_state IS NULL"
            )
            let person = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO lmis_person (registration_id, person_id)
                    SELECT json_extract(payload, '$.registration.id'), ? FROM outbox
                    WHERE id = ? AND json_extract(payload, '$.registration.id') IS NOT NULL
                    """)
            for result in results {
                try update.execute(arguments: [result.status.rawValue, result.reason, now, result.id.lowercased()])
                if let personID = result.personID { try person.execute(arguments: [personID, result.id.lowercased()]) }
            }
        }
    }

    /// Puts one record aside locally when the hub cannot take it at all (it refuses even a batch
    /// of that record alone), so that the rest of its stream moves on.
    public func setAside(id: String, reason: String, at instant: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET sync_state = 'rejected', sync_reason = ?, synced_at = ?
                    WHERE id = ? AND sync_state IS NULL
                    """,
                arguments: [reason, Outbox.utcTimestamp(instant), id])
        }
    }

    public func cursor() async throws -> String? {
        try await writer.read { db in try String.fetchOne(db, sql: "SELECT cursor FROM lmis_sync_status WHERE id = 1") }
    }

    public func clockOffset() async throws -> Double {
        try await writer.read { db in
            try Double.fetchOne(db, sql: "SELECT clock_offset_seconds FROM lmis_sync_status WHERE id = 1") ?? 0
        }
    }

    public func saveClockOffset(_ seconds: Double) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE lmis_sync_status SET clock_offset_seconds = ? WHERE id = 1", arguments: [seconds])
        }
    }

    public func noteAttempt(at instant: Date, error: String?) async throws {
        try await writer.write { db in
            if let error {
                try db.execute(
                    sql: "UPDATE lmis_sync_status SET last_attempt_at = ?, last_error = ? WHERE id = 1",
                    arguments: [Outbox.utcTimestamp(instant), error])
            } else {
                try db.execute(
                    sql: """
                        UPDATE lmis_sync_status SET last_attempt_at = ?, last_success_at = ?, last_error = NULL WHERE id = 1
                        """, arguments: [Outbox.utcTimestamp(instant), Outbox.utcTimestamp(instant)])
            }
        }
    }

    /// Applies one page of the change feed and its cursor in one transaction. At the end of the
    /// feed, vacancies not seen in the current epoch are dropped (they vanished in a restore).
    /// `startsOver`: the page is the first of a feed read from the start (first contact, a new
    /// hub, or the hub's reset).
    public func apply(_ page: ChangesResponse, startsOver: Bool) async throws {
        // Rows carry the generation of the feed they came from: a reset starts a new one, and
        // at the end of the feed rows of older generations are gone from the hub.
        let fresh = UUID().uuidString.lowercased()
        try await writer.write { db in
            try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
            if startsOver {
                try db.execute(sql: "UPDATE lmis_sync_status SET generation = ? WHERE id = 1", arguments: [fresh])
            }
            let epoch = try String.fetchOne(db, sql: "SELECT generation FROM lmis_sync_status WHERE id = 1") ?? ""
            let deleteVacancy = try db.cachedStatement(sql: "DELETE FROM vacancy WHERE reference = ?")
            let office = try String.fetchOne(db, sql: "SELECT office_code FROM lmis_enrolment WHERE id = 1")
            for change in page.changes {
                switch change.kind {
                case "vacancy":
                    if change.deleted {
                        try deleteVacancy.execute(arguments: [change.key])
                    } else if let vacancy = change.vacancy, vacancy.problems.isEmpty {
                        try VacancyRow(Vacancy(vacancy), data: vacancy.storedJSON, generation: epoch)
                            .insertOrUpdate(db)
                    }
                case ReferenceKind.adminUnits.rawValue:
                    try Self.applyAdminUnit(change, db)
                case ReferenceKind.occupations.rawValue:
                    try Self.applyOccupation(change, db)
                case ReferenceKind.educationLevels.rawValue:
                    try Self.applyEducation(change, db)
                case ReferenceKind.programmes.rawValue:
                    try Self.applyProgramme(change, db)
                case ReferenceKind.profiling.rawValue:
                    try Self.applyQuestionnaire(change, db)
                case "calendar":
                    try CalendarChanges.applyReceived(change, officeCode: office, db)
                default:
                    break  // kinds this kiosk version does not use
                }
            }
            if !page.more {
                try db.execute(sql: "DELETE FROM vacancy WHERE generation <> ?", arguments: [epoch])
            }
            try db.execute(sql: "UPDATE lmis_sync_status SET cursor = ? WHERE id = 1", arguments: [page.cursor])
        }
    }

    static func applyAdminUnit(_ change: Change, _ db: Database) throws {
        guard !change.deleted else {
            try db.execute(sql: "DELETE FROM admin_unit WHERE code = ?", arguments: [change.key])
            return
        }
        guard let data = change.data, let kind = data["kind"]?.string, let mn = data["nameMn"]?.string,
            let en = data["nameEn"]?.string, ["aimag", "district", "soum", "khoroo"].contains(kind)
        else { return }
        // A parent this kiosk does not hold would fail the page's commit for ever: keep the unit,
        // without its parent (the hub sends parents before their children).
        var parent = data["parentCode"]?.string
        if let code = parent,
            try Int.fetchOne(db, sql: "SELECT 1 FROM admin_unit WHERE code = ?", arguments: [code]) == nil
        {
            parent = nil
        }
        var position = 0
        if case .number(let value)? = data["position"] { position = Int(exactly: value.rounded()) ?? 0 }
        try db.execute(
            sql: """
                INSERT INTO admin_unit (code, kind, parent_code, name_mn, name_en, time_zone, position)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, parent_code = excluded.parent_code,
                    name_mn = excluded.name_mn, name_en = excluded.name_en, time_zone = excluded.time_zone,
                    position = excluded.position
                """,
            arguments: [change.key, kind, parent, mn, en, data["timeZone"]?.string, position])
    }

    /// An occupation from the feed. Its `keywords` (an array of strings) replace the kiosk's
    /// when present; a hub that sends none keeps the bundled ones, so a renamed title does not
    /// lose the words people search by.
    static func applyOccupation(_ change: Change, _ db: Database) throws {
        guard !change.deleted else {
            try db.execute(sql: "DELETE FROM occupation WHERE code = ?", arguments: [change.key])
            return
        }
        guard let mn = change.data?["nameMn"]?.string, let en = change.data?["nameEn"]?.string else { return }
        var keywords: String?
        if case .array(let values)? = change.data?["keywords"] {
            keywords = ReferenceStore.storedKeywords(values.compactMap(\.string))
        }
        try db.execute(
            sql: """
                INSERT INTO occupation (code, name_mn, name_en, keywords) VALUES (?, ?, ?, coalesce(?, ''))
                ON CONFLICT (code) DO UPDATE SET name_mn = excluded.name_mn, name_en = excluded.name_en,
                    keywords = coalesce(?, occupation.keywords)
                """, arguments: [change.key, mn, en, keywords, keywords])
    }

    /// A programme from the feed, whole (rules, period, quotas); one that does not read as a
    /// programme is skipped, as a unit with an unknown kind is. A new one goes last in the list.
    static func applyProgramme(_ change: Change, _ db: Database) throws {
        guard !change.deleted else {
            try db.execute(sql: "DELETE FROM programme WHERE code = ?", arguments: [change.key])
            return
        }
        guard let data = change.data,
            let programme = try? JSONDecoder().decode(Programme.self, from: JSONEncoder().encode(data)),
            programme.code == change.key
        else { return }
        try db.execute(
            sql: """
                INSERT INTO programme (code, position, document)
                VALUES (?, (SELECT coalesce(max(position), -1) + 1 FROM programme), ?)
                ON CONFLICT (code) DO UPDATE SET document = excluded.document
                """, arguments: [programme.code, try ReferenceStore.document(programme)])
    }

    /// A questionnaire the hub sent: kept when it reads as one and its version is its key (a
    /// broken one would stop the next start; it is left out, and the one in use stays).
    static func applyQuestionnaire(_ change: Change, _ db: Database) throws {
        guard !change.deleted else {
            try db.execute(sql: "DELETE FROM profiling_questionnaire WHERE version = ?", arguments: [change.key])
            return
        }
        guard let data = change.data, let document = try? JSONEncoder().encode(data),
            let questionnaire = try? ProfilingQuestionnaire.load(document), questionnaire.version == change.key
        else { return }
        try db.execute(
            sql: """
                INSERT INTO profiling_questionnaire (version, document, received_at) VALUES (?, ?, ?)
                ON CONFLICT (version) DO UPDATE SET document = excluded.document
                """,
            arguments: [questionnaire.version, String(decoding: document, as: UTF8.self), Outbox.utcTimestamp(Date())])
    }

    static func applyEducation(_ change: Change, _ db: Database) throws {
        guard !change.deleted else {
            try db.execute(sql: "DELETE FROM education_level WHERE code = ?", arguments: [change.key])
            return
        }
        guard let mn = change.data?["nameMn"]?.string, let en = change.data?["nameEn"]?.string,
            case .number(let number)? = change.data?["rank"], let rank = Int(exactly: number.rounded())
        else { return }
        try db.execute(
            sql: """
                INSERT INTO education_level (code, rank, name_mn, name_en) VALUES (?, ?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET rank = excluded.rank, name_mn = excluded.name_mn, name_en = excluded.name_en
                """, arguments: [change.key, rank, mn, en])
    }

    public func pendingChecks(limit: Int) async throws -> [PendingIdentityCheck] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT registration_id, registry_number FROM identity_check
                    WHERE state = 'pending' ORDER BY requested_at LIMIT ?
                    """, arguments: [limit]
            ).map { PendingIdentityCheck(registrationID: $0["registration_id"], registryNumber: $0["registry_number"]) }
        }
    }

    public func recordCheck(_ registrationID: String, result: IdentityResult, personID: String?, at instant: Date)
        async throws
    {
        try await writer.write { db in
            if result == .unavailable {
                try db.execute(
                    sql: "UPDATE identity_check SET attempts = attempts + 1 WHERE registration_id = ?",
                    arguments: [registrationID])
                return
            }
            try db.execute(
                sql: """
                    UPDATE identity_check SET state = ?, checked_at = ?, attempts = attempts + 1 WHERE registration_id = ?
                    """, arguments: [result.rawValue, Outbox.utcTimestamp(instant), registrationID])
            if let personID {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO lmis_person (registration_id, person_id) VALUES (?, ?)",
                    arguments: [registrationID, personID])
            }
        }
    }

    public func status(now: Date) async throws -> SyncStatus {
        try await writer.read { db in
            let enrolment = try Row.fetchOne(db, sql: "SELECT hub_url, device_id FROM lmis_enrolment WHERE id = 1")
            let state = try Row.fetchOne(db, sql: "SELECT * FROM lmis_sync_status WHERE id = 1")
            let oldest = try String.fetchOne(
                db, sql: "SELECT created_at FROM outbox WHERE sync_state IS NULL ORDER BY seq LIMIT 1")
            func time(_ column: String) -> Date? {
                (state?[column] as String?).flatMap { try? Outbox.parseUTCTimestamp($0) }
            }
            return SyncStatus(
                hubURL: enrolment?["hub_url"], deviceID: enrolment?["device_id"],
                lastSuccessAt: time("last_success_at"), lastAttemptAt: time("last_attempt_at"),
                lastError: state?["last_error"],
                waiting: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE sync_state IS NULL")!,
                oldestWaitingSeconds: try oldest.map { Int(now.timeIntervalSince(try Outbox.parseUTCTimestamp($0))) },
                quarantined: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE sync_state = 'rejected'")!,
                unverified: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM identity_check WHERE state = 'pending'")!,
                vacancies: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM vacancy")!,
                clockOffsetSeconds: state?["clock_offset_seconds"] ?? 0)
        }
    }

    /// The outbox's floor after a restore, nil when the file was never restored.
    public func sequenceFloor() async throws -> SequenceFloor? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT floor, backup_sequence, pending, restored_at FROM outbox_floor").map {
                SequenceFloor(
                    floor: $0["floor"], backupSequence: $0["backup_sequence"], pending: $0["pending"],
                    restoredAt: try Outbox.parseUTCTimestamp($0["restored_at"]))
            }
        }
    }

    /// After a restore, once the hub has said the highest sequence it knows of this device
    /// (received, or reported by a heartbeat): records made since the restore are numbered above
    /// it, in their order, and so is every later record. Records of the backup keep their numbers
    /// (the hub knows them by id). Answers the settled floor; nothing changes unless pending.
    @discardableResult
    public func settleSequenceFloor(hubHighest: Int64) async throws -> SequenceFloor? {
        try await writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT floor, backup_sequence, pending, restored_at FROM outbox_floor")
            else { return nil }
            let backupSequence: Int64 = row["backup_sequence"]
            var floor = SequenceFloor(
                floor: row["floor"], backupSequence: backupSequence, pending: row["pending"],
                restoredAt: try Outbox.parseUTCTimestamp(row["restored_at"]))
            guard floor.pending else { return floor }
            let settled = max(hubHighest, backupSequence)
            let shift = settled - backupSequence
            if shift > 0 {
                // Through a range no record uses, so that no two rows meet on `UNIQUE (office_code, seq)`.
                let aside: Int64 = 1 << 50
                try db.execute(
                    sql: "UPDATE outbox SET seq = seq + ? WHERE seq > ? AND sync_state IS NULL",
                    arguments: [shift + aside, backupSequence])
                try db.execute(sql: "UPDATE outbox SET seq = seq - ? WHERE seq > ?", arguments: [aside, aside])
            }
            try db.execute(sql: "UPDATE outbox_floor SET floor = ?, pending = 0", arguments: [settled])
            floor.floor = settled
            floor.pending = false
            return floor
        }
    }

    /// The highest sequence the outbox has given (0 when none).
    public func lastSequence() async throws -> Int64 {
        try await writer.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT MAX(COALESCE((SELECT MAX(seq) FROM outbox), 0),
                               COALESCE((SELECT floor FROM outbox_floor WHERE id = 1), 0))
                    """)!
        }
    }

    public func quarantined(limit: Int = 100) async throws -> [QuarantinedRecord] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, seq, record_type, sync_reason, synced_at FROM outbox
                    WHERE sync_state = 'rejected' ORDER BY seq LIMIT ?
                    """, arguments: [limit]
            ).map {
                QuarantinedRecord(
                    id: $0["id"], sequence: $0["seq"], type: $0["record_type"], reason: $0["sync_reason"] ?? "",
                    syncedAt: $0["synced_at"] ?? "")
            }
        }
    }
}

extension Vacancy {
    /// The vacancy as the kiosk holds it, from the hub's record.
    init(_ r: VacancyRecord) {
        self.init(
            reference: r.reference, title: r.title, titleEn: r.titleEn, iscoCode: r.iscoCode, employer: r.employer,
            aimagCode: r.aimagCode, soumCode: r.soumCode, wageMin: r.wageMin, wageMax: r.wageMax, hours: r.hours,
            education: r.education, skills: r.skills, licences: r.licences, experienceYears: r.experienceYears,
            posts: r.posts, postedOn: r.postedOn, closesOn: r.closesOn, howToApply: r.howToApply)
    }
}

extension VacancyRecord {
    /// The vacancy as JSON for the kiosk's `vacancy.data`, written directly: a download of
    /// 50 000 vacancies spends its time on the search index, not on a general-purpose encoder.
    public var storedJSON: String {
        func text(_ value: String?) -> String { value.map(LMISCoding.quoted) ?? "null" }
        func number(_ value: Int?) -> String { value.map(String.init) ?? "null" }
        var json = "{\"reference\":\(text(reference)),\"title\":\(text(title)),\"titleEn\":\(text(titleEn)),"
        json += "\"iscoCode\":\(text(iscoCode)),\"employer\":\(text(employer)),\"aimagCode\":\(text(aimagCode)),"
        json += "\"soumCode\":\(text(soumCode)),\"wageMin\":\(number(wageMin)),\"wageMax\":\(number(wageMax)),"
        json += "\"hours\":\(text(hours)),\"education\":\(text(education)),"
        json += "\"skills\":[\(skills.map(LMISCoding.quoted).joined(separator: ","))],"
        json += "\"licences\":[\(licences.map(LMISCoding.quoted).joined(separator: ","))],"
        json += "\"experienceYears\":\(experienceYears),\"posts\":\(posts),\"postedOn\":\(text(postedOn)),"
        json += "\"closesOn\":\(text(closesOn)),\"howToApply\":\(text(howToApply)),"
        json += "\"officeCode\":\(text(officeCode)),\"newlyCreated\":\(newlyCreated)}"
        return json
    }
}

/// Where the outbox's numbering stands after a restore.
public struct SequenceFloor: Sendable, Equatable {
    /// New records are numbered above this.
    public var floor: Int64
    /// The highest sequence in the backup that was restored.
    public var backupSequence: Int64
    /// True until the hub has said how far the lost file's records went; uploads wait for it.
    public var pending: Bool
    public var restoredAt: Date
}
