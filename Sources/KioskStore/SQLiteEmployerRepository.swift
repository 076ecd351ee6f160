public import Foundation
import GRDB
public import KioskCore
import LMISProtocol
import Synchronization

/// Employer services on the office database. An office's vacancy is two rows: its bookkeeping
/// in `office_vacancy` and, while open, the vacancy in `vacancy`, where search and matching
/// find it at once (the vacancy facts reload on `vacancy_version`). Each change is one
/// transaction with its outbox record and the staff audit line.
public final class SQLiteEmployerRepository: EmployerRepository {
    let database: AppDatabase
    let officeCode: String
    private let pool = Mutex<(version: Int64, people: CandidatePool)?>(nil)
    /// "Are you working?" by SMS for each follow-up a placement makes, where the office texts.
    let followUpTexts: FollowUpTexts?

    public init(database: AppDatabase, officeCode: String, followUpTexts: FollowUpTexts? = nil) {
        self.database = database
        self.officeCode = officeCode
        self.followUpTexts = followUpTexts
    }

    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }

    // MARK: - Employers

    public func register(_ details: EmployerDetails, staffID: String, counter: Int, at instant: Date) async throws
        -> Employer
    {
        try await database.writer.write { [officeCode] db in
            if let existing = try String.fetchOne(
                db, sql: "SELECT id FROM employer WHERE register_number = ?", arguments: [details.registerNumber])
            {
                throw EmployerError(.alreadyRegistered, existingID: UUID(uuidString: existing))
            }
            let employer = Employer(
                id: UUIDv7.make(at: instant), officeCode: officeCode, details: details, createdAt: instant)
            try db.run(
                """
                INSERT INTO employer (id, office_code, register_number, name, name_folded, sector, aimag_code,
                    soum_code, contact_name, phone, staff_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    Self.key(employer.id), officeCode, details.registerNumber, details.name,
                    details.name.lowercased(), details.sector, details.address.aimagCode, details.address.soumCode,
                    details.contactName, details.phone.digits, staffID, Outbox.utcTimestamp(instant),
                ])
            try Outbox.append(
                db, officeCode: officeCode, type: .employerRegistered,
                payload: EmployerRegistered(
                    id: Self.key(employer.id), officeCode: officeCode, name: details.name,
                    registerNumber: details.registerNumber, sector: details.sector,
                    aimagCode: details.address.aimagCode, soumCode: details.address.soumCode,
                    contactName: details.contactName, phone: details.phone.digits, staffID: staffID,
                    createdAt: instant), at: instant)
            try SQLiteStaffRepository.audit(
                db, staffID: staffID, action: "employer.register", counter: counter, at: instant)
            return employer
        }
    }

    static func employer(_ row: Row) throws -> Employer {
        let id: String = row["id"]
        let invalid = StoredValueError(id: id)
        return Employer(
            id: try UUID(uuidString: id).orThrow(invalid), officeCode: row["office_code"],
            details: EmployerDetails(
                name: row["name"], registerNumber: row["register_number"], sector: row["sector"],
                address: Address(aimagCode: row["aimag_code"], soumCode: row["soum_code"]),
                contactName: row["contact_name"], phone: try PhoneNumber(parsing: row["phone"] as String)),
            createdAt: try Outbox.parseUTCTimestamp(row["created_at"]))
    }

    public func employer(id: UUID) async throws -> EmployerRecord? {
        try await database.writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM employer WHERE id = ?", arguments: [Self.key(id)])
            else { return nil }
            let vacancies = try Row.fetchAll(
                db, sql: "SELECT * FROM office_vacancy WHERE employer_id = ? ORDER BY registered_on DESC, reference",
                arguments: [Self.key(id)]
            ).map(Self.officeVacancy)
            var referrals: [VacancyReferral] = []
            for vacancy in vacancies { referrals += try Self.referrals(db, vacancyReference: vacancy.reference) }
            let placements = try Row.fetchAll(
                db, sql: "SELECT * FROM placement WHERE employer_id = ? ORDER BY placed_on DESC",
                arguments: [Self.key(id)]
            ).map(Self.placement)
            return EmployerRecord(
                employer: try Self.employer(row), vacancies: vacancies, referrals: referrals, placements: placements)
        }
    }

    public func findEmployers(_ text: String, limit: Int) async throws -> [Employer] {
        let folded = text.lowercased()
        let escaped = folded.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        return try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM employer
                    WHERE (' ' || name_folded) LIKE ? ESCAPE '\\' OR register_number LIKE ? ESCAPE '\\'
                    ORDER BY name_folded LIMIT ?
                    """, arguments: ["% \(escaped)%", "\(escaped)%", limit]
            ).map(Self.employer)
        }
    }

    // MARK: - Vacancies

    static func officeVacancy(_ row: Row) throws -> OfficeVacancy {
        let reference: String = row["reference"]
        let invalid = StoredValueError(id: reference)
        let data: String = row["data"]
        return OfficeVacancy(
            vacancy: try JSONDecoder().decode(Vacancy.self, from: Data(data.utf8)),
            employerID: try UUID(uuidString: row["employer_id"]).orThrow(invalid), officeCode: row["office_code"],
            newlyCreated: row["newly_created"],
            status: try OfficeVacancy.Status(rawValue: row["status"]).orThrow(invalid),
            filledPosts: row["filled_posts"], revision: row["revision"],
            registeredOn: try CivilDate(iso8601: row["registered_on"]).orThrow(invalid),
            endedOn: (row["ended_on"] as String?).flatMap { CivilDate(iso8601: $0) }, staffID: row["staff_id"])
    }

    static func fetchVacancy(_ db: Database, _ reference: String) throws -> OfficeVacancy {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM office_vacancy WHERE reference = ?", arguments: [reference])
        else { throw EmployerError(.unknownVacancy) }
        return try officeVacancy(row)
    }

    /// The vacancy as the hub's feed carries it: its `vacancy.data` and its outbox payload.
    static func record(_ v: OfficeVacancy) -> VacancyRecord {
        let x = v.vacancy
        return VacancyRecord(
            reference: x.reference, title: x.title, titleEn: x.titleEn, iscoCode: x.iscoCode, employer: x.employer,
            aimagCode: x.aimagCode, soumCode: x.soumCode, wageMin: x.wageMin, wageMax: x.wageMax, hours: x.hours,
            education: x.education, skills: x.skills, licences: x.licences, experienceYears: x.experienceYears,
            posts: x.posts, postedOn: x.postedOn, closesOn: x.closesOn, howToApply: x.howToApply,
            officeCode: v.officeCode, newlyCreated: v.newlyCreated)
    }

    /// Writes `v` (bookkeeping, the searchable row while open, the outbox record, the audit).
    func save(_ v: OfficeVacancy, insert: Bool, action: String, counter: Int?, at instant: Date, _ db: Database)
        throws
    {
        let record = Self.record(v)
        let json = record.storedJSON
        let values: StatementArguments = [
            v.employerID.uuidString.lowercased(), v.officeCode, v.status.rawValue, v.vacancy.posts, v.filledPosts,
            v.newlyCreated, v.revision, v.registeredOn.description, v.endedOn?.description, v.staffID, json,
            Outbox.utcTimestamp(instant), v.reference,
        ]
        if insert {
            try db.run(
                """
                INSERT INTO office_vacancy (employer_id, office_code, status, posts, filled_posts, newly_created,
                    revision, registered_on, ended_on, staff_id, data, updated_at, reference)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, values)
        } else {
            try db.run(
                """
                UPDATE office_vacancy SET employer_id = ?, office_code = ?, status = ?, posts = ?, filled_posts = ?,
                    newly_created = ?, revision = ?, registered_on = ?, ended_on = ?, staff_id = ?, data = ?,
                    updated_at = ?
                WHERE reference = ?
                """, values)
        }
        if v.status == .open {
            let generation =
                try String.fetchOne(db, sql: "SELECT generation FROM lmis_sync_status WHERE id = 1") ?? ""
            try VacancyRow(v.vacancy, data: json, generation: generation).insertOrUpdate(db)
        } else {
            try db.run("DELETE FROM vacancy WHERE reference = ?", [v.reference])
        }
        let staffID = v.staffID
        try Outbox.append(
            db, officeCode: officeCode, type: .vacancyRecorded,
            payload: VacancyRecorded(
                vacancy: record, employerID: v.employerID.uuidString.lowercased(), status: v.status.rawValue,
                filledPosts: v.filledPosts, revision: v.revision, registeredOn: v.registeredOn.description,
                endedOn: v.endedOn?.description, staffID: staffID, recordedAt: instant), at: instant)
        try SQLiteStaffRepository.audit(db, staffID: staffID, action: action, counter: counter, at: instant)
    }

    public func recordVacancy(
        _ terms: VacancyTerms, employerID: UUID, staffID: String, counter: Int, at instant: Date, today: CivilDate
    ) async throws -> OfficeVacancy {
        try await database.writer.write { [officeCode] db in
            guard
                let name = try String.fetchOne(
                    db, sql: "SELECT name FROM employer WHERE id = ?", arguments: [Self.key(employerID)])
            else { throw EmployerError(.unknownEmployer) }
            let number = try db.nextCounterValue(officeCode: officeCode, name: "vacancy:\(today.year)")
            let reference = OfficeVacancy.reference(officeCode: officeCode, year: today.year, number: number)
            let vacancy = OfficeVacancy(
                vacancy: terms.vacancy(reference: reference, employer: name, postedOn: today), employerID: employerID,
                officeCode: officeCode, newlyCreated: terms.newlyCreated, status: .open, filledPosts: 0, revision: 1,
                registeredOn: today, endedOn: nil, staffID: staffID)
            try self.save(vacancy, insert: true, action: "vacancy.record", counter: counter, at: instant, db)
            return vacancy
        }
    }

    public func editVacancy(
        reference: String, terms: VacancyTerms, staffID: String, counter: Int, at instant: Date, today: CivilDate
    ) async throws -> OfficeVacancy {
        try await database.writer.write { db in
            var vacancy = try Self.fetchVacancy(db, reference)
            guard vacancy.status == .open else { throw EmployerError(.vacancyNotOpen) }
            guard vacancy.filledPosts <= terms.posts else { throw EmployerError(.vacancyNotOpen) }
            vacancy.vacancy = terms.vacancy(
                reference: reference, employer: vacancy.vacancy.employer,
                postedOn: CivilDate(iso8601: vacancy.vacancy.postedOn) ?? today)
            vacancy.newlyCreated = terms.newlyCreated
            vacancy.revision += 1
            vacancy.staffID = staffID
            if vacancy.filledPosts == terms.posts {
                vacancy.status = .filled
                vacancy.endedOn = today
            }
            try self.save(vacancy, insert: false, action: "vacancy.edit", counter: counter, at: instant, db)
            return vacancy
        }
    }

    public func closeVacancy(reference: String, staffID: String, counter: Int, at instant: Date, today: CivilDate)
        async throws -> OfficeVacancy
    {
        try await database.writer.write { db in
            var vacancy = try Self.fetchVacancy(db, reference)
            guard vacancy.status == .open else { throw EmployerError(.vacancyNotOpen) }
            vacancy.status = .closed
            vacancy.endedOn = today
            vacancy.revision += 1
            vacancy.staffID = staffID
            try self.save(vacancy, insert: false, action: "vacancy.close", counter: counter, at: instant, db)
            return vacancy
        }
    }

    public func officeVacancy(reference: String) async throws -> OfficeVacancy? {
        try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM office_vacancy WHERE reference = ?", arguments: [reference])
                .map(Self.officeVacancy)
        }
    }

    // MARK: - Candidates

    /// The office's registered jobseekers for ranking. Kept in memory between queries: after
    /// changes, only the people changed since (`registration_change`) are read again, unless the
    /// pool is older than the change log or more than `patchLimit` people changed.
    public func candidatePool() async throws -> CandidatePool {
        try await database.writer.read { db in
            let version = try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM registration_change") ?? 0
            let kept = self.pool.withLock { $0 }
            if let kept, kept.version == version { return kept.people }
            let pool: CandidatePool
            if let kept, let changed = try Self.changedSince(kept.version, db), changed.count <= Self.patchLimit {
                pool = try Self.patch(kept.people, changed: changed, db)
            } else {
                pool = CandidatePool(try Self.candidates(where: nil, db))
            }
            self.pool.withLock { if ($0?.version ?? .min) <= version { $0 = (version, pool) } }
            return pool
        }
    }

    /// More changed people than this and the pool loads everyone again.
    static let patchLimit = 2_000

    /// The registrations changed after `version`, or nil when the log no longer reaches back to it.
    static func changedSince(_ version: Int64, _ db: Database) throws -> Set<String>? {
        let oldest = try Int64.fetchOne(db, sql: "SELECT min(seq) FROM registration_change") ?? (version + 1)
        guard oldest <= version + 1 else { return nil }
        return Set(
            try String.fetchAll(
                db, sql: "SELECT DISTINCT registration_id FROM registration_change WHERE seq > ?",
                arguments: [version]))
    }

    /// `pool` with the `changed` people read again (gone ones left out), in registration-id order.
    static func patch(_ pool: CandidatePool, changed: Set<String>, _ db: Database) throws -> CandidatePool {
        pool.replacing(
            Set(changed.compactMap(UUID.init(uuidString:))), with: try candidates(where: changed, db), order: precedes)
    }

    /// Whether `a` sorts before `b` as their lower-case texts do (byte by byte).
    static func precedes(_ a: UUID, _ b: UUID) -> Bool {
        withUnsafeBytes(of: a.uuid) { left in
            withUnsafeBytes(of: b.uuid) { right in
                for index in 0..<16 where left[index] != right[index] { return left[index] < right[index] }
                return false
            }
        }
    }

    /// Registrations as candidates, in id order: everyone, or only `ids`.
    static func candidates(where ids: Set<String>?, _ db: Database) throws -> [CandidateProfile] {
        let filter = ids.map { _ in "WHERE id IN (SELECT value FROM json_each(?))" } ?? ""
        let skillFilter = ids.map { _ in "WHERE registration_id IN (SELECT value FROM json_each(?))" } ?? ""
        let arguments: StatementArguments =
            try ids.map { [String(decoding: try JSONEncoder().encode($0.sorted()), as: UTF8.self)] } ?? []
        var skills: [String: [String]] = [:]
        let skillRows = try Row.fetchCursor(
            db,
            sql:
                "SELECT registration_id, skill FROM registration_skill \(skillFilter) ORDER BY registration_id, position",
            arguments: arguments)
        while let row = try skillRows.next() { skills[row[0] as String, default: []].append(row[1]) }
        var people: [CandidateProfile] = []
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT id, aimag_code, soum_code, education_code, occupation_code, desired_occupation_code,
                    experience_years, licences, status
                FROM registration \(filter) ORDER BY id
                """, arguments: arguments)
        while let row = try rows.next() {
            let id: String = row[0]
            guard let uuid = UUID(uuidString: id), let status = JobseekerStatus(rawValue: row[8]) else { continue }
            let occupation: String? = row[4]
            let licences: String = row[7]
            people.append(
                CandidateProfile(
                    registrationID: uuid,
                    profile: JobseekerProfile(
                        occupationCodes: [row[5]] + (occupation.map { [$0] } ?? []), skills: skills[id] ?? [],
                        educationCode: row[3],
                        licences: Set(licences.split(separator: ",").map(String.init)),
                        experienceYears: row[6], aimagCode: row[1], soumCode: row[2]),
                    status: status))
        }
        return people
    }

    public func referredOrPlaced(vacancyReference: String) async throws -> Set<UUID> {
        try await database.writer.read { db in
            let ids = try String.fetchAll(
                db,
                sql: """
                    SELECT registration_id FROM referral WHERE vacancy_reference = ?
                    UNION SELECT registration_id FROM placement
                    """, arguments: [vacancyReference])
            return Set(ids.compactMap { UUID(uuidString: $0) })
        }
    }

    static func referrals(_ db: Database, vacancyReference: String) throws -> [VacancyReferral] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT f.*, g.family_name, g.given_name, g.reference AS person_reference, o.outcome, o.outcome_on
                FROM referral f JOIN registration g ON g.id = f.registration_id
                LEFT JOIN referral_outcome o ON o.referral_id = f.id
                WHERE f.vacancy_reference = ? ORDER BY f.created_at
                """, arguments: [vacancyReference]
        ).map { row in
            let family: String = row["family_name"]
            let given: String = row["given_name"]
            return VacancyReferral(
                referral: try ReferralRow(row: row).referral(),
                personName: family.first.map { "\($0). \(given)" } ?? given,
                personReference: row["person_reference"],
                outcome: (row["outcome"] as String?).flatMap(ReferralOutcome.init(rawValue:)),
                outcomeOn: (row["outcome_on"] as String?).flatMap { CivilDate(iso8601: $0) })
        }
    }

    public func referrals(vacancyReference: String) async throws -> [VacancyReferral] {
        try await database.writer.read { db in try Self.referrals(db, vacancyReference: vacancyReference) }
    }

    // MARK: - Outcomes

    static func placement(_ row: Row) throws -> Placement {
        let id: String = row["id"]
        let invalid = StoredValueError(id: id)
        return Placement(
            id: try UUID(uuidString: id).orThrow(invalid),
            referralID: try UUID(uuidString: row["referral_id"]).orThrow(invalid),
            registrationID: try UUID(uuidString: row["registration_id"]).orThrow(invalid),
            employerID: try UUID(uuidString: row["employer_id"]).orThrow(invalid),
            vacancyReference: row["vacancy_reference"], iscoCode: row["isco_code"], newlyCreated: row["newly_created"],
            placedOn: try CivilDate(iso8601: row["placed_on"]).orThrow(invalid), counsellorID: row["counsellor_id"])
    }

    public func recordOutcome(
        referralID: UUID, outcome: ReferralOutcome, on day: CivilDate, newlyCreated: Bool?,
        dueDates: [(months: Int, dueOn: CivilDate)], staffID: String, counter: Int, at instant: Date
    ) async throws -> RecordedOutcome {
        try await database.writer.write { [officeCode] db in
            let key = Self.key(referralID)
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM referral WHERE id = ?", arguments: [key]) else {
                throw EmployerError(.unknownReferral)
            }
            let referral = try ReferralRow(row: row).referral()
            guard
                let vacancyRow = try Row.fetchOne(
                    db, sql: "SELECT * FROM office_vacancy WHERE reference = ?",
                    arguments: [referral.vacancyReference])
            else { throw EmployerError(.notOfficeVacancy) }
            var vacancy = try Self.officeVacancy(vacancyRow)
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM referral_outcome WHERE referral_id = ?", arguments: [key])
                ?? false
            {
                throw EmployerError(.outcomeRecorded)
            }
            if outcome == .hired && vacancy.status != .open { throw EmployerError(.vacancyNotOpen) }
            try db.run(
                """
                INSERT INTO referral_outcome (referral_id, outcome, outcome_on, staff_id, recorded_at)
                VALUES (?, ?, ?, ?, ?)
                """, [key, outcome.rawValue, day.description, staffID, Outbox.utcTimestamp(instant)])
            var placement: Placement?
            var followUps: [FollowUp] = []
            if outcome == .hired {
                let made = Placement(
                    id: UUIDv7.make(at: instant), referralID: referralID, registrationID: referral.registrationID,
                    employerID: vacancy.employerID, vacancyReference: vacancy.reference,
                    iscoCode: vacancy.vacancy.iscoCode, newlyCreated: newlyCreated ?? vacancy.newlyCreated,
                    placedOn: day, counsellorID: referral.staffID)
                try db.run(
                    """
                    INSERT INTO placement (id, referral_id, registration_id, employer_id, vacancy_reference, isco_code,
                        newly_created, placed_on, counsellor_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        Self.key(made.id), key, Self.key(made.registrationID), Self.key(made.employerID),
                        made.vacancyReference, made.iscoCode, made.newlyCreated, day.description, made.counsellorID,
                    ])
                for (months, due) in dueDates {
                    let followUp = FollowUp(
                        id: UUIDv7.make(at: instant), placementID: made.id, months: months, dueOn: due,
                        counsellorID: made.counsellorID)
                    try db.run(
                        "INSERT INTO follow_up (id, placement_id, months, due_on, counsellor_id) VALUES (?, ?, ?, ?, ?)",
                        [Self.key(followUp.id), Self.key(made.id), months, due.description, made.counsellorID])
                    followUps.append(followUp)
                }
                try followUpTexts?.queue(followUps, registrationID: made.registrationID, at: instant, db)
                placement = made
                vacancy.filledPosts += 1
                vacancy.revision += 1
                vacancy.staffID = staffID
                if vacancy.filledPosts >= vacancy.vacancy.posts {
                    vacancy.status = .filled
                    vacancy.endedOn = day
                }
                try self.save(vacancy, insert: false, action: "vacancy.fill", counter: counter, at: instant, db)
            }
            try Outbox.append(
                db, officeCode: officeCode, type: .referralOutcome,
                payload: ReferralOutcomeRecorded(
                    referralID: key, officeCode: officeCode, outcome: outcome.rawValue, outcomeOn: day.description,
                    staffID: staffID, recordedAt: instant,
                    placement: placement.map { p in
                        .init(
                            id: Self.key(p.id), registrationID: Self.key(p.registrationID),
                            employerID: Self.key(p.employerID), vacancyReference: p.vacancyReference,
                            iscoCode: p.iscoCode, newlyCreated: p.newlyCreated, placedOn: p.placedOn.description,
                            counsellorID: p.counsellorID,
                            followUps: followUps.map {
                                .init(id: Self.key($0.id), months: $0.months, dueOn: $0.dueOn.description)
                            })
                    }), at: instant)
            try SQLiteStaffRepository.audit(
                db, staffID: staffID, action: "referral.outcome", counter: counter, at: instant)
            return RecordedOutcome(
                referralID: referralID, outcome: outcome, placement: placement, followUps: followUps, vacancy: vacancy)
        }
    }

    // MARK: - Follow-ups

    static func followUp(_ row: Row) throws -> FollowUp {
        let id: String = row["id"]
        let invalid = StoredValueError(id: id)
        return FollowUp(
            id: try UUID(uuidString: id).orThrow(invalid),
            placementID: try UUID(uuidString: row["placement_id"]).orThrow(invalid), months: row["months"],
            dueOn: try CivilDate(iso8601: row["due_on"]).orThrow(invalid), counsellorID: row["counsellor_id"],
            answer: (row["answer"] as String?).flatMap(FollowUpAnswer.init(rawValue:)),
            channel: (row["channel"] as String?).flatMap(FollowUpChannel.init(rawValue:)),
            answeredOn: (row["answered_on"] as String?).flatMap { CivilDate(iso8601: $0) })
    }

    public func dueFollowUps(counsellorID: String?, through: CivilDate, limit: Int) async throws -> [DueFollowUp] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT u.*, g.family_name, g.given_name, g.reference AS person_reference, e.name AS employer_name,
                        v.data ->> 'title' AS vacancy_title
                    FROM follow_up u JOIN placement p ON p.id = u.placement_id
                    JOIN registration g ON g.id = p.registration_id
                    JOIN employer e ON e.id = p.employer_id
                    JOIN office_vacancy v ON v.reference = p.vacancy_reference
                    WHERE u.answer IS NULL AND u.due_on <= ? \(counsellorID == nil ? "" : "AND u.counsellor_id = ?")
                    ORDER BY u.due_on, u.id LIMIT ?
                    """,
                // One counsellor's list or everyone's, each read in order from its index (v43).
                arguments: counsellorID.map { [through.description, $0, limit] as StatementArguments }
                    ?? [through.description, limit]
            ).map { row in
                let family: String = row["family_name"]
                let given: String = row["given_name"]
                return DueFollowUp(
                    followUp: try Self.followUp(row), personName: family.first.map { "\($0). \(given)" } ?? given,
                    personReference: row["person_reference"], employerName: row["employer_name"],
                    vacancyTitle: row["vacancy_title"] ?? "")
            }
        }
    }

    public func followUps(placementID: UUID) async throws -> [FollowUp] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM follow_up WHERE placement_id = ? ORDER BY months",
                arguments: [Self.key(placementID)]
            ).map(Self.followUp)
        }
    }

    public func answerFollowUp(
        id: UUID, answer: FollowUpAnswer, channel: FollowUpChannel, on day: CivilDate, staffID: String?,
        at instant: Date
    ) async throws -> FollowUp {
        try await database.writer.write { [officeCode] db in
            try Self.recordFollowUpAnswer(
                db, officeCode: officeCode, id: id, answer: answer, channel: channel, on: day, staffID: staffID,
                at: instant)
        }
    }

    /// Records a follow-up's answer with its outbox record (and the staff audit line when an
    /// officer recorded it) in the caller's transaction; an SMS reply comes here too.
    static func recordFollowUpAnswer(
        _ db: Database, officeCode: String, id: UUID, answer: FollowUpAnswer, channel: FollowUpChannel,
        on day: CivilDate, staffID: String?, at instant: Date
    ) throws -> FollowUp {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM follow_up WHERE id = ?", arguments: [key(id)])
        else { throw EmployerError(.unknownFollowUp) }
        var followUp = try Self.followUp(row)
        guard followUp.answer == nil else { throw EmployerError(.followUpAnswered) }
        followUp.answer = answer
        followUp.channel = channel
        followUp.answeredOn = day
        try db.run(
            "UPDATE follow_up SET answer = ?, channel = ?, answered_on = ?, answered_by = ? WHERE id = ?",
            [answer.rawValue, channel.rawValue, day.description, staffID, key(id)])
        try Outbox.append(
            db, officeCode: officeCode, type: .followUpAnswered,
            payload: FollowUpAnswered(
                id: key(id), placementID: key(followUp.placementID), months: followUp.months,
                answer: answer.rawValue, channel: channel.rawValue, answeredOn: day.description, staffID: staffID,
                recordedAt: instant), at: instant)
        if let staffID {
            try SQLiteStaffRepository.audit(db, staffID: staffID, action: "followUp.answer", counter: nil, at: instant)
        }
        return followUp
    }

    // MARK: - Figures

    public func figures(from: CivilDate, to: CivilDate) async throws -> EmployerFigures {
        let range: StatementArguments = [from.description, to.description]
        return try await database.writer.read { db in
            let registered = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*), coalesce(sum(posts), 0), coalesce(sum(CASE WHEN newly_created THEN posts END), 0)
                    FROM office_vacancy WHERE registered_on BETWEEN ? AND ?
                    """, arguments: range)!
            let days = try Int.fetchAll(
                db,
                sql: """
                    SELECT CAST(julianday(ended_on) - julianday(registered_on) AS INTEGER) FROM office_vacancy
                    WHERE status = 'filled' AND ended_on BETWEEN ? AND ?
                    """, arguments: range)
            let placed = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM placement WHERE placed_on BETWEEN ? AND ?", arguments: range)!
            let referred = try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM referral f JOIN office_vacancy v ON v.reference = f.vacancy_reference
                    WHERE v.registered_on BETWEEN ? AND ?
                    """, arguments: range)!
            let employers = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.id, e.name, e.sector,
                        (SELECT count(*) FROM office_vacancy v WHERE v.employer_id = e.id
                            AND v.registered_on BETWEEN ?1 AND ?2) AS vacancies,
                        (SELECT count(*) FROM placement p WHERE p.employer_id = e.id
                            AND p.placed_on BETWEEN ?1 AND ?2) AS placements
                    FROM employer e WHERE vacancies > 0 OR placements > 0
                    ORDER BY placements DESC, vacancies DESC, e.name
                    """, arguments: range
            ).map {
                EmployerFigures.EmployerRow(
                    employerID: $0["id"], name: $0["name"], sector: $0["sector"], vacancies: $0["vacancies"],
                    placements: $0["placements"])
            }
            let sectors = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.sector,
                        (SELECT count(*) FROM office_vacancy v JOIN employer x ON x.id = v.employer_id
                            WHERE x.sector = e.sector AND v.registered_on BETWEEN ?1 AND ?2) AS vacancies,
                        (SELECT coalesce(sum(v.posts), 0) FROM office_vacancy v JOIN employer x ON x.id = v.employer_id
                            WHERE x.sector = e.sector AND v.registered_on BETWEEN ?1 AND ?2) AS posts,
                        (SELECT count(*) FROM placement p JOIN employer x ON x.id = p.employer_id
                            WHERE x.sector = e.sector AND p.placed_on BETWEEN ?1 AND ?2) AS placements
                    FROM (SELECT DISTINCT sector FROM employer) e
                    WHERE vacancies > 0 OR placements > 0 ORDER BY e.sector
                    """, arguments: range
            ).map {
                EmployerFigures.SectorRow(
                    sector: $0["sector"], vacancies: $0["vacancies"], posts: $0["posts"],
                    postsFilled: $0["placements"], placements: $0["placements"])
            }
            let vacancies: Int = registered[0]
            return EmployerFigures(
                vacanciesRegistered: vacancies, postsRegistered: registered[1], newlyCreatedPosts: registered[2],
                vacanciesFilled: days.count, postsFilled: placed, medianDaysToFill: EmployerFigures.median(days),
                referralsPerVacancy: vacancies > 0 ? Double(referred) / Double(vacancies) : nil,
                employers: employers, sectors: sectors)
        }
    }
}
