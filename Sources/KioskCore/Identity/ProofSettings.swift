public import Foundation

/// How long proofs and the screen sessions they are bound to last.
public struct ProofSettings: Sendable, Equatable {
    /// A proof token unused this long is gone (each use gives it this long again, up to
    /// `tokenMaximumLifetime` after it was given).
    public var tokenLifetime: TimeInterval
    public var tokenMaximumLifetime: TimeInterval
    /// A screen session nothing has happened in for this long is gone, with its proof.
    public var sessionLifetime: TimeInterval
    /// Most screen sessions held at once (kiosks and their reloads); the least recently used go first.
    public var maximumSessions: Int
    /// A one-time code sent to a phone is good for this long, and for `codeAttempts` tries.
    public var codeLifetime: TimeInterval
    public var codeAttempts: Int

    public init(
        tokenLifetime: TimeInterval = 5 * 60, tokenMaximumLifetime: TimeInterval = 30 * 60,
        sessionLifetime: TimeInterval = 30 * 60, maximumSessions: Int = 256, codeLifetime: TimeInterval = 5 * 60,
        codeAttempts: Int = 3
    ) {
        self.tokenLifetime = tokenLifetime
        self.tokenMaximumLifetime = max(tokenLifetime, tokenMaximumLifetime)
        self.sessionLifetime = sessionLifetime
        self.maximumSessions = maximumSessions
        self.codeLifetime = codeLifetime
        self.codeAttempts = codeAttempts
    }
}
