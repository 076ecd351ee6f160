public import Foundation
public import KioskCore
import Synchronization

/// Registrations kept in memory, for use-case and router tests without SQLite. Follows the same
/// contract as `SQLiteRegistrationRepository` (one registration per registry number, updates in
/// place with a kept revision, references counted per office); `failure` makes every call throw
/// it, to test how callers take a store that fails.
public final class InMemoryRegistrationRepository: RegistrationRepository {
    struct State {
        var registrations: [UUID: Registration] = [:]
        var revisions: [UUID: [RegistrationRevision]] = [:]
        var counter: Int64 = 0
        var failure: (any Error)?
        /// Request keys and the registration each made.
        var requestKeys: [String: UUID] = [:]
    }
    private let state = Mutex(State())
    let officeCode: String

    public init(officeCode: String = Fixtures.office.code) {
        self.officeCode = officeCode
    }

    /// From now on every call throws `error` (nil: works again).
    public func fail(with error: (any Error)?) {
        state.withLock { $0.failure = error }
    }

    public func register(
        _ details: RegistrationDetails, at instant: Date, by channel: RegistrationChannel, requestKey: RequestKey?
    ) async throws -> Registration {
        try state.withLock { state in
            if let failure = state.failure { throw failure }
            if let requestKey, let id = state.requestKeys[requestKey.value], let kept = state.registrations[id] {
                return kept
            }
            if let existing = state.registrations.values.first(where: {
                $0.details.registryNumber == details.registryNumber
            }) {
                throw RegistrationStoreError.alreadyRegistered(existing.id)
            }
            state.counter += 1
            let registration = Registration(
                id: UUIDv7.make(at: instant),
                reference: Registration.reference(officeCode: officeCode, number: state.counter),
                officeCode: officeCode, revision: 1, details: details, createdAt: instant, updatedAt: instant)
            state.registrations[registration.id] = registration
            if let requestKey { state.requestKeys[requestKey.value] = registration.id }
            state.revisions[registration.id] = [
                RegistrationRevision(
                    registrationID: registration.id, revision: 1, at: instant, channel: channel,
                    changedFields: RegistrationDetails.allStoredFields, snapshot: RegistrationSnapshot(registration))
            ]
            return registration
        }
    }

    public func update(
        id: UUID, with details: RegistrationDetails, at instant: Date, by channel: RegistrationChannel
    ) async throws -> Registration {
        try state.withLock { state in
            if let failure = state.failure { throw failure }
            guard var registration = state.registrations[id] else { throw RegistrationStoreError.notFound }
            guard registration.details.registryNumber == details.registryNumber else {
                throw RegistrationStoreError.registryNumberChanged
            }
            let changed = registration.details.changedFields(to: details)
            registration.details = details
            registration.revision += 1
            registration.updatedAt = instant
            state.registrations[id] = registration
            state.revisions[id, default: []].append(
                RegistrationRevision(
                    registrationID: id, revision: registration.revision, at: instant, channel: channel,
                    changedFields: changed, snapshot: RegistrationSnapshot(registration)))
            return registration
        }
    }

    public func registration(id: UUID) async throws -> Registration? {
        try state.withLock { state in
            if let failure = state.failure { throw failure }
            return state.registrations[id]
        }
    }

    public func registration(registryNumber: RegistryNumber) async throws -> Registration? {
        try state.withLock { state in
            if let failure = state.failure { throw failure }
            return state.registrations.values.first { $0.details.registryNumber == registryNumber }
        }
    }

    public func revisions(of id: UUID) async throws -> [RegistrationRevision] {
        try state.withLock { state in
            if let failure = state.failure { throw failure }
            return state.revisions[id] ?? []
        }
    }
}
