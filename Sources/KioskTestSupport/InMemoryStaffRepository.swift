public import Foundation
public import KioskCore
import Synchronization

/// Staff accounts and sessions kept in memory, with PINs kept as typed (no hashing): for
/// use-case tests. Counts wrong PINs and locks accounts by `SignInPolicy`, as the SQLite store.
public final class InMemoryStaffRepository: StaffRepository {
    struct Account {
        var displayName: String
        var role: StaffRole
        var pin: String
        var failures = 0
        var lockedUntil: Date?
    }
    struct State {
        var accounts: [String: Account] = [:]
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
        state.withLock { $0.accounts[id] = Account(displayName: displayName, role: role, pin: pin) }
    }

    public func signIn(username: String, pin: String, counter: Int, at instant: Date) async throws -> StaffSession {
        guard counters.contains(counter) else { throw SignInError.unknownCounter }
        let policy = policy
        return try state.withLock { state in
            guard var account = state.accounts[username] else { throw SignInError.wrongUsernameOrPIN }
            if let locked = account.lockedUntil, locked > instant { throw SignInError.locked(until: locked) }
            defer { state.accounts[username] = account }
            guard account.pin == pin else {
                (account.failures, account.lockedUntil) = policy.failure(after: account.failures, at: instant)
                if let until = account.lockedUntil { throw SignInError.locked(until: until) }
                throw SignInError.wrongUsernameOrPIN
            }
            account.failures = 0
            account.lockedUntil = nil
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

    public func session(token: String, at instant: Date) async throws -> StaffSession? {
        state.withLock { state in state.sessions[token].flatMap { $0.expiresAt > instant ? $0 : nil } }
    }

    public func signOut(token: String, at instant: Date) async throws {
        _ = state.withLock { $0.sessions.removeValue(forKey: token) }
    }

    public func staffCount() async throws -> Int { state.withLock { $0.accounts.count } }
}
