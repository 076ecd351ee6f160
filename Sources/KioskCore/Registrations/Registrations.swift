public import Foundation

/// The registration use case: a visitor (or a member of staff for them) registers, is found
/// again, and updates their details; every change is kept as a revision. HTTP handlers and
/// commands call this; it holds the rules and reads the time from its injected clock.
public struct Registrations: Sendable {
    let repository: any RegistrationRepository
    let validator: RegistrationValidator
    let office: Office
    let now: @Sendable () -> Date

    public init(
        repository: any RegistrationRepository, validator: RegistrationValidator, office: Office,
        now: @escaping @Sendable () -> Date
    ) {
        self.repository = repository
        self.validator = validator
        self.office = office
        self.now = now
    }

    /// Registers a new person from the submitted form; the person a `requestKey` already
    /// registered is answered again. Throws `ValidationFailure` (fields refused) or
    /// `RegistrationStoreError.alreadyRegistered`.
    public func register(_ form: RegistrationForm, by channel: RegistrationChannel, requestKey: RequestKey? = nil)
        async throws -> Registration
    {
        let instant = now()
        let details = try validated(form, at: instant)
        return try await repository.register(details, at: instant, by: channel, requestKey: requestKey)
    }

    /// Updates an existing registration in place: it keeps its id, reference, tickets, referrals
    /// and fingers, and its earlier revision is kept. `keepPhone` with no phone keeps the stored
    /// number (the kiosk never shows it in full).
    /// Throws `ValidationFailure`, `RegistrationStoreError.notFound` or `.registryNumberChanged`.
    public func update(id: UUID, with form: RegistrationForm, by channel: RegistrationChannel) async throws
        -> Registration
    {
        var form = form
        if form.keepPhone == true, (form.phone ?? "").isEmpty {
            guard let existing = try await repository.registration(id: id) else {
                throw RegistrationStoreError.notFound
            }
            form.phone = existing.details.phone.digits
        }
        let instant = now()
        let details = try validated(form, at: instant)
        return try await repository.update(id: id, with: details, at: instant, by: channel)
    }

    /// The errors of the named fields only (a step of the kiosk's form), empty when they are fine.
    public func errors(in form: RegistrationForm, fields: Set<RegistrationField>) -> [FieldError] {
        validator.errors(in: form, fields: fields, today: office.today(at: now()))
    }

    /// A typed registry number checked against today's date, or the field's error.
    public func registryNumber(_ typed: String) throws(ValidationFailure) -> RegistryNumber {
        do {
            return try RegistryNumber(parsing: typed, today: office.today(at: now()))
        } catch {
            throw ValidationFailure(errors: [FieldError(field: .registryNumber, registryNumber: error)])
        }
    }

    public func registration(id: UUID) async throws -> Registration? {
        try await repository.registration(id: id)
    }

    public func registration(registryNumber: RegistryNumber) async throws -> Registration? {
        try await repository.registration(registryNumber: registryNumber)
    }

    /// Every kept revision of a registration, oldest first; `RegistrationStoreError.notFound`
    /// when the office holds no such registration.
    public func revisions(of id: UUID) async throws -> [RegistrationRevision] {
        let revisions = try await repository.revisions(of: id)
        guard !revisions.isEmpty else { throw RegistrationStoreError.notFound }
        return revisions
    }

    func validated(_ form: RegistrationForm, at instant: Date) throws(ValidationFailure) -> RegistrationDetails {
        try validator.validate(form, today: office.today(at: instant), now: instant).get()
    }
}
