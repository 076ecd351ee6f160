public import Foundation
import GRDB
public import KioskCore
import Synchronization

/// Staff accounts, sessions and the audit of sign-ins. The slow PIN check runs outside the
/// write transaction, so a sign-in never holds up the queue.
public struct SQLiteStaffRepository: StaffRepository {
    let database: AppDatabase
    let hasher: any PINHasher
    let policy: SignInPolicy
    /// Counters that exist in the office.
    let counters: Set<Int>
    /// Sessions read in the last few seconds: every staff action checks its session, and a
    /// database read per action is a round trip the counters feel at rush hour.
    let recent = SessionCache()

    public init(database: AppDatabase, hasher: any PINHasher, policy: SignInPolicy = SignInPolicy(), counters: Set<Int>)
    {
        self.database = database
        self.hasher = hasher
        self.policy = policy
        self.counters = counters
    }

    public func addStaff(id: String, displayName: String, role: StaffRole, pin: String, at instant: Date) async throws {
        guard SignInPolicy.isValidPIN(pin) else { throw StaffStoreError.invalidPIN }
        let hash = try hasher.hash(pin)
        try await database.write { db in
            try db.run(
                """
                INSERT INTO staff (id, display_name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
                    pin_hash = excluded.pin_hash, failed_attempts = 0, locked_until = NULL
                """, [id, displayName, role.rawValue, hash, Outbox.utcTimestamp(instant)])
            try Self.audit(db, staffID: id, action: "accountSaved", counter: nil, at: instant)
        }
    }

    public func signIn(username: String, pin: String, counter: Int, at instant: Date) async throws -> StaffSession {
        guard counters.contains(counter) else { throw SignInError.unknownCounter }
        let account = try await database.writer.read { db in
            try StaffRow.fetchOne(db, key: username)
        }
        guard let account else {
            // Same work and answer as a wrong PIN, so usernames cannot be probed.
            _ = hasher.verify(pin, against: "$y$j9T$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            throw SignInError.wrongUsernameOrPIN
        }
        if let locked = try account.lockedUntil.map(Outbox.parseUTCTimestamp), locked > instant {
            throw SignInError.locked(until: locked)
        }
        let correct = hasher.verify(pin, against: account.pinHash)
        let displayName = account.displayName
        let role = StaffRole(rawValue: account.role) ?? .staff
        let policy = policy
        let token = Self.newToken()
        let outcome: Result<StaffSession, SignInError> = try await database.write { db in
            if correct {
                try db.run("UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?", [username])
                let expires = instant.addingTimeInterval(policy.sessionLength)
                // One counter, one officer: an earlier session at this counter ends.
                try db.run(
                    "UPDATE staff_session SET ended_at = ? WHERE counter = ? AND ended_at IS NULL",
                    [Outbox.utcTimestamp(instant), counter])
                try StaffSessionRow(
                    token: token, staffId: username, counter: counter, createdAt: Outbox.utcTimestamp(instant),
                    expiresAt: Outbox.utcTimestamp(expires)
                ).insert(db)
                try Self.audit(db, staffID: username, action: "signIn", counter: counter, at: instant)
                return .success(
                    StaffSession(
                        token: token, staffID: username, displayName: displayName, role: role, counter: counter,
                        expiresAt: expires))
            }
            let earlier =
                try Int.fetchOne(db, sql: "SELECT failed_attempts FROM staff WHERE id = ?", arguments: [username]) ?? 0
            let (failures, lockedUntil) = policy.failure(after: earlier, at: instant)
            if let until = lockedUntil {
                try db.run(
                    "UPDATE staff SET failed_attempts = 0, locked_until = ? WHERE id = ?",
                    [Outbox.utcTimestamp(until), username])
                try Self.audit(db, staffID: username, action: "locked", counter: counter, at: instant)
                return .failure(.locked(until: until))
            }
            try db.run("UPDATE staff SET failed_attempts = ? WHERE id = ?", [failures, username])
            try Self.audit(db, staffID: username, action: "signInFailed", counter: counter, at: instant)
            return .failure(.wrongUsernameOrPIN)
        }
        // A sign-in may have ended another session at this counter.
        recent.invalidate()
        return try outcome.get()
    }

    public func session(token: String, at instant: Date) async throws -> StaffSession? {
        if let cached = recent.session(token, at: instant) { return cached }
        let generation = recent.generation
        let found = try await database.writer.read { db -> StaffSession? in
            try ActiveSessionRow.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT s.token, s.staff_id, s.counter, s.expires_at, a.display_name, a.role
                        FROM staff_session s JOIN staff a ON a.id = s.staff_id
                        WHERE s.token = ? AND s.ended_at IS NULL AND s.expires_at > ?
                        """), arguments: [token, Outbox.utcTimestamp(instant)]
            )?.session()
        }
        if let found { recent.keep(found, readIn: generation) }
        return found
    }

    public func signOut(token: String, at instant: Date) async throws {
        defer { recent.invalidate() }
        try await database.write { db in
            guard
                var row = try StaffSessionRow.filter(Column("token") == token && Column("ended_at") == nil)
                    .fetchOne(db)
            else { return }
            row.endedAt = Outbox.utcTimestamp(instant)
            try row.update(db, columns: ["ended_at"])
            try Self.audit(db, staffID: row.staffId, action: "signOut", counter: row.counter, at: instant)
        }
    }

    public func staffCount() async throws -> Int {
        try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM staff") ?? 0 }
    }

    static func audit(_ db: Database, staffID: String, action: String, counter: Int?, at instant: Date) throws {
        try StaffAuditRow(staffId: staffID, action: action, counter: counter, at: Outbox.utcTimestamp(instant))
            .insert(db)
    }

    /// 32 random bytes as hex: the session cookie.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let value: UInt64 = generator.next()
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

public struct StaffStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    private let code: String
    public static let invalidPIN = Self(code: "invalidPIN")
    public var description: String { code }
}

/// Staff sessions read from the database in the last `lifetime`, by token. Every sign-in and
/// sign-out in this process empties it (a sign-in ends any earlier session at its counter), and a
/// read that began before that is not kept; a session ended elsewhere (a technician's command)
/// lasts at most the lifetime.
final class SessionCache: Sendable {
    static let lifetime: Duration = .seconds(5)
    private struct State {
        var generation = 0
        var entries: [String: (session: StaffSession, readAt: ContinuousClock.Instant)] = [:]
    }
    private let state = Mutex(State())

    var generation: Int { state.withLock { $0.generation } }

    func session(_ token: String, at instant: Date) -> StaffSession? {
        state.withLock { state in
            guard let entry = state.entries[token] else { return nil }
            guard entry.readAt.duration(to: .now) < Self.lifetime, entry.session.expiresAt > instant else {
                state.entries[token] = nil
                return nil
            }
            return entry.session
        }
    }

    /// Keeps a session read while the cache was at `generation`, unless a sign-in or sign-out
    /// has happened since.
    func keep(_ session: StaffSession, readIn generation: Int) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count > 1000 { state.entries.removeAll() }
            state.entries[session.token] = (session, .now)
        }
    }

    func invalidate() {
        state.withLock { state in
            state.generation += 1
            state.entries.removeAll()
        }
    }
}
