public import Foundation

/// Storage of programme referrals. Each change is written with its outbox record
/// (`programme.referral`, the referral as it stands) in one transaction.
public protocol ProgrammeRepository: Sendable {
    /// The office's programmes, from the installed reference data.
    func programmes() async throws -> [Programme]
    /// Enrols the person, refusing in the same transaction `ProgrammeError.quotaFull` when the
    /// places held in the programme's period reach `quota`, and `.alreadyEnrolled` when the person
    /// holds a place in it without an outcome; audited at `counter`.
    func refer(_ referral: ProgrammeReferral, programme: Programme, quota: Int, counter: Int) async throws
        -> ProgrammeReferral
    /// Records an outcome; `.outcomeRecorded` when it has one, `.referralNotFound`.
    func recordOutcome(
        id: UUID, _ outcome: ProgrammeOutcome, on date: CivilDate, by staffID: String, counter: Int, at instant: Date
    ) async throws -> ProgrammeReferral
    func referral(id: UUID) async throws -> ProgrammeReferral?
    /// A person's referrals, latest first.
    func referrals(registrationID: UUID) async throws -> [ProgrammeReferral]
    /// Per programme code: the referrals made in `programme`'s period, by outcome (nil: none yet).
    func counts(for programme: Programme) async throws -> [ProgrammeOutcome?: Int]
}
