import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite("Staff sign-in")
struct StaffRepositoryTests {
    @Test func pinsAreStoredAsYescryptHashes() throws {
        let hasher = YescryptPINHasher()
        let hash = try hasher.hash("2468")
        #expect(hash.hasPrefix("$y$"))
        #expect(hash != (try hasher.hash("2468")))  // salted
        #expect(hasher.verify("2468", against: hash))
        #expect(!hasher.verify("2469", against: hash))
        #expect(!hasher.verify("2468", against: "not a hash"))
    }

    @Test func fiveFailuresLockTheAccountForAWhile() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let staff = SQLiteStaffRepository(database: temp.database, hasher: YescryptPINHasher(), counters: [1, 2])
        let now = Fixtures.now
        try await staff.addStaff(id: "bat", displayName: "Бат", role: .staff, pin: "2468", at: now)
        for _ in 0..<4 {
            await #expect(throws: SignInError.wrongUsernameOrPIN) {
                try await staff.signIn(username: "bat", pin: "0000", counter: 1, at: now)
            }
        }
        let until = now.addingTimeInterval(15 * 60)
        await #expect(throws: SignInError.locked(until: until)) {
            try await staff.signIn(username: "bat", pin: "0000", counter: 1, at: now)
        }
        // Even the right PIN waits out the lock.
        await #expect(throws: SignInError.locked(until: until)) {
            try await staff.signIn(username: "bat", pin: "2468", counter: 1, at: now.addingTimeInterval(60))
        }
        let session = try await staff.signIn(username: "bat", pin: "2468", counter: 2, at: until)
        #expect(session.counter == 2)
        let audit = try await temp.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT action FROM staff_audit WHERE staff_id = 'bat' ORDER BY seq")
        }
        #expect(audit == ["accountSaved"] + Array(repeating: "signInFailed", count: 4) + ["locked", "signIn"])
    }

    @Test func unknownUsersGetTheSameAnswerAsWrongPINs() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let staff = SQLiteStaffRepository(database: temp.database, hasher: YescryptPINHasher(), counters: [1])
        await #expect(throws: SignInError.wrongUsernameOrPIN) {
            try await staff.signIn(username: "nobody", pin: "1234", counter: 1, at: Fixtures.now)
        }
        await #expect(throws: SignInError.unknownCounter) {
            try await staff.signIn(username: "nobody", pin: "1234", counter: 9, at: Fixtures.now)
        }
    }

    @Test func sessionsExpireAndEndAtSignOutOrANewSignInAtTheCounter() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let staff = SQLiteStaffRepository(database: temp.database, hasher: YescryptPINHasher(), counters: [1])
        let now = Fixtures.now
        try await staff.addStaff(id: "bat", displayName: "Бат", role: .staff, pin: "2468", at: now)
        try await staff.addStaff(id: "saraa", displayName: "Саруул", role: .head, pin: "13579", at: now)
        let first = try await staff.signIn(username: "bat", pin: "2468", counter: 1, at: now)
        #expect(try await staff.session(token: first.token, at: now.addingTimeInterval(3600))?.staffID == "bat")
        #expect(try await staff.session(token: first.token, at: now.addingTimeInterval(11 * 3600)) == nil)
        let second = try await staff.signIn(username: "saraa", pin: "13579", counter: 1, at: now.addingTimeInterval(60))
        #expect(try await staff.session(token: first.token, at: now.addingTimeInterval(120)) == nil)
        #expect(try await staff.session(token: second.token, at: now.addingTimeInterval(120))?.role == .head)
        try await staff.signOut(token: second.token, at: now.addingTimeInterval(180))
        #expect(try await staff.session(token: second.token, at: now.addingTimeInterval(200)) == nil)
        await #expect(throws: StaffStoreError.invalidPIN) {
            try await staff.addStaff(id: "x", displayName: "X", role: .staff, pin: "12a4", at: now)
        }
    }

    @Test func aRememberedSessionEndsAtOnceWhenAnotherOfficerTakesTheCounterOrItsOfficerSignsOut() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let staff = SQLiteStaffRepository(database: temp.database, hasher: YescryptPINHasher(), counters: [1, 2])
        let now = Fixtures.now
        try await staff.addStaff(id: "bat", displayName: "Бат", role: .staff, pin: "2468", at: now)
        try await staff.addStaff(id: "saraa", displayName: "Саруул", role: .staff, pin: "13579", at: now)
        let first = try await staff.signIn(username: "bat", pin: "2468", counter: 1, at: now)
        // Read once: remembered for the next few seconds.
        #expect(try await staff.session(token: first.token, at: now)?.staffID == "bat")
        #expect(try await staff.session(token: first.token, at: now)?.staffID == "bat")
        _ = try await staff.signIn(username: "saraa", pin: "13579", counter: 1, at: now)
        #expect(try await staff.session(token: first.token, at: now) == nil)
        let again = try await staff.signIn(username: "bat", pin: "2468", counter: 2, at: now)
        #expect(try await staff.session(token: again.token, at: now)?.counter == 2)
        try await staff.signOut(token: again.token, at: now)
        #expect(try await staff.session(token: again.token, at: now) == nil)
    }
}
