public import Foundation

/// The key a screen sends with a request that creates something (`Idempotency-Key`: a UUID made
/// for each tap's intent). The store records it in the same transaction as the ticket,
/// registration or grievance it creates, so the request sent again (a second tap, a retry after a
/// lost answer, a retry after the service was killed before it could keep its answer) finds
/// that record and answers from it instead of creating a second one.
public struct RequestKey: Sendable, Hashable {
    /// The UUID, lowercased.
    public let value: String
    /// What the first answer carried that the record keeps only as a digest (a ticket's rating
    /// code), kept with the key for its lifetime so that an answer made again carries it too.
    public var secret: String?

    /// Nil for a key that is not a UUID.
    public init?(_ raw: String, secret: String? = nil) {
        guard let uuid = UUID(uuidString: raw) else { return nil }
        self.value = uuid.uuidString.lowercased()
        self.secret = secret
    }

    /// How long a key is remembered: as long as an answer is kept (`StoredAnswer.lifetime`).
    public static let lifetime = StoredAnswer.lifetime
}

/// What a recorded `RequestKey` names: the record a request created, and the kept secret.
public struct RequestKeyRecord: Sendable, Hashable {
    public let recordID: UUID
    public let secret: String?

    public init(recordID: UUID, secret: String?) {
        self.recordID = recordID
        self.secret = secret
    }
}

/// The kinds of record a `RequestKey` is kept with; the same key on another kind is another request.
public enum RequestKind: String, Sendable {
    case ticket, registration, grievance
}
