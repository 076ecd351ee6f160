public import Foundation
public import KioskCore
import Synchronization

/// Referrals kept in memory, for use-case tests: one per person and vacancy, as the SQLite store.
public final class InMemoryReferralRepository: ReferralRepository {
    private let referrals = Mutex<[Referral]>([])

    public init() {}

    public func refer(
        registrationID: UUID, vacancyReference: String, note: String?, staffID: String, counter: Int, at instant: Date
    ) async throws -> Referral {
        try referrals.withLock { referrals in
            if let existing = referrals.first(where: {
                $0.registrationID == registrationID && $0.vacancyReference == vacancyReference
            }) {
                throw ReferralError.alreadyReferred(existing)
            }
            let referral = Referral(
                id: UUIDv7.make(at: instant), registrationID: registrationID, vacancyReference: vacancyReference,
                staffID: staffID, counter: counter, note: note, createdAt: instant)
            referrals.append(referral)
            return referral
        }
    }

    public func referrals(registrationID: UUID) async throws -> [Referral] {
        referrals.withLock { $0.filter { $0.registrationID == registrationID } }
    }
}
