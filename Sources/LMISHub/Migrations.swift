import Foundation

/// The hub's schema, as numbered migrations. Each runs once, in its own transaction, recorded in
/// `schema_migration`; a hub refuses to start on a database migrated by a newer hub.
/// Never edit a migration that has shipped: add the next one.
enum Migrations {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    /// Splits a migration into statements (the extended protocol takes one at a time): at
    /// semicolons outside quotes, dollar-quoted bodies and comments.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inQuote = false
        var inDollar = false
        var inComment = false
        let characters = Array(sql)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : "\0"
            if inComment {
                if character == "\n" { inComment = false }
            } else if inQuote {
                if character == "'" { inQuote = false }
            } else if inDollar {
                if character == "$", next == "$" {
                    inDollar = false
                    current.append("$")
                    index += 1
                }
            } else if character == "-", next == "-" {
                inComment = true
            } else if character == "'" {
                inQuote = true
            } else if character == "$", next == "$" {
                inDollar = true
                current.append("$")
                index += 1
            } else if character == ";" {
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty { statements.append(statement) }
                current = ""
                index += 1
                continue
            }
            if !inComment { current.append(character) }
            index += 1
        }
        let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { statements.append(last) }
        return statements
    }

    static let all: [Migration] = [
        Migration(version: 1, name: "offices, devices, enrolment codes, received records, quarantine", sql: v1),
        Migration(version: 2, name: "people, registrations, queue events, record application", sql: v2),
        Migration(version: 3, name: "vacancies, reference data, change feed", sql: v3),
        Migration(version: 4, name: "simulated civil registry", sql: v4),
        Migration(
            version: 5, name: "record application: transient errors retried, envelopes checked per record", sql: v5),
        Migration(version: 6, name: "referrals", sql: v6),
        Migration(version: 7, name: "fingerprint records for the civil-registry check", sql: v7),
        Migration(version: 8, name: "visitors' ratings of finished tickets", sql: v8),
        Migration(version: 9, name: "grievances and their triage", sql: v9),
        Migration(version: 10, name: "one batch of a device at a time", sql: v10),
        Migration(version: 11, name: "payloads refused by the hub before they are applied", sql: v11),
        Migration(version: 13, name: "SMS relayed for offices without a modem; the simulated gateway", sql: v13),
        Migration(version: 14, name: "case files: profiles, group decisions, notes, action plans", sql: v14),
        Migration(version: 15, name: "appointments and employment programme referrals", sql: v15),
        Migration(
            version: 16, name: "employers, office vacancies into the feed, referral outcomes, follow-ups", sql: v16),
        Migration(
            version: 17, name: "device heartbeats, latest and history; request nonces shared by instances", sql: v17),
        Migration(
            version: 18, name: "records abandoned by a forced re-enrolment; first office by registration time",
            sql: v18),
        Migration(version: 22, name: "the indicators' people with sex, age group, education, disability", sql: v22),
        Migration(version: 25, name: "SMS numbers and texts purged after their retention; counts kept", sql: v25),
        Migration(version: 29, name: "update bundles published per channel", sql: v29),
        Migration(version: 30, name: "counsellors' leave days shared by an office's devices", sql: v30),
    ]

    static let v1 = """
        CREATE TABLE hub_meta (
            id integer PRIMARY KEY CHECK (id = 1),
            epoch_seed uuid NOT NULL
        );
        INSERT INTO hub_meta (id, epoch_seed) VALUES (1, gen_random_uuid());

        CREATE TABLE office (
            code text PRIMARY KEY,
            name text NOT NULL,
            admin_unit text NOT NULL DEFAULT '',
            time_zone text NOT NULL DEFAULT 'Asia/Ulaanbaatar'
        );

        CREATE TABLE device (
            id text PRIMARY KEY,
            office_code text NOT NULL REFERENCES office(code),
            public_key text NOT NULL UNIQUE,
            name text NOT NULL,
            software_version text NOT NULL,
            enrolled_at timestamptz NOT NULL DEFAULT now(),
            revoked_at timestamptz,
            last_seen_at timestamptz
        );

        -- One-time codes a technician types at the kiosk. Only a hash is kept.
        CREATE TABLE enrolment_code (
            code_hash text PRIMARY KEY,
            office_code text NOT NULL REFERENCES office(code),
            issued_at timestamptz NOT NULL DEFAULT now(),
            expires_at timestamptz NOT NULL,
            used_at timestamptz,
            device_id text REFERENCES device(id)
        );

        -- Every record ever received: the dedupe key, written in the same transaction as the
        -- business write. Kept for good (a row is ~100 bytes), so an office offline for months
        -- still cannot apply anything twice.
        CREATE TABLE received_record (
            record_id uuid PRIMARY KEY,
            device_id text NOT NULL REFERENCES device(id),
            office_code text NOT NULL,
            seq bigint NOT NULL CHECK (seq >= 1),
            stream text NOT NULL,
            record_type text NOT NULL,
            created_at text NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now(),
            status text NOT NULL CHECK (status IN ('applied', 'rejected', 'conflict')),
            reason text,
            person_id uuid,
            UNIQUE (device_id, seq)
        );

        -- Records that could not be applied, with the reason, for staff and hub operators.
        CREATE TABLE quarantine (
            record_id uuid PRIMARY KEY,
            device_id text NOT NULL,
            office_code text NOT NULL,
            seq bigint NOT NULL,
            record_type text NOT NULL,
            payload text NOT NULL,
            reason text NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX quarantine_office ON quarantine (office_code, received_at);
        """

    static let v2 = """
        CREATE TABLE person (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            registry_number text NOT NULL UNIQUE,
            family_name text NOT NULL,
            given_name text NOT NULL,
            birth_date date NOT NULL,
            sex text NOT NULL,
            status text NOT NULL,
            first_office text NOT NULL,
            registered_at timestamptz NOT NULL,
            details_updated_at timestamptz NOT NULL,
            details jsonb NOT NULL
        );

        -- Each office's registration of a person (two offices may register the same person while
        -- offline: two rows here, one person).
        CREATE TABLE registration (
            id uuid PRIMARY KEY,
            office_code text NOT NULL,
            reference text NOT NULL,
            person_id uuid NOT NULL REFERENCES person(id),
            revision integer NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE INDEX registration_person ON registration (person_id);
        CREATE INDEX registration_office_created ON registration (office_code, created_at);

        CREATE TABLE queue_event (
            record_id uuid PRIMARY KEY,
            office_code text NOT NULL,
            ticket_id uuid NOT NULL,
            kind text NOT NULL,
            at timestamptz NOT NULL,
            service_code text NOT NULL,
            counter text,
            staff_id text,
            outcome text,
            priority text,
            registration_id uuid
        );
        CREATE INDEX queue_event_office_at ON queue_event (office_code, at);

        -- Applies one record; raises on anything invalid (the caller quarantines it).
        -- Returns the outcome and, for registrations, the person's id.
        CREATE FUNCTION lmis_apply_record(p_office text, p_type text, p_payload jsonb,
                                          OUT status text, OUT reason text, OUT person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            r jsonb;
            v_rn text;
            v_person uuid;
            v_reg_id uuid;
            v_existing registration%ROWTYPE;
            v_updated timestamptz;
            v_first_office text;
            e jsonb;
            t jsonb;
        BEGIN
            status := 'applied';
            IF p_type IN ('registration.created', 'registration.updated') THEN
                r := p_payload -> 'registration';
                IF r IS NULL OR jsonb_typeof(r) <> 'object' THEN
                    RAISE EXCEPTION 'payload has no registration object';
                END IF;
                v_rn := r ->> 'registryNumber';
                IF v_rn IS NULL OR v_rn !~ '^[А-ЯЁӨҮ]{2}[0-9]{8}$' THEN
                    RAISE EXCEPTION 'registry number % is not two Cyrillic capitals and eight digits', coalesce(v_rn, '(none)');
                END IF;
                IF coalesce(r ->> 'familyName', '') = '' OR coalesce(r ->> 'givenName', '') = '' THEN
                    RAISE EXCEPTION 'family and given name are required';
                END IF;
                IF (r ->> 'officeCode') IS DISTINCT FROM p_office THEN
                    RAISE EXCEPTION 'registration of office % sent by a device of office %', r ->> 'officeCode', p_office;
                END IF;
                v_reg_id := (r ->> 'id')::uuid;
                v_updated := (r ->> 'updatedAt')::timestamptz;

                SELECT * INTO v_existing FROM registration WHERE id = v_reg_id;
                IF FOUND AND v_existing.revision >= (r ->> 'revision')::integer THEN
                    status := 'conflict';
                    reason := format('revision %s is not newer than the hub''s revision %s', r ->> 'revision', v_existing.revision);
                    person_id := v_existing.person_id;
                    RETURN;
                END IF;

                -- One person per registry number: a second office's registration joins the first.
                INSERT INTO person (registry_number, family_name, given_name, birth_date, sex, status, first_office,
                                    registered_at, details_updated_at, details)
                VALUES (v_rn, r ->> 'familyName', r ->> 'givenName', (r ->> 'birthDate')::date, r ->> 'sex',
                        coalesce(r ->> 'status', 'other'), p_office, (r ->> 'createdAt')::timestamptz, v_updated, r)
                ON CONFLICT (registry_number) DO NOTHING
                RETURNING id INTO v_person;
                IF v_person IS NULL THEN
                    SELECT id, first_office INTO v_person, v_first_office FROM person WHERE registry_number = v_rn;
                    -- The newest details win; the first registration stays the person's first.
                    UPDATE person SET family_name = r ->> 'familyName', given_name = r ->> 'givenName',
                        birth_date = (r ->> 'birthDate')::date, sex = r ->> 'sex',
                        status = coalesce(r ->> 'status', 'other'), details_updated_at = v_updated, details = r
                    WHERE id = v_person AND details_updated_at < v_updated;
                    IF p_type = 'registration.created' AND NOT EXISTS (
                            SELECT 1 FROM registration g WHERE g.person_id = v_person AND g.office_code = p_office) THEN
                        status := 'conflict';
                        reason := format('registry number already registered (first at office %s); merged into person %s',
                                         v_first_office, v_person);
                    END IF;
                END IF;
                INSERT INTO registration (id, office_code, reference, person_id, revision, created_at, updated_at)
                VALUES (v_reg_id, p_office, r ->> 'reference', v_person, (r ->> 'revision')::integer,
                        (r ->> 'createdAt')::timestamptz, v_updated)
                ON CONFLICT (id) DO UPDATE SET revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at;
                person_id := v_person;
            ELSIF p_type LIKE 'queue.%' THEN
                e := p_payload -> 'event';
                t := p_payload -> 'ticket';
                IF e IS NULL OR t IS NULL THEN
                    RAISE EXCEPTION 'queue record needs event and ticket';
                END IF;
                IF 'queue.' || (e ->> 'kind') <> p_type THEN
                    RAISE EXCEPTION 'event kind % does not match record type %', e ->> 'kind', p_type;
                END IF;
                INSERT INTO queue_event (record_id, office_code, ticket_id, kind, at, service_code, counter, staff_id,
                                         outcome, priority, registration_id)
                VALUES (gen_random_uuid(), p_office, (t ->> 'id')::uuid, e ->> 'kind', (e ->> 'at')::timestamptz,
                        t ->> 'serviceCode', e ->> 'counter', e ->> 'staffID',
                        e ->> 'outcome', t ->> 'priority', (t ->> 'registrationID')::uuid);
            ELSE
                RAISE EXCEPTION 'unknown record type %', p_type;
            END IF;
        END;
        $$;

        -- Applies a batch in order: per record, the dedupe row and the business write commit
        -- together or not at all (the EXCEPTION block is a savepoint), so one bad record is
        -- quarantined and the others still apply.
        CREATE FUNCTION lmis_apply_batch(p_device text, p_office text, p_stream text, p_records jsonb)
        RETURNS TABLE (record_id uuid, seq bigint, status text, reason text, person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            rec jsonb;
            v_id uuid;
            v_seq bigint;
            v_prev received_record%ROWTYPE;
            v_out record;
        BEGIN
            FOR rec IN SELECT value FROM jsonb_array_elements(p_records) LOOP
                v_id := (rec ->> 'id')::uuid;
                v_seq := (rec ->> 'sequence')::bigint;
                record_id := v_id;
                seq := v_seq;
                reason := NULL;
                person_id := NULL;
                -- Waits for a concurrent transaction holding the same id, then sees its row.
                INSERT INTO received_record AS rr (record_id, device_id, office_code, seq, stream, record_type,
                                                   created_at, status)
                VALUES (v_id, p_device, p_office, v_seq, p_stream, rec ->> 'type', rec ->> 'createdAt', 'applied')
                ON CONFLICT DO NOTHING;
                IF NOT FOUND THEN
                    SELECT * INTO v_prev FROM received_record r WHERE r.record_id = v_id;
                    IF NOT FOUND THEN
                        -- Same (device, sequence) under another id: the kiosk reused a number.
                        status := 'rejected';
                        reason := format('sequence %s was already used by another record', v_seq);
                    ELSIF v_prev.status = 'rejected' THEN
                        status := 'rejected';
                        reason := v_prev.reason;
                    ELSE
                        status := 'duplicate';
                        person_id := v_prev.person_id;
                    END IF;
                    RETURN NEXT;
                    CONTINUE;
                END IF;
                BEGIN
                    SELECT * INTO v_out FROM lmis_apply_record(p_office, rec ->> 'type', rec -> 'payload');
                    status := v_out.status;
                    reason := v_out.reason;
                    person_id := v_out.person_id;
                    IF status <> 'applied' OR person_id IS NOT NULL THEN
                        UPDATE received_record r SET status = v_out.status, reason = v_out.reason,
                            person_id = v_out.person_id WHERE r.record_id = v_id;
                    END IF;
                EXCEPTION WHEN OTHERS THEN
                    status := 'rejected';
                    reason := SQLERRM;
                    UPDATE received_record r SET status = 'rejected', reason = SQLERRM WHERE r.record_id = v_id;
                    INSERT INTO quarantine (record_id, device_id, office_code, seq, record_type, payload, reason)
                    VALUES (v_id, p_device, p_office, v_seq, rec ->> 'type', (rec -> 'payload')::text, SQLERRM)
                    ON CONFLICT DO NOTHING;
                END;
                RETURN NEXT;
            END LOOP;
        END;
        $$;
        """

    static let v3 = """
        -- One ordered feed of every change kiosks download. Writers take an advisory lock, so
        -- positions are handed out in commit order and a reader never skips a late commit.
        CREATE SEQUENCE change_position;

        CREATE TABLE vacancy (
            reference text PRIMARY KEY,
            office_code text,
            posted_on date,
            closes_on date,
            posts integer NOT NULL DEFAULT 1,
            newly_created boolean NOT NULL DEFAULT false,
            data jsonb,
            deleted boolean NOT NULL DEFAULT false,
            position bigint NOT NULL
        );
        CREATE INDEX vacancy_position ON vacancy (position);

        CREATE TABLE reference_item (
            kind text NOT NULL,
            key text NOT NULL,
            data jsonb,
            deleted boolean NOT NULL DEFAULT false,
            position bigint NOT NULL,
            PRIMARY KEY (kind, key)
        );
        CREATE INDEX reference_item_position ON reference_item (position);
        """

    static let v4 = """
        -- Stands in for the national civil registry (XYP) in tests and demos. A real adapter
        -- does not use this table.
        CREATE TABLE simulated_civil_registry (
            registry_number text PRIMARY KEY,
            family_name text NOT NULL,
            given_name text NOT NULL,
            birth_date date NOT NULL,
            sex text NOT NULL,
            template bytea
        );
        """

    /// Replaces the record application of v2 after review:
    /// - only data errors (SQLSTATE classes 22 and 23) quarantine a record; anything else
    ///   (deadlock, lock timeout, out of memory or disk, shutdown, a fault in the hub's own SQL)
    ///   fails the whole batch so the kiosk sends it again, instead of refusing a valid record
    ///   for good;
    /// - every cast of a record's envelope happens inside its own savepoint, so one malformed
    ///   record is quarantined and never fails the batch;
    /// - a reused sequence number is quarantined (the record is kept, not lost);
    /// - a device may only change its own office's registrations, and an update cannot move a
    ///   registration to another registry number;
    /// - a queue event keeps its record's id.
    static let v5 = """
        DROP FUNCTION lmis_apply_batch(text, text, text, jsonb);
        DROP FUNCTION lmis_apply_record(text, text, jsonb);

        CREATE FUNCTION lmis_apply_record(p_office text, p_record_id uuid, p_type text, p_payload jsonb,
                                          OUT status text, OUT reason text, OUT person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            r jsonb;
            v_rn text;
            v_person uuid;
            v_reg_id uuid;
            v_existing registration%ROWTYPE;
            v_existing_rn text;
            v_updated timestamptz;
            v_first_office text;
            e jsonb;
            t jsonb;
        BEGIN
            status := 'applied';
            IF jsonb_typeof(p_payload) IS DISTINCT FROM 'object' THEN
                RAISE EXCEPTION 'payload must be a JSON object' USING ERRCODE = '22023';
            END IF;
            IF p_type IN ('registration.created', 'registration.updated') THEN
                r := p_payload -> 'registration';
                IF r IS NULL OR jsonb_typeof(r) <> 'object' THEN
                    RAISE EXCEPTION 'payload has no registration object' USING ERRCODE = '22023';
                END IF;
                v_rn := r ->> 'registryNumber';
                IF v_rn IS NULL OR v_rn !~ '^[А-ЯЁӨҮ]{2}[0-9]{8}$' THEN
                    RAISE EXCEPTION 'registry number % is not two Cyrillic capitals and eight digits',
                        coalesce(v_rn, '(none)') USING ERRCODE = '22023';
                END IF;
                IF coalesce(r ->> 'familyName', '') = '' OR coalesce(r ->> 'givenName', '') = '' THEN
                    RAISE EXCEPTION 'family and given name are required' USING ERRCODE = '22023';
                END IF;
                IF (r ->> 'officeCode') IS DISTINCT FROM p_office THEN
                    RAISE EXCEPTION 'registration of office % sent by a device of office %', r ->> 'officeCode', p_office
                        USING ERRCODE = '22023';
                END IF;
                v_reg_id := (r ->> 'id')::uuid;
                v_updated := (r ->> 'updatedAt')::timestamptz;

                SELECT * INTO v_existing FROM registration g WHERE g.id = v_reg_id;
                IF FOUND THEN
                    IF v_existing.office_code <> p_office THEN
                        RAISE EXCEPTION 'registration % belongs to office %', v_reg_id, v_existing.office_code
                            USING ERRCODE = '22023';
                    END IF;
                    SELECT p.registry_number INTO v_existing_rn FROM person p WHERE p.id = v_existing.person_id;
                    IF v_existing_rn IS DISTINCT FROM v_rn THEN
                        RAISE EXCEPTION 'registration % cannot move from registry number % to %', v_reg_id,
                            v_existing_rn, v_rn USING ERRCODE = '22023';
                    END IF;
                    IF v_existing.revision >= (r ->> 'revision')::integer THEN
                        status := 'conflict';
                        reason := format('revision %s is not newer than the hub''s revision %s', r ->> 'revision',
                                         v_existing.revision);
                        person_id := v_existing.person_id;
                        RETURN;
                    END IF;
                END IF;

                -- One person per registry number: a second office's registration joins the first.
                INSERT INTO person (registry_number, family_name, given_name, birth_date, sex, status, first_office,
                                    registered_at, details_updated_at, details)
                VALUES (v_rn, r ->> 'familyName', r ->> 'givenName', (r ->> 'birthDate')::date, r ->> 'sex',
                        coalesce(r ->> 'status', 'other'), p_office, (r ->> 'createdAt')::timestamptz, v_updated, r)
                ON CONFLICT (registry_number) DO NOTHING
                RETURNING id INTO v_person;
                IF v_person IS NULL THEN
                    SELECT p.id, p.first_office INTO v_person, v_first_office FROM person p WHERE p.registry_number = v_rn;
                    -- The newest details win; the first registration stays the person's first.
                    UPDATE person SET family_name = r ->> 'familyName', given_name = r ->> 'givenName',
                        birth_date = (r ->> 'birthDate')::date, sex = r ->> 'sex',
                        status = coalesce(r ->> 'status', 'other'), details_updated_at = v_updated, details = r
                    WHERE id = v_person AND details_updated_at < v_updated;
                    IF p_type = 'registration.created' AND NOT EXISTS (
                            SELECT 1 FROM registration g WHERE g.person_id = v_person AND g.office_code = p_office) THEN
                        status := 'conflict';
                        reason := format('registry number already registered (first at office %s); merged into person %s',
                                         v_first_office, v_person);
                    END IF;
                END IF;
                INSERT INTO registration (id, office_code, reference, person_id, revision, created_at, updated_at)
                VALUES (v_reg_id, p_office, r ->> 'reference', v_person, (r ->> 'revision')::integer,
                        (r ->> 'createdAt')::timestamptz, v_updated)
                ON CONFLICT (id) DO UPDATE SET revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at;
                person_id := v_person;
            ELSIF p_type LIKE 'queue.%' THEN
                e := p_payload -> 'event';
                t := p_payload -> 'ticket';
                IF jsonb_typeof(e) IS DISTINCT FROM 'object' OR jsonb_typeof(t) IS DISTINCT FROM 'object' THEN
                    RAISE EXCEPTION 'queue record needs event and ticket objects' USING ERRCODE = '22023';
                END IF;
                IF 'queue.' || (e ->> 'kind') IS DISTINCT FROM p_type THEN
                    RAISE EXCEPTION 'event kind % does not match record type %', e ->> 'kind', p_type
                        USING ERRCODE = '22023';
                END IF;
                INSERT INTO queue_event (record_id, office_code, ticket_id, kind, at, service_code, counter, staff_id,
                                         outcome, priority, registration_id)
                VALUES (p_record_id, p_office, (t ->> 'id')::uuid, e ->> 'kind', (e ->> 'at')::timestamptz,
                        t ->> 'serviceCode', e ->> 'counter', e ->> 'staffID', e ->> 'outcome', t ->> 'priority',
                        (t ->> 'registrationID')::uuid);
            ELSE
                RAISE EXCEPTION 'unknown record type %', p_type USING ERRCODE = '22023';
            END IF;
        END;
        $$;

        -- Applies a batch in order. Per record, inside one savepoint: the envelope is read, the
        -- dedupe row and the business write are made. A data error rolls the record back alone
        -- and quarantines it; a transient error fails the batch (the kiosk sends it again).
        CREATE FUNCTION lmis_apply_batch(p_device text, p_office text, p_stream text, p_records jsonb)
        RETURNS TABLE (record_id uuid, seq bigint, status text, reason text, person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            rec jsonb;
            v_id uuid;
            v_seq bigint;
            v_prev received_record%ROWTYPE;
            v_out record;
            v_state text;
            v_message text;
        BEGIN
            IF jsonb_typeof(p_records) IS DISTINCT FROM 'array' THEN
                RAISE EXCEPTION 'records must be an array' USING ERRCODE = '22023';
            END IF;
            FOR rec IN SELECT value FROM jsonb_array_elements(p_records) LOOP
                record_id := NULL;
                seq := NULL;
                reason := NULL;
                person_id := NULL;
                BEGIN
                    v_id := (rec ->> 'id')::uuid;
                    v_seq := (rec ->> 'sequence')::bigint;
                    record_id := v_id;
                    seq := v_seq;
                    IF v_id IS NULL OR v_seq IS NULL OR v_seq < 1 THEN
                        RAISE EXCEPTION 'a record needs an id and a sequence of at least 1' USING ERRCODE = '22023';
                    END IF;
                    -- Waits for a concurrent transaction holding the same id, then sees its row.
                    INSERT INTO received_record AS rr (record_id, device_id, office_code, seq, stream, record_type,
                                                       created_at, status)
                    VALUES (v_id, p_device, p_office, v_seq, p_stream, coalesce(rec ->> 'type', ''),
                            coalesce(rec ->> 'createdAt', ''), 'applied')
                    ON CONFLICT ON CONSTRAINT received_record_pkey DO NOTHING;
                    IF NOT FOUND THEN
                        SELECT * INTO v_prev FROM received_record r WHERE r.record_id = v_id;
                        IF v_prev.status = 'rejected' THEN
                            status := 'rejected';
                            reason := v_prev.reason;
                        ELSE
                            status := 'duplicate';
                            reason := v_prev.reason;
                            person_id := v_prev.person_id;
                        END IF;
                    ELSE
                        SELECT * INTO v_out FROM lmis_apply_record(p_office, v_id, rec ->> 'type', rec -> 'payload');
                        status := v_out.status;
                        reason := v_out.reason;
                        person_id := v_out.person_id;
                        IF status <> 'applied' OR person_id IS NOT NULL THEN
                            UPDATE received_record r SET status = v_out.status, reason = v_out.reason,
                                person_id = v_out.person_id WHERE r.record_id = v_id;
                        END IF;
                    END IF;
                EXCEPTION WHEN OTHERS THEN
                    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT;
                    -- Only the record's own data is quarantined (classes 22 and 23). Anything else is
                    -- transient (deadlock, lock timeout, resources, shutdown) or a fault of the hub
                    -- itself: the batch fails and the kiosk sends it again later.
                    IF left(v_state, 2) NOT IN ('22', '23') THEN
                        RAISE;
                    END IF;
                    status := 'rejected';
                    IF v_state = '23505' THEN
                        v_message := format('sequence %s was already used by another record', v_seq);
                    END IF;
                    reason := v_message;
                    IF v_id IS NOT NULL THEN
                        -- Kept: the dedupe row says "rejected" (a resend gets the same answer), the
                        -- quarantine keeps the record for operators.
                        IF coalesce(v_seq, 0) >= 1 THEN
                            INSERT INTO received_record AS rr (record_id, device_id, office_code, seq, stream,
                                                               record_type, created_at, status, reason)
                            VALUES (v_id, p_device, p_office, v_seq, p_stream, coalesce(rec ->> 'type', ''),
                                    coalesce(rec ->> 'createdAt', ''), 'rejected', v_message)
                            ON CONFLICT DO NOTHING;
                        END IF;
                        INSERT INTO quarantine (record_id, device_id, office_code, seq, record_type, payload, reason)
                        VALUES (v_id, p_device, p_office, coalesce(v_seq, 0), coalesce(rec ->> 'type', ''),
                                coalesce((rec -> 'payload')::text, 'null'), v_message)
                        ON CONFLICT DO NOTHING;
                    END IF;
                END;
                RETURN NEXT;
            END LOOP;
        END;
        $$;
        """

    /// Referrals of jobseekers to vacancies (`referral.recorded`). The record application of v5
    /// stays as it is, renamed; the new `lmis_apply_record` takes referrals and hands every other
    /// type on to it (`lmis_apply_batch` calls it by name).
    static let v6 = """
        CREATE TABLE referral (
            id uuid PRIMARY KEY,
            record_id uuid NOT NULL,
            office_code text NOT NULL REFERENCES office (code),
            registration_id uuid NOT NULL,
            vacancy_reference text NOT NULL,
            staff_id text NOT NULL,
            counter integer NOT NULL,
            note text,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX referral_office_at ON referral (office_code, created_at);
        CREATE INDEX referral_registration ON referral (registration_id);

        ALTER FUNCTION lmis_apply_record(text, uuid, text, jsonb) RENAME TO lmis_apply_record_v5;

        CREATE FUNCTION lmis_apply_record(p_office text, p_record_id uuid, p_type text, p_payload jsonb,
                                          OUT status text, OUT reason text, OUT person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            f jsonb;
        BEGIN
            IF p_type IS DISTINCT FROM 'referral.recorded' THEN
                SELECT a.status, a.reason, a.person_id INTO status, reason, person_id
                FROM lmis_apply_record_v5(p_office, p_record_id, p_type, p_payload) a;
                RETURN;
            END IF;
            status := 'applied';
            f := p_payload -> 'referral';
            IF jsonb_typeof(f) IS DISTINCT FROM 'object' THEN
                RAISE EXCEPTION 'payload has no referral object' USING ERRCODE = '22023';
            END IF;
            IF (f ->> 'officeCode') IS DISTINCT FROM p_office THEN
                RAISE EXCEPTION 'referral of office % sent by a device of office %', f ->> 'officeCode', p_office
                    USING ERRCODE = '22023';
            END IF;
            IF coalesce(f ->> 'vacancyReference', '') = '' OR coalesce(f ->> 'staffID', '') = '' THEN
                RAISE EXCEPTION 'a referral names its vacancy and its member of staff' USING ERRCODE = '22023';
            END IF;
            -- The registration may arrive later on its own stream; when it is here, it is this office's.
            IF EXISTS (SELECT 1 FROM registration g
                       WHERE g.id = (f ->> 'registrationID')::uuid AND g.office_code <> p_office) THEN
                RAISE EXCEPTION 'referral of a registration of another office' USING ERRCODE = '22023';
            END IF;
            INSERT INTO referral (id, record_id, office_code, registration_id, vacancy_reference, staff_id, counter,
                                  note, created_at)
            VALUES ((f ->> 'id')::uuid, p_record_id, p_office, (f ->> 'registrationID')::uuid,
                    f ->> 'vacancyReference', f ->> 'staffID', (f ->> 'counter')::integer, f ->> 'note',
                    (f ->> 'createdAt')::timestamptz)
            ON CONFLICT (id) DO NOTHING;
        END;
        $$;
        """

    /// Enrolled fingerprints as the kiosks send them (`fingerprints.enrolled`, `fingerprints.deleted`):
    /// the ISO/IEC 19794-2:2005 record of each person's fingers, the newest enrolment replacing the
    /// last, removed when an office deletes them. The record is checked to be one (format and
    /// version, declared length) before it is kept. Every other type goes on to v6's application.
    static let v7 = """
        CREATE TABLE fingerprint_record (
            registration_id uuid PRIMARY KEY,
            record_id uuid NOT NULL,
            office_code text NOT NULL REFERENCES office (code),
            fingers text[] NOT NULL,
            iso_record bytea NOT NULL,
            enrolled_at timestamptz NOT NULL,
            staff_id text
        );

        ALTER FUNCTION lmis_apply_record(text, uuid, text, jsonb) RENAME TO lmis_apply_record_v6;

        CREATE FUNCTION lmis_apply_record(p_office text, p_record_id uuid, p_type text, p_payload jsonb,
                                          OUT status text, OUT reason text, OUT person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            f jsonb;
            iso bytea;
            registration uuid;
        BEGIN
            IF p_type NOT IN ('fingerprints.enrolled', 'fingerprints.deleted') THEN
                SELECT a.status, a.reason, a.person_id INTO status, reason, person_id
                FROM lmis_apply_record_v6(p_office, p_record_id, p_type, p_payload) a;
                RETURN;
            END IF;
            status := 'applied';
            f := p_payload -> 'fingerprints';
            IF jsonb_typeof(f) IS DISTINCT FROM 'object' THEN
                RAISE EXCEPTION 'payload has no fingerprints object' USING ERRCODE = '22023';
            END IF;
            IF (f ->> 'officeCode') IS DISTINCT FROM p_office THEN
                RAISE EXCEPTION 'fingerprints of office % sent by a device of office %', f ->> 'officeCode', p_office
                    USING ERRCODE = '22023';
            END IF;
            registration := (f ->> 'registrationID')::uuid;
            IF EXISTS (SELECT 1 FROM registration g WHERE g.id = registration AND g.office_code <> p_office) THEN
                RAISE EXCEPTION 'fingerprints of a registration of another office' USING ERRCODE = '22023';
            END IF;
            IF p_type = 'fingerprints.deleted' THEN
                DELETE FROM fingerprint_record WHERE registration_id = registration;
                RETURN;
            END IF;
            iso := decode(f ->> 'isoRecord', 'base64');
            IF length(iso) < 26 OR substring(iso FROM 1 FOR 8) <> '\\x464d520020323000'::bytea
               OR get_byte(iso, 8) * 16777216 + get_byte(iso, 9) * 65536 + get_byte(iso, 10) * 256
                  + get_byte(iso, 11) <> length(iso) THEN
                RAISE EXCEPTION 'isoRecord is not an ISO/IEC 19794-2:2005 finger minutiae record'
                    USING ERRCODE = '22023';
            END IF;
            INSERT INTO fingerprint_record (registration_id, record_id, office_code, fingers, iso_record, enrolled_at,
                                            staff_id)
            VALUES (registration, p_record_id, p_office,
                    ARRAY(SELECT jsonb_array_elements_text(f -> 'fingers')), iso, (f ->> 'enrolledAt')::timestamptz,
                    f ->> 'staffID')
            ON CONFLICT (registration_id) DO UPDATE
                SET record_id = EXCLUDED.record_id, fingers = EXCLUDED.fingers, iso_record = EXCLUDED.iso_record,
                    enrolled_at = EXCLUDED.enrolled_at, staff_id = EXCLUDED.staff_id
                WHERE fingerprint_record.enrolled_at <= EXCLUDED.enrolled_at;
        END;
        $$;
        """

    /// Visitors' ratings of finished tickets (`feedback.recorded`): one per ticket, with where the
    /// service was given (service, counter, officer) and nothing about the visitor. Every other
    /// type goes on to v7's application.
    static let v8 = """
        CREATE TABLE feedback (
            ticket_id uuid PRIMARY KEY,
            record_id uuid NOT NULL,
            office_code text NOT NULL REFERENCES office (code),
            office_day date NOT NULL,
            service_code text NOT NULL,
            counter integer,
            staff_id text,
            rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
            comment text,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX feedback_office_day ON feedback (office_code, office_day);

        ALTER FUNCTION lmis_apply_record(text, uuid, text, jsonb) RENAME TO lmis_apply_record_v7;

        CREATE FUNCTION lmis_apply_record(p_office text, p_record_id uuid, p_type text, p_payload jsonb,
                                          OUT status text, OUT reason text, OUT person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            f jsonb;
        BEGIN
            IF p_type IS DISTINCT FROM 'feedback.recorded' THEN
                SELECT a.status, a.reason, a.person_id INTO status, reason, person_id
                FROM lmis_apply_record_v7(p_office, p_record_id, p_type, p_payload) a;
                RETURN;
            END IF;
            status := 'applied';
            f := p_payload -> 'feedback';
            IF jsonb_typeof(f) IS DISTINCT FROM 'object' THEN
                RAISE EXCEPTION 'payload has no feedback object' USING ERRCODE = '22023';
            END IF;
            IF (f ->> 'officeCode') IS DISTINCT FROM p_office THEN
                RAISE EXCEPTION 'feedback of office % sent by a device of office %', f ->> 'officeCode', p_office
                    USING ERRCODE = '22023';
            END IF;
            IF (f ->> 'rating') IS NULL OR (f ->> 'rating')::integer NOT BETWEEN 1 AND 5 THEN
                RAISE EXCEPTION 'a rating is 1 to 5' USING ERRCODE = '22023';
            END IF;
            INSERT INTO feedback (ticket_id, record_id, office_code, office_day, service_code, counter, staff_id,
                                  rating, comment, created_at)
            VALUES ((f ->> 'ticketID')::uuid, p_record_id, p_office, (f ->> 'officeDay')::date, f ->> 'serviceCode',
                    (f ->> 'counter')::integer, f ->> 'staffID', (f ->> 'rating')::smallint, f ->> 'comment',
                    (f ->> 'createdAt')::timestamptz)
            ON CONFLICT (ticket_id) DO NOTHING;
        END;
        $$;
        """

    /// Grievances filed at the kiosks (`grievance.filed`) and each triage step (`grievance.updated`,
    /// numbered per grievance, so a step arriving twice is kept once). Every other type goes on to
    /// v8's application.
    static let v9 = """
        CREATE TABLE grievance (
            id uuid PRIMARY KEY,
            record_id uuid NOT NULL,
            tracking_code text NOT NULL UNIQUE,
            office_code text NOT NULL REFERENCES office (code),
            category text NOT NULL,
            text text NOT NULL,
            area text,
            contact_name text,
            contact_phone text,
            language text NOT NULL,
            filed_at timestamptz NOT NULL,
            state text NOT NULL,
            due_on date NOT NULL,
            assignee text
        );
        CREATE INDEX grievance_office_open ON grievance (office_code, state, due_on);
        CREATE TABLE grievance_step (
            grievance_id uuid NOT NULL REFERENCES grievance (id),
            position integer NOT NULL,
            record_id uuid NOT NULL,
            action text NOT NULL,
            note text,
            assignee text,
            due_on date NOT NULL,
            staff_id text NOT NULL,
            counter integer,
            at timestamptz NOT NULL,
            PRIMARY KEY (grievance_id, position)
        );

        ALTER FUNCTION lmis_apply_record(text, uuid, text, jsonb) RENAME TO lmis_apply_record_v8;

        CREATE FUNCTION lmis_apply_record(p_office text, p_record_id uuid, p_type text, p_payload jsonb,
                                          OUT status text, OUT reason text, OUT person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            f jsonb;
            applied integer;
        BEGIN
            IF p_type NOT IN ('grievance.filed', 'grievance.updated') THEN
                SELECT a.status, a.reason, a.person_id INTO status, reason, person_id
                FROM lmis_apply_record_v8(p_office, p_record_id, p_type, p_payload) a;
                RETURN;
            END IF;
            status := 'applied';
            f := p_payload -> 'grievance';
            IF jsonb_typeof(f) IS DISTINCT FROM 'object' THEN
                RAISE EXCEPTION 'payload has no grievance object' USING ERRCODE = '22023';
            END IF;
            IF (f ->> 'officeCode') IS DISTINCT FROM p_office THEN
                RAISE EXCEPTION 'grievance of office % sent by a device of office %', f ->> 'officeCode', p_office
                    USING ERRCODE = '22023';
            END IF;
            IF p_type = 'grievance.filed' THEN
                IF coalesce(f ->> 'text', '') = '' OR (f ->> 'category') NOT IN
                   ('serviceQuality', 'staffConduct', 'programmeDecision', 'discrimination', 'other') THEN
                    RAISE EXCEPTION 'a grievance has a known category and a text' USING ERRCODE = '22023';
                END IF;
                INSERT INTO grievance (id, record_id, tracking_code, office_code, category, text, area, contact_name,
                                       contact_phone, language, filed_at, state, due_on)
                VALUES ((f ->> 'id')::uuid, p_record_id, f ->> 'trackingCode', p_office, f ->> 'category',
                        f ->> 'text', f ->> 'area', f ->> 'contactName', f ->> 'contactPhone', f ->> 'language',
                        (f ->> 'filedAt')::timestamptz, 'filed', (f ->> 'dueOn')::date)
                ON CONFLICT (id) DO NOTHING;
                RETURN;
            END IF;
            -- A step of a grievance the hub does not hold is refused (it is filed on the same stream first).
            IF NOT EXISTS (SELECT 1 FROM grievance WHERE id = (f ->> 'id')::uuid AND office_code = p_office) THEN
                RAISE EXCEPTION 'step of an unknown grievance' USING ERRCODE = '22023';
            END IF;
            INSERT INTO grievance_step (grievance_id, position, record_id, action, note, assignee, due_on, staff_id,
                                        counter, at)
            VALUES ((f ->> 'id')::uuid, (f ->> 'position')::integer, p_record_id, f ->> 'action', f ->> 'note',
                    f ->> 'assignee', (f ->> 'dueOn')::date, f ->> 'staffID', (f ->> 'counter')::integer,
                    (f ->> 'at')::timestamptz)
            ON CONFLICT (grievance_id, position) DO NOTHING;
            GET DIAGNOSTICS applied = ROW_COUNT;
            IF applied = 1 THEN
                UPDATE grievance SET state = f ->> 'state', due_on = (f ->> 'dueOn')::date,
                    assignee = CASE WHEN f ->> 'action' = 'assign' THEN f ->> 'assignee' ELSE assignee END
                WHERE id = (f ->> 'id')::uuid;
            END IF;
        END;
        $$;
        """

    /// Two copies of one batch at once (a kiosk that timed out and sent again while the first
    /// was still being applied) raced on the dedupe row: the second insert of a record passed the
    /// primary-key check before the first committed and then hit `UNIQUE (device_id, seq)`, which
    /// quarantined a good record as "sequence already used". A device's batches are now applied
    /// one after another (a transaction-scoped advisory lock per device); the second then sees
    /// the first's rows and answers "duplicate". A kiosk sends one batch at a time, so nothing
    /// waits in normal use.
    static let v10 = """
        ALTER FUNCTION lmis_apply_batch(text, text, text, jsonb) RENAME TO lmis_apply_batch_v5;

        CREATE FUNCTION lmis_apply_batch(p_device text, p_office text, p_stream text, p_records jsonb)
        RETURNS TABLE (record_id uuid, seq bigint, status text, reason text, person_id uuid)
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtextextended('lmis_apply_batch:' || p_device, 0));
            RETURN QUERY SELECT b.record_id, b.seq, b.status, b.reason, b.person_id
                FROM lmis_apply_batch_v5(p_device, p_office, p_stream, p_records) b;
        END;
        $$;
        """

    /// The hub decodes every payload as its LMISProtocol type before the database sees it, and
    /// hands on what the type encodes. A payload that does not decode arrives as
    /// `{"hubRefusal": reason, "sent": payload as sent}` (no type encodes a `hubRefusal` key) and
    /// is refused here as a data error of its record, so that it is kept as rejected (a resend
    /// gets the same answer) and quarantined like a record the database refused itself.
    static let v11 = """
        ALTER FUNCTION lmis_apply_record(text, uuid, text, jsonb) RENAME TO lmis_apply_record_v9;

        CREATE FUNCTION lmis_apply_record(p_office text, p_record_id uuid, p_type text, p_payload jsonb,
                                          OUT status text, OUT reason text, OUT person_id uuid)
        LANGUAGE plpgsql AS $$
        BEGIN
            IF jsonb_typeof(p_payload) = 'object' AND p_payload ? 'hubRefusal' THEN
                RAISE EXCEPTION '%', p_payload ->> 'hubRefusal' USING ERRCODE = '22023';
            END IF;
            SELECT a.status, a.reason, a.person_id INTO status, reason, person_id
            FROM lmis_apply_record_v9(p_office, p_record_id, p_type, p_payload) a;
        END;
        $$;
        """

    /// The SMS route through the hub (issue 22): messages kiosks hand over, once by their id;
    /// their way to the operator gateway (attempts, back-off, the gateway's id); the final report
    /// and replies per device until the device acknowledges them. And the simulated operator
    /// gateway's own tables (tests and demos only), as `simulated_civil_registry` is.
    static let v13 = """
        CREATE TABLE sms_message (
            id uuid PRIMARY KEY,
            device_id text NOT NULL REFERENCES device(id),
            office_code text NOT NULL REFERENCES office(code),
            to_number text NOT NULL CHECK (to_number ~ '^[0-9]{8}$'),
            body text NOT NULL,
            handed_at timestamptz NOT NULL DEFAULT now(),
            -- queued: waiting for the gateway (again, after next_attempt_at); sending: being handed
            -- to it now (a hub that stops here hands it again after a while); sent: the gateway
            -- holds it; delivered / failed: final, reported to the device.
            state text NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'failed')),
            attempts integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL DEFAULT now(),
            claimed_at timestamptz,
            last_error text,
            gateway_id text UNIQUE,
            sent_at timestamptz,
            outcome_at timestamptz,
            outcome_reason text,
            report_acknowledged_at timestamptz
        );
        CREATE INDEX sms_message_due ON sms_message (next_attempt_at) WHERE state IN ('queued', 'sending');
        CREATE INDEX sms_message_reports ON sms_message (device_id, outcome_at)
            WHERE state IN ('delivered', 'failed') AND report_acknowledged_at IS NULL;
        CREATE INDEX sms_message_number ON sms_message (to_number, handed_at);

        -- Replies, each once by the gateway's id; device_id is the device that last wrote to the
        -- number (NULL when none did: kept, served to nobody).
        CREATE TABLE sms_reply (
            gateway_id text PRIMARY KEY,
            device_id text REFERENCES device(id),
            from_number text NOT NULL,
            body text NOT NULL,
            received_at timestamptz NOT NULL,
            acknowledged_at timestamptz
        );
        CREATE INDEX sms_reply_waiting ON sms_reply (device_id, received_at) WHERE acknowledged_at IS NULL;

        -- How far the hub has read the gateway's events.
        CREATE TABLE sms_gateway_cursor (
            id integer PRIMARY KEY CHECK (id = 1),
            position text NOT NULL
        );

        -- The simulated operator gateway: what it was given (every submission, as an operator
        -- bills it), the events it produces (delivery reports, replies), and how it is told to fail.
        CREATE TABLE simulated_sms_submission (
            gateway_id text PRIMARY KEY,
            reference text NOT NULL,
            to_number text NOT NULL,
            body text NOT NULL,
            submitted_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX simulated_sms_submission_reference ON simulated_sms_submission (reference);
        CREATE TABLE simulated_sms_event (
            position bigserial PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('report', 'reply')),
            gateway_id text NOT NULL,
            outcome text CHECK (outcome IN ('delivered', 'failed')),
            reason text,
            from_number text,
            body text,
            at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE simulated_sms_control (
            id integer PRIMARY KEY CHECK (id = 1),
            -- The next this many submissions are refused as if the gateway were down.
            refuse_next integer NOT NULL DEFAULT 0 CHECK (refuse_next >= 0),
            -- Numbers the network cannot reach: accepted, then reported failed.
            unreachable text[] NOT NULL DEFAULT '{}'
        );
        INSERT INTO simulated_sms_control (id) VALUES (1);
        """

    /// What each kiosk says of itself every sync round (`Heartbeat`): the latest on its device
    /// row, every one for 30 days in `device_heartbeat`. `reported_sequence` is the highest
    /// outbox sequence a device ever reported: numbers below it that never arrive are a gap (a
    /// disk lost with records on it), and a kiosk restored from a backup numbers above it.
    /// `request_nonce` keeps each signed request's nonce for the clock tolerance, so that a
    /// replay is refused by whichever hub process it reaches.
    static let v17 = """
        ALTER TABLE device ADD COLUMN heartbeat jsonb;
        ALTER TABLE device ADD COLUMN heartbeat_at timestamptz;
        ALTER TABLE device ADD COLUMN reported_sequence bigint NOT NULL DEFAULT 0;

        CREATE TABLE device_heartbeat (
            id bigserial PRIMARY KEY,
            device_id text NOT NULL REFERENCES device (id),
            received_at timestamptz NOT NULL DEFAULT now(),
            report jsonb NOT NULL
        );
        CREATE INDEX device_heartbeat_device_at ON device_heartbeat (device_id, received_at);

        CREATE TABLE request_nonce (
            device_id text NOT NULL,
            nonce text NOT NULL,
            seen_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (device_id, nonce)
        );
        CREATE INDEX request_nonce_seen_at ON request_nonce (seen_at);
        """

    /// Appointments (`appointment.recorded`) and referrals to employment promotion programmes
    /// (`programme.referral`), each record the whole thing as it stands: the hub keeps the
    /// latest change of each (an older record arriving late changes nothing). A record of
    /// another type, or one the hub refused before (`hubRefusal`), goes on to the application
    /// before this one. The views give the indicators: appointments kept and missed, and
    /// programme places used per office.
    static let v15 = """
        CREATE TABLE appointment (
            id uuid PRIMARY KEY,
            record_id uuid NOT NULL,
            office_code text NOT NULL REFERENCES office (code),
            registration_id uuid NOT NULL,
            service_code text NOT NULL,
            at timestamptz NOT NULL,
            office_day date NOT NULL,
            staff_id text,
            counter integer,
            booked_by text NOT NULL,
            booked_at timestamptz NOT NULL,
            state text NOT NULL CHECK (state IN ('booked', 'checkedIn', 'missed', 'cancelled')),
            ticket_id uuid,
            changed_at timestamptz NOT NULL
        );
        CREATE INDEX appointment_office_day ON appointment (office_code, office_day);
        CREATE INDEX appointment_registration ON appointment (registration_id);

        CREATE TABLE programme_referral (
            id uuid PRIMARY KEY,
            record_id uuid NOT NULL,
            office_code text NOT NULL REFERENCES office (code),
            registration_id uuid NOT NULL,
            programme_code text NOT NULL,
            staff_id text NOT NULL,
            referred_at timestamptz NOT NULL,
            referred_on date NOT NULL,
            outcome text CHECK (outcome IN ('completed', 'droppedOut', 'didNotGo')),
            outcome_on date,
            outcome_by text,
            changed_at timestamptz NOT NULL
        );
        CREATE INDEX programme_referral_office ON programme_referral (office_code, programme_code, referred_on);
        CREATE INDEX programme_referral_registration ON programme_referral (registration_id);

        CREATE VIEW appointment_figures AS
            SELECT office_code, office_day, count(*) FILTER (WHERE state = 'checkedIn') AS kept,
                   count(*) FILTER (WHERE state = 'missed') AS missed,
                   count(*) FILTER (WHERE state = 'cancelled') AS cancelled,
                   count(*) FILTER (WHERE state = 'booked') AS booked
            FROM appointment GROUP BY office_code, office_day;

        CREATE VIEW programme_places AS
            SELECT office_code, programme_code,
                   count(*) FILTER (WHERE outcome IS DISTINCT FROM 'didNotGo') AS used,
                   count(*) FILTER (WHERE outcome = 'completed') AS completed,
                   count(*) FILTER (WHERE outcome = 'droppedOut') AS dropped_out,
                   count(*) FILTER (WHERE outcome = 'didNotGo') AS did_not_go
            FROM programme_referral GROUP BY office_code, programme_code;

        ALTER FUNCTION lmis_apply_record(text, uuid, text, jsonb) RENAME TO lmis_apply_record_before_v15;

        CREATE FUNCTION lmis_apply_record(p_office text, p_record_id uuid, p_type text, p_payload jsonb,
                                          OUT status text, OUT reason text, OUT person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            f jsonb;
        BEGIN
            IF p_type NOT IN ('appointment.recorded', 'programme.referral')
               OR (jsonb_typeof(p_payload) = 'object' AND p_payload ? 'hubRefusal') THEN
                SELECT a.status, a.reason, a.person_id INTO status, reason, person_id
                FROM lmis_apply_record_before_v15(p_office, p_record_id, p_type, p_payload) a;
                RETURN;
            END IF;
            status := 'applied';
            f := p_payload -> CASE p_type WHEN 'appointment.recorded' THEN 'appointment' ELSE 'referral' END;
            IF jsonb_typeof(f) IS DISTINCT FROM 'object' THEN
                RAISE EXCEPTION 'payload of % has no object', p_type USING ERRCODE = '22023';
            END IF;
            IF (f ->> 'officeCode') IS DISTINCT FROM p_office THEN
                RAISE EXCEPTION '% of office % sent by a device of office %', p_type, f ->> 'officeCode', p_office
                    USING ERRCODE = '22023';
            END IF;
            -- The registration may arrive later on its own stream; when it is here, it is this office's.
            IF EXISTS (SELECT 1 FROM registration g
                       WHERE g.id = (f ->> 'registrationID')::uuid AND g.office_code <> p_office) THEN
                RAISE EXCEPTION '% of a registration of another office', p_type USING ERRCODE = '22023';
            END IF;
            IF p_type = 'appointment.recorded' THEN
                IF (f ->> 'staffID') IS NULL = ((f ->> 'counter') IS NULL) THEN
                    RAISE EXCEPTION 'an appointment names a counsellor or a counter' USING ERRCODE = '22023';
                END IF;
                INSERT INTO appointment AS a (id, record_id, office_code, registration_id, service_code, at, office_day,
                                              staff_id, counter, booked_by, booked_at, state, ticket_id, changed_at)
                VALUES ((f ->> 'id')::uuid, p_record_id, p_office, (f ->> 'registrationID')::uuid,
                        f ->> 'serviceCode', (f ->> 'at')::timestamptz, (f ->> 'officeDay')::date, f ->> 'staffID',
                        (f ->> 'counter')::integer, f ->> 'bookedBy', (f ->> 'bookedAt')::timestamptz,
                        f ->> 'state', (f ->> 'ticketID')::uuid, (f ->> 'changedAt')::timestamptz)
                ON CONFLICT (id) DO UPDATE SET record_id = excluded.record_id, state = excluded.state,
                    ticket_id = excluded.ticket_id, changed_at = excluded.changed_at
                WHERE a.changed_at < excluded.changed_at;
                RETURN;
            END IF;
            IF coalesce(f ->> 'programmeCode', '') = '' OR coalesce(f ->> 'staffID', '') = '' THEN
                RAISE EXCEPTION 'a programme referral names its programme and its member of staff'
                    USING ERRCODE = '22023';
            END IF;
            INSERT INTO programme_referral AS r (id, record_id, office_code, registration_id, programme_code, staff_id,
                                                 referred_at, referred_on, outcome, outcome_on, outcome_by, changed_at)
            VALUES ((f ->> 'id')::uuid, p_record_id, p_office, (f ->> 'registrationID')::uuid, f ->> 'programmeCode',
                    f ->> 'staffID', (f ->> 'referredAt')::timestamptz, (f ->> 'referredOn')::date, f ->> 'outcome',
                    (f ->> 'outcomeOn')::date, f ->> 'outcomeBy', now())
            ON CONFLICT (id) DO UPDATE SET record_id = excluded.record_id, outcome = excluded.outcome,
                outcome_on = excluded.outcome_on, outcome_by = excluded.outcome_by, changed_at = excluded.changed_at
            WHERE r.outcome IS NULL AND excluded.outcome IS NOT NULL;
        END;
        $$;
        """

    /// Case files (`case.profiled`, `case.groupDecided`, `case.noted`, `case.planChanged`): each
    /// kept once by its id (a decision by its profile and position), a plan replaced only by a
    /// higher revision. The function before is kept under a name of its own, so another
    /// migration's renaming cannot collide with it; a refused payload (`hubRefusal`) is refused
    /// here as by v11, then every other type goes on to it.
    static let v14 = """
        CREATE TABLE case_profile (
            id uuid PRIMARY KEY,
            record_id uuid NOT NULL,
            office_code text NOT NULL REFERENCES office (code),
            registration_id uuid NOT NULL,
            questionnaire_version text NOT NULL,
            answers jsonb NOT NULL,
            score integer NOT NULL,
            suggested_group text NOT NULL CHECK (suggested_group IN ('ready', 'medium', 'high')),
            reasons text[] NOT NULL,
            staff_id text,
            answered_at timestamptz NOT NULL
        );
        CREATE INDEX case_profile_registration ON case_profile (registration_id, answered_at);
        CREATE TABLE case_profile_decision (
            profile_id uuid NOT NULL REFERENCES case_profile (id),
            position integer NOT NULL,
            record_id uuid NOT NULL,
            profile_group text NOT NULL CHECK (profile_group IN ('ready', 'medium', 'high')),
            reason text,
            staff_id text NOT NULL,
            at timestamptz NOT NULL,
            PRIMARY KEY (profile_id, position)
        );
        CREATE TABLE case_note (
            id uuid PRIMARY KEY,
            record_id uuid NOT NULL,
            office_code text NOT NULL REFERENCES office (code),
            registration_id uuid NOT NULL,
            kind text NOT NULL CHECK (kind IN ('visit', 'phone', 'smsReply', 'homeVisit')),
            staff_id text NOT NULL,
            text text NOT NULL,
            corrects uuid,
            at timestamptz NOT NULL
        );
        CREATE INDEX case_note_registration ON case_note (registration_id, at);
        CREATE TABLE action_plan (
            id uuid PRIMARY KEY,
            record_id uuid NOT NULL,
            office_code text NOT NULL REFERENCES office (code),
            registration_id uuid NOT NULL,
            revision integer NOT NULL,
            counsellor_id text NOT NULL,
            goals text NOT NULL,
            steps jsonb NOT NULL,
            staff_id text NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE INDEX action_plan_registration ON action_plan (registration_id);

        ALTER FUNCTION lmis_apply_record(text, uuid, text, jsonb) RENAME TO lmis_apply_record_before_cases;

        CREATE FUNCTION lmis_apply_record(p_office text, p_record_id uuid, p_type text, p_payload jsonb,
                                          OUT status text, OUT reason text, OUT person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            f jsonb;
        BEGIN
            IF p_type NOT IN ('case.profiled', 'case.groupDecided', 'case.noted', 'case.planChanged') THEN
                SELECT a.status, a.reason, a.person_id INTO status, reason, person_id
                FROM lmis_apply_record_before_cases(p_office, p_record_id, p_type, p_payload) a;
                RETURN;
            END IF;
            IF jsonb_typeof(p_payload) = 'object' AND p_payload ? 'hubRefusal' THEN
                RAISE EXCEPTION '%', p_payload ->> 'hubRefusal' USING ERRCODE = '22023';
            END IF;
            status := 'applied';
            f := p_payload -> CASE p_type WHEN 'case.profiled' THEN 'profile' WHEN 'case.groupDecided' THEN 'decision'
                                          WHEN 'case.noted' THEN 'note' ELSE 'plan' END;
            IF jsonb_typeof(f) IS DISTINCT FROM 'object' THEN
                RAISE EXCEPTION 'payload of % has no object', p_type USING ERRCODE = '22023';
            END IF;
            IF (f ->> 'officeCode') IS DISTINCT FROM p_office THEN
                RAISE EXCEPTION 'case record of office % sent by a device of office %', f ->> 'officeCode', p_office
                    USING ERRCODE = '22023';
            END IF;
            IF EXISTS (SELECT 1 FROM registration g
                       WHERE g.id = (f ->> 'registrationID')::uuid AND g.office_code <> p_office) THEN
                RAISE EXCEPTION 'case record of a registration of another office' USING ERRCODE = '22023';
            END IF;
            IF p_type = 'case.profiled' THEN
                INSERT INTO case_profile (id, record_id, office_code, registration_id, questionnaire_version, answers,
                                          score, suggested_group, reasons, staff_id, answered_at)
                VALUES ((f ->> 'id')::uuid, p_record_id, p_office, (f ->> 'registrationID')::uuid,
                        f ->> 'questionnaireVersion', f -> 'answers', (f ->> 'score')::integer, f ->> 'suggestedGroup',
                        ARRAY(SELECT jsonb_array_elements_text(f -> 'reasons')), f ->> 'staffID',
                        (f ->> 'at')::timestamptz)
                ON CONFLICT (id) DO NOTHING;
            ELSIF p_type = 'case.groupDecided' THEN
                -- The profile comes first on the same stream; a decision on one the hub lacks is refused.
                IF NOT EXISTS (SELECT 1 FROM case_profile WHERE id = (f ->> 'profileID')::uuid
                               AND office_code = p_office) THEN
                    RAISE EXCEPTION 'decision on an unknown profile' USING ERRCODE = '22023';
                END IF;
                INSERT INTO case_profile_decision (profile_id, position, record_id, profile_group, reason, staff_id, at)
                VALUES ((f ->> 'profileID')::uuid, (f ->> 'position')::integer, p_record_id, f ->> 'group',
                        f ->> 'reason', f ->> 'staffID', (f ->> 'at')::timestamptz)
                ON CONFLICT (profile_id, position) DO NOTHING;
            ELSIF p_type = 'case.noted' THEN
                IF coalesce(f ->> 'text', '') = '' THEN
                    RAISE EXCEPTION 'a case note has a text' USING ERRCODE = '22023';
                END IF;
                INSERT INTO case_note (id, record_id, office_code, registration_id, kind, staff_id, text, corrects, at)
                VALUES ((f ->> 'id')::uuid, p_record_id, p_office, (f ->> 'registrationID')::uuid, f ->> 'kind',
                        f ->> 'staffID', f ->> 'text', (f ->> 'corrects')::uuid, (f ->> 'at')::timestamptz)
                ON CONFLICT (id) DO NOTHING;
            ELSE
                INSERT INTO action_plan (id, record_id, office_code, registration_id, revision, counsellor_id, goals,
                                         steps, staff_id, updated_at)
                VALUES ((f ->> 'id')::uuid, p_record_id, p_office, (f ->> 'registrationID')::uuid,
                        (f ->> 'revision')::integer, f ->> 'counsellorID', f ->> 'goals', f -> 'steps',
                        f ->> 'staffID', (f ->> 'at')::timestamptz)
                ON CONFLICT (id) DO UPDATE
                    SET record_id = EXCLUDED.record_id, revision = EXCLUDED.revision,
                        counsellor_id = EXCLUDED.counsellor_id, goals = EXCLUDED.goals, steps = EXCLUDED.steps,
                        staff_id = EXCLUDED.staff_id, updated_at = EXCLUDED.updated_at
                    WHERE action_plan.revision < EXCLUDED.revision;
            END IF;
        END;
        $$;
        """

    /// Employer services from the offices (issue 27): `employer.registered`, `vacancy.recorded`
    /// (a vacancy an office took in, edited, closed or filled a post of), `referral.outcome`
    /// (hired, not hired, did not go; a hire with its placement and follow-ups) and
    /// `followUp.answered`. An office's vacancy goes into the same `vacancy` table the admin API
    /// writes, so the change feed hands it to every office: the newest revision wins, a closed or
    /// filled one becomes the feed's removal (its office, posting day, posts and "newly created"
    /// stay for the indicators). An office may only write vacancies under its own code
    /// (`V-<office>-…`). Every other type goes on to the application before it.
    static let v16 = """
        CREATE TABLE employer (
            id uuid PRIMARY KEY,
            record_id uuid NOT NULL,
            office_code text NOT NULL REFERENCES office (code),
            register_number text NOT NULL CHECK (register_number ~ '^[0-9]{7}$'),
            name text NOT NULL,
            sector text NOT NULL CHECK (sector ~ '^[A-U]$'),
            aimag_code text NOT NULL,
            soum_code text NOT NULL,
            contact_name text NOT NULL,
            phone text NOT NULL,
            staff_id text NOT NULL,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX employer_number ON employer (register_number);

        CREATE TABLE office_vacancy (
            reference text PRIMARY KEY,
            record_id uuid NOT NULL,
            office_code text NOT NULL REFERENCES office (code),
            employer_id uuid NOT NULL,
            status text NOT NULL CHECK (status IN ('open', 'closed', 'filled')),
            posts integer NOT NULL CHECK (posts >= 1),
            filled_posts integer NOT NULL CHECK (filled_posts >= 0),
            newly_created boolean NOT NULL,
            revision integer NOT NULL CHECK (revision >= 1),
            registered_on date NOT NULL,
            ended_on date,
            staff_id text NOT NULL
        );
        CREATE INDEX office_vacancy_office ON office_vacancy (office_code, registered_on);

        CREATE TABLE referral_outcome (
            referral_id uuid PRIMARY KEY,
            record_id uuid NOT NULL,
            office_code text NOT NULL REFERENCES office (code),
            outcome text NOT NULL CHECK (outcome IN ('hired', 'notHired', 'didNotGo')),
            outcome_on date NOT NULL,
            staff_id text NOT NULL
        );

        CREATE TABLE placement (
            id uuid PRIMARY KEY,
            referral_id uuid NOT NULL UNIQUE,
            office_code text NOT NULL REFERENCES office (code),
            registration_id uuid NOT NULL,
            employer_id uuid NOT NULL,
            vacancy_reference text NOT NULL,
            isco_code text NOT NULL,
            newly_created boolean NOT NULL,
            placed_on date NOT NULL,
            counsellor_id text NOT NULL
        );
        CREATE INDEX placement_office_on ON placement (office_code, placed_on);

        CREATE TABLE follow_up (
            id uuid PRIMARY KEY,
            placement_id uuid NOT NULL REFERENCES placement (id),
            months integer NOT NULL CHECK (months IN (3, 6, 12)),
            due_on date NOT NULL,
            answer text CHECK (answer IN ('stillInJob', 'otherJob', 'notWorking')),
            channel text CHECK (channel IN ('call', 'visit', 'sms')),
            answered_on date,
            answer_record_id uuid
        );

        ALTER FUNCTION lmis_apply_record(text, uuid, text, jsonb) RENAME TO lmis_apply_record_before_v16;

        CREATE FUNCTION lmis_apply_record(p_office text, p_record_id uuid, p_type text, p_payload jsonb,
                                          OUT status text, OUT reason text, OUT person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            v jsonb;
            p jsonb;
            u jsonb;
            kept integer;
        BEGIN
            IF p_type NOT IN ('employer.registered', 'vacancy.recorded', 'referral.outcome', 'followUp.answered')
               OR (jsonb_typeof(p_payload) = 'object' AND p_payload ? 'hubRefusal') THEN
                SELECT a.status, a.reason, a.person_id INTO status, reason, person_id
                FROM lmis_apply_record_before_v16(p_office, p_record_id, p_type, p_payload) a;
                RETURN;
            END IF;
            status := 'applied';
            IF p_type = 'employer.registered' THEN
                IF (p_payload ->> 'officeCode') IS DISTINCT FROM p_office THEN
                    RAISE EXCEPTION 'employer of office % sent by a device of office %', p_payload ->> 'officeCode',
                        p_office USING ERRCODE = '22023';
                END IF;
                INSERT INTO employer (id, record_id, office_code, register_number, name, sector, aimag_code, soum_code,
                                      contact_name, phone, staff_id, created_at)
                VALUES ((p_payload ->> 'id')::uuid, p_record_id, p_office, p_payload ->> 'registerNumber',
                        p_payload ->> 'name', p_payload ->> 'sector', p_payload ->> 'aimagCode',
                        p_payload ->> 'soumCode', p_payload ->> 'contactName', p_payload ->> 'phone',
                        p_payload ->> 'staffID', (p_payload ->> 'createdAt')::timestamptz)
                ON CONFLICT (id) DO NOTHING;
            ELSIF p_type = 'vacancy.recorded' THEN
                v := p_payload -> 'vacancy';
                IF (v ->> 'officeCode') IS DISTINCT FROM p_office
                   OR NOT starts_with(v ->> 'reference', 'V-' || p_office || '-') THEN
                    RAISE EXCEPTION 'vacancy % is not of office %', v ->> 'reference', p_office USING ERRCODE = '22023';
                END IF;
                IF (p_payload ->> 'status') NOT IN ('open', 'closed', 'filled') THEN
                    RAISE EXCEPTION 'a vacancy is open, closed or filled' USING ERRCODE = '22023';
                END IF;
                INSERT INTO office_vacancy AS o (reference, record_id, office_code, employer_id, status, posts,
                                                 filled_posts, newly_created, revision, registered_on, ended_on,
                                                 staff_id)
                VALUES (v ->> 'reference', p_record_id, p_office, (p_payload ->> 'employerID')::uuid,
                        p_payload ->> 'status', (v ->> 'posts')::integer, (p_payload ->> 'filledPosts')::integer,
                        (v ->> 'newlyCreated')::boolean, (p_payload ->> 'revision')::integer,
                        (p_payload ->> 'registeredOn')::date, (p_payload ->> 'endedOn')::date, p_payload ->> 'staffID')
                ON CONFLICT (reference) DO UPDATE SET record_id = EXCLUDED.record_id, status = EXCLUDED.status,
                    posts = EXCLUDED.posts, filled_posts = EXCLUDED.filled_posts,
                    newly_created = EXCLUDED.newly_created, revision = EXCLUDED.revision,
                    ended_on = EXCLUDED.ended_on, staff_id = EXCLUDED.staff_id
                WHERE o.revision < EXCLUDED.revision;
                GET DIAGNOSTICS kept = ROW_COUNT;
                IF kept = 0 THEN
                    RETURN;  -- an older revision than the hub's: nothing to hand on
                END IF;
                -- Feed positions follow commit order (as the admin API's writes).
                PERFORM pg_advisory_xact_lock(7270002);
                INSERT INTO vacancy (reference, office_code, posted_on, closes_on, posts, newly_created, data, deleted,
                                     position)
                VALUES (v ->> 'reference', p_office, (v ->> 'postedOn')::date, (v ->> 'closesOn')::date,
                        (v ->> 'posts')::integer, (v ->> 'newlyCreated')::boolean,
                        CASE WHEN p_payload ->> 'status' = 'open' THEN v END, p_payload ->> 'status' <> 'open',
                        nextval('change_position'))
                ON CONFLICT (reference) DO UPDATE SET office_code = EXCLUDED.office_code,
                    posted_on = EXCLUDED.posted_on, closes_on = EXCLUDED.closes_on, posts = EXCLUDED.posts,
                    newly_created = EXCLUDED.newly_created, data = EXCLUDED.data, deleted = EXCLUDED.deleted,
                    position = EXCLUDED.position;
            ELSIF p_type = 'referral.outcome' THEN
                IF (p_payload ->> 'officeCode') IS DISTINCT FROM p_office THEN
                    RAISE EXCEPTION 'outcome of office % sent by a device of office %', p_payload ->> 'officeCode',
                        p_office USING ERRCODE = '22023';
                END IF;
                INSERT INTO referral_outcome (referral_id, record_id, office_code, outcome, outcome_on, staff_id)
                VALUES ((p_payload ->> 'referralID')::uuid, p_record_id, p_office, p_payload ->> 'outcome',
                        (p_payload ->> 'outcomeOn')::date, p_payload ->> 'staffID')
                ON CONFLICT (referral_id) DO NOTHING;
                p := p_payload -> 'placement';
                IF jsonb_typeof(p) = 'object' THEN
                    INSERT INTO placement (id, referral_id, office_code, registration_id, employer_id,
                                           vacancy_reference, isco_code, newly_created, placed_on, counsellor_id)
                    VALUES ((p ->> 'id')::uuid, (p_payload ->> 'referralID')::uuid, p_office,
                            (p ->> 'registrationID')::uuid, (p ->> 'employerID')::uuid, p ->> 'vacancyReference',
                            p ->> 'iscoCode', (p ->> 'newlyCreated')::boolean, (p ->> 'placedOn')::date,
                            p ->> 'counsellorID')
                    ON CONFLICT (id) DO NOTHING;
                    FOR u IN SELECT * FROM jsonb_array_elements(coalesce(p -> 'followUps', '[]'::jsonb)) LOOP
                        INSERT INTO follow_up (id, placement_id, months, due_on)
                        VALUES ((u ->> 'id')::uuid, (p ->> 'id')::uuid, (u ->> 'months')::integer,
                                (u ->> 'dueOn')::date)
                        ON CONFLICT (id) DO NOTHING;
                    END LOOP;
                END IF;
            ELSE
                UPDATE follow_up f SET answer = p_payload ->> 'answer', channel = p_payload ->> 'channel',
                    answered_on = (p_payload ->> 'answeredOn')::date, answer_record_id = p_record_id
                FROM placement x
                WHERE f.id = (p_payload ->> 'id')::uuid AND x.id = f.placement_id AND x.office_code = p_office;
                GET DIAGNOSTICS kept = ROW_COUNT;
                IF kept = 0 THEN
                    RAISE EXCEPTION 'no follow-up % of office %', p_payload ->> 'id', p_office USING ERRCODE = '22023';
                END IF;
            END IF;
        END;
        $$;
        """

    /// `kiosk sync enrol --force`: the records a kiosk's previous device leaves unsent are kept as
    /// ranges in `device_abandoned` (the gap report does not count them as lost), and the new
    /// device's `sequence_floor` is the highest sequence the kiosk had given before it: numbers
    /// up to it were never the new device's. A person's `first_office` is the office of their
    /// earliest registration by its own time (`createdAt`), whatever order the batches arrive in.
    static let v18 = """
        ALTER TABLE device ADD COLUMN sequence_floor bigint NOT NULL DEFAULT 0;

        CREATE TABLE device_abandoned (
            device_id text NOT NULL REFERENCES device (id),
            first_seq bigint NOT NULL CHECK (first_seq >= 1),
            last_seq bigint NOT NULL CHECK (last_seq >= first_seq),
            abandoned_by text NOT NULL REFERENCES device (id),
            recorded_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (device_id, first_seq)
        );

        ALTER FUNCTION lmis_apply_record(text, uuid, text, jsonb) RENAME TO lmis_apply_record_before_v18;

        CREATE FUNCTION lmis_apply_record(p_office text, p_record_id uuid, p_type text, p_payload jsonb,
                                          OUT status text, OUT reason text, OUT person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            v_created timestamptz;
        BEGIN
            SELECT a.status, a.reason, a.person_id INTO status, reason, person_id
            FROM lmis_apply_record_before_v18(p_office, p_record_id, p_type, p_payload) a;
            IF p_type IN ('registration.created', 'registration.updated') AND person_id IS NOT NULL
               AND status IN ('applied', 'conflict') THEN
                v_created := (p_payload -> 'registration' ->> 'createdAt')::timestamptz;
                -- An earlier registration arriving late becomes the person's first.
                UPDATE person p SET first_office = p_office, registered_at = v_created
                WHERE p.id = lmis_apply_record.person_id AND p.registered_at > v_created;
            END IF;
        END;
        $$;
        """

    /// The people behind the monthly indicators of an office, one row per indicator and unit
    /// counted (a person, or a registration or a ticket as `indicators` counts them), with what
    /// the breakdowns group by: sex, age group at the month's last day, education, disability
    /// and time out of work from the newest profile answered before the month ended. A unit
    /// the hub cannot tie to a person (a visit without a registration) is `unknown` throughout.
    static let v22 = """
        CREATE FUNCTION lmis_indicator_people(p_office text, p_first date, p_zone text)
        RETURNS TABLE (indicator text, unit text, sex text, age_group text, education text, disability text,
                       time_unemployed text)
        LANGUAGE sql STABLE AS $$
            WITH bounds AS (
                SELECT p_first::timestamp AT TIME ZONE p_zone AS lo,
                       (p_first + interval '1 month')::timestamp AT TIME ZONE p_zone AS hi,
                       (p_first + interval '1 month' - interval '1 day')::date AS last_day
            ),
            registered AS (
                SELECT DISTINCT r.person_id FROM registration r, bounds
                WHERE r.office_code = p_office AND r.created_at < bounds.hi
            ),
            placed AS (
                SELECT coalesce(q.registration_id::text, q.ticket_id::text) AS unit FROM queue_event q, bounds
                WHERE q.office_code = p_office AND q.kind = 'finished' AND q.outcome = 'placedInJob'
                  AND q.at >= bounds.lo AND q.at < bounds.hi
                UNION
                SELECT pl.registration_id::text FROM placement pl WHERE pl.office_code = p_office
                  AND pl.placed_on >= p_first AND pl.placed_on < (p_first + interval '1 month')
            ),
            guided AS (
                SELECT DISTINCT coalesce(q.registration_id::text, q.ticket_id::text) AS unit FROM queue_event q, bounds
                WHERE q.office_code = p_office AND q.kind = 'finished' AND q.outcome = 'counselled'
                  AND q.at >= bounds.lo AND q.at < bounds.hi
            ),
            facts AS (
                SELECT 'registeredJobseekers' AS indicator, g.person_id::text AS unit, g.person_id FROM registered g
                UNION ALL
                SELECT 'registeredUnemployed', p.id::text, p.id FROM person p
                WHERE p.id IN (SELECT person_id FROM registered) AND p.status = 'unemployed'
                UNION ALL
                SELECT 'foundJobThroughOffice', x.unit, r.person_id FROM placed x
                LEFT JOIN registration r ON r.id::text = x.unit
                UNION ALL
                SELECT 'careerGuidanceBeneficiaries', x.unit, r.person_id FROM guided x
                LEFT JOIN registration r ON r.id::text = x.unit
            )
            SELECT f.indicator, f.unit,
                   coalesce(p.sex, 'unknown'),
                   CASE WHEN p.id IS NULL THEN 'unknown'
                        ELSE CASE
                            WHEN date_part('year', age(b.last_day, p.birth_date)) < 15 THEN 'under15'
                            WHEN date_part('year', age(b.last_day, p.birth_date)) < 25 THEN '15-24'
                            WHEN date_part('year', age(b.last_day, p.birth_date)) < 35 THEN '25-34'
                            WHEN date_part('year', age(b.last_day, p.birth_date)) < 55 THEN '35-54'
                            ELSE '55+' END
                   END,
                   coalesce(p.details ->> 'educationCode', 'unknown'),
                   CASE p.details ->> 'hasDisability' WHEN 'true' THEN 'yes' WHEN 'false' THEN 'no' ELSE 'unknown' END,
                   CASE WHEN p.id IS NULL THEN 'unknown' ELSE coalesce(t.answer, 'notProfiled') END
            FROM facts f CROSS JOIN bounds b
            LEFT JOIN person p ON p.id = f.person_id
            LEFT JOIN LATERAL (
                SELECT cp.answers ->> 'timeOutOfWork' AS answer FROM case_profile cp
                JOIN registration r2 ON r2.id = cp.registration_id
                WHERE r2.person_id = p.id AND cp.answered_at < b.hi
                ORDER BY cp.answered_at DESC LIMIT 1
            ) t ON true
        $$;
        """

    /// The newest update bundle per channel (issue 24): the operators publish it with the admin
    /// token, kiosks learn it from the answer to their heartbeat. One row a channel, replaced.
    static let v29 = """
        CREATE TABLE update_channel (
            channel text PRIMARY KEY CHECK (channel ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
            version text NOT NULL CHECK (length(version) BETWEEN 1 AND 40),
            url text NOT NULL CHECK (url LIKE 'https://%' AND length(url) <= 2000),
            size_bytes bigint NOT NULL CHECK (size_bytes > 0),
            sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
            published_at timestamptz NOT NULL DEFAULT now()
        );
        """

    /// The hub keeps a relayed message's number and a reply's number and text only as long as it
    /// needs them (issue 22): `SMSRelay.purge` blanks them once the final report is older than the
    /// retention (`sms_retention_days`), and stamps `purged_at`. The rows stay, so counts by office,
    /// device, state and day stay too.
    static let v25 = """
        ALTER TABLE sms_message ALTER COLUMN to_number DROP NOT NULL;
        ALTER TABLE sms_message ADD COLUMN purged_at timestamptz;
        ALTER TABLE sms_reply ALTER COLUMN from_number DROP NOT NULL;
        ALTER TABLE sms_reply ADD COLUMN purged_at timestamptz;
        CREATE INDEX sms_message_purge ON sms_message (outcome_at)
            WHERE purged_at IS NULL AND state IN ('delivered', 'failed');
        CREATE INDEX sms_reply_purge ON sms_reply (received_at) WHERE purged_at IS NULL;
        """

    /// Counsellors' leave days shared by the devices of an office (issue 23). A `calendar.changed`
    /// record adds or takes back a day; the hub keeps, per office, kind, counsellor and day, the
    /// change with the latest `at` (the device's time of the change; the change id breaks a tie):
    /// last change by its own time wins, whatever order devices upload in. Each kept change takes
    /// a feed position, under the admin writes' lock so positions follow commit order, and goes
    /// only to that office's devices (`HubStore.changesJSON`). Every other type, and a refused
    /// payload (`hubRefusal`), goes on to the function before.
    static let v30 = """
        CREATE TABLE office_calendar_day (
            office_code text NOT NULL REFERENCES office (code),
            kind text NOT NULL CHECK (kind IN ('leave')),
            staff_id text NOT NULL CHECK (staff_id <> ''),
            day date NOT NULL,
            removed boolean NOT NULL,
            change_id uuid NOT NULL,
            record_id uuid NOT NULL,
            changed_by text NOT NULL,
            changed_at timestamptz NOT NULL,
            data jsonb NOT NULL,
            position bigint NOT NULL,
            PRIMARY KEY (office_code, kind, staff_id, day)
        );
        CREATE INDEX office_calendar_day_feed ON office_calendar_day (office_code, position);

        ALTER FUNCTION lmis_apply_record(text, uuid, text, jsonb) RENAME TO lmis_apply_record_before_v30;

        -- v18's body names its output by the function's name (`lmis_apply_record.person_id`),
        -- which the rename above changed: the same body again, with no name in it.
        CREATE OR REPLACE FUNCTION lmis_apply_record_before_v30(p_office text, p_record_id uuid, p_type text,
                                                                p_payload jsonb, OUT status text, OUT reason text,
                                                                OUT person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            v_created timestamptz;
            v_person uuid;
        BEGIN
            SELECT a.status, a.reason, a.person_id INTO status, reason, person_id
            FROM lmis_apply_record_before_v18(p_office, p_record_id, p_type, p_payload) a;
            v_person := person_id;
            IF p_type IN ('registration.created', 'registration.updated') AND v_person IS NOT NULL
               AND status IN ('applied', 'conflict') THEN
                v_created := (p_payload -> 'registration' ->> 'createdAt')::timestamptz;
                -- An earlier registration arriving late becomes the person's first.
                UPDATE person p SET first_office = p_office, registered_at = v_created
                WHERE p.id = v_person AND p.registered_at > v_created;
            END IF;
        END;
        $$;

        CREATE FUNCTION lmis_apply_record(p_office text, p_record_id uuid, p_type text, p_payload jsonb,
                                          OUT status text, OUT reason text, OUT person_id uuid)
        LANGUAGE plpgsql AS $$
        DECLARE
            f jsonb;
        BEGIN
            IF p_type <> 'calendar.changed' OR (jsonb_typeof(p_payload) = 'object' AND p_payload ? 'hubRefusal') THEN
                SELECT a.status, a.reason, a.person_id INTO status, reason, person_id
                FROM lmis_apply_record_before_v30(p_office, p_record_id, p_type, p_payload) a;
                RETURN;
            END IF;
            status := 'applied';
            f := p_payload -> 'change';
            IF jsonb_typeof(f) IS DISTINCT FROM 'object' THEN
                RAISE EXCEPTION 'payload of calendar.changed has no change object' USING ERRCODE = '22023';
            END IF;
            IF (f ->> 'officeCode') IS DISTINCT FROM p_office THEN
                RAISE EXCEPTION 'calendar change of office % sent by a device of office %', f ->> 'officeCode', p_office
                    USING ERRCODE = '22023';
            END IF;
            IF (f ->> 'kind') IS DISTINCT FROM 'leave' THEN
                RAISE EXCEPTION 'calendar change of kind %: only leave is kept', coalesce(f ->> 'kind', '(none)')
                    USING ERRCODE = '22023';
            END IF;
            IF coalesce(f ->> 'staffID', '') = '' OR coalesce(f ->> 'by', '') = '' THEN
                RAISE EXCEPTION 'a leave change names its counsellor and who made it' USING ERRCODE = '22023';
            END IF;
            IF coalesce(f ->> 'action', '') NOT IN ('added', 'removed') THEN
                RAISE EXCEPTION 'calendar change action must be added or removed' USING ERRCODE = '22023';
            END IF;
            -- Feed positions follow commit order (a device must not read past a position another
            -- transaction still holds): the admin writes' lock, held to this batch's commit.
            PERFORM pg_advisory_xact_lock(7270002);
            INSERT INTO office_calendar_day AS d (office_code, kind, staff_id, day, removed, change_id, record_id,
                                                  changed_by, changed_at, data, position)
            VALUES (p_office, 'leave', f ->> 'staffID', (f ->> 'day')::date, f ->> 'action' = 'removed',
                    (f ->> 'id')::uuid, p_record_id, f ->> 'by', (f ->> 'at')::timestamptz, f,
                    nextval('change_position'))
            ON CONFLICT (office_code, kind, staff_id, day) DO UPDATE SET removed = excluded.removed,
                change_id = excluded.change_id, record_id = excluded.record_id, changed_by = excluded.changed_by,
                changed_at = excluded.changed_at, data = excluded.data, position = excluded.position
            WHERE (d.changed_at, d.change_id) < (excluded.changed_at, excluded.change_id);
        END;
        $$;
        """
}
