public import Foundation

/// A plan step as an officer sent it; the use case checks every part.
public struct PlanStepRequest: Sendable, Equatable {
    public var horizon: String?
    public var kind: String?
    public var text: String?
    public var dueOn: String?

    public init(horizon: String?, kind: String?, text: String?, dueOn: String?) {
        self.horizon = horizon
        self.kind = kind
        self.text = text
        self.dueOn = dueOn
    }
}

/// The jobseeker's case file: profiling (at the kiosk or the counter), the officer's decision on
/// the group, the notes journal and the individual action plan. Staff reads and changes are all
/// recorded by the store.
public struct Cases: Sendable {
    let repository: any CaseRepository
    let registrations: any RegistrationRepository
    let questionnaires: any QuestionnaireSource
    let office: Office
    let now: @Sendable () -> Date

    public init(
        repository: any CaseRepository, registrations: any RegistrationRepository,
        questionnaires: any QuestionnaireSource, office: Office, now: @escaping @Sendable () -> Date
    ) {
        self.repository = repository
        self.registrations = registrations
        self.questionnaires = questionnaires
        self.office = office
        self.now = now
    }

    public var today: CivilDate { office.today(at: now()) }
    /// The questionnaire new profiles are asked (the hub's newest, from the moment it came).
    public func currentQuestionnaire() async throws -> ProfilingQuestionnaire { try await questionnaires.current() }

    /// The questionnaire `version` names, to read a profile's answers under the version they were
    /// given in; the current one when the kiosk no longer knows it.
    public func questionnaire(of version: String) async throws -> ProfilingQuestionnaire {
        if let known = try await questionnaires.questionnaire(version: version) { return known }
        return try await questionnaires.current()
    }

    /// The whole case as an officer reads it; the read is recorded. Nil when the office holds no
    /// such person.
    public func caseFile(of registrationID: UUID, for staff: StaffSession) async throws
        -> (registration: Registration, revisions: [RegistrationRevision], records: CaseRecords)?
    {
        guard let registration = try await registrations.registration(id: registrationID) else { return nil }
        try await repository.recordRead(of: registrationID, by: staff, at: now())
        let revisions = try await registrations.revisions(of: registrationID)
        let records = try await repository.records(of: registrationID)
        return (registration, revisions, records)
    }

    /// The shortest and longest search an officer may type.
    public static let searchLength = 2...60

