import Crypto
public import Foundation
public import LMISProtocol
public import Logging
public import PostgresNIO

/// The hub's PostgreSQL: migrations, devices, record application, the change feed, admin writes.
public struct HubStore: Sendable {
    public let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    // MARK: Schema

    /// Applies the migrations this database has not had yet; refuses a database from a newer hub.
    public func migrate() async throws {
        try await client.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migration (
                version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        try await client.withTransaction(logger: logger) { connection in
            // One hub migrates at a time, even when several start together.
            try await connection.query("SELECT pg_advisory_xact_lock(7270001)", logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query(
                "SELECT version FROM schema_migration", logger: logger
            ).decode(Int.self) {
                applied.insert(version)
            }
            if let newest = applied.max(), newest > Migrations.all.map(\.version).max()! {
                throw HubStoreError("the database has migration \(newest), newer than this hub knows: upgrade the hub")
            }
            for migration in Migrations.all where !applied.contains(migration.version) {
                for statement in Migrations.statements(migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migration (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                logger.notice(
                    "applied migration", metadata: ["hub.migration": "\(migration.version) \(migration.name)"])
            }
        }
    }

    /// The epoch of this database's change feed. It changes when the data comes back from a
    /// backup into another database (new database OID), another cluster (new system identifier)
    /// or after a point-in-time recovery (new timeline), and when an operator rotates it.
    public func epoch() async throws -> String {
        var parts: [String] = []
        for try await (seed, oid) in try await client.query(
            """
            SELECT epoch_seed::text, (SELECT oid::text FROM pg_database WHERE datname = current_database())
            FROM hub_meta
            """, logger: logger
        ).decode((String, String).self) {
            parts += [seed, oid]
        }
        // Readable by superusers and pg_monitor members; without them the seed and OID still hold.
        do {
            for try await (system, timeline) in try await client.query(
                """
                SELECT system_identifier::text, (SELECT timeline_id::text FROM pg_control_checkpoint())
                FROM pg_control_system()
                """, logger: logger
            ).decode((String, String).self) {
                parts += [system, timeline]
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42501" {
            // Not allowed to read the control data: the seed and the database OID still tell.
        }

        let digest = SHA256.hash(data: Data(parts.joined(separator: "/").utf8))
        return digest.prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    public func rotateEpoch() async throws {
        try await client.query("UPDATE hub_meta SET epoch_seed = gen_random_uuid()", logger: logger)
    }

    // MARK: Devices

    public struct Device: Sendable, Hashable {
        public let id: String
        public let officeCode: String
        public let publicKey: String
        public let revoked: Bool
    }

    public func device(id: String) async throws -> Device? {
        for try await (officeCode, key, revoked) in try await client.query(
            "SELECT office_code, public_key, revoked_at IS NOT NULL FROM device WHERE id = \(id)", logger: logger
        ).decode((String, String, Bool).self) {
            return Device(id: id, officeCode: officeCode, publicKey: key, revoked: revoked)
        }
        return nil
    }

    public func touch(device id: String) async throws {
        try await client.query("UPDATE device SET last_seen_at = now() WHERE id = \(id)", logger: logger)
    }

    static func codeHash(_ code: String) -> String {
        let normalised = code.uppercased().filter { $0.isLetter || $0.isNumber }
        return SHA256.hash(data: Data(normalised.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A one-time code for enrolling a kiosk of `office`: 12 characters from an alphabet without
    /// look-alikes, shown as `ABCD-EFGH-JKLM`.
    public func issueEnrolmentCode(office: String, validFor hours: Int) async throws -> (code: String, expires: Date) {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        let raw = String((0..<12).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        let code = "\(raw.prefix(4))-\(raw.dropFirst(4).prefix(4))-\(raw.suffix(4))"
        let expires = Date().addingTimeInterval(TimeInterval(hours) * 3600)
        guard try await officeExists(office) else { throw HubStoreError("office \(office) is not known to the hub") }
        try await client.query(
            """
            INSERT INTO enrolment_code (code_hash, office_code, expires_at)
            VALUES (\(Self.codeHash(code)), \(office), \(expires))
            """, logger: logger)
        return (code, expires)
    }

    func officeExists(_ code: String) async throws -> Bool {
        for try await _ in try await client.query("SELECT 1 FROM office WHERE code = \(code)", logger: logger) {
            return true
        }
        return false
    }

    public enum EnrolmentOutcome: Sendable {
        case enrolled(deviceID: String, officeCode: String, officeName: String, timeZone: String)
        case invalidCode
        case keyInUse
    }

    /// Uses a code once: records the device's key and office.
    /// `abandonment`: what the kiosk's previous enrolment leaves unsent (`kiosk sync enrol --force`),
    /// recorded in the same transaction as the new device.
    public func enrol(
        code: String, publicKey: String, deviceName: String, softwareVersion: String,
        abandonment: EnrolmentAbandonment? = nil
    ) async throws
        -> EnrolmentOutcome
    {
        let deviceID = RequestSigning.keyID(rawPublicKey: Data(base64Encoded: publicKey) ?? Data())
        return try await client.withTransaction(logger: logger) { connection in
            var office: String?
            for try await value in try await connection.query(
                """
                SELECT office_code FROM enrolment_code
                WHERE code_hash = \(Self.codeHash(code)) AND used_at IS NULL AND expires_at > now() FOR UPDATE
                """, logger: logger
            ).decode(String.self) {
                office = value
            }
            guard let office else { return .invalidCode }
            if let existing = try await self.device(id: deviceID, connection),
                existing.revoked || existing.officeCode != office
            {
                return .keyInUse
            }
            try await connection.query(
                """
                INSERT INTO device (id, office_code, public_key, name, software_version)
                VALUES (\(deviceID), \(office), \(publicKey), \(deviceName), \(softwareVersion))
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, software_version = EXCLUDED.software_version
                """, logger: logger)
            try await connection.query(
                "UPDATE enrolment_code SET used_at = now(), device_id = \(deviceID) WHERE code_hash = \(Self.codeHash(code))",
                logger: logger)
            if let abandonment {
                try await self.recordAbandonment(abandonment, by: deviceID, office: office, connection)
            }
            var name = office
            var zone = "Asia/Ulaanbaatar"
            for try await (n, z) in try await connection.query(
                "SELECT name, time_zone FROM office WHERE code = \(office)", logger: logger
            ).decode((String, String).self) {
                name = n
                zone = z
            }
            return .enrolled(deviceID: deviceID, officeCode: office, officeName: name, timeZone: zone)
        }
    }

    /// The new device's numbers start above the kiosk's floor; the previous device's abandoned
    /// ranges are kept when it belongs to the same office (another office's device is not the
    /// kiosk's to speak for).
    private func recordAbandonment(
        _ abandonment: EnrolmentAbandonment, by deviceID: String, office: String, _ connection: PostgresConnection
    ) async throws {
        try await connection.query(
            """
            UPDATE device SET sequence_floor = greatest(sequence_floor, \(max(abandonment.sequenceFloor, 0)))
            WHERE id = \(deviceID)
            """, logger: logger)
        guard let previous = abandonment.previousDeviceID, previous != deviceID,
            try await self.device(id: previous, connection)?.officeCode == office
        else { return }
        let ranges = abandonment.ranges.filter { $0.count == 2 && $0[0] >= 1 && $0[1] >= $0[0] }
        try await connection.query(
            """
            INSERT INTO device_abandoned (device_id, first_seq, last_seq, abandoned_by)
            SELECT \(previous), f, l, \(deviceID) FROM unnest(\(ranges.map { $0[0] })::bigint[], \(ranges.map { $0[1] })::bigint[]) AS r (f, l)
            ON CONFLICT DO NOTHING
            """, logger: logger)
        // The previous device made those numbers: they count as given, neither missing nor lost.
        try await connection.query(
            """
            UPDATE device SET reported_sequence = greatest(reported_sequence, \(ranges.map { $0[1] }.max() ?? 0))
            WHERE id = \(previous)
            """, logger: logger)
        logger.notice(
            "records abandoned by a forced re-enrolment",
            metadata: ["hub.device": "\(previous)", "hub.abandoned": "\(abandonment.count)", "hub.by": "\(deviceID)"])
    }

    private func device(id: String, _ connection: PostgresConnection) async throws -> Device? {
        for try await (officeCode, key, revoked) in try await connection.query(
            "SELECT office_code, public_key, revoked_at IS NOT NULL FROM device WHERE id = \(id)", logger: logger
        ).decode((String, String, Bool).self) {
            return Device(id: id, officeCode: officeCode, publicKey: key, revoked: revoked)
        }
        return nil
    }

    @discardableResult
    public func revoke(device id: String) async throws -> Bool {
        var found = false
        for try await _ in try await client.query(
            "UPDATE device SET revoked_at = coalesce(revoked_at, now()) WHERE id = \(id) RETURNING id", logger: logger)
        {
            found = true
        }
        return found
    }

    // MARK: Upload

    /// Applies a batch in one transaction (see `lmis_apply_batch`): each record exactly once.
    /// The database is given each payload as its type encodes it, and a refused payload as the
    /// refusal (`ForwardedRecord`), which it keeps and quarantines like a record it refused itself.
    public func apply(stream: String, records: [UploadEnvelope.Header], device: Device) async throws
        -> [RecordResult]
    {
        let json = String(decoding: try OutboxPayload.encoder.encode(records.map(ForwardedRecord.init)), as: UTF8.self)
        let rows = try await client.query(
            """
            SELECT record_id::text, seq, status, reason, person_id::text
            FROM lmis_apply_batch(\(device.id), \(device.officeCode), \(stream), \(json)::jsonb)
            """, logger: logger)
        var results: [RecordResult] = []
        results.reserveCapacity(records.count)
        for try await (id, sequence, status, reason, person) in rows.decode(
            (String?, Int64?, String, String?, String?).self)
        {
            results.append(
                RecordResult(
                    id: id ?? "", sequence: sequence ?? 0, status: RecordStatus(rawValue: status) ?? .rejected,
                    reason: reason, personID: person))
        }
        return results
    }

    /// Whether the hub holds the device's record numbered `sequence` (applied or refused).
    public func holds(device: Device, sequence: Int64) async throws -> Bool {
        for try await _ in try await client.query(
            "SELECT 1 FROM received_record WHERE device_id = \(device.id) AND seq = \(sequence)", logger: logger)
        {
            return true
        }
        return false
    }

    /// `UploadReceipts`: the stream's highest sequence held for the device, and the results kept
    /// for its records numbered `from` through `through` (at most `UploadReceipts.limit`).
    ///
    /// A batch of the device still being applied (by this hub or another one on the same
    /// database) holds `lmis_apply_batch`'s advisory lock for the device until it commits or rolls
    /// back. The receipts take that lock shared first, so they wait for the batch and then tell
    /// what it left (issue 25): a kiosk that asks while its lost batch is still being applied is
    /// told the batch's records, not "not held", and does not send them again. The lock is the
    /// device's, not the stream's, so a batch of another stream is waited for too. After `patience`
    /// without the lock, `ApplyInProgress` is thrown and nothing is answered.
    public func receipts(
        device: Device, stream: String, from: Int64, through: Int64, patience: Duration = .seconds(20)
    ) async throws -> UploadReceipts {
        let milliseconds = max(Int(patience / .milliseconds(1)), 1)
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "SELECT set_config('lock_timeout', \(String(milliseconds) + "ms"), true)", logger: logger)
                // Read to the end: a lock that times out is reported with the rows, not before.
                _ = try await connection.query(
                    "SELECT pg_advisory_xact_lock_shared(hashtextextended('lmis_apply_batch:' || \(device.id), 0))",
                    logger: logger
                ).collect()
                return try await self.receipts(device: device, stream: stream, from: from, through: through, connection)
            }
        } catch let error as PostgresTransactionError {
            if let closure = error.closureError as? PSQLError, closure.serverInfo?[.sqlState] == "55P03" {
                throw ApplyInProgress()
            }
            throw error
        }
    }

    /// A batch of the device was still being applied when `receipts` stopped waiting for it.
    public struct ApplyInProgress: Error {}

    private func receipts(
        device: Device, stream: String, from: Int64, through: Int64, _ connection: PostgresConnection
    ) async throws -> UploadReceipts {
        var highest: Int64 = 0
        for try await (value) in try await connection.query(
            """
            SELECT coalesce(max(seq), 0) FROM received_record WHERE device_id = \(device.id) AND stream = \(stream)
            """, logger: logger
        ).decode(Int64.self) {
            highest = value
        }
        var results: [RecordResult] = []
        for try await (id, sequence, status, reason, person) in try await connection.query(
            """
            SELECT record_id::text, seq, status, reason, person_id::text FROM received_record
            WHERE device_id = \(device.id) AND stream = \(stream) AND seq BETWEEN \(from) AND \(through)
            ORDER BY seq LIMIT \(UploadReceipts.limit)
            """, logger: logger
        ).decode((String, Int64, String, String?, String?).self) {
            results.append(
                RecordResult(
                    id: id, sequence: sequence, status: RecordStatus(rawValue: status) ?? .rejected, reason: reason,
                    personID: person))
        }
        return UploadReceipts(highest: highest, received: CompactUploadResponse(results))
    }

    public func status(device: Device) async throws -> (received: Int64, highest: Int64, quarantined: Int64) {
        for try await (received, highest, quarantined) in try await client.query(
            """
            SELECT count(*), coalesce(max(seq), 0), count(*) FILTER (WHERE status = 'rejected')
            FROM received_record WHERE device_id = \(device.id)
            """, logger: logger
        ).decode((Int64, Int64, Int64).self) {
            return (received, highest, quarantined)
        }
        return (0, 0, 0)
    }

    /// `CaseSummary` as JSON: the person's newest profile and plan (open steps only) and last
    /// outcomes, whichever office wrote them.
    public func caseSummary(registryNumber: String) async throws -> String {
        for try await (json) in try await client.query(
            """
            WITH p AS (SELECT id FROM person WHERE registry_number = \(registryNumber)),
            regs AS (SELECT g.id, g.office_code FROM registration g JOIN p ON g.person_id = p.id),
            prof AS (SELECT cp.office_code, cp.suggested_group, cp.answered_at,
                            (SELECT d.profile_group FROM case_profile_decision d WHERE d.profile_id = cp.id
                             ORDER BY d.position DESC LIMIT 1) AS decided
                     FROM case_profile cp WHERE cp.registration_id IN (SELECT id FROM regs)
                     ORDER BY cp.answered_at DESC LIMIT 1),
            plan AS (SELECT * FROM action_plan WHERE registration_id IN (SELECT id FROM regs)
                     ORDER BY updated_at DESC LIMIT 1),
            outc AS (SELECT office_code, at, outcome FROM queue_event
                     WHERE registration_id IN (SELECT id FROM regs) AND outcome IS NOT NULL
                     ORDER BY at DESC LIMIT 5)
            SELECT jsonb_build_object(
                'found', EXISTS (SELECT 1 FROM p),
                'offices', coalesce((SELECT jsonb_agg(DISTINCT office_code) FROM regs), '[]'::jsonb),
                'profile', (SELECT jsonb_build_object('officeCode', office_code,
                                'group', coalesce(decided, suggested_group), 'decided', decided IS NOT NULL,
                                'at', to_char(answered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                            FROM prof),
                'plan', (SELECT jsonb_build_object('officeCode', office_code, 'counsellorID', counsellor_id,
                             'goals', goals,
                             'openSteps', coalesce((SELECT jsonb_agg(jsonb_build_object('kind', s ->> 'kind',
                                                        'text', s ->> 'text', 'dueOn', s ->> 'dueOn'))
                                                    FROM jsonb_array_elements(steps) s
                                                    WHERE s ->> 'status' = 'planned'), '[]'::jsonb))
                         FROM plan),
                'lastOutcomes', coalesce((SELECT jsonb_agg(jsonb_build_object('officeCode', office_code,
                                    'at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                    'outcome', outcome) ORDER BY at DESC) FROM outc), '[]'::jsonb)
            )::text
            """, logger: logger
        ).decode(String.self) {
            return json
        }
        throw HubStoreError("the case summary query answered nothing")
    }

    // MARK: Change feed

    /// A page of the feed for a device of `office` as JSON array text (the stored JSON passed
    /// through as it is), the position of its last change, and whether more follow. Vacancies and
    /// reference data go to every office; the calendar (`calendar`, leave days) only to its own
    /// office's devices, a day taken back with its change (deleted, and the data of the removal,
    /// so a device keeps the latest change of the day).
    public func changesJSON(after position: Int64, limit: Int, office: String) async throws -> (
        json: String, last: Int64, more: Bool
    ) {
        let rows = try await client.query(
            """
            SELECT kind, key, deleted, data::text, position FROM (
                SELECT 'vacancy' AS kind, reference AS key, deleted, data, position FROM vacancy WHERE position > \(position)
                UNION ALL
                SELECT kind, key, deleted, data, position FROM reference_item WHERE position > \(position)
                UNION ALL
                SELECT 'calendar', kind || '/' || staff_id || '/' || to_char(day, 'YYYY-MM-DD'), removed, data, position
                FROM office_calendar_day WHERE office_code = \(office) AND position > \(position)
            ) feed ORDER BY position LIMIT \(limit + 1)
            """, logger: logger)
        var json = "["
        var count = 0
        var last = position
        var more = false
        for try await (kind, key, deleted, data, at) in rows.decode((String, String, Bool, String?, Int64).self) {
            if count == limit {
                more = true
                break
            }
            if count > 0 { json += "," }
            json += "{\"kind\":\(LMISCoding.quoted(kind)),\"key\":\(LMISCoding.quoted(key)),\"deleted\":\(deleted)"
            // A tombstone has no data, but a calendar day taken back carries its removal.
            if !deleted || kind == "calendar", let data { json += ",\"data\":\(data)" }
            json += "}"
            count += 1
            last = at
        }
        return (json + "]", last, more)
    }

    /// The newest position handed out in the feed.
    public func lastPosition() async throws -> Int64 {
        for try await position in try await client.query(
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM change_position", logger: logger
        ).decode(Int64.self) {
            return position
        }
        return 0
    }

    /// Every live item of a reference kind, and the position of its newest change (the ETag).
    public func snapshot(_ kind: ReferenceKind) async throws -> (items: [JSONValue], version: Int64) {
        var items: [JSONValue] = []
        var version: Int64 = 0
        for try await (data, deleted, position) in try await client.query(
            "SELECT data::text, deleted, position FROM reference_item WHERE kind = \(kind.rawValue) ORDER BY key",
            logger: logger
        ).decode((String?, Bool, Int64).self) {
            version = max(version, position)
            if !deleted, let data { items.append(try LMISCoding.decoder.decode(JSONValue.self, from: Data(data.utf8))) }
        }
        return (items, version)
    }

    // MARK: Admin writes (serialised by an advisory lock: feed positions follow commit order)

    public func upsertOffice(code: String, name: String, adminUnit: String, timeZone: String) async throws {
        try await client.query(
            """
            INSERT INTO office (code, name, admin_unit, time_zone) VALUES (\(code), \(name), \(adminUnit), \(timeZone))
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, admin_unit = EXCLUDED.admin_unit,
                time_zone = EXCLUDED.time_zone
            """, logger: logger)
    }

    // MARK: Update channels (issue 24)

    /// Publishes `offer` as its channel's newest bundle, replacing the one before.
    public func publishUpdate(_ offer: UpdateOffer) async throws {
        try await client.query(
            """
            INSERT INTO update_channel (channel, version, url, size_bytes, sha256)
            VALUES (\(offer.channel), \(offer.version), \(offer.url), \(offer.sizeBytes), \(offer.sha256))
            ON CONFLICT (channel) DO UPDATE SET version = EXCLUDED.version, url = EXCLUDED.url,
                size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, published_at = now()
            """, logger: logger)
    }

    /// Withdraws a channel's bundle; false when none was published.
    public func withdrawUpdate(channel: String) async throws -> Bool {
        let rows = try await client.query(
            "DELETE FROM update_channel WHERE channel = \(channel) RETURNING channel", logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    /// Every channel's bundle (`channel` nil), or one channel's.
    public func updateOffers(channel: String? = nil) async throws -> [UpdateOffer] {
        let rows = try await client.query(
            """
            SELECT channel, version, url, size_bytes, sha256,
                   to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            FROM update_channel WHERE \(channel)::text IS NULL OR channel = \(channel)::text ORDER BY channel
            """, logger: logger)
        var offers: [UpdateOffer] = []
        for try await (name, version, url, size, sha, published) in rows.decode(
            (String, String, String, Int64, String, String).self)
        {
            offers.append(
                UpdateOffer(
                    channel: name, version: version, url: url, sizeBytes: size, sha256: sha, publishedAt: published))
        }
        return offers
    }

    public func upsertVacancies(_ vacancies: [VacancyRecord]) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7270002)", logger: logger)
            for chunk in stride(from: 0, to: vacancies.count, by: 1000).map({
                vacancies[$0..<min($0 + 1000, vacancies.count)]
            }) {
                let json = String(decoding: try LMISCoding.encoder.encode(Array(chunk)), as: UTF8.self)
                try await connection.query(
                    """
                    INSERT INTO vacancy (reference, office_code, posted_on, closes_on, posts, newly_created, data,
                                         deleted, position)
                    SELECT v ->> 'reference', v ->> 'officeCode', (v ->> 'postedOn')::date, (v ->> 'closesOn')::date,
                           coalesce((v ->> 'posts')::integer, 1), coalesce((v ->> 'newlyCreated')::boolean, false),
                           v, false, nextval('change_position')
                    FROM jsonb_array_elements(\(json)::jsonb) WITH ORDINALITY AS t(v, n) ORDER BY n
                    ON CONFLICT (reference) DO UPDATE SET office_code = EXCLUDED.office_code,
                        posted_on = EXCLUDED.posted_on, closes_on = EXCLUDED.closes_on, posts = EXCLUDED.posts,
                        newly_created = EXCLUDED.newly_created, data = EXCLUDED.data, deleted = false,
                        position = EXCLUDED.position
                    """, logger: logger)
            }
        }
    }

    /// Closes a vacancy: a tombstone in the feed. False when there is no such open vacancy.
    public func closeVacancy(reference: String) async throws -> Bool {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7270002)", logger: logger)
            var found = false
            for try await _ in try await connection.query(
                """
                UPDATE vacancy SET deleted = true, data = NULL, position = nextval('change_position')
                WHERE reference = \(reference) AND NOT deleted RETURNING reference
                """, logger: logger)
            {
                found = true
            }
            return found
        }
    }

    /// Replaces a reference kind: new and changed items get a new position, items no longer
    /// present become tombstones, unchanged ones stay as they are.
    public func replaceReference(_ kind: ReferenceKind, items: [(key: String, data: JSONValue)]) async throws {
        let json = String(
            decoding: try LMISCoding.encoder.encode(
                items.map { JSONValue.object(["key": .string($0.key), "data": $0.data]) }),
            as: UTF8.self)
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7270002)", logger: logger)
            try await connection.query(
                """
                WITH incoming AS (
                    SELECT i ->> 'key' AS key, i -> 'data' AS data FROM jsonb_array_elements(\(json)::jsonb) AS t(i)
                )
                INSERT INTO reference_item (kind, key, data, deleted, position)
                SELECT \(kind.rawValue), key, data, false, nextval('change_position') FROM incoming
                WHERE NOT EXISTS (
                    SELECT 1 FROM reference_item r
                    WHERE r.kind = \(kind.rawValue) AND r.key = incoming.key AND NOT r.deleted AND r.data = incoming.data)
                ON CONFLICT (kind, key) DO UPDATE SET data = EXCLUDED.data, deleted = false, position = EXCLUDED.position
                """, logger: logger)
            try await connection.query(
                """
                UPDATE reference_item SET deleted = true, data = NULL, position = nextval('change_position')
                WHERE kind = \(kind.rawValue) AND NOT deleted
                  AND key NOT IN (SELECT i ->> 'key' FROM jsonb_array_elements(\(json)::jsonb) AS t(i))
                """, logger: logger)
        }
    }

    public func loadSimulatedRegistry(_ people: [CivilPerson], templates: [String: [UInt8]]) async throws {
        try await client.withTransaction(logger: logger) { connection in
            for person in people {
                let template = templates[person.registryNumber].map { ByteBuffer(bytes: $0) }
                try await connection.query(
                    """
                    INSERT INTO simulated_civil_registry (registry_number, family_name, given_name, birth_date, sex, template)
                    VALUES (\(person.registryNumber), \(person.familyName), \(person.givenName),
                            \(person.birthDate)::date, \(person.sex), \(template))
                    ON CONFLICT (registry_number) DO UPDATE SET family_name = EXCLUDED.family_name,
                        given_name = EXCLUDED.given_name, birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex,
                        template = EXCLUDED.template
                    """, logger: logger)
            }
        }
    }

    // MARK: Operators' views

    public struct QuarantinedRecord: Codable, Sendable, Hashable {
        public var recordID: String
        public var deviceID: String
        public var officeCode: String
        public var sequence: Int64
        public var type: String
        public var reason: String
        public var receivedAt: String
        public var payload: String
    }

    public func quarantine(office: String?) async throws -> [QuarantinedRecord] {
        var records: [QuarantinedRecord] = []
        for try await (id, device, officeCode, seq, type, reason, received, payload) in try await client.query(
            """
            SELECT record_id::text, device_id, office_code, seq, record_type, reason,
                   to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), payload
            FROM quarantine WHERE office_code = \(office ?? "") OR \(office ?? "") = '' ORDER BY received_at, seq
            """, logger: logger
        ).decode((String, String, String, Int64, String, String, String, String).self) {
            records.append(
                QuarantinedRecord(
                    recordID: id, deviceID: device, officeCode: officeCode, sequence: seq, type: type, reason: reason,
                    receivedAt: received, payload: payload))
        }
        return records
    }

    public struct DeviceSummary: Codable, Sendable, Hashable {
        public var id: String
        public var officeCode: String
        public var name: String
        public var revoked: Bool
        public var lastSeenAt: String?
        public var received: Int64
        public var highestSequence: Int64
        /// The highest sequence the device reported making (its heartbeats), sent or not.
        public var reportedSequence: Int64
        /// Sequence numbers below the highest made or received that the hub has never received:
        /// on their way while the device has records waiting, lost when it has none.
        public var missing: Int64
        /// The latest heartbeat and when it came.
        public var heartbeat: Heartbeat?
        public var heartbeatAt: String?
        /// Waiting records in the heartbeat a day before the latest, to tell a growing backlog.
        public var waitingDayBefore: Int?
        /// What needs a technician (`FleetRules`), empty when nothing does.
        public var needs: [String] = []
    }

    static let utcText = #"'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'"#

    public func devices() async throws -> [DeviceSummary] {
        var devices: [DeviceSummary] = []
        for try await (
            id, office, name, revoked, seen, received, highest, reported, floor, accounted, heartbeat, heartbeatAt,
            before
        )
            in try await client.query(
                """
                SELECT d.id, d.office_code, d.name, d.revoked_at IS NOT NULL,
                       to_char(d.last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                       (SELECT count(*) FROM received_record r WHERE r.device_id = d.id),
                       (SELECT coalesce(max(r.seq), 0) FROM received_record r WHERE r.device_id = d.id),
                       d.reported_sequence, d.sequence_floor,
                       (SELECT count(*) FROM received_record r WHERE r.device_id = d.id AND r.seq > d.sequence_floor)
                       + (SELECT coalesce(sum(a.last_seq - a.first_seq + 1 - (
                                 SELECT count(*) FROM received_record r
                                 WHERE r.device_id = a.device_id AND r.seq BETWEEN a.first_seq AND a.last_seq)), 0)
                          FROM device_abandoned a WHERE a.device_id = d.id AND a.first_seq > d.sequence_floor)::bigint,
                       d.heartbeat::text,
                       to_char(d.heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                       (SELECT (h.report ->> 'waiting')::integer FROM device_heartbeat h
                        WHERE h.device_id = d.id AND h.received_at <= d.heartbeat_at - interval '1 day'
                        ORDER BY h.received_at DESC LIMIT 1)
                FROM device d ORDER BY d.office_code, d.id
                """, logger: logger
            ).decode(
                (String, String, String, Bool, String?, Int64, Int64, Int64, Int64, Int64, String?, String?, Int?).self)
        {
            devices.append(
                DeviceSummary(
                    id: id, officeCode: office, name: name, revoked: revoked, lastSeenAt: seen, received: received,
                    highestSequence: highest, reportedSequence: reported,
                    // Numbers up to the floor were another enrolment's; abandoned ones will not come.
                    missing: max(max(highest, reported) - floor, 0) - accounted,
                    heartbeat: heartbeat.flatMap {
                        try? LMISCoding.decoder.decode(Heartbeat.self, from: Data($0.utf8))
                    },
                    heartbeatAt: heartbeatAt, waitingDayBefore: before))
        }
        return devices
    }

    // MARK: Heartbeats and nonces

    /// Keeps a device's heartbeat (latest and history, 30 days) and answers the highest sequence
    /// the hub knows the device gave: received, or reported by any heartbeat. A heartbeat from a
    /// technician's command knows no printer or reader (only the serving process does): the
    /// latest keeps the serving process's printer, reader and checks.
    public func heartbeat(device: Device, report: Heartbeat) async throws -> Int64 {
        let json = String(decoding: try LMISCoding.encoder.encode(report), as: UTF8.self)
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                """
                INSERT INTO device_heartbeat (device_id, report) VALUES (\(device.id), \(json)::jsonb)
                """, logger: logger)
            try await connection.query(
                """
                DELETE FROM device_heartbeat WHERE device_id = \(device.id) AND received_at < now() - interval '30 days'
                """, logger: logger)
            let rows = try await connection.query(
                """
                UPDATE device SET heartbeat = CASE
                        WHEN heartbeat IS NULL OR \(json)::jsonb ? 'printer' THEN \(json)::jsonb
                        ELSE \(json)::jsonb || jsonb_strip_nulls(jsonb_build_object(
                            'printer', heartbeat -> 'printer', 'reader', heartbeat -> 'reader',
                            'checks', heartbeat -> 'checks'))
                    END,
                    heartbeat_at = now(),
                    reported_sequence = greatest(reported_sequence, \(report.lastSequence))
                WHERE id = \(device.id)
                RETURNING greatest(reported_sequence,
                    (SELECT coalesce(max(seq), 0) FROM received_record WHERE device_id = \(device.id)))
                """, logger: logger)
            for try await highest in rows.decode(Int64.self) { return highest }
            return 0
        }
    }

