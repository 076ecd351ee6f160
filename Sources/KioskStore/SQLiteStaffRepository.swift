import Crypto
public import Foundation
import GRDB
public import KioskCore
import Synchronization

/// Staff accounts, sessions and the audit of sign-ins. The slow PIN check runs outside the
/// write transactions, so a sign-in never holds up the queue; the attempt is counted (per
/// username and source address, `staff_sign_in_failure`) in a write before the PIN is checked,
/// so concurrent wrong PINs are counted exactly. Sessions are kept by the SHA-256 of their
/// token: the database alone opens no session.
public struct SQLiteStaffRepository: StaffRepository {
    let database: AppDatabase
    let hasher: any PINHasher
    let policy: SignInPolicy
    /// Counters that exist in the office.
    let counters: Set<Int>
    /// Sessions read in the last few seconds: every staff action checks its session, and a
    /// database read per action is a round trip the counters feel at rush hour.
    let recent = SessionCache()
    /// A real hash of a random PIN, checked for unknown usernames so that they take as long
    /// as known ones.
    let dummy: DummyHash

    public init(database: AppDatabase, hasher: any PINHasher, policy: SignInPolicy = SignInPolicy(), counters: Set<Int>)
    {
        self.database = database
        self.hasher = hasher
        self.policy = policy
        self.counters = counters
        self.dummy = DummyHash(hasher: hasher)
    }

    /// Throws `PINRuleError` for a PIN the policy refuses.
    public func addStaff(id: String, displayName: String, role: StaffRole, pin: String, at instant: Date) async throws {
        try policy.check(newPIN: pin)
        let hash = try hasher.hash(pin)
        try await database.write { db in
            try db.run(
                """
                INSERT INTO staff (id, display_name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
                    pin_hash = excluded.pin_hash, failed_attempts = 0, locked_until = NULL
                """, [id, displayName, role.rawValue, hash, Outbox.utcTimestamp(instant)])
            // A new PIN also lifts every lock of the account.
            try db.run("DELETE FROM staff_sign_in_failure WHERE staff_id = ?", [id])
            try Self.audit(db, staffID: id, action: "accountSaved", counter: nil, at: instant)
        }
    }

