public import Foundation

/// A triage step as staff sent it; the use case checks every part.
public struct GrievanceStepRequest: Sendable, Equatable {
    public var action: String
    public var note: String?
    public var assignee: String?
    /// `2026-12-22`, or nil to keep the due date.
    public var dueOn: String?

    public init(action: String, note: String? = nil, assignee: String? = nil, dueOn: String? = nil) {
        self.action = action
        self.note = note
        self.assignee = assignee
        self.dueOn = dueOn
    }
}

/// The grievance use case: anyone files one at the kiosk and follows it by its tracking code;
/// staff triage it. Staff-conduct grievances are for the office head alone.
public struct Grievances: Sendable {
    let repository: any GrievanceRepository
    let office: Office
    let now: @Sendable () -> Date

    public init(repository: any GrievanceRepository, office: Office, now: @escaping @Sendable () -> Date) {
        self.repository = repository
        self.office = office
        self.now = now
    }

    /// The office's date now (for due dates and overdue grievances).
    public var today: CivilDate { office.today(at: now()) }

    /// Files a grievance; the one a `requestKey` already filed is answered again. Throws
    /// `ValidationFailure` for refused fields.
    public func file(_ form: GrievanceForm, language: Language, requestKey: RequestKey? = nil) async throws
        -> Grievance
    {
        let checked = try form.validated()
        return try await repository.file(
            category: checked.category, text: checked.text, area: checked.area, contact: checked.contact,
            language: language, requestKey: requestKey, at: now())
    }

    /// The grievance with this code as typed (any case, with or without dashes); nil when none.
    public func grievance(trackingCode raw: String) async throws -> Grievance? {
        guard let code = Grievance.normalizedTrackingCode(raw) else { return nil }
        return try await repository.grievance(trackingCode: code)
    }

    /// The grievance if `session` may see it: nil when none, `GrievanceError.forbidden` when the
    /// grievance is for the head alone.
    public func grievance(trackingCode raw: String, for session: StaffSession) async throws -> Grievance? {
        guard let grievance = try await grievance(trackingCode: raw) else { return nil }
        guard grievance.isVisible(to: session.role) else { throw GrievanceError.forbidden }
        return grievance
    }

    /// The grievances `session` may see, newest first.
    public func grievances(openOnly: Bool, for session: StaffSession) async throws -> [Grievance] {
        try await repository.grievances(openOnly: openOnly).filter { $0.isVisible(to: session.role) }
    }

    /// Applies a triage step. Nil when there is no such grievance; throws `GrievanceError`
    /// (forbidden, closed, …) and `ValidationFailure` (action, note, assignee, due date).
    public func step(trackingCode raw: String, _ request: GrievanceStepRequest, by session: StaffSession)
        async throws -> Grievance?
    {
        guard let grievance = try await grievance(trackingCode: raw, for: session) else { return nil }
        let today = today
        var errors: [FieldError] = []
        let action = GrievanceAction(rawValue: request.action)
        if action == nil { errors.append(FieldError(field: "action", code: "unknownCode")) }
        var note: String?
        switch FreeText.checked(
            request.note, field: "note", limit: Grievance.maxNoteLength, required: false, lines: true)
        {
        case .success(let value): note = value
        case .failure(let error): errors.append(error)
        }
        var dueOn: CivilDate?
        if let raw = request.dueOn {
            dueOn = CivilDate(iso8601: raw)
            if let date = dueOn, date < today { errors.append(FieldError(field: "dueOn", code: "outOfRange")) }
            if dueOn == nil { errors.append(FieldError(field: "dueOn", code: "invalidDate")) }
        }
        let assignee = request.assignee?.trimmingCharacters(in: .whitespaces)
        if action == .assign, assignee?.isEmpty ?? true {
            errors.append(FieldError(field: "assignee", code: "required"))
        }
        guard errors.isEmpty, let action else { throw ValidationFailure(errors: errors) }
        return try await repository.act(
            trackingCode: grievance.trackingCode, action: action, note: note, assignee: assignee, dueOn: dueOn,
            by: session, at: now())
    }
}
