public import Foundation

/// The employment promotion programmes of the office: who is eligible and why, referring
/// against the office's quota, and outcomes. Over the quota a referral is refused (the places
/// were budgeted; the dashboard shows the demand as the refusal count is not kept, only places).
public struct Programmes: Sendable {
    let repository: any ProgrammeRepository
    let registrations: any RegistrationRepository
    let office: Office
    let now: @Sendable () -> Date

    public init(
        repository: any ProgrammeRepository, registrations: any RegistrationRepository, office: Office,
        now: @escaping @Sendable () -> Date
    ) {
        self.repository = repository
        self.registrations = registrations
        self.office = office
        self.now = now
    }

    /// The office's programmes in the hub's order.
    public func all() async throws -> [Programme] { try await repository.programmes() }

    /// Each programme's answer for the person, eligible ones first.
    public func eligibility(registrationID: UUID, profileGroup: String?) async throws -> [EligibilityAnswer] {
        let facts = try await facts(registrationID: registrationID, profileGroup: profileGroup)
        return Eligibility.answers(try await repository.programmes(), facts, on: office.today(at: now()))
    }

    func facts(registrationID: UUID, profileGroup: String?) async throws -> EligibilityFacts {
        guard let registration = try await registrations.registration(id: registrationID) else {
            throw ProgrammeError.unknownRegistration
        }
        let instant = now()
        return EligibilityFacts.of(
            registration, today: office.today(at: instant), calendar: office.calendar, at: instant,
            profileGroup: profileGroup)
    }

    /// Refers an eligible person to a programme with a free place of the office's quota.
    public func refer(
        registrationID: UUID, programmeCode: String, profileGroup: String?, by staff: StaffSession
    ) async throws -> ProgrammeReferral {
        guard let programme = try await repository.programmes().first(where: { $0.code == programmeCode }) else {
            throw ProgrammeError.unknownProgramme
        }
        let facts = try await facts(registrationID: registrationID, profileGroup: profileGroup)
        let instant = now()
        let today = office.today(at: instant)
        guard Eligibility.check(programme, facts, on: today).eligible else { throw ProgrammeError.notEligible }
        let referral = ProgrammeReferral(
            id: UUIDv7.make(at: instant), officeCode: office.code, registrationID: registrationID,
            programmeCode: programme.code, staffID: staff.staffID, referredAt: instant, referredOn: today)
        return try await repository.refer(
            referral, programme: programme, quota: programme.quota(office: office.code), counter: staff.counter)
    }

    /// Records how a referral ended, on a date from the referral's day through today.
    public func recordOutcome(
        id: UUID, _ outcome: ProgrammeOutcome, on date: CivilDate, by staff: StaffSession
    ) async throws -> ProgrammeReferral {
        guard let referral = try await repository.referral(id: id) else { throw ProgrammeError.referralNotFound }
        let instant = now()
        guard referral.referredOn <= date, date <= office.today(at: instant) else { throw ProgrammeError.outcomeDate }
        return try await repository.recordOutcome(
            id: id, outcome, on: date, by: staff.staffID, counter: staff.counter, at: instant)
    }

    public func referrals(registrationID: UUID) async throws -> [ProgrammeReferral] {
        try await repository.referrals(registrationID: registrationID)
    }

    /// Places used against the quota, per programme, for the dashboard.
    public func places() async throws -> [ProgrammePlaces] {
        var answer: [ProgrammePlaces] = []
        for programme in try await repository.programmes() {
            let counts = try await repository.counts(for: programme)
            let didNotGo = counts[.didNotGo] ?? 0
            answer.append(
                ProgrammePlaces(
                    code: programme.code, name: programme.name, quota: programme.quota(office: office.code),
                    used: counts.values.reduce(0, +) - didNotGo, completed: counts[.completed] ?? 0,
                    droppedOut: counts[.droppedOut] ?? 0, didNotGo: didNotGo))
        }
        return answer
    }
}