    public func signIn(username: String, pin: String, counter: Int, source: String, at instant: Date) async throws
        -> StaffSession
    {
        guard counters.contains(counter) else { throw SignInError.unknownCounter }
        let policy = policy
        // The attempt is counted, or refused while locked, before any PIN is checked. Unknown
        // usernames are counted the same way, so a lock tells nothing about which exist.
        let (account, reserved) = try await database.write { db -> (StaffRow?, SignInAttempts) in
            let key: [String: (any DatabaseValueConvertible)?] = ["staff_id": username, "source": source]
            let row = try SignInFailureRow.fetchOne(db, key: key)
            let earlier = SignInAttempts(
                failures: row?.failures ?? 0, lockedUntil: try row?.lockedUntil.map(Outbox.parseUTCTimestamp))
            let reserved = try policy.reserve(after: earlier, at: instant)
            try SignInFailureRow(
                staffId: username, source: source, failures: reserved.failures,
                lockedUntil: reserved.lockedUntil.map(Outbox.utcTimestamp), lastAt: Outbox.utcTimestamp(instant)
            ).save(db)
            // Pairs quiet for a day and not locked are forgotten, a few at a time: usernames
            // sprayed from many addresses cannot grow the table beyond a day's attempts.
            let dayAgo = Outbox.utcTimestamp(instant.addingTimeInterval(-SignInPolicy.forgetAfter))
            try db.run(
                """
                DELETE FROM staff_sign_in_failure WHERE (staff_id, source) IN (
                    SELECT staff_id, source FROM staff_sign_in_failure
                    WHERE (last_at IS NULL OR last_at < ?) AND (locked_until IS NULL OR locked_until < ?)
                    LIMIT 100)
                """, [dayAgo, Outbox.utcTimestamp(instant)])
            return (try StaffRow.fetchOne(db, key: username), reserved)
        }
        // The same slow hash for unknown usernames as for known ones.
        let correct = hasher.verify(pin, against: account?.pinHash ?? dummy.hash) && account != nil
        let token = Self.newToken()
        let outcome: Result<StaffSession, SignInError> = try await database.write { db in
            guard let account, correct else {
                let lockedUntil = reserved.lockedUntil
                if account != nil {
                    try Self.audit(
                        db, staffID: username, action: lockedUntil == nil ? "signInFailed" : "locked", counter: counter,
                        at: instant)
                }
                return .failure(lockedUntil.map { .locked(until: $0) } ?? .wrongUsernameOrPIN)
            }
            try db.run("DELETE FROM staff_sign_in_failure WHERE staff_id = ? AND source = ?", [username, source])
            let expires = instant.addingTimeInterval(policy.sessionLength)
            // One counter, one officer: an earlier session at this counter ends.
            try db.run(
                "UPDATE staff_session SET ended_at = ? WHERE counter = ? AND ended_at IS NULL",
                [Outbox.utcTimestamp(instant), counter])
            try StaffSessionRow(
                tokenHash: Self.tokenHash(token), staffId: username, counter: counter,
                createdAt: Outbox.utcTimestamp(instant), expiresAt: Outbox.utcTimestamp(expires)
            ).insert(db)
            try Self.audit(db, staffID: username, action: "signIn", counter: counter, at: instant)
            return .success(
                StaffSession(
                    token: token, staffID: username, displayName: account.displayName,
                    role: StaffRole(rawValue: account.role) ?? .staff, counter: counter, expiresAt: expires))
        }
        // A sign-in may have ended another session at this counter.
        if case .success = outcome { recent.invalidate() }
        return try outcome.get()
    }

    public func unlock(username: String, by head: StaffSession, at instant: Date) async throws -> Bool {
        try await database.write { db in
            guard try StaffRow.fetchOne(db, key: username) != nil else { return false }
            try db.run("DELETE FROM staff_sign_in_failure WHERE staff_id = ?", [username])
            try Self.audit(
                db, staffID: head.staffID, action: "unlocked:\(username)", counter: head.counter, at: instant)
            return true
        }
    }

    public func session(token: String, at instant: Date) async throws -> StaffSession? {
        if let cached = recent.session(token, at: instant) { return cached }
        let generation = recent.generation
        let hash = Self.tokenHash(token)
        let found = try await database.writer.read { db -> StaffSession? in
            try ActiveSessionRow.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT s.staff_id, s.counter, s.expires_at, a.display_name, a.role
                        FROM staff_session s JOIN staff a ON a.id = s.staff_id
                        WHERE s.token_hash = ? AND s.ended_at IS NULL AND s.expires_at > ?
                        """), arguments: [hash, Outbox.utcTimestamp(instant)]
            )?.session(token: token)
        }
        if let found { recent.keep(found, readIn: generation) }
        return found
    }

    public func signOut(token: String, at instant: Date) async throws {
        defer { recent.invalidate() }
        let hash = Self.tokenHash(token)
        try await database.write { db in
            guard
                var row = try StaffSessionRow.filter(Column("token_hash") == hash && Column("ended_at") == nil)
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

    /// What is kept of a session token: its SHA-256, as hex.
    static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// 32 random bytes (256 bits) as hex: the session cookie.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let value: UInt64 = generator.next()
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

/// A real hash of a random PIN, made once on first use (yescrypt takes a moment).
final class DummyHash: Sendable {
    let hasher: any PINHasher
    private let made = Mutex<String?>(nil)

    init(hasher: any PINHasher) { self.hasher = hasher }

    var hash: String {
        made.withLock { made in
            if let made { return made }
            let random = (0..<12).map { _ in String(Int.random(in: 0...9)) }.joined()
            let hash = (try? hasher.hash(random)) ?? ""
            made = hash
            return hash
        }
    }
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
