public import Foundation
import GRDB
public import KioskCore
import Synchronization

/// The office's one SQLite database: WAL journal, `synchronous=FULL` (a commit is on disk before
/// the screen hears "saved"), foreign keys on, schema by versioned migrations.
public final class AppDatabase: Sendable {
    /// The only writer of this file in the process.
    let writer: any DatabaseWriter
    private let groupCommit: GroupCommitWriter
    /// Whether the last write (or write probe) succeeded, and when that was learnt.
    private let writable = Mutex<(ok: Bool, at: ContinuousClock.Instant)?>(nil)
    /// How long a probe's or write's outcome answers `isWritable` before the next probe.
    static let probeInterval: Duration = .seconds(3)
    /// The folder of the file, whose file system must keep `minimumFreeBytes` free.
    private let directory: String
    /// Below this, the file is reported as not writable: a write into the journal's old space
    /// may still succeed, but the next checkpoint or growth will not.
    static let minimumFreeBytes: UInt64 = 256 * 1024

    /// The copy taken before this opening migrated an existing file, if it did.
    public let preMigrationBackup: BackupFile?

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    /// An existing file with pending migrations is first copied (online, checked) into the
    /// `backups` folder beside it, labelled `pre-migration`; no migration runs without that copy.
    public convenience init(path: String, owner: BackupOwner = BackupOwner()) throws {
        try self.init(path: path, owner: owner, migrator: Self.migrator)
    }

