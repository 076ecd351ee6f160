public import Foundation

/// Why a referral was refused before it reached the store.
public struct ReferralRequestError: Error, Hashable, Sendable {
    private enum Code: Hashable, Sendable { case invalidNote, invalidRegistrationID, vacancyNotFound }
    private let code: Code
    /// The note is too long or holds control characters.
    public static let invalidNote = Self(code: .invalidNote)
    public static let invalidRegistrationID = Self(code: .invalidRegistrationID)
    /// No open vacancy has this reference.
    public static let vacancyNotFound = Self(code: .vacancyNotFound)
}

/// The referral use case: a member of staff sends a registered jobseeker to an open vacancy,
/// once. It checks the note, the person and the vacancy, and stamps the referral with the
/// officer, their counter and the clock's time.
public struct Referrals: Sendable {
    let referrals: any ReferralRepository
    let registrations: any RegistrationRepository
    let vacancies: any VacancyCatalog
    let office: Office
    let now: @Sendable () -> Date

    public init(
        referrals: any ReferralRepository, registrations: any RegistrationRepository, vacancies: any VacancyCatalog,
        office: Office, now: @escaping @Sendable () -> Date
    ) {
        self.referrals = referrals
        self.registrations = registrations
        self.vacancies = vacancies
        self.office = office
        self.now = now
    }

    /// Throws `ReferralRequestError` (note, id, vacancy, in that order), `ReferralError`
    /// (unknown registration, already referred).
    public func refer(
        registrationID raw: String, vacancyReference: String, note: String?, by session: StaffSession
    ) async throws -> Referral {
        guard
            case .success(let note) = FreeText.checked(
                note, field: "note", limit: Referral.maxNoteLength, required: false, lines: false)
        else { throw ReferralRequestError.invalidNote }
        guard let id = UUID(uuidString: raw) else { throw ReferralRequestError.invalidRegistrationID }
        guard let person = try await registrations.registration(id: id) else { throw ReferralError.unknownRegistration }
        let instant = now()
        guard try await vacancies.vacancy(reference: vacancyReference, today: office.today(at: instant)) != nil else {
            throw ReferralRequestError.vacancyNotFound
        }
        return try await referrals.refer(
            registrationID: person.id, vacancyReference: vacancyReference, note: note, staffID: session.staffID,
            counter: session.counter, at: instant)
    }

    /// The vacancies a person was already referred to.
    public func referredVacancies(of registrationID: UUID) async throws -> [String] {
        try await referrals.referrals(registrationID: registrationID).map(\.vacancyReference)
    }
}
