public import Foundation

/// Employer services at the counter: employers, vacancy intake, candidates for a vacancy,
/// outcomes of referrals, placements and their follow-ups. Checks what officers type, stamps
/// each change with the officer, their counter and the clock, and asks `JobMatcher` (through
/// `CandidateRanking`) for candidates.
public struct EmployerDesk: Sendable {
    let repository: any EmployerRepository
    let registrations: any RegistrationRepository
    let validator: IntakeValidator
    let matcher: JobMatcher
    let office: Office
    let now: @Sendable () -> Date

    public init(
        repository: any EmployerRepository, registrations: any RegistrationRepository, catalog: ReferenceCatalog,
        office: Office, now: @escaping @Sendable () -> Date
    ) {
        self.repository = repository
        self.registrations = registrations
        self.validator = IntakeValidator(catalog: catalog)
        self.matcher = JobMatcher(reference: catalog)
        self.office = office
        self.now = now
    }

    public static let maxSearchLength = 100

    // MARK: - Employers

    /// Throws `ValidationFailure`, `EmployerError.alreadyRegistered`.
    public func register(_ form: EmployerForm, by session: StaffSession) async throws -> Employer {
        let details = try validator.validate(form).get()
        return try await repository.register(
            details, staffID: session.staffID, counter: session.counter, at: now())
    }

    public func employer(id: UUID) async throws -> EmployerRecord {
        guard let record = try await repository.employer(id: id) else { throw EmployerError(.unknownEmployer) }
        return record
    }

    public func find(_ text: String) async throws -> [Employer] {
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !words.isEmpty else { return [] }
        guard words.count <= Self.maxSearchLength else {
            throw ValidationFailure(errors: [FieldError(field: "q", code: "tooLong")])
        }
        return try await repository.findEmployers(words, limit: 50)
    }

    // MARK: - Vacancies

    public func recordVacancy(_ form: VacancyForm, employerID: UUID, by session: StaffSession) async throws
        -> OfficeVacancy
    {
        let instant = now()
        let today = office.today(at: instant)
        let terms = try validator.validate(form, today: today).get()
        return try await repository.recordVacancy(
            terms, employerID: employerID, staffID: session.staffID, counter: session.counter, at: instant,
            today: today)
    }

    public func editVacancy(reference: String, form: VacancyForm, by session: StaffSession) async throws
        -> OfficeVacancy
    {
        let current = try await openVacancy(reference)
        let instant = now()
        let today = office.today(at: instant)
        let terms = try validator.validate(form, today: today, filledPosts: current.filledPosts).get()
        return try await repository.editVacancy(
            reference: reference, terms: terms, staffID: session.staffID, counter: session.counter, at: instant,
            today: today)
    }

    public func closeVacancy(reference: String, by session: StaffSession) async throws -> OfficeVacancy {
        let instant = now()
        return try await repository.closeVacancy(
            reference: reference, staffID: session.staffID, counter: session.counter, at: instant,
            today: office.today(at: instant))
    }

    public func vacancy(reference: String) async throws -> OfficeVacancy {
        guard let vacancy = try await repository.officeVacancy(reference: reference) else {
            throw EmployerError(.unknownVacancy)
        }
        return vacancy
    }

    func openVacancy(_ reference: String) async throws -> OfficeVacancy {
        let vacancy = try await vacancy(reference: reference)
        guard vacancy.status == .open else { throw EmployerError(.vacancyNotOpen) }
        return vacancy
    }

    // MARK: - Candidates

    /// This office's jobseekers for an open vacancy, best first, without those already referred
    /// to it or placed through the office.
    public func candidates(for reference: String, filter: CandidateFilter) async throws -> [RankedCandidate] {
        let vacancy = try await openVacancy(reference)
        async let people = repository.candidatePool()
        async let excluded = repository.referredOrPlaced(vacancyReference: reference)
        return CandidateRanking(matcher: matcher).rank(
            VacancyFacts(vacancy.vacancy), among: try await people, filter: filter, excluding: try await excluded)
    }

    public func referrals(of reference: String) async throws -> [VacancyReferral] {
        try await repository.referrals(vacancyReference: reference)
    }

    // MARK: - Outcomes and follow-ups

    /// Records hired, not hired or did not go for a referral to one of the office's vacancies,
    /// on `day` (the office day the employer gave; today when nil, never in the future).
    public func recordOutcome(
        referralID: UUID, outcome: ReferralOutcome, on day: String?, newlyCreated: Bool?, by session: StaffSession
    ) async throws -> RecordedOutcome {
        let instant = now()
        let today = office.today(at: instant)
        var date = today
        if let day {
            guard let parsed = CivilDate(iso8601: day) else {
                throw ValidationFailure(errors: [FieldError(field: "on", code: "notADate")])
            }
            guard parsed <= today, parsed >= today.adding(days: -366) else {
                throw ValidationFailure(errors: [FieldError(field: "on", code: "outOfRange")])
            }
            date = parsed
        }
        return try await repository.recordOutcome(
            referralID: referralID, outcome: outcome, on: date, newlyCreated: newlyCreated,
            dueDates: FollowUpSchedule.dueDates(placedOn: date), staffID: session.staffID, counter: session.counter,
            at: instant)
    }

    /// Follow-ups due by today (and those overdue), of one counsellor or, for nil, everyone's.
    public func dueFollowUps(counsellorID: String?, withinDays days: Int = 0) async throws -> [DueFollowUp] {
        let today = office.today(at: now())
        return try await repository.dueFollowUps(
            counsellorID: counsellorID, through: today.adding(days: max(0, min(days, 366))), limit: 500)
    }

    /// Records the answer to a follow-up from a call, a visit or an SMS reply. `staffID` is the
    /// officer who took it; nil for an answer that came in by SMS on its own.
    public func recordFollowUpAnswer(
        followUpID: UUID, answer: FollowUpAnswer, channel: FollowUpChannel, staffID: String?
    ) async throws -> FollowUp {
        let instant = now()
        return try await repository.answerFollowUp(
            id: followUpID, answer: answer, channel: channel, on: office.today(at: instant), staffID: staffID,
            at: instant)
    }

    // MARK: - Figures

    public func figures(from: CivilDate, to: CivilDate) async throws -> EmployerFigures {
        try await repository.figures(from: from, to: to)
    }
}
