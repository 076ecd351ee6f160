public import Foundation
public import KioskCore
import Synchronization

/// Staff accounts and sessions kept in memory, with PINs kept as typed (no hashing): for
/// use-case tests. Checks new PINs, counts wrong PINs per username and source and locks by
/// `SignInPolicy`, as the SQLite store.
public final class InMemoryStaffRepository: StaffRepository {
    struct Account {
        var displayName: String
        var role: StaffRole
        var pin: String
    }
    struct State {
        var accounts: [String: Account] = [:]
        /// By username and source.
        var attempts: [String: [String: SignInAttempts]] = [:]
        var unlockedBy: [(username: String, head: String)] = []
        var sessions: [String: StaffSession] = [:]
        var tokens = 0
    }
    private let state = Mutex(State())
    let policy: SignInPolicy
    let counters: Set<Int>

    public init(policy: SignInPolicy = SignInPolicy(), counters: Set<Int> = [1, 2, 3, 4, 5, 6]) {
        self.policy = policy
        self.counters = counters
    }

    public func addStaff(id: String, displayName: String, role: StaffRole, pin: String, at instant: Date) async throws {
        try policy.check(newPIN: pin)
        state.withLock {
            $0.accounts[id] = Account(displayName: displayName, role: role, pin: pin)
            $0.attempts[id] = nil
        }
    }

    public func signIn(username: String, pin: String, counter: Int, source: String, at instant: Date) async throws
        -> StaffSession
    {
        guard counters.contains(counter) else { throw SignInError.unknownCounter }
        let policy = policy
        return try state.withLock { state in
            let reserved = try policy.reserve(
                after: state.attempts[username, default: [:]][source] ?? SignInAttempts(), at: instant)
            state.attempts[username, default: [:]][source] = reserved
            guard let account = state.accounts[username], account.pin == pin else {
                if let until = reserved.lockedUntil { throw SignInError.locked(until: until) }
                throw SignInError.wrongUsernameOrPIN
            }
            state.attempts[username, default: [:]][source] = nil
            state.tokens += 1
            // One counter, one officer: an earlier session at this counter ends.
            state.sessions = state.sessions.filter { $0.value.counter != counter }
            let session = StaffSession(
                token: "token-\(state.tokens)", staffID: username, displayName: account.displayName,
                role: account.role, counter: counter, expiresAt: instant.addingTimeInterval(policy.sessionLength))
            state.sessions[session.token] = session
            return session
        }
    }

    public func unlock(username: String, by head: StaffSession, at instant: Date) async throws -> Bool {
        state.withLock { state in
            guard state.accounts[username] != nil else { return false }
            state.attempts[username] = nil
            state.unlockedBy.append((username, head.staffID))
            return true
        }
    }

    /// Who lifted whose locks, in order.
    public var unlocks: [(username: String, head: String)] { state.withLock { $0.unlockedBy } }

    public func session(token: String, at instant: Date) async throws -> StaffSession? {
        state.withLock { state in state.sessions[token].flatMap { $0.expiresAt > instant ? $0 : nil } }
    }

    public func signOut(token: String, at instant: Date) async throws {
        _ = state.withLock { $0.sessions.removeValue(forKey: token) }
    }

    public func staffCount() async throws -> Int { state.withLock { $0.accounts.count } }
}
