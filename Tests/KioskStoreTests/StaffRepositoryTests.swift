import Crypto
import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import Synchronization
import Testing

@testable import KioskStore

/// yescrypt, recording what it hashed and what it checked against.
final class RecordingHasher: PINHasher {
    let real = YescryptPINHasher()
    let made = Mutex<[String]>([])
    let checked = Mutex<[String]>([])

    func hash(_ pin: String) throws -> String {
        let hash = try real.hash(pin)
        made.withLock { $0.append(hash) }
        return hash
    }

    func verify(_ pin: String, against hash: String) -> Bool {
        checked.withLock { $0.append(hash) }
        return real.verify(pin, against: hash)
    }
}

@Suite("Staff sign-in")
struct StaffRepositoryTests {
    static let pin = "470913"
    static let other = "583920"
    static let pc = "192.168.1.20"

    @Test func pinsAreStoredAsYescryptHashes() throws {
        let hasher = YescryptPINHasher()
        let hash = try hasher.hash("2468")
        #expect(hash.hasPrefix("$y$"))
        #expect(hash != (try hasher.hash("2468")))  // salted
        #expect(hasher.verify("2468", against: hash))
        #expect(!hasher.verify("2469", against: hash))
        #expect(!hasher.verify("2468", against: "not a hash"))
    }

