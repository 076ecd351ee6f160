public import Foundation

/// Why an employer-services change was refused by the store.
public struct EmployerError: Error, Hashable, Sendable {
    public enum Code: String, Hashable, Sendable {
        /// An employer with this registration number is already registered (`existingID`).
        case alreadyRegistered
        case unknownEmployer
        case unknownVacancy
        /// The vacancy is closed or filled: it takes no more changes, referrals or hires.
        case vacancyNotOpen
        case unknownReferral
        /// The referral is not to one of this office's vacancies.
        case notOfficeVacancy
        /// The referral already has its outcome.
        case outcomeRecorded
        case unknownFollowUp
        case followUpAnswered
    }

    public let code: Code
    public var existingID: UUID?

    public init(_ code: Code, existingID: UUID? = nil) {
        self.code = code
        self.existingID = existingID
    }
}

/// An employer with what the office did for it.
public struct EmployerRecord: Sendable, Hashable {
    public var employer: Employer
    public var vacancies: [OfficeVacancy]
    public var referrals: [VacancyReferral]
    public var placements: [Placement]

    public init(employer: Employer, vacancies: [OfficeVacancy], referrals: [VacancyReferral], placements: [Placement]) {
        self.employer = employer
        self.vacancies = vacancies
        self.referrals = referrals
        self.placements = placements
    }
}

/// What the store did on recording an outcome.
public struct RecordedOutcome: Sendable, Hashable {
    public var referralID: UUID
    public var outcome: ReferralOutcome
    public var placement: Placement?
    public var followUps: [FollowUp]
    /// The vacancy after the hire (a post filled, filled altogether at the last one).
    public var vacancy: OfficeVacancy

    public init(
        referralID: UUID, outcome: ReferralOutcome, placement: Placement?, followUps: [FollowUp],
        vacancy: OfficeVacancy
    ) {
        self.referralID = referralID
        self.outcome = outcome
        self.placement = placement
        self.followUps = followUps
        self.vacancy = vacancy
    }
}

/// Employers, the vacancies the office takes in for them, the outcomes of referrals to those
/// vacancies, placements and their follow-ups. Every change is written with its outbox record
/// and the staff audit line in one transaction.
public protocol EmployerRepository: Sendable {
    func register(_ details: EmployerDetails, staffID: String, counter: Int, at instant: Date) async throws -> Employer
    func employer(id: UUID) async throws -> EmployerRecord?
    /// Employers whose name has a word starting with `text`, or whose number starts with it.
    func findEmployers(_ text: String, limit: Int) async throws -> [Employer]

    /// Takes in a vacancy: searchable at this kiosk as soon as this returns.
    func recordVacancy(
        _ terms: VacancyTerms, employerID: UUID, staffID: String, counter: Int, at instant: Date, today: CivilDate
    ) async throws -> OfficeVacancy
    /// Changes an open vacancy's terms (never its employer or reference).
    func editVacancy(
        reference: String, terms: VacancyTerms, staffID: String, counter: Int, at instant: Date, today: CivilDate
    ) async throws -> OfficeVacancy
    func closeVacancy(reference: String, staffID: String, counter: Int, at instant: Date, today: CivilDate)
        async throws -> OfficeVacancy
    func officeVacancy(reference: String) async throws -> OfficeVacancy?

    /// Every registered jobseeker of the office as matching reads them (kept in memory between
    /// changes).
    func candidatePool() async throws -> CandidatePool
    /// People already referred to the vacancy or placed in a job through the office.
    func referredOrPlaced(vacancyReference: String) async throws -> Set<UUID>
    func referrals(vacancyReference: String) async throws -> [VacancyReferral]

    /// Records what became of a referral to one of the office's vacancies; a hire fills a post,
    /// records the placement and its follow-ups (`dueDates`).
    func recordOutcome(
        referralID: UUID, outcome: ReferralOutcome, on day: CivilDate, newlyCreated: Bool?,
        dueDates: [(months: Int, dueOn: CivilDate)], staffID: String, counter: Int, at instant: Date
    ) async throws -> RecordedOutcome

    /// Unanswered follow-ups due on or before `through`, of one counsellor or of everyone.
    func dueFollowUps(counsellorID: String?, through: CivilDate, limit: Int) async throws -> [DueFollowUp]
    func followUps(placementID: UUID) async throws -> [FollowUp]
    func answerFollowUp(
        id: UUID, answer: FollowUpAnswer, channel: FollowUpChannel, on day: CivilDate, staffID: String?,
        at instant: Date
    ) async throws -> FollowUp

    func figures(from: CivilDate, to: CivilDate) async throws -> EmployerFigures
}