    /// True the first time a device's nonce is seen within `window` seconds, by any hub process.
    public func firstNonce(device: String, nonce: String, window: Int) async throws -> Bool {
        // Old nonces are swept now and then: a request with one is refused as stale anyway.
        if Int.random(in: 0..<200) == 0 {
            try await client.query(
                "DELETE FROM request_nonce WHERE seen_at < now() - make_interval(secs => \(Double(window)))",
                logger: logger)
        }
        let rows = try await client.query(
            """
            INSERT INTO request_nonce (device_id, nonce) VALUES (\(device), \(nonce))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    /// A short query, for `/health`.
    public func ping() async throws {
        try await client.query("SELECT 1", logger: logger)
    }

    /// The six monthly LMIS indicators of an office, from what its kiosks uploaded.
    public func indicators(office: String, month: String) async throws -> OfficeIndicators {
        guard month.count == 7, let start = LMISTime.parse("\(month)-01T00:00:00Z") else {
            throw HubStoreError("month must be YYYY-MM")
        }
        var zone = "Asia/Ulaanbaatar"
        for try await value in try await client.query(
            "SELECT time_zone FROM office WHERE code = \(office)", logger: logger
        ).decode(String.self) {
            zone = value
        }
        let first = String(LMISTime.format(start).prefix(10))
        for try await (jobseekers, unemployed, vacancies, placed, created, guided) in try await client.query(
            """
            WITH bounds AS (
                SELECT (\(first)::date)::timestamp AT TIME ZONE \(zone) AS lo,
                       ((\(first)::date) + interval '1 month')::timestamp AT TIME ZONE \(zone) AS hi
            )
            SELECT
                (SELECT count(DISTINCT p.id) FROM person p JOIN registration r ON r.person_id = p.id, bounds
                 WHERE r.office_code = \(office) AND r.created_at < bounds.hi),
                (SELECT count(DISTINCT p.id) FROM person p JOIN registration r ON r.person_id = p.id, bounds
                 WHERE r.office_code = \(office) AND r.created_at < bounds.hi AND p.status = 'unemployed'),
                (SELECT count(*) FROM vacancy v WHERE v.office_code = \(office)
                    AND v.posted_on >= \(first)::date AND v.posted_on < (\(first)::date + interval '1 month')),
                (SELECT count(*) FROM (
                    SELECT coalesce(q.registration_id::text, q.ticket_id::text) FROM queue_event q, bounds
                    WHERE q.office_code = \(office) AND q.kind = 'finished' AND q.outcome = 'placedInJob' AND q.at >= bounds.lo AND q.at < bounds.hi
                    UNION
                    SELECT p.registration_id::text FROM placement p WHERE p.office_code = \(office)
                        AND p.placed_on >= \(first)::date AND p.placed_on < (\(first)::date + interval '1 month')) placed),
                (SELECT coalesce(sum(v.posts), 0) FROM vacancy v WHERE v.office_code = \(office) AND v.newly_created
                    AND v.posted_on >= \(first)::date AND v.posted_on < (\(first)::date + interval '1 month')),
                (SELECT count(DISTINCT coalesce(q.registration_id::text, q.ticket_id::text)) FROM queue_event q, bounds
                 WHERE q.office_code = \(office) AND q.kind = 'finished' AND q.outcome = 'counselled' AND q.at >= bounds.lo AND q.at < bounds.hi)
            """, logger: logger
        ).decode((Int64, Int64, Int64, Int64, Int64, Int64).self) {
            return OfficeIndicators(
                officeCode: office, month: month, registeredJobseekers: jobseekers, registeredUnemployed: unemployed,
                registeredVacancies: vacancies, foundJobThroughOffice: placed, newlyCreatedJobs: created,
                careerGuidanceBeneficiaries: guided)
        }
        throw HubStoreError("no indicators")
    }
}

/// The six monthly figures of `DOMAIN.md`, per office.
public struct OfficeIndicators: Codable, Sendable, Hashable {
    public var officeCode: String
    public var month: String
    /// People registered at the office by the end of the month.
    public var registeredJobseekers: Int64
    /// Of them, those whose status is unemployed.
    public var registeredUnemployed: Int64
    /// Vacancies the office registered, posted in the month.
    public var registeredVacancies: Int64
    /// People whose service ended "placed in a job" in the month (a visit without a registration
    /// counts on its own), as the kiosk's dashboard counts them.
    public var foundJobThroughOffice: Int64
    /// Posts of newly created jobs among the month's vacancies.
    public var newlyCreatedJobs: Int64
    /// People whose service ended "counselled" in the month (counted as `foundJobThroughOffice`).
    public var careerGuidanceBeneficiaries: Int64
}

public struct HubStoreError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A received record as the database applies it: its envelope, and its payload re-encoded from
/// its type, or `{"hubRefusal": reason, "sent": payload as sent}` for a payload that did not
/// decode (migration v11 refuses that as a data error of the record).
struct ForwardedRecord: Encodable {
    let record: UploadEnvelope.Header

    init(_ record: UploadEnvelope.Header) { self.record = record }

    struct Refusal: Encodable {
        let hubRefusal: String
        let sent: JSONValue?
    }

    private enum CodingKeys: String, CodingKey { case id, sequence, type, createdAt, payload }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(record.id, forKey: .id)
        try container.encode(record.sequence, forKey: .sequence)
        try container.encode(record.type, forKey: .type)
        try container.encode(record.createdAt, forKey: .createdAt)
        switch record.payload {
        case .success(let payload): try container.encode(payload, forKey: .payload)
        case .failure(let refusal):
            try container.encode(Refusal(hubRefusal: refusal.reason, sent: record.sent), forKey: .payload)
        }
    }
}
