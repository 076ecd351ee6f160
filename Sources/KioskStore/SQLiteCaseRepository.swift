public import Foundation
import GRDB
public import KioskCore
import LMISProtocol

/// Case files in the office database (migration v24). Every change is written with its LMIS
/// record (`case.profiled`, `case.groupDecided`, `case.noted`, `case.planChanged`) and a line in
/// `case_access`, in one transaction; reads add their own line. Notes and access lines cannot be
/// changed or deleted (triggers refuse it).
public struct SQLiteCaseRepository: CaseRepository {
    let database: AppDatabase
    let office: Office

    public init(database: AppDatabase, office: Office) {
        self.database = database
        self.office = office
    }

    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }
    static func time(_ instant: Date) -> String { Outbox.utcTimestamp(instant) }
    static func date(_ text: String) throws -> Date { try Outbox.parseUTCTimestamp(text) }

    static let json: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static func access(_ db: Database, _ registrationID: UUID, _ staff: StaffSession, _ action: String, _ at: Date)
        throws
    {
        try db.execute(
            sql: "INSERT INTO case_access (registration_id, staff_id, action, counter, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [key(registrationID), staff.staffID, action, staff.counter, time(at)])
    }

    // MARK: - Reads

    public func search(_ text: String, limit: Int) async throws -> [CasePerson] {
        // SQLite's LIKE folds ASCII only: a name is looked for as typed, in capitals, in small
        // letters and capitalised (Cyrillic names are stored as people typed them).
        let patterns = Set([text, text.uppercased(), text.lowercased(), text.capitalized]).sorted().map {
            "%" + $0.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
        }
        let names = patterns.map { _ in "family_name LIKE ? OR given_name LIKE ?" }.joined(separator: " OR ")
        let texts = [text.uppercased(), text.uppercased()] + patterns.flatMap { [$0, $0] }
        return try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, reference, registry_number, family_name, given_name, birth_date FROM registration
                    WHERE registry_number = ? OR reference = ? OR \(names)
                    ORDER BY family_name, given_name LIMIT ?
                    """, arguments: StatementArguments(texts) + [limit]
            ).map { row in
                CasePerson(
                    registrationID: UUID(uuidString: row["id"])!, reference: row["reference"],
                    registryNumber: row["registry_number"],
                    displayName: "\(row["family_name"] as String) \(row["given_name"] as String)",
                    birthDate: row["birth_date"])
            }
        }
    }

    public func records(of registrationID: UUID) async throws -> CaseRecords {
        try await database.writer.read { db in try Self.records(db, registrationID) }
    }

    static func records(_ db: Database, _ registrationID: UUID) throws -> CaseRecords {
        let id = key(registrationID)
        let profile = try profile(db, id)
        let plan = try plan(db, id)
        let notes = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT * FROM case_note WHERE registration_id = ? ORDER BY at DESC, rowid DESC"),
            arguments: [id]
        ).map { row in
            CaseNote(
                id: UUID(uuidString: row["id"])!, registrationID: registrationID,
                kind: CaseNoteKind(rawValue: row["kind"]) ?? .visit, staffID: row["staff_id"], text: row["text"],
                at: try date(row["at"]), corrects: (row["corrects"] as String?).flatMap(UUID.init(uuidString:)))
        }
        let visits = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT id, office_day, printed_code, number, service_code, state, issued_at, called_at,
                        finished_at, counter, staff_id, outcome
                    FROM ticket WHERE registration_id = ? ORDER BY issued_at DESC
                    """), arguments: [id]
        ).map { row in
            CaseVisit(
                ticketID: UUID(uuidString: row["id"])!, officeDay: CivilDate(iso8601: row["office_day"])!,
                displayNumber: Ticket.displayNumber(serviceCode: row["printed_code"], number: row["number"]),
                serviceCode: row["service_code"], state: row["state"], issuedAt: try date(row["issued_at"]),
                calledAt: try (row["called_at"] as String?).map(date),
                finishedAt: try (row["finished_at"] as String?)
                    .map(date), counter: row["counter"], staffID: row["staff_id"], outcome: row["outcome"])
        }
        return CaseRecords(profile: profile, plan: plan, notes: notes, visits: visits)
    }

    static func profile(_ db: Database, _ id: String) throws -> CaseProfile? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT * FROM case_profile WHERE registration_id = ? ORDER BY answered_at DESC, rowid DESC LIMIT 1"
                ), arguments: [id])
        else { return nil }
        let decoder = JSONDecoder()
        let answers = try decoder.decode([String: String].self, from: Data((row["answers"] as String).utf8))
        let reasons = try decoder.decode([ProfilingReason].self, from: Data((row["reasons"] as String).utf8))
        let profileID: String = row["id"]
        let decisions = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT * FROM case_profile_decision WHERE profile_id = ? ORDER BY position"),
            arguments: [profileID]
        ).map { row in
            ProfileDecision(
                group: ProfileGroup(rawValue: row["profile_group"]) ?? .ready, reason: row["reason"],
                staffID: row["staff_id"], at: try date(row["at"]))
        }
        return CaseProfile(
            id: UUID(uuidString: profileID)!, registrationID: UUID(uuidString: id)!, answers: answers,
            suggestion: ProfilingSuggestion(
                version: row["questionnaire_version"], score: row["score"],
                group: ProfileGroup(rawValue: row["suggested_group"]) ?? .ready, reasons: reasons,
                raisedByAnswer: row["raised_by_answer"]),
            answeredAt: try date(row["answered_at"]), answeredBy: row["answered_by"], decisions: decisions)
    }

    static func plan(_ db: Database, _ id: String) throws -> ActionPlan? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT p.*, coalesce(s.display_name, p.counsellor_id) AS counsellor_name
                        FROM action_plan p LEFT JOIN staff s ON s.id = p.counsellor_id WHERE p.registration_id = ?
                        """), arguments: [id])
        else { return nil }
        let planID: String = row["id"]
        let steps = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM plan_step WHERE plan_id = ? ORDER BY position"),
            arguments: [planID]
        ).map { row in
            PlanStep(
                id: UUID(uuidString: row["id"])!, horizon: PlanHorizon(rawValue: row["horizon"]) ?? .month,
                kind: PlanStepKind(rawValue: row["kind"]) ?? .counselling, text: row["text"],
                dueOn: CivilDate(iso8601: row["due_on"])!, status: PlanStepStatus(rawValue: row["status"]) ?? .planned,
                changedAt: try date(row["changed_at"]), changedBy: row["changed_by"])
        }
        return ActionPlan(
            id: UUID(uuidString: planID)!, registrationID: UUID(uuidString: id)!, counsellorID: row["counsellor_id"],
            counsellorName: row["counsellor_name"], goals: row["goals"], createdAt: try date(row["created_at"]),
            updatedAt: try date(row["updated_at"]), steps: steps)
    }

    public func recordRead(of registrationID: UUID, by staff: StaffSession, at instant: Date) async throws {
        try await database.write { db in try Self.access(db, registrationID, staff, "read", instant) }
    }

    public func counsellors() async throws -> [(id: String, name: String)] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, display_name FROM staff WHERE role IN ('staff', 'head') ORDER BY id")
                .map { (id: $0["id"], name: $0["display_name"]) }
        }
    }

    public func accessLog(of registrationID: UUID) async throws -> [CaseAccess] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM case_access WHERE registration_id = ? ORDER BY seq",
                arguments: [Self.key(registrationID)]
            ).map {
                CaseAccess(
                    registrationID: registrationID, staffID: $0["staff_id"], action: $0["action"],
                    at: try Self.date($0["at"]))
            }
        }
    }

    public func caseload(today: CivilDate) async throws -> CaseloadFigures {
        try await database.writer.read { db in
            var profiled: [ProfileGroup: Int] = [:]
            // Each person's newest profile, in the group decided last, else the one suggested.
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT coalesce(
                        (SELECT d.profile_group FROM case_profile_decision d WHERE d.profile_id = p.id
                         ORDER BY d.position DESC LIMIT 1), p.suggested_group) AS grp, COUNT(*) AS n
                    FROM case_profile p
                    WHERE p.id = (SELECT q.id FROM case_profile q WHERE q.registration_id = p.registration_id
                                  ORDER BY q.answered_at DESC, q.rowid DESC LIMIT 1)
                    GROUP BY grp
                    """)
            {
                if let group = ProfileGroup(rawValue: row["grp"]) { profiled[group] = row["n"] }
            }
            let counsellors = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.counsellor_id, coalesce(s.display_name, p.counsellor_id) AS name,
                        SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM plan_step x WHERE x.plan_id = p.id)
                                   OR EXISTS (SELECT 1 FROM plan_step x WHERE x.plan_id = p.id AND x.status = 'planned')
                                 THEN 1 ELSE 0 END) AS open_plans,
                        (SELECT COUNT(*) FROM plan_step x JOIN action_plan y ON y.id = x.plan_id
                         WHERE y.counsellor_id = p.counsellor_id AND x.status = 'planned' AND x.due_on < ?) AS overdue
                    FROM action_plan p LEFT JOIN staff s ON s.id = p.counsellor_id
                    GROUP BY p.counsellor_id ORDER BY p.counsellor_id
                    """, arguments: [today.description]
            ).map {
                CaseloadFigures.Counsellor(
                    staffID: $0["counsellor_id"], name: $0["name"], openPlans: $0["open_plans"],
                    overdueSteps: $0["overdue"])
            }
            return CaseloadFigures(
                profiled: profiled, openPlans: counsellors.reduce(0) { $0 + $1.openPlans },
                overdueSteps: counsellors.reduce(0) { $0 + $1.overdueSteps }, counsellors: counsellors)
        }
    }

    // MARK: - Changes

    public func saveProfile(_ profile: CaseProfile, by staff: StaffSession?) async throws {
        let officeCode = office.code
        let answers = String(decoding: try Self.json.encode(profile.answers), as: UTF8.self)
        let reasons = String(decoding: try Self.json.encode(profile.suggestion.reasons), as: UTF8.self)
        try await database.write { db in
            let id = Self.key(profile.id)
            let person = Self.key(profile.registrationID)
            try db.execute(
                sql: """
                    INSERT INTO case_profile (id, registration_id, questionnaire_version, answers, score,
                        suggested_group, reasons, raised_by_answer, answered_at, answered_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, person, profile.suggestion.version, answers, profile.suggestion.score,
                    profile.suggestion.group.rawValue, reasons, profile.suggestion.raisedByAnswer,
                    Self.time(profile.answeredAt), profile.answeredBy,
                ])
            if let staff { try Self.access(db, profile.registrationID, staff, "profile", profile.answeredAt) }
            try Outbox.append(
                db, officeCode: officeCode, type: .caseProfiled,
                payload: CaseProfiled(
                    profile: .init(
                        id: id, registrationID: person, officeCode: officeCode,
                        questionnaireVersion: profile.suggestion.version, answers: profile.answers,
                        score: profile.suggestion.score, suggestedGroup: profile.suggestion.group.rawValue,
                        reasons: profile.suggestion.reasons.map { "\($0.questionID).\($0.answerID)" },
                        staffID: profile.answeredBy, at: profile.answeredAt)),
                at: profile.answeredAt)
        }
    }

    public func decide(registrationID: UUID, _ decision: ProfileDecision, by staff: StaffSession) async throws
        -> CaseProfile
    {
        let officeCode = office.code
        return try await database.write { db in
            let person = Self.key(registrationID)
            guard var profile = try Self.profile(db, person) else { throw CaseError.noProfile }
            let position = profile.decisions.count + 1
            let profileID = Self.key(profile.id)
            try db.execute(
                sql: """
                    INSERT INTO case_profile_decision (profile_id, position, profile_group, reason, staff_id, at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    profileID, position, decision.group.rawValue, decision.reason, decision.staffID,
                    Self.time(decision.at),
                ])
            try Self.access(db, registrationID, staff, "decide", decision.at)
            try Outbox.append(
                db, officeCode: officeCode, type: .caseGroupDecided,
                payload: CaseGroupDecided(
                    decision: .init(
                        profileID: profileID, registrationID: person, officeCode: officeCode, position: position,
                        group: decision.group.rawValue, reason: decision.reason, staffID: decision.staffID,
                        at: decision.at)),
                at: decision.at)
            profile.decisions.append(decision)
            return profile
        }
    }

    public func addNote(_ note: CaseNote, by staff: StaffSession) async throws {
        let officeCode = office.code
        try await database.write { db in
            let person = Self.key(note.registrationID)
            if let corrects = note.corrects {
                guard
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM case_note WHERE id = ? AND registration_id = ?)",
                        arguments: [Self.key(corrects), person]) == true
                else { throw CaseError.unknownNote }
            }
            let id = Self.key(note.id)
            try db.execute(
                sql: """
                    INSERT INTO case_note (id, registration_id, kind, staff_id, text, at, corrects)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, person, note.kind.rawValue, note.staffID, note.text, Self.time(note.at),
                    note.corrects.map(Self.key),
                ])
            try Self.access(db, note.registrationID, staff, "note", note.at)
            try Outbox.append(
                db, officeCode: officeCode, type: .caseNoted,
                payload: CaseNoted(
                    note: .init(
                        id: id, registrationID: person, officeCode: officeCode, kind: note.kind.rawValue,
                        staffID: note.staffID, text: note.text, corrects: note.corrects.map(Self.key), at: note.at)),
                at: note.at)
        }
    }

    public func savePlan(
        registrationID: UUID, counsellorID: String, goals: String, by staff: StaffSession, at instant: Date
    ) async throws -> ActionPlan {
        try await changePlan(registrationID: registrationID, staff: staff, action: "plan", at: instant) { db, plan in
            if let plan {
                try db.execute(
                    sql: """
                        UPDATE action_plan SET counsellor_id = ?, goals = ?, revision = revision + 1, updated_at = ?
                        WHERE id = ?
                        """, arguments: [counsellorID, goals, Self.time(instant), Self.key(plan.id)])
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO action_plan (id, registration_id, counsellor_id, goals, revision, created_at,
                            updated_at)
                        VALUES (?, ?, ?, ?, 1, ?, ?)
                        """,
                    arguments: [
                        Self.key(UUIDv7.make(at: instant)), Self.key(registrationID), counsellorID, goals,
                        Self.time(instant), Self.time(instant),
                    ])
            }
        }
    }

    public func addStep(registrationID: UUID, _ step: PlanStep, by staff: StaffSession) async throws -> ActionPlan {
        try await changePlan(registrationID: registrationID, staff: staff, action: "step", at: step.changedAt) {
            db, plan in
            guard let plan else { throw CaseError.noPlan }
            try db.execute(
                sql: """
                    INSERT INTO plan_step (id, plan_id, position, horizon, kind, text, due_on, status, changed_at,
                        changed_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    Self.key(step.id), Self.key(plan.id), plan.steps.count + 1, step.horizon.rawValue,
                    step.kind.rawValue, step.text, step.dueOn.description, step.status.rawValue,
                    Self.time(step.changedAt), step.changedBy,
                ])
            try Self.bumpRevision(db, plan, at: step.changedAt)
        }
    }

    public func setStep(
        registrationID: UUID, stepID: UUID, status: PlanStepStatus, by staff: StaffSession, at instant: Date
    ) async throws -> ActionPlan {
        try await changePlan(registrationID: registrationID, staff: staff, action: "stepStatus", at: instant) {
            db, plan in
            guard let plan else { throw CaseError.noPlan }
            guard let step = plan.steps.first(where: { $0.id == stepID }) else { throw CaseError.unknownStep }
            guard step.status.isOpen else { throw CaseError.stepClosed }
            try db.execute(
                sql: "UPDATE plan_step SET status = ?, changed_at = ?, changed_by = ? WHERE id = ?",
                arguments: [status.rawValue, Self.time(instant), staff.staffID, Self.key(stepID)])
            try Self.bumpRevision(db, plan, at: instant)
        }
    }

    static func bumpRevision(_ db: Database, _ plan: ActionPlan, at instant: Date) throws {
        try db.execute(
            sql: "UPDATE action_plan SET revision = revision + 1, updated_at = ? WHERE id = ?",
            arguments: [time(instant), key(plan.id)])
    }

    /// One change of a plan: `change` writes it, then the access line and the plan as it now
    /// stands go out together.
    func changePlan(
        registrationID: UUID, staff: StaffSession, action: String, at instant: Date,
        _ change: @escaping @Sendable (Database, ActionPlan?) throws -> Void
    ) async throws -> ActionPlan {
        let officeCode = office.code
        return try await database.write { db in
            let person = Self.key(registrationID)
            try change(db, try Self.plan(db, person))
            guard let plan = try Self.plan(db, person) else { throw CaseError.noPlan }
            let revision =
                try Int.fetchOne(
                    db, sql: "SELECT revision FROM action_plan WHERE id = ?", arguments: [Self.key(plan.id)]) ?? 1
            try Self.access(db, registrationID, staff, action, instant)
            try Outbox.append(
                db, officeCode: officeCode, type: .casePlanChanged,
                payload: CasePlanChanged(
                    plan: .init(
                        id: Self.key(plan.id), registrationID: person, officeCode: officeCode, revision: revision,
                        counsellorID: plan.counsellorID, goals: plan.goals,
                        steps: plan.steps.map {
                            .init(
                                id: Self.key($0.id), horizon: $0.horizon.rawValue, kind: $0.kind.rawValue,
                                text: $0.text, dueOn: $0.dueOn.description, status: $0.status.rawValue)
                        }, staffID: staff.staffID, at: instant)),
                at: instant)
            return plan
        }
    }
}