    init(path: String, owner: BackupOwner, migrator: DatabaseMigrator) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.label = "kiosk"
        let pool = try DatabasePool(path: path, configuration: configuration)
        // The pool's one writer connection lives as long as the pool. GRDB sets it to NORMAL when
        // it enables WAL (a power cut may then lose the last commits); FULL syncs the WAL on
        // every commit, so what the screen was told is saved stays saved.
        try pool.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        writer = pool
        directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        groupCommit = GroupCommitWriter(writer: pool)
        preMigrationBackup = try Self.backUpBeforeMigrating(pool, migrator: migrator, owner: owner, at: Date())
        try migrator.migrate(pool)
    }

    /// The `pre-migration` copy of an existing database that `migrator` would change, else nil.
    static func backUpBeforeMigrating(
        _ writer: any DatabaseWriter, migrator: DatabaseMigrator, owner: BackupOwner, at instant: Date
    ) throws -> BackupFile? {
        let (applied, office) = try writer.read { db in
            (
                try migrator.appliedIdentifiers(db),
                try db.tableExists("lmis_enrolment")
                    ? String.fetchOne(db, sql: "SELECT office_code FROM lmis_enrolment WHERE id = 1") : nil
            )
        }
        guard !applied.isEmpty, !Set(migrator.migrations).isSubset(of: applied) else { return nil }
        let directory = DatabaseBackup.directory(
            inDataDirectory: URL(fileURLWithPath: writer.path).deletingLastPathComponent())
        do {
            return try DatabaseBackup.make(
                of: writer, officeCode: owner.officeCode ?? office ?? "unknown",
                softwareVersion: owner.softwareVersion ?? "unknown", kind: "pre-migration", into: directory,
                at: instant)
        } catch {
            throw BackupError("the database was not migrated: its backup before migrating failed (\(error))")
        }
    }

    /// Runs `work` as its own unit (savepoint) inside a transaction it may share with other
    /// concurrent writes, and returns once that transaction is committed. For the short writes
    /// of many concurrent requests; see `GroupCommitWriter`.
    /// A full disk or a write I/O error is thrown as `StorageError`, and remembered for `isWritable`.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            let result = try await groupCommit.write(work)
            noteWritable(true)
            return result
        } catch let error as DatabaseError {
            guard let storage = Self.storageError(error) else { throw error }
            noteWritable(false)
            throw storage
        }
    }

    /// `StorageError` for SQLite's "disk full" and I/O errors, else nil.
    static func storageError(_ error: DatabaseError) -> StorageError? {
        switch error.resultCode {
        case .SQLITE_FULL: return .full
        case .SQLITE_IOERR: return .ioFailure
        default: return nil
        }
    }

    private func noteWritable(_ ok: Bool) {
        writable.withLock { $0 = (ok, .now) }
    }

    /// True when the file takes writes: what `/healthz` and the staff console report. Answered from
    /// the last write's outcome when it is recent, else from a small write (a few pages, so a disk
    /// with room for less than a visitor's change is reported as full) at most every few seconds.
    public func isWritable() async -> Bool {
        if let known = writable.withLock({ $0 }), ContinuousClock.now - known.at < Self.probeInterval {
            return known.ok
        }
        var space = statvfs()
        if statvfs(directory, &space) == 0, UInt64(space.f_bavail) * UInt64(space.f_frsize) < Self.minimumFreeBytes {
            noteWritable(false)
            return false
        }
        do {
            try await writer.write { db in
                // The probe rewrites one row in place, which a file that may not grow still takes:
                // a file at its page limit with no free pages is full whatever the probe manages.
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let limit = try Int.fetchOne(db, sql: "PRAGMA max_page_count") ?? Int.max
                let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                guard limit - pages + free >= 4 else { throw StorageError.full }
                try db.execute(
                    sql: """
                        INSERT INTO write_probe (id, at, pad) VALUES (1, CURRENT_TIMESTAMP, zeroblob(8192))
                        ON CONFLICT (id) DO UPDATE SET at = excluded.at, pad = excluded.pad
                        """)
            }
            noteWritable(true)
            return true
        } catch {
            noteWritable(false)
            return false
        }
    }

    /// Closes the file (before it is deleted by a wipe). The database cannot be used afterwards.
    public func close() throws {
        try (writer as? DatabasePool)?.close()
    }

    /// Opens the database file in a data directory, creating the directory.
    public convenience init(directory: URL, owner: BackupOwner = BackupOwner()) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try self.init(path: directory.appendingPathComponent("kiosk.sqlite").path, owner: owner)
    }

    /// True when the file can be read and its schema is current: what `/healthz` reports.
    public func isUsable() async -> Bool {
        do {
            return try await writer.read { db in
                try Int.fetchOne(db, sql: "SELECT 1") == 1 && (try Self.migrator.hasCompletedMigrations(db))
            }
        } catch {
            return false
        }
    }

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: reference data, registrations, outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE reference_meta (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        version TEXT NOT NULL,
                        source TEXT NOT NULL CHECK (source IN ('bundled', 'lmis')),
                        installed_at TEXT NOT NULL
                    );
                    CREATE TABLE admin_unit (
                        code TEXT PRIMARY KEY,
                        kind TEXT NOT NULL CHECK (kind IN ('aimag', 'district', 'soum', 'khoroo')),
                        parent_code TEXT REFERENCES admin_unit(code) ON DELETE CASCADE,
                        name_mn TEXT NOT NULL,
                        name_en TEXT NOT NULL,
                        time_zone TEXT,
                        position INTEGER NOT NULL
                    );
                    CREATE INDEX admin_unit_parent ON admin_unit(parent_code);
                    CREATE TABLE education_level (
                        code TEXT PRIMARY KEY,
                        rank INTEGER NOT NULL,
                        name_mn TEXT NOT NULL,
                        name_en TEXT NOT NULL
                    );
                    CREATE TABLE occupation (
                        code TEXT PRIMARY KEY,
                        name_mn TEXT NOT NULL,
                        name_en TEXT NOT NULL
                    );

                    CREATE TABLE registration (
                        id TEXT PRIMARY KEY,
                        reference TEXT NOT NULL UNIQUE,
                        office_code TEXT NOT NULL,
                        revision INTEGER NOT NULL CHECK (revision >= 1),
                        registry_number TEXT NOT NULL UNIQUE,
                        family_name TEXT NOT NULL,
                        given_name TEXT NOT NULL,
                        birth_date TEXT NOT NULL,
                        sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
                        phone TEXT NOT NULL,
                        aimag_code TEXT NOT NULL,
                        soum_code TEXT NOT NULL,
                        education_code TEXT NOT NULL,
                        occupation_code TEXT,
                        experience_years INTEGER NOT NULL CHECK (experience_years >= 0),
                        desired_occupation_code TEXT NOT NULL,
                        desired_job TEXT,
                        has_disability INTEGER NOT NULL CHECK (has_disability IN (0, 1)),
                        disability_detail TEXT,
                        status TEXT NOT NULL,
                        consent_text_version TEXT NOT NULL,
                        consent_accepted_at TEXT NOT NULL,
                        language TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    );
                    CREATE TABLE registration_skill (
                        registration_id TEXT NOT NULL REFERENCES registration(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        skill TEXT NOT NULL,
                        PRIMARY KEY (registration_id, position)
                    );

                    -- Per-office counters for human-readable references (registrations, later tickets).
                    CREATE TABLE counter (
                        office_code TEXT NOT NULL,
                        name TEXT NOT NULL,
                        value INTEGER NOT NULL,
                        PRIMARY KEY (office_code, name)
                    );

                    -- Everything the LMIS must learn, appended in the same transaction as the change.
                    CREATE TABLE outbox (
                        id TEXT PRIMARY KEY,
                        office_code TEXT NOT NULL,
                        seq INTEGER NOT NULL CHECK (seq >= 1),
                        record_type TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        UNIQUE (office_code, seq)
                    );
                    """)
        }
        migrator.registerMigration("v2: queue tickets, events, staff") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ticket (
                        id TEXT PRIMARY KEY,
                        office_code TEXT NOT NULL,
                        office_day TEXT NOT NULL,
                        service_code TEXT NOT NULL,
                        printed_code TEXT NOT NULL,
                        number INTEGER NOT NULL CHECK (number >= 1),
                        priority TEXT,
                        registration_id TEXT REFERENCES registration(id),
                        language TEXT NOT NULL,
                        state TEXT NOT NULL
                            CHECK (state IN ('waiting', 'called', 'serving', 'parked', 'finished', 'noShow')),
                        issued_at TEXT NOT NULL,
                        queued_at TEXT NOT NULL,
                        called_at TEXT,
                        serving_started_at TEXT,
                        finished_at TEXT,
                        counter INTEGER,
                        staff_id TEXT,
                        recalls INTEGER NOT NULL DEFAULT 0,
                        requeued INTEGER NOT NULL DEFAULT 0,
                        outcome TEXT,
                        UNIQUE (office_code, office_day, printed_code, number)
                    );
                    CREATE INDEX ticket_queue ON ticket(office_code, office_day, state, service_code, queued_at, number);

                    -- Every step of every ticket; seq is the display board's event id.
                    CREATE TABLE ticket_event (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        ticket_id TEXT NOT NULL REFERENCES ticket(id),
                        kind TEXT NOT NULL,
                        at TEXT NOT NULL,
                        service_code TEXT NOT NULL,
                        counter INTEGER,
                        staff_id TEXT,
                        from_service TEXT,
                        outcome TEXT
                    );
                    CREATE INDEX ticket_event_counter ON ticket_event(counter, kind);

                    CREATE TABLE staff (
                        id TEXT PRIMARY KEY,
                        display_name TEXT NOT NULL,
                        role TEXT NOT NULL CHECK (role IN ('staff', 'head', 'technician')),
                        pin_hash TEXT NOT NULL,
                        failed_attempts INTEGER NOT NULL DEFAULT 0,
                        locked_until TEXT,
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE staff_session (
                        token TEXT PRIMARY KEY,
                        staff_id TEXT NOT NULL REFERENCES staff(id),
                        counter INTEGER NOT NULL,
                        created_at TEXT NOT NULL,
                        expires_at TEXT NOT NULL,
                        ended_at TEXT
                    );
                    -- Who did what and when, for actions that are not ticket events.
                    CREATE TABLE staff_audit (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        staff_id TEXT NOT NULL,
                        action TEXT NOT NULL,
                        counter INTEGER,
                        at TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3: LMIS sync state, vacancies, identity checks") { db in
            try db.execute(
                sql: """
                    -- What the hub answered for each outbox record: NULL while waiting.
                    ALTER TABLE outbox ADD COLUMN sync_state TEXT CHECK (sync_state IN ('applied', 'duplicate', 'conflict', 'rejected'));
                    ALTER TABLE outbox ADD COLUMN sync_reason TEXT;
                    ALTER TABLE outbox ADD COLUMN synced_at TEXT;
                    CREATE INDEX outbox_waiting ON outbox (seq) WHERE sync_state IS NULL;
                    CREATE INDEX outbox_rejected ON outbox (seq) WHERE sync_state = 'rejected';

                    -- The hub this kiosk is enrolled with (its private key lives in a file beside the database).
                    CREATE TABLE lmis_enrolment (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        hub_url TEXT NOT NULL,
                        device_id TEXT NOT NULL,
                        office_code TEXT NOT NULL,
                        enrolled_at TEXT NOT NULL
                    );
                    CREATE TABLE lmis_sync_status (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        cursor TEXT,
                        last_attempt_at TEXT,
                        last_success_at TEXT,
                        last_error TEXT,
                        clock_offset_seconds REAL NOT NULL DEFAULT 0
                    );
                    INSERT INTO lmis_sync_status (id) VALUES (1);

                    -- The hub's id of each registered person (the surviving one after a merge).
                    CREATE TABLE lmis_person (
                        registration_id TEXT PRIMARY KEY,
                        person_id TEXT NOT NULL
                    );

                    -- Open vacancies from the LMIS; `generation` marks rows seen since the last reset.
                    CREATE TABLE vacancy (
                        reference TEXT PRIMARY KEY,
                        title TEXT NOT NULL,
                        isco_code TEXT NOT NULL,
                        employer TEXT NOT NULL,
                        aimag_code TEXT NOT NULL,
                        soum_code TEXT,
                        wage_min INTEGER,
                        wage_max INTEGER,
                        hours TEXT NOT NULL,
                        posted_on TEXT NOT NULL,
                        closes_on TEXT NOT NULL,
                        data TEXT NOT NULL,
                        generation TEXT NOT NULL
                    );
                    CREATE INDEX vacancy_closes ON vacancy (closes_on);

                    -- Registry checks waiting for the hub (made offline), and their answers.
                    CREATE TABLE identity_check (
                        registration_id TEXT PRIMARY KEY,
                        registry_number TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'verified', 'mismatch', 'notFound')),
                        requested_at TEXT NOT NULL,
                        checked_at TEXT,
                        attempts INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX identity_check_pending ON identity_check (requested_at) WHERE state = 'pending';
                    """)
        }
        migrator.registerMigration("v4: generation of downloaded data") { db in
            // A reset of the hub's feed (a restored hub) starts a new generation; vacancies of
            // older generations are dropped once the new feed has been read to its end.
            try db.execute(sql: "ALTER TABLE lmis_sync_status ADD COLUMN generation TEXT NOT NULL DEFAULT ''")
        }
        migrator.registerMigration("v5: vacancy search") { db in
            try db.execute(
                sql: """
                    ALTER TABLE vacancy ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
                    ALTER TABLE vacancy ADD COLUMN skills TEXT NOT NULL DEFAULT '';
                    CREATE INDEX vacancy_place ON vacancy (aimag_code, soum_code);
                    CREATE INDEX vacancy_posted ON vacancy (posted_on);
                    -- Full text over titles (Mongolian and English), employer and skills. unicode61
                    -- folds case for Cyrillic too (Ө/ө, Ү/ү) and keeps й, ё apart from и, е.
                    CREATE VIRTUAL TABLE vacancy_fts USING fts5(
                        title, title_en, employer, skills,
                        content = 'vacancy', content_rowid = 'rowid',
                        tokenize = "unicode61 remove_diacritics 0"
                    );
                    CREATE TRIGGER vacancy_fts_insert AFTER INSERT ON vacancy BEGIN
                        INSERT INTO vacancy_fts (rowid, title, title_en, employer, skills)
                        VALUES (new.rowid, new.title, new.title_en, new.employer, new.skills);
                    END;
                    CREATE TRIGGER vacancy_fts_delete AFTER DELETE ON vacancy BEGIN
                        INSERT INTO vacancy_fts (vacancy_fts, rowid, title, title_en, employer, skills)
                        VALUES ('delete', old.rowid, old.title, old.title_en, old.employer, old.skills);
                    END;
                    CREATE TRIGGER vacancy_fts_update AFTER UPDATE ON vacancy BEGIN
                        INSERT INTO vacancy_fts (vacancy_fts, rowid, title, title_en, employer, skills)
                        VALUES ('delete', old.rowid, old.title, old.title_en, old.employer, old.skills);
                        INSERT INTO vacancy_fts (rowid, title, title_en, employer, skills)
                        VALUES (new.rowid, new.title, new.title_en, new.employer, new.skills);
                    END;
                    INSERT INTO vacancy_fts (vacancy_fts) VALUES ('rebuild');
                    """)
        }
        migrator.registerMigration("v6: fetch the feed again under generations") { db in
            // v4 began marking downloaded rows with a generation of the kiosk's own; rows from
            // before it carry the hub's epoch instead. Reading the feed again from the start
            // marks every row anew (and drops none that the hub still has).
            try db.execute(sql: "UPDATE lmis_sync_status SET cursor = NULL")
        }
        migrator.registerMigration("v7: vacancy facts for matching, referrals") { db in
            try db.execute(
                sql: """
                    -- What matching reads, beside the filters: the search keeps these in memory.
                    ALTER TABLE vacancy ADD COLUMN education TEXT;
                    ALTER TABLE vacancy ADD COLUMN skill_list TEXT NOT NULL DEFAULT '';  -- one per line
                    ALTER TABLE vacancy ADD COLUMN licences TEXT NOT NULL DEFAULT '';    -- comma-separated codes
                    ALTER TABLE vacancy ADD COLUMN experience_years INTEGER NOT NULL DEFAULT 0;
                    UPDATE vacancy SET education = data ->> 'education',
                        experience_years = coalesce(data ->> 'experienceYears', 0),
                        skill_list = coalesce((SELECT group_concat(value, char(10))
                                               FROM json_each(vacancy.data, '$.skills')), ''),
                        licences = coalesce((SELECT group_concat(value, ',')
                                             FROM json_each(vacancy.data, '$.licences')), '');
                    -- Counts changes to vacancies, whoever makes them (the service or `kiosk sync now`),
                    -- so that the in-memory facts know when to load again.
                    CREATE TABLE vacancy_version (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
                    INSERT INTO vacancy_version VALUES (1, 0);
                    CREATE TRIGGER vacancy_version_insert AFTER INSERT ON vacancy BEGIN
                        UPDATE vacancy_version SET value = value + 1 WHERE id = 1;
                    END;
                    CREATE TRIGGER vacancy_version_update AFTER UPDATE ON vacancy BEGIN
                        UPDATE vacancy_version SET value = value + 1 WHERE id = 1;
                    END;
                    CREATE TRIGGER vacancy_version_delete AFTER DELETE ON vacancy BEGIN
                        UPDATE vacancy_version SET value = value + 1 WHERE id = 1;
                    END;

                    -- A jobseeker sent to a vacancy by a member of staff; it syncs as `referral.recorded`.
                    CREATE TABLE referral (
                        id TEXT PRIMARY KEY,
                        office_code TEXT NOT NULL,
                        -- Deferred: an update rewrites the registration row within its transaction.
                        registration_id TEXT NOT NULL REFERENCES registration (id) DEFERRABLE INITIALLY DEFERRED,
                        vacancy_reference TEXT NOT NULL,
                        staff_id TEXT NOT NULL,
                        counter INTEGER NOT NULL,
                        note TEXT,
                        created_at TEXT NOT NULL,
                        UNIQUE (registration_id, vacancy_reference)
                    );
                    """)
        }
        migrator.registerMigration("v8: licences of jobseekers") { db in
            // Comma-separated codes (`driving-c`): must-haves for some vacancies.
            try db.execute(sql: "ALTER TABLE registration ADD COLUMN licences TEXT NOT NULL DEFAULT ''")
        }
        migrator.registerMigration("v9: recent service times by index") { db in
            // A ticket's wait estimate reads its service's last 30 finished tickets; without this
            // it read every ticket the office ever issued.
            try db.execute(
                sql: "CREATE INDEX ticket_finished ON ticket (service_code, finished_at) WHERE state = 'finished'")
        }
        migrator.registerMigration("v10: enrolled fingerprints") { db in
            // Templates only, sealed with the device secret (TemplateSealer); never images. The key
            // is checked at commit: an update rewrites its registration row within its transaction.
            try db.execute(
                sql: """
                    CREATE TABLE fingerprint (
                        registration_id TEXT NOT NULL REFERENCES registration (id) DEFERRABLE INITIALLY DEFERRED,
                        finger TEXT NOT NULL,
                        sealed BLOB NOT NULL,
                        template_count INTEGER NOT NULL,
                        enrolled_at TEXT NOT NULL,
                        enrolled_by TEXT,
                        PRIMARY KEY (registration_id, finger)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v11: visitors' ratings of finished tickets") { db in
            // One per ticket; nothing about the visitor, only where the service was given.
            try db.execute(
                sql: """
                    CREATE TABLE feedback (
                        ticket_id TEXT PRIMARY KEY REFERENCES ticket (id),
                        office_code TEXT NOT NULL,
                        office_day TEXT NOT NULL,
                        service_code TEXT NOT NULL,
                        counter INTEGER,
                        staff_id TEXT,
                        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
                        comment TEXT,
                        created_at TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX feedback_day ON feedback (office_code, office_day);
                    """)
        }
        migrator.registerMigration("v12: grievances") { db in
            try db.execute(
                sql: """
                    CREATE TABLE grievance (
                        id TEXT PRIMARY KEY,
                        tracking_code TEXT NOT NULL UNIQUE,
                        office_code TEXT NOT NULL,
                        category TEXT NOT NULL,
                        text TEXT NOT NULL,
                        area TEXT,
                        contact_name TEXT,
                        contact_phone TEXT,
                        language TEXT NOT NULL,
                        filed_at TEXT NOT NULL,
                        state TEXT NOT NULL
                            CHECK (state IN ('filed', 'acknowledged', 'assigned', 'resolved', 'referred')),
                        due_on TEXT NOT NULL,
                        assignee TEXT,
                        CHECK ((contact_name IS NULL) = (contact_phone IS NULL))
                    );
                    CREATE INDEX grievance_open ON grievance (state, due_on);
                    -- Each triage step, with who took it: the grievance's record.
                    CREATE TABLE grievance_step (
                        grievance_id TEXT NOT NULL REFERENCES grievance (id),
                        position INTEGER NOT NULL,
                        action TEXT NOT NULL,
                        note TEXT,
                        assignee TEXT,
                        due_on TEXT NOT NULL,
                        staff_id TEXT NOT NULL,
                        at TEXT NOT NULL,
                        PRIMARY KEY (grievance_id, position)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v13: registration revisions") { db in
            // Updates used to delete and insert the row again, which a ticket's immediate foreign
            // key refused; they are now UPDATEs, and each revision is kept here.
            try db.execute(
                sql: """
                    CREATE TABLE registration_revision (
                        registration_id TEXT NOT NULL REFERENCES registration (id),
                        revision INTEGER NOT NULL CHECK (revision >= 1),
                        at TEXT NOT NULL,
                        channel TEXT NOT NULL CHECK (channel IN ('kiosk', 'staff', 'migrated')),
                        staff_id TEXT,
                        staff_name TEXT,
                        counter INTEGER,
                        changed_fields TEXT NOT NULL,
                        snapshot TEXT NOT NULL,
                        PRIMARY KEY (registration_id, revision),
                        CHECK ((channel = 'staff') = (staff_id IS NOT NULL))
                    ) WITHOUT ROWID;
                    """)
            // What each registration holds now is its first kept revision.
            let ids = try String.fetchAll(db, sql: "SELECT id FROM registration")
            for id in ids {
                guard let registration = try SQLiteRegistrationRepository.fetch(db, where: "id = ?", [id]) else {
                    continue
                }
                try SQLiteRegistrationRepository.keepRevision(
                    of: registration, changed: [], by: .migrated, at: registration.updatedAt, db)
            }
        }
        migrator.registerMigration("v14: hashed staff session tokens, sign-in failures per source") { db in
            // Live sessions stay signed in: each token is replaced by its SHA-256.
            try db.execute(sql: "ALTER TABLE staff_session RENAME COLUMN token TO token_hash")
            for token in try String.fetchAll(db, sql: "SELECT token_hash FROM staff_session") {
                try db.execute(
                    sql: "UPDATE staff_session SET token_hash = ? WHERE token_hash = ?",
                    arguments: [SQLiteStaffRepository.tokenHash(token), token])
            }
            try db.execute(
                sql: """
                    CREATE TABLE staff_sign_in_failure (
                        staff_id TEXT NOT NULL,
                        source TEXT NOT NULL,
                        failures INTEGER NOT NULL,
                        locked_until TEXT,
                        PRIMARY KEY (staff_id, source)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v15: answers kept under idempotency keys, write probe") { db in
            try db.execute(
                sql: """
                    CREATE TABLE stored_answer (
                        key TEXT NOT NULL,
                        route TEXT NOT NULL,
                        status INTEGER NOT NULL,
                        content_type TEXT NOT NULL,
                        body BLOB NOT NULL,
                        at TEXT NOT NULL,
                        PRIMARY KEY (key, route)
                    ) WITHOUT ROWID;
                    CREATE INDEX stored_answer_at ON stored_answer (at);
                    CREATE TABLE write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL, pad BLOB);
                    """)
        }
        migrator.registerMigration("v16: rating codes of tickets") { db in
            // Only the digest of the code printed on a ticket: rating needs what only its holder
            // has. Tickets issued before have none, and cannot be rated.
            try db.execute(
                sql: """
                    CREATE TABLE ticket_rating_code (
                        ticket_id TEXT PRIMARY KEY REFERENCES ticket (id),
                        digest TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v17: when a source last tried a PIN (quiet pairs are forgotten)") { db in
            try db.execute(sql: "ALTER TABLE staff_sign_in_failure ADD COLUMN last_at TEXT")
        }
        migrator.registerMigration("v18: idempotency keys kept with the record they created") { db in
            // Written in the transaction that creates the ticket, registration or grievance, so
            // a retry after a crash between that commit and the kept answer finds the record.
            try db.execute(
                sql: """
                    CREATE TABLE request_key (
                        key TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        secret TEXT,
                        at TEXT NOT NULL,
                        PRIMARY KEY (key, kind)
                    ) WITHOUT ROWID;
                    CREATE INDEX request_key_at ON request_key (at);
                    """)
        }
        migrator.registerMigration("v19: identity proofs kept across a restart") { db in
            // One row: the live screen sessions and proof tokens under the digests of their secrets.
            try db.execute(
                sql: "CREATE TABLE proof_state (id INTEGER PRIMARY KEY CHECK (id = 1), state BLOB NOT NULL)")
        }
        migrator.registerMigration("v20: the words people say for an occupation") { db in
            // One keyword or phrase a line: the names people give their work, which official
            // titles often lack («харуул», «нярав»).
            try db.execute(sql: "ALTER TABLE occupation ADD COLUMN keywords TEXT NOT NULL DEFAULT ''")
        }
        migrator.registerMigration("v21: text messages queued, consents, replies") { db in
            // The queue is the source of truth: a message is written here in the transaction of
            // the event that causes it, and handed to the route (gammu-smsd's outbox folder, or
            // the hub) by `SMSSender` under its id, which the route never sends twice.
            try db.execute(
                sql: """
                    CREATE TABLE sms_message (
                        id TEXT PRIMARY KEY,
                        kind TEXT NOT NULL,
                        phone TEXT NOT NULL,
                        text TEXT NOT NULL,
                        parts INTEGER NOT NULL,
                        encoding TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('queued', 'handed', 'delivered', 'failed')),
                        dedupe_key TEXT UNIQUE,
                        created_at TEXT NOT NULL,
                        due_at TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT,
                        handed_at TEXT,
                        reported_at TEXT,
                        outcome TEXT
                    );
                    CREATE INDEX sms_message_due ON sms_message (state, due_at);
                    CREATE INDEX sms_message_phone ON sms_message (phone, created_at);
                    CREATE TABLE sms_consent (
                        phone TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        granted_at TEXT NOT NULL,
                        withdrawn_at TEXT,
                        source TEXT NOT NULL,
                        PRIMARY KEY (phone, kind)
                    ) WITHOUT ROWID;
                    CREATE TABLE sms_received (
                        id TEXT PRIMARY KEY,
                        phone TEXT NOT NULL,
                        text TEXT NOT NULL,
                        received_at TEXT NOT NULL,
                        stopped_kind TEXT,
                        recorded_at TEXT NOT NULL
                    );
                    CREATE INDEX sms_received_at ON sms_received (received_at);
                    """)
        }
        migrator.registerMigration("v22: a reply that answered a follow-up's question") { db in
            // Replies of 1, 2 or 3 to "are you working?" are recorded on the follow-up, not listed for staff.
            try db.execute(sql: "ALTER TABLE sms_received ADD COLUMN follow_up_id TEXT")
        }
        migrator.registerMigration("v24: case files: profiles, decisions, notes, action plans, access") { db in
            // Notes and the access record are never changed in place: a correction is a new note.
            try db.execute(
                sql: """
                    CREATE TABLE case_profile (
                        id TEXT PRIMARY KEY,
                        registration_id TEXT NOT NULL,
                        questionnaire_version TEXT NOT NULL,
                        answers TEXT NOT NULL,
                        score INTEGER NOT NULL,
                        suggested_group TEXT NOT NULL CHECK (suggested_group IN ('ready', 'medium', 'high')),
                        reasons TEXT NOT NULL,
                        raised_by_answer INTEGER NOT NULL,
                        answered_at TEXT NOT NULL,
                        answered_by TEXT
                    );
                    CREATE INDEX case_profile_person ON case_profile (registration_id, answered_at);
                    CREATE TABLE case_profile_decision (
                        profile_id TEXT NOT NULL REFERENCES case_profile (id),
                        position INTEGER NOT NULL,
                        profile_group TEXT NOT NULL CHECK (profile_group IN ('ready', 'medium', 'high')),
                        reason TEXT,
                        staff_id TEXT NOT NULL,
                        at TEXT NOT NULL,
                        PRIMARY KEY (profile_id, position)
                    ) WITHOUT ROWID;
                    CREATE TABLE case_note (
                        id TEXT PRIMARY KEY,
                        registration_id TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('visit', 'phone', 'smsReply', 'homeVisit')),
                        staff_id TEXT NOT NULL,
                        text TEXT NOT NULL,
                        at TEXT NOT NULL,
                        corrects TEXT REFERENCES case_note (id)
                    );
                    CREATE INDEX case_note_person ON case_note (registration_id, at);
                    CREATE TRIGGER case_note_kept_update BEFORE UPDATE ON case_note
                        BEGIN SELECT RAISE(ABORT, 'a case note is never changed'); END;
                    CREATE TRIGGER case_note_kept_delete BEFORE DELETE ON case_note
                        BEGIN SELECT RAISE(ABORT, 'a case note is never deleted'); END;
                    CREATE TABLE action_plan (
                        id TEXT PRIMARY KEY,
                        registration_id TEXT NOT NULL UNIQUE,
                        counsellor_id TEXT NOT NULL,
                        goals TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    );
                    CREATE INDEX action_plan_counsellor ON action_plan (counsellor_id);
                    CREATE TABLE plan_step (
                        id TEXT PRIMARY KEY,
                        plan_id TEXT NOT NULL REFERENCES action_plan (id),
                        position INTEGER NOT NULL,
                        horizon TEXT NOT NULL CHECK (horizon IN ('month', 'year')),
                        kind TEXT NOT NULL,
                        text TEXT NOT NULL,
                        due_on TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('planned', 'done', 'missed', 'cancelled')),
                        changed_at TEXT NOT NULL,
                        changed_by TEXT NOT NULL,
                        UNIQUE (plan_id, position)
                    );
                    CREATE INDEX plan_step_open ON plan_step (status, due_on);
                    CREATE TABLE case_access (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        registration_id TEXT NOT NULL,
                        staff_id TEXT NOT NULL,
                        action TEXT NOT NULL,
                        counter INTEGER,
                        at TEXT NOT NULL
                    );
                    CREATE INDEX case_access_person ON case_access (registration_id, seq);
                    CREATE TRIGGER case_access_kept_update BEFORE UPDATE ON case_access
                        BEGIN SELECT RAISE(ABORT, 'the case access record is never changed'); END;
                    CREATE TRIGGER case_access_kept_delete BEFORE DELETE ON case_access
                        BEGIN SELECT RAISE(ABORT, 'the case access record is never deleted'); END;
                    CREATE INDEX IF NOT EXISTS ticket_registration ON ticket (registration_id, issued_at)
                        WHERE registration_id IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v27: appointments, and the appointment a ticket was issued for") { db in
            // A ticket issued at check-in waits for the booked counsellor (or counter) and is
            // called ahead of walk-ins near the booked time (`QueuePolicy.next(…staffID:counter:)`).
            try db.execute(
                sql: """
                    CREATE TABLE appointment (
                        id TEXT PRIMARY KEY,
                        office_code TEXT NOT NULL,
                        registration_id TEXT NOT NULL REFERENCES registration (id),
                        service_code TEXT NOT NULL,
                        at TEXT NOT NULL,
                        office_day TEXT NOT NULL,
                        staff_id TEXT,
                        counter INTEGER,
                        booked_by TEXT NOT NULL,
                        booked_at TEXT NOT NULL,
                        state TEXT NOT NULL,
                        ticket_id TEXT,
                        changed_at TEXT,
                        CHECK ((staff_id IS NULL) <> (counter IS NULL))
                    ) WITHOUT ROWID;
                    CREATE INDEX appointment_day ON appointment (office_day, at);
                    CREATE INDEX appointment_registration ON appointment (registration_id);
                    CREATE INDEX appointment_booked ON appointment (at) WHERE state = 'booked';
                    ALTER TABLE ticket ADD COLUMN appointment_id TEXT;
                    ALTER TABLE ticket ADD COLUMN appointment_at TEXT;
                    ALTER TABLE ticket ADD COLUMN appointment_staff_id TEXT;
                    ALTER TABLE ticket ADD COLUMN appointment_counter INTEGER;
                    """)
        }
        migrator.registerMigration("v28: employment promotion programmes and referrals to them") { db in
            // The programmes come with the reference data (one JSON document a programme, rules
            // and quotas included); referrals count against the office's quota.
            try db.execute(
                sql: """
                    CREATE TABLE programme (
                        code TEXT PRIMARY KEY,
                        position INTEGER NOT NULL,
                        document TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE programme_referral (
                        id TEXT PRIMARY KEY,
                        office_code TEXT NOT NULL,
                        registration_id TEXT NOT NULL REFERENCES registration (id),
                        programme_code TEXT NOT NULL,
                        staff_id TEXT NOT NULL,
                        referred_at TEXT NOT NULL,
                        referred_on TEXT NOT NULL,
                        outcome TEXT,
                        outcome_on TEXT,
                        outcome_by TEXT
                    ) WITHOUT ROWID;
                    CREATE INDEX programme_referral_programme ON programme_referral (programme_code, referred_on);
                    CREATE INDEX programme_referral_registration ON programme_referral (registration_id);
                    """)
        }
        migrator.registerMigration("v30: employers, office vacancies, referral outcomes, placements, follow-ups") {
            db in
            try db.execute(
                sql: """
                    -- Employers registered at the counter (issue 27).
                    CREATE TABLE employer (
                        id TEXT PRIMARY KEY,
                        office_code TEXT NOT NULL,
                        register_number TEXT NOT NULL UNIQUE CHECK (length(register_number) = 7),
                        name TEXT NOT NULL,
                        -- Lower-case name, for finding it again whatever the case (Ө/ө, Ү/ү).
                        name_folded TEXT NOT NULL,
                        sector TEXT NOT NULL,
                        aimag_code TEXT NOT NULL,
                        soum_code TEXT NOT NULL,
                        contact_name TEXT NOT NULL,
                        phone TEXT NOT NULL,
                        staff_id TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    -- The office's bookkeeping of the vacancies it takes in; the vacancy itself is
                    -- a row of `vacancy` (searched and matched like the hub's) while it is open.
                    CREATE TABLE office_vacancy (
                        reference TEXT PRIMARY KEY,
                        employer_id TEXT NOT NULL REFERENCES employer (id),
                        office_code TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('open', 'closed', 'filled')),
                        posts INTEGER NOT NULL CHECK (posts >= 1),
                        filled_posts INTEGER NOT NULL DEFAULT 0 CHECK (filled_posts >= 0 AND filled_posts <= posts),
                        newly_created INTEGER NOT NULL CHECK (newly_created IN (0, 1)),
                        revision INTEGER NOT NULL CHECK (revision >= 1),
                        registered_on TEXT NOT NULL,
                        ended_on TEXT,
                        staff_id TEXT NOT NULL,
                        data TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    );
                    CREATE INDEX office_vacancy_employer ON office_vacancy (employer_id);
                    CREATE INDEX office_vacancy_registered ON office_vacancy (registered_on);
                    CREATE TABLE referral_outcome (
                        referral_id TEXT PRIMARY KEY REFERENCES referral (id),
                        outcome TEXT NOT NULL CHECK (outcome IN ('hired', 'notHired', 'didNotGo')),
                        outcome_on TEXT NOT NULL,
                        staff_id TEXT NOT NULL,
                        recorded_at TEXT NOT NULL
                    );
                    CREATE TABLE placement (
                        id TEXT PRIMARY KEY,
                        referral_id TEXT NOT NULL UNIQUE REFERENCES referral (id),
                        registration_id TEXT NOT NULL,
                        employer_id TEXT NOT NULL REFERENCES employer (id),
                        vacancy_reference TEXT NOT NULL,
                        isco_code TEXT NOT NULL,
                        newly_created INTEGER NOT NULL CHECK (newly_created IN (0, 1)),
                        placed_on TEXT NOT NULL,
                        counsellor_id TEXT NOT NULL
                    );
                    CREATE INDEX placement_registration ON placement (registration_id);
                    CREATE INDEX placement_employer ON placement (employer_id);
                    CREATE TABLE follow_up (
                        id TEXT PRIMARY KEY,
                        placement_id TEXT NOT NULL REFERENCES placement (id),
                        months INTEGER NOT NULL CHECK (months IN (3, 6, 12)),
                        due_on TEXT NOT NULL,
                        counsellor_id TEXT NOT NULL,
                        answer TEXT CHECK (answer IN ('stillInJob', 'otherJob', 'notWorking')),
                        channel TEXT CHECK (channel IN ('call', 'visit', 'sms')),
                        answered_on TEXT,
                        answered_by TEXT,
                        UNIQUE (placement_id, months)
                    );
                    CREATE INDEX follow_up_due ON follow_up (counsellor_id, due_on) WHERE answer IS NULL;
                    CREATE INDEX referral_vacancy ON referral (vacancy_reference);
                    -- Counts changes to registrations, so that the candidates kept in memory know
                    -- when to load again (as `vacancy_version` does for vacancies).
                    CREATE TABLE registration_version (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
                    INSERT INTO registration_version VALUES (1, 0);
                    CREATE TRIGGER registration_version_insert AFTER INSERT ON registration BEGIN
                        UPDATE registration_version SET value = value + 1 WHERE id = 1;
                    END;
                    CREATE TRIGGER registration_version_update AFTER UPDATE ON registration BEGIN
                        UPDATE registration_version SET value = value + 1 WHERE id = 1;
                    END;
                    CREATE TRIGGER registration_version_delete AFTER DELETE ON registration BEGIN
                        UPDATE registration_version SET value = value + 1 WHERE id = 1;
                    END;
                    CREATE TRIGGER registration_version_skill_insert AFTER INSERT ON registration_skill BEGIN
                        UPDATE registration_version SET value = value + 1 WHERE id = 1;
                    END;
                    CREATE TRIGGER registration_version_skill_delete AFTER DELETE ON registration_skill BEGIN
                        UPDATE registration_version SET value = value + 1 WHERE id = 1;
                    END;
                    """)
        }
        migrator.registerMigration("v33: backups: a backup's label, the outbox's floor after a restore") { db in
            // `backup_label` has a row only in a backup file (who made it, how far its outbox went).
            // `outbox_floor` has a row after a restore: new records are numbered above `floor`;
            // while `pending`, the hub has not yet said how far the lost file's records went.
            try db.execute(
                sql: """
                    CREATE TABLE backup_label (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        office_code TEXT NOT NULL,
                        device_id TEXT,
                        made_at TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        software_version TEXT NOT NULL
                    );
                    CREATE TABLE outbox_floor (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        floor INTEGER NOT NULL,
                        backup_sequence INTEGER NOT NULL,
                        pending INTEGER NOT NULL CHECK (pending IN (0, 1)),
                        restored_at TEXT NOT NULL,
                        backup_made_at TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v36: records abandoned by a forced re-enrolment; registry checks claimed") { db in
            // `sync_state = 'abandoned'`: waiting when `kiosk sync enrol --force` enrolled another
            // device; never uploaded, and reported to the hub as abandoned. SQLite cannot change a
            // CHECK in place, so the outbox is rebuilt with the same rows, columns and indexes.
            // `identity_check.claimed_by/claimed_until`: the checker (`kiosk serve` or
            // `kiosk sync now`) asking the hub about a registration now; no other asks it until then.
            try db.execute(
                sql: """
                    CREATE TABLE outbox_v36 (
                        id TEXT PRIMARY KEY,
                        office_code TEXT NOT NULL,
                        seq INTEGER NOT NULL CHECK (seq >= 1),
                        record_type TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        sync_state TEXT CHECK (sync_state IN ('applied', 'duplicate', 'conflict', 'rejected', 'abandoned')),
                        sync_reason TEXT,
                        synced_at TEXT,
                        UNIQUE (office_code, seq)
                    );
                    INSERT INTO outbox_v36 (id, office_code, seq, record_type, payload, created_at, sync_state,
                                            sync_reason, synced_at)
                    SELECT id, office_code, seq, record_type, payload, created_at, sync_state, sync_reason, synced_at
                    FROM outbox;
                    DROP TABLE outbox;
                    ALTER TABLE outbox_v36 RENAME TO outbox;
                    CREATE INDEX outbox_waiting ON outbox (seq) WHERE sync_state IS NULL;
                    CREATE INDEX outbox_rejected ON outbox (seq) WHERE sync_state = 'rejected';

                    ALTER TABLE identity_check ADD COLUMN claimed_by TEXT;
                    ALTER TABLE identity_check ADD COLUMN claimed_until TEXT;
                    """)
        }
        migrator.registerMigration("v40: a phone typed at the kiosk for one ticket's \"turn near\" texts") { db in
            // A visitor who takes a ticket may type a phone for that ticket alone (issue 22); it is
            // used before the phone on file, and only for the ticket's own messages.
            try db.execute(
                sql: """
                    CREATE TABLE ticket_phone (
                        ticket_id TEXT PRIMARY KEY REFERENCES ticket(id) ON DELETE CASCADE,
                        phone TEXT NOT NULL,
                        recorded_at TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v42: counsellors' leave days") { db in
            // A day a counsellor is away: no appointment is booked with them on it.
            try db.execute(
                sql: """
                    CREATE TABLE counsellor_leave (
                        staff_id TEXT NOT NULL,
                        day TEXT NOT NULL,
                        entered_by TEXT NOT NULL,
                        entered_at TEXT NOT NULL,
                        PRIMARY KEY (staff_id, day)
                    ) WITHOUT ROWID;
                    CREATE INDEX counsellor_leave_day ON counsellor_leave (day);
                    """)
        }
        migrator.registerMigration("v43: the follow-ups due, in order, one counsellor's or everyone's") { db in
            // The due list reads the first 500 open follow-ups by due date straight from these
            // (`Benchmarks/CaseBench`: 20 000 placed cases).
            try db.execute(
                sql: """
                    CREATE INDEX follow_up_open_counsellor ON follow_up (counsellor_id, due_on, id)
                        WHERE answer IS NULL;
                    CREATE INDEX follow_up_open ON follow_up (due_on, id) WHERE answer IS NULL;
                    """)
        }
        migrator.registerMigration("v44: profiling questionnaires sent by the hub") { db in
            // The newest received is asked from the next start of `kiosk serve` (answers keep the
            // version they were given under); none received, the bundled one.
            try db.execute(
                sql: """
                    CREATE TABLE profiling_questionnaire (
                        version TEXT PRIMARY KEY,
                        document TEXT NOT NULL,
                        received_at TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v45: which registrations changed, for the candidates kept in memory") { db in
            // One row a change to a registration or its skills; the candidate pool loads only the
            // people changed since it was made. The log keeps the last 5,000 changes; a pool older
            // than that loads everyone again.
            try db.execute(
                sql: """
                    CREATE TABLE registration_change (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        registration_id TEXT NOT NULL
                    );
                    CREATE TRIGGER registration_change_insert AFTER INSERT ON registration BEGIN
                        INSERT INTO registration_change (registration_id) VALUES (NEW.id);
                    END;
                    CREATE TRIGGER registration_change_update AFTER UPDATE ON registration BEGIN
                        INSERT INTO registration_change (registration_id) VALUES (NEW.id);
                    END;
                    CREATE TRIGGER registration_change_delete AFTER DELETE ON registration BEGIN
                        INSERT INTO registration_change (registration_id) VALUES (OLD.id);
                    END;
                    CREATE TRIGGER registration_change_skill_insert AFTER INSERT ON registration_skill BEGIN
                        INSERT INTO registration_change (registration_id) VALUES (NEW.registration_id);
                    END;
                    CREATE TRIGGER registration_change_skill_delete AFTER DELETE ON registration_skill BEGIN
                        INSERT INTO registration_change (registration_id) VALUES (OLD.registration_id);
                    END;
                    CREATE TRIGGER registration_change_bounded AFTER INSERT ON registration_change BEGIN
                        DELETE FROM registration_change WHERE seq <= NEW.seq - 5000;
                    END;
                    """)
        }
        migrator.registerMigration("v48: links to a person's vacancy list, sent in the weekly digest") { db in
            // The link carries only a random token; the table keeps its SHA-256, so the database
            // alone cannot rebuild a working link. Expired links are deleted by the digest chore.
            try db.execute(
                sql: """
                    CREATE TABLE vacancy_link (
                        token_sha256 TEXT PRIMARY KEY,
                        registration_id TEXT NOT NULL REFERENCES registration (id) ON DELETE CASCADE,
                        created_at TEXT NOT NULL,
                        expires_at TEXT NOT NULL
                    );
                    CREATE INDEX vacancy_link_expires ON vacancy_link (expires_at);
                    """)
        }
        migrator.registerMigration("v49: the latest change of each leave day, shared with the office's devices") { db in
            // Per counsellor and day, the latest change made here or received from the hub
            // (`calendar.changed`): a change older than it by its own time is not applied. Leave
            // days entered before count as added when they were entered.
            try db.execute(
                sql: """
                    CREATE TABLE calendar_change (
                        kind TEXT NOT NULL CHECK (kind IN ('leave')),
                        staff_id TEXT NOT NULL,
                        day TEXT NOT NULL,
                        removed INTEGER NOT NULL CHECK (removed IN (0, 1)),
                        change_id TEXT NOT NULL,
                        changed_by TEXT NOT NULL,
                        changed_at TEXT NOT NULL,
                        PRIMARY KEY (kind, staff_id, day)
                    ) WITHOUT ROWID;
                    INSERT INTO calendar_change (kind, staff_id, day, removed, change_id, changed_by, changed_at)
                    SELECT 'leave', staff_id, day, 0, '', entered_by, entered_at FROM counsellor_leave;
                    """)
        }
        migrator.registerMigration("v50: the stream each outbox record goes up in, indexed while it waits") { db in
            // The stream of a record (`SQLiteSyncStore.waitingStreams`): its type's family, and
            // for a queue record the lane of its ticket's office day (issue 25). Computed by
            // SQLite from the record itself, never stored apart from it; the index over waiting
            // records lets a sync round list the lanes and take a lane's next batch without
            // reading every waiting payload's JSON each time.
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN stream TEXT GENERATED ALWAYS AS (
                        CASE WHEN substr(record_type, 1, 6) = 'queue.' AND json_valid(payload)
                                  AND json_extract(payload, '$.ticket.officeDay')
                                      GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                             THEN 'queue@' || json_extract(payload, '$.ticket.officeDay')
                             WHEN instr(record_type, '.') > 0 THEN substr(record_type, 1, instr(record_type, '.') - 1)
                             ELSE record_type END
                    ) VIRTUAL;
                    CREATE INDEX outbox_waiting_stream ON outbox (stream, seq) WHERE sync_state IS NULL;
                    """)
        }
        return migrator
    }()
}