    @Test func fiveFailuresFromOneSourceLockItForAWhile() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let staff = SQLiteStaffRepository(database: temp.database, hasher: YescryptPINHasher(), counters: [1, 2])
        let now = Fixtures.now
        try await staff.addStaff(id: "bat", displayName: "Бат", role: .staff, pin: Self.pin, at: now)
        for _ in 0..<4 {
            await #expect(throws: SignInError.wrongUsernameOrPIN) {
                try await staff.signIn(username: "bat", pin: "000000", counter: 1, source: "10.0.0.66", at: now)
            }
        }
        let until = now.addingTimeInterval(15 * 60)
        await #expect(throws: SignInError.locked(until: until)) {
            try await staff.signIn(username: "bat", pin: "000000", counter: 1, source: "10.0.0.66", at: now)
        }
        // Even the right PIN waits out the lock from there…
        await #expect(throws: SignInError.locked(until: until)) {
            try await staff.signIn(
                username: "bat", pin: Self.pin, counter: 1, source: "10.0.0.66", at: now.addingTimeInterval(60))
        }
        // …but not from the officer's own PC.
        let own = try await staff.signIn(username: "bat", pin: Self.pin, counter: 2, source: Self.pc, at: now)
        #expect(own.counter == 2)
        let session = try await staff.signIn(username: "bat", pin: Self.pin, counter: 2, source: "10.0.0.66", at: until)
        #expect(session.counter == 2)
        let audit = try await temp.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT action FROM staff_audit WHERE staff_id = 'bat' ORDER BY seq")
        }
        #expect(
            audit == ["accountSaved"] + Array(repeating: "signInFailed", count: 4) + ["locked", "signIn", "signIn"])
    }

    @Test func theHeadLiftsALockAndTheAuditSaysWho() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let staff = SQLiteStaffRepository(database: temp.database, hasher: YescryptPINHasher(), counters: [1, 2])
        let now = Fixtures.now
        try await staff.addStaff(id: "bat", displayName: "Бат", role: .staff, pin: Self.pin, at: now)
        try await staff.addStaff(id: "darga", displayName: "Дарга", role: .head, pin: Self.other, at: now)
        for _ in 0..<5 {
            await #expect(throws: SignInError.self) {
                try await staff.signIn(username: "bat", pin: "000000", counter: 1, source: Self.pc, at: now)
            }
        }
        let head = try await staff.signIn(username: "darga", pin: Self.other, counter: 2, source: Self.pc, at: now)
        #expect(try await staff.unlock(username: "bat", by: head, at: now))
        #expect(try await !staff.unlock(username: "nobody", by: head, at: now))
        #expect(
            try await staff.signIn(username: "bat", pin: Self.pin, counter: 1, source: Self.pc, at: now).staffID
                == "bat")
        let audit = try await temp.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT staff_id, action, counter FROM staff_audit WHERE action LIKE 'unlocked%'")
        }
        #expect(audit.map { [$0["staff_id"] as String, $0["action"] as String] } == [["darga", "unlocked:bat"]])
    }

    @Test func unknownUsersCostTheSameHashAndGetTheSameAnswers() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let hasher = RecordingHasher()
        let staff = SQLiteStaffRepository(database: temp.database, hasher: hasher, counters: [1])
        await #expect(throws: SignInError.wrongUsernameOrPIN) {
            try await staff.signIn(username: "nobody", pin: Self.pin, counter: 1, source: Self.pc, at: Fixtures.now)
        }
        // A real yescrypt hash made by the hasher was checked: the same work as for a known user.
        let checked = hasher.checked.withLock { $0 }
        #expect(checked.count == 1)
        #expect(checked.first?.hasPrefix("$y$") == true && hasher.made.withLock { $0 } == checked)
        // Unknown usernames lock like known ones, so a lock reveals nothing.
        for _ in 0..<3 {
            _ = try? await staff.signIn(
                username: "nobody", pin: Self.pin, counter: 1, source: Self.pc, at: Fixtures.now)
        }
        let locked = await #expect(throws: SignInError.self) {
            try await staff.signIn(username: "nobody", pin: Self.pin, counter: 1, source: Self.pc, at: Fixtures.now)
        }
        #expect(locked?.identifier == "locked")
        await #expect(throws: SignInError.unknownCounter) {
            try await staff.signIn(username: "nobody", pin: Self.pin, counter: 9, source: Self.pc, at: Fixtures.now)
        }
    }

    /// The same slow hash runs for an unknown username as for a known one: the store verifies the
    /// PIN against a real yescrypt hash either way (timing is measured in a benchmark, not here).
    @Test func anUnknownUsernameCostsTheSameHashAsAWrongPIN() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let hasher = RecordingHasher()
        let staff = SQLiteStaffRepository(database: temp.database, hasher: hasher, counters: [1])
        try await staff.addStaff(id: "bat", displayName: "Бат", role: .staff, pin: Self.pin, at: Fixtures.now)
        for (index, username) in ["bat", "nobody"].enumerated() {
            _ = try? await staff.signIn(
                username: username, pin: "000000", counter: 1, source: "10.0.0.\(index)", at: Fixtures.now)
        }
        let verified = hasher.checked.withLock { $0 }
        #expect(verified.count == 2)
        // Both against yescrypt hashes of the same cost: a real one, and the dummy made for this.
        let settings = verified.map { $0.split(separator: "$").prefix(2).joined(separator: "$") }
        #expect(verified.allSatisfy { $0.hasPrefix("$y$") })
        #expect(Set(settings).count == 1, "\(settings)")
        #expect(verified[0] != verified[1])
        #expect(YescryptPINHasher().verify("000000", against: verified[1]) == false)
    }

    /// Usernames sprayed from many addresses: each pair is kept while it matters (locked, or tried
    /// within a day) and forgotten after a quiet day, so the table holds at most a day's attempts.
    @Test func quietSourcesAreForgottenAfterADay() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let staff = SQLiteStaffRepository(database: temp.database, hasher: YescryptPINHasher(), counters: [1])
        try await staff.addStaff(id: "bat", displayName: "Бат", role: .staff, pin: Self.pin, at: Fixtures.now)
        func pairs() async throws -> [String] {
            try await temp.database.testSQL(
                "SELECT staff_id || '@' || source FROM staff_sign_in_failure ORDER BY 1"
            ).compactMap { $0.first ?? nil }
        }
        for index in 0..<3 {
            _ = try? await staff.signIn(
                username: "guess\(index)", pin: "000000", counter: 1, source: "10.0.1.\(index)", at: Fixtures.now)
        }
        // Five wrong PINs from one source lock that pair for 15 minutes.
        for _ in 0..<5 {
            _ = try? await staff.signIn(
                username: "bat", pin: "000000", counter: 1, source: "10.0.2.1", at: Fixtures.now)
        }
        #expect(try await pairs().count == 4)
        let hourLater = Fixtures.now.addingTimeInterval(3600)
        _ = try? await staff.signIn(username: "bat", pin: "000000", counter: 1, source: "10.0.3.1", at: hourLater)
        #expect(try await pairs().count == 5)  // nothing is a day old yet
        let nextDay = Fixtures.now.addingTimeInterval(25 * 3600)
        _ = try? await staff.signIn(username: "bat", pin: "000000", counter: 1, source: "10.0.3.1", at: nextDay)
        #expect(try await pairs() == ["bat@10.0.3.1"])
    }

    @Test func concurrentWrongPINsAreCountedExactly() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let hasher = RecordingHasher()
        let staff = SQLiteStaffRepository(database: temp.database, hasher: hasher, counters: [1])
        try await staff.addStaff(id: "bat", displayName: "Бат", role: .staff, pin: Self.pin, at: Fixtures.now)
        let answers = await withTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    do {
                        _ = try await staff.signIn(
                            username: "bat", pin: "000000", counter: 1, source: Self.pc, at: Fixtures.now)
                        return "signedIn"
                    } catch let error as SignInError {
                        return error.identifier
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(hasher.checked.withLock { $0.count } == 5)
        #expect(answers.filter { $0 == "wrongUsernameOrPIN" }.count == 4)
        #expect(answers.filter { $0 == "locked" }.count == 16)
    }

    @Test func sessionsAreKeptOnlyAsTheHashOfTheirToken() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let staff = SQLiteStaffRepository(database: temp.database, hasher: YescryptPINHasher(), counters: [1])
        try await staff.addStaff(id: "bat", displayName: "Бат", role: .staff, pin: Self.pin, at: Fixtures.now)
        let session = try await staff.signIn(
            username: "bat", pin: Self.pin, counter: 1, source: Self.pc, at: Fixtures.now)
        #expect(session.token.count == 64)
        let stored = try await temp.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT token_hash FROM staff_session")
        }
        let expected = SHA256.hash(data: Data(session.token.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(stored == [expected])
        #expect(!stored.contains(session.token))
        // A token read from the database (its hash) opens nothing.
        #expect(try await staff.session(token: expected, at: Fixtures.now) == nil)
        #expect(try await staff.session(token: session.token, at: Fixtures.now)?.staffID == "bat")
    }

    @Test func sessionsExpireAndEndAtSignOutOrANewSignInAtTheCounter() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let staff = SQLiteStaffRepository(database: temp.database, hasher: YescryptPINHasher(), counters: [1])
        let now = Fixtures.now
        try await staff.addStaff(id: "bat", displayName: "Бат", role: .staff, pin: Self.pin, at: now)
        try await staff.addStaff(id: "saraa", displayName: "Саруул", role: .head, pin: Self.other, at: now)
        let first = try await staff.signIn(username: "bat", pin: Self.pin, counter: 1, source: Self.pc, at: now)
        #expect(try await staff.session(token: first.token, at: now.addingTimeInterval(3600))?.staffID == "bat")
        #expect(try await staff.session(token: first.token, at: now.addingTimeInterval(11 * 3600)) == nil)
        let second = try await staff.signIn(
            username: "saraa", pin: Self.other, counter: 1, source: Self.pc, at: now.addingTimeInterval(60))
        #expect(try await staff.session(token: first.token, at: now.addingTimeInterval(120)) == nil)
        #expect(try await staff.session(token: second.token, at: now.addingTimeInterval(120))?.role == .head)
        try await staff.signOut(token: second.token, at: now.addingTimeInterval(180))
        #expect(try await staff.session(token: second.token, at: now.addingTimeInterval(200)) == nil)
        await #expect(throws: PINRuleError.notDigits) {
            try await staff.addStaff(id: "x", displayName: "X", role: .staff, pin: "12a456", at: now)
        }
        await #expect(throws: PINRuleError.demoPIN) {
            try await staff.addStaff(id: "x", displayName: "X", role: .staff, pin: "2468", at: now)
        }
    }

    @Test func aRememberedSessionEndsAtOnceWhenAnotherOfficerTakesTheCounterOrItsOfficerSignsOut() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let staff = SQLiteStaffRepository(database: temp.database, hasher: YescryptPINHasher(), counters: [1, 2])
        let now = Fixtures.now
        try await staff.addStaff(id: "bat", displayName: "Бат", role: .staff, pin: Self.pin, at: now)
        try await staff.addStaff(id: "saraa", displayName: "Саруул", role: .staff, pin: Self.other, at: now)
        let first = try await staff.signIn(username: "bat", pin: Self.pin, counter: 1, source: Self.pc, at: now)
        // Read once: remembered for the next few seconds.
        #expect(try await staff.session(token: first.token, at: now)?.staffID == "bat")
        #expect(try await staff.session(token: first.token, at: now)?.staffID == "bat")
        _ = try await staff.signIn(username: "saraa", pin: Self.other, counter: 1, source: Self.pc, at: now)
        #expect(try await staff.session(token: first.token, at: now) == nil)
        let again = try await staff.signIn(username: "bat", pin: Self.pin, counter: 2, source: Self.pc, at: now)
        #expect(try await staff.session(token: again.token, at: now)?.counter == 2)
        try await staff.signOut(token: again.token, at: now)
        #expect(try await staff.session(token: again.token, at: now) == nil)
    }

    @Test func upgradingKeepsLiveSessionsButStoresOnlyTheirHash() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let staff = SQLiteStaffRepository(database: temp.database, hasher: YescryptPINHasher(), counters: [1])
        try await staff.addStaff(id: "bat", displayName: "Бат", role: .staff, pin: Self.pin, at: Fixtures.now)
        // The database as the version before kept it: the token itself, no failure table.
        let token = String(repeating: "ab", count: 32)
        try await temp.database.writer.write { db in
            try db.execute(
                sql: """
                    DROP TABLE staff_sign_in_failure;
                    ALTER TABLE staff_session RENAME COLUMN token_hash TO token;
                    INSERT INTO staff_session (token, staff_id, counter, created_at, expires_at)
                    VALUES (?, 'bat', 1, '2026-03-02T01:00:00.000Z', '2999-01-01T00:00:00.000Z');
                    DELETE FROM grdb_migrations WHERE identifier LIKE 'v14:%';
                    """, arguments: [token])
        }
        try temp.database.close()
        let upgraded = try AppDatabase(directory: temp.directory)
        let again = SQLiteStaffRepository(database: upgraded, hasher: YescryptPINHasher(), counters: [1])
        #expect(try await again.session(token: token, at: Fixtures.now)?.staffID == "bat")
        let stored = try await upgraded.writer.read { db in
            try String.fetchAll(db, sql: "SELECT token_hash FROM staff_session")
        }
        #expect(stored.count == 1 && stored[0].count == 64 && stored[0] != token)
        try upgraded.close()
    }
}