    /// People matching what the officer typed: a registry number or reference exactly, or part
    /// of a name; nil when the text is shorter or longer than `searchLength`.
    public func search(_ raw: String) async throws -> [CasePerson]? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard Self.searchLength.contains(text.count) else { return nil }
        return try await repository.search(text, limit: 20)
    }

    /// Profiles the person from their answers; `staff` nil when the visitor answered at the kiosk.
    /// `version` is the questionnaire the answers were given to (a profile begun before the hub
    /// sent a new one is finished under the one it began with); nil for the current one.
    public func profile(
        registrationID: UUID, answers: [String: String], version: String? = nil, by staff: StaffSession?
    ) async throws -> CaseProfile {
        let questionnaire: ProfilingQuestionnaire
        if let version {
            guard let known = try await questionnaires.questionnaire(version: version) else {
                throw CaseError.unknownQuestionnaire
            }
            questionnaire = known
        } else {
            questionnaire = try await questionnaires.current()
        }
        let suggestion = try questionnaire.suggest(answers)
        guard try await registrations.registration(id: registrationID) != nil else { throw CaseError.unknownPerson }
        let instant = now()
        let profile = CaseProfile(
            id: UUIDv7.make(at: instant), registrationID: registrationID, answers: answers, suggestion: suggestion,
            answeredAt: instant, answeredBy: staff?.staffID)
        try await repository.saveProfile(profile, by: staff)
        return profile
    }

    /// The officer confirms the suggested group or changes it; a change needs a reason.
    public func decide(registrationID: UUID, group raw: String?, reason rawReason: String?, by staff: StaffSession)
        async throws -> CaseProfile
    {
        var errors: [FieldError] = []
        let group = raw.flatMap(ProfileGroup.init(rawValue:))
        if group == nil { errors.append(FieldError(field: "group", code: raw == nil ? "required" : "unknownCode")) }
        var reason: String?
        switch FreeText.checked(rawReason, field: "reason", limit: 500, required: false, lines: true) {
        case .success(let value): reason = value
        case .failure(let error): errors.append(error)
        }
        let records = try await repository.records(of: registrationID)
        guard let profile = records.profile else { throw CaseError.noProfile }
        if let group, group != profile.suggestion.group, reason == nil,
            !errors.contains(where: { $0.field == "reason" })
        {
            errors.append(FieldError(field: "reason", code: "required"))
        }
        guard errors.isEmpty, let group else { throw ValidationFailure(errors: errors) }
        return try await repository.decide(
            registrationID: registrationID,
            ProfileDecision(group: group, reason: reason, staffID: staff.staffID, at: now()), by: staff)
    }

    public func addNote(
        registrationID: UUID, kind raw: String?, text rawText: String?, corrects rawCorrects: String?,
        by staff: StaffSession
    ) async throws -> CaseNote {
        var errors: [FieldError] = []
        let kind = raw.flatMap(CaseNoteKind.init(rawValue:))
        if kind == nil { errors.append(FieldError(field: "kind", code: raw == nil ? "required" : "unknownCode")) }
        var text: String?
        switch FreeText.checked(rawText, field: "text", limit: CaseNote.maxTextLength, required: true, lines: true) {
        case .success(let value): text = value
        case .failure(let error): errors.append(error)
        }
        var corrects: UUID?
        if let rawCorrects, !rawCorrects.isEmpty {
            corrects = UUID(uuidString: rawCorrects)
            if corrects == nil { errors.append(FieldError(field: "corrects", code: "unknownCode")) }
        }
        guard errors.isEmpty, let kind, let text else { throw ValidationFailure(errors: errors) }
        guard try await registrations.registration(id: registrationID) != nil else { throw CaseError.unknownPerson }
        let instant = now()
        let note = CaseNote(
            id: UUIDv7.make(at: instant), registrationID: registrationID, kind: kind, staffID: staff.staffID,
            text: text, at: instant, corrects: corrects)
        try await repository.addNote(note, by: staff)
        return note
    }

    /// Writes the plan's key counsellor and goals.
    public func writePlan(
        registrationID: UUID, counsellorID raw: String?, goals rawGoals: String?, by staff: StaffSession
    )
        async throws -> ActionPlan
    {
        var errors: [FieldError] = []
        let counsellorID = raw?.trimmingCharacters(in: .whitespaces) ?? ""
        if counsellorID.isEmpty { errors.append(FieldError(field: "counsellorId", code: "required")) }
        var goals: String?
        switch FreeText.checked(rawGoals, field: "goals", limit: ActionPlan.maxGoalsLength, required: true, lines: true)
        {
        case .success(let value): goals = value
        case .failure(let error): errors.append(error)
        }
        if !counsellorID.isEmpty, try await !repository.counsellors().contains(where: { $0.id == counsellorID }) {
            errors.append(FieldError(field: "counsellorId", code: "unknownCode"))
        }
        guard errors.isEmpty, let goals else { throw ValidationFailure(errors: errors) }
        guard try await registrations.registration(id: registrationID) != nil else { throw CaseError.unknownPerson }
        return try await repository.savePlan(
            registrationID: registrationID, counsellorID: counsellorID, goals: goals, by: staff, at: now())
    }

    /// Adds a step: a month's step falls due within 31 days, a year's within 366, never before today.
    public func addStep(registrationID: UUID, _ request: PlanStepRequest, by staff: StaffSession) async throws
        -> ActionPlan
    {
        var errors: [FieldError] = []
        let horizon = request.horizon.flatMap(PlanHorizon.init(rawValue:))
        if horizon == nil { errors.append(FieldError(field: "horizon", code: "unknownCode")) }
        let kind = request.kind.flatMap(PlanStepKind.init(rawValue:))
        if kind == nil { errors.append(FieldError(field: "kind", code: "unknownCode")) }
        var text: String?
        switch FreeText.checked(
            request.text, field: "text", limit: PlanStep.maxTextLength, required: true, lines: false)
        {
        case .success(let value): text = value
        case .failure(let error): errors.append(error)
        }
        let today = today
        let dueOn = request.dueOn.flatMap { CivilDate(iso8601: $0) }
        if let dueOn {
            let limit = today.adding(days: horizon == .month ? 31 : 366)
            if dueOn < today || dueOn > limit { errors.append(FieldError(field: "dueOn", code: "outOfRange")) }
        } else {
            errors.append(FieldError(field: "dueOn", code: request.dueOn == nil ? "required" : "invalidDate"))
        }
        guard errors.isEmpty, let horizon, let kind, let text, let dueOn else {
            throw ValidationFailure(errors: errors)
        }
        let instant = now()
        return try await repository.addStep(
            registrationID: registrationID,
            PlanStep(
                id: UUIDv7.make(at: instant), horizon: horizon, kind: kind, text: text, dueOn: dueOn, status: .planned,
                changedAt: instant, changedBy: staff.staffID), by: staff)
    }

    public func setStep(registrationID: UUID, stepID: UUID, status raw: String?, by staff: StaffSession) async throws
        -> ActionPlan
    {
        guard let status = raw.flatMap(PlanStepStatus.init(rawValue:)), status != .planned else {
            throw ValidationFailure(errors: [FieldError(field: "status", code: "unknownCode")])
        }
        return try await repository.setStep(
            registrationID: registrationID, stepID: stepID, status: status, by: staff, at: now())
    }

    /// The hub's summary of the person's case at every office; the read is recorded like any
    /// other. Nil when the office holds no such person; `lookup`'s error when the hub cannot answer.
    public func elsewhere(of registrationID: UUID, for staff: StaffSession, lookup: any CaseSummaryLookup)
        async throws -> RemoteCaseSummary?
    {
        guard let registration = try await registrations.registration(id: registrationID) else { return nil }
        try await repository.recordRead(of: registrationID, by: staff, at: now())
        return try await lookup.summary(registryNumber: registration.details.registryNumber.value)
    }

    public func counsellors() async throws -> [(id: String, name: String)] { try await repository.counsellors() }

    public func accessLog(of registrationID: UUID) async throws -> [CaseAccess] {
        try await repository.accessLog(of: registrationID)
    }

    public func caseload() async throws -> CaseloadFigures { try await repository.caseload(today: today) }
}
