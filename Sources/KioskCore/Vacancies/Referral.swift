public import Foundation

/// A member of staff sending a jobseeker to a vacancy. It syncs to the LMIS, which counts
/// referrals and, later, placements that followed them.
public struct Referral: Sendable, Hashable, Codable {
    public var id: UUID
    public var registrationID: UUID
    public var vacancyReference: String
    public var staffID: String
    public var counter: Int
    /// What staff noted for the employer or the file (at most 200 characters).
    public var note: String?
    public var createdAt: Date

    public init(
        id: UUID, registrationID: UUID, vacancyReference: String, staffID: String, counter: Int, note: String?,
        createdAt: Date
    ) {
        self.id = id
        self.registrationID = registrationID
        self.vacancyReference = vacancyReference
        self.staffID = staffID
        self.counter = counter
        self.note = note
        self.createdAt = createdAt
    }

    public static let maxNoteLength = 200
}

public enum ReferralError: Error, Hashable, Sendable {
    case unknownRegistration
    /// The person was already referred to this vacancy (once is enough).
    case alreadyReferred(Referral)
}

/// Records referrals with their outbox record and the staff audit, in one transaction.
public protocol ReferralRepository: Sendable {
    func refer(
        registrationID: UUID, vacancyReference: String, note: String?, staffID: String, counter: Int, at instant: Date
    ) async throws -> Referral
    func referrals(registrationID: UUID) async throws -> [Referral]
}
