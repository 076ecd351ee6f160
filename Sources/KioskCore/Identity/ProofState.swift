public import Foundation

/// What `IdentityProofs` keeps across a restart of the service: the live screen sessions and
/// proof tokens, each under the SHA-256 of its secret (never the secret itself), with the
/// bindings and times that decide whether they still hold. A one-time code waiting to be typed
/// is not kept: after a restart the visitor asks for a new one.
public struct ProofState: Sendable, Equatable, Codable {
    public struct Session: Sendable, Equatable, Codable {
        /// The digest of the session id.
        public var key: String
        /// The code the screen shows for an officer to confirm the visitor.
        public var code: String
        public var touchedAt: Date
        /// The person an officer confirmed for this screen, until the screen collects the proof.
        public var releasedRegistrationID: UUID?
        public var releasedAt: Date?
    }

    public struct Token: Sendable, Equatable, Codable {
        /// The digest of the token.
        public var key: String
        public var registrationID: UUID
        /// The digest of the screen session the token is bound to.
        public var session: String
        public var method: ProofMethod
        public var issuedAt: Date
        public var expiresAt: Date
    }

    public var sessions: [Session]
    public var tokens: [Token]

    public init(sessions: [Session] = [], tokens: [Token] = []) {
        self.sessions = sessions
        self.tokens = tokens
    }
}

/// Where `IdentityProofs` keeps its `ProofState` (one record, replaced on each change).
public protocol ProofStateStore: Sendable {
    /// The state kept last; nil before any.
    func load() async throws -> ProofState?
    func save(_ state: ProofState) async throws
}
