import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// Staff sign-in over the in-memory store and a hand-moved clock.
@Suite struct StaffSessionsTests {
    let clock = TestClock()
    let store = InMemoryStaffRepository()
    static let pin = "470913"
    static let officePC = "192.168.1.20"
    static let outsider = "192.168.1.99"

    func sessions() async throws -> StaffSessions {
        try await store.addStaff(id: "bold", displayName: "Болд", role: .staff, pin: Self.pin, at: clock.now())
        return StaffSessions(staff: store, services: QueueService.demo, now: clock.now)
    }

    func signIn(_ sessions: StaffSessions, _ pin: String, from source: String = officePC, counter: Int = 1)
        async throws -> StaffSession
    {
        try await sessions.signIn(username: "bold", pin: pin, counter: counter, source: source)
    }

    @Test func aSessionKnowsItsCountersServicesAndEndsNextDay() async throws {
        let sessions = try await sessions()
        let session = try await signIn(sessions, Self.pin, counter: 3)
        #expect(sessions.services(of: session) == ["Б", "В"])
        #expect(sessions.secondsLeft(in: session) == 10 * 3600)
        #expect(try await sessions.session(token: session.token) == session)
        clock.advance(days: 1)
        #expect(try await sessions.session(token: session.token) == nil)
    }

    @Test func signingOutEndsTheSession() async throws {
        let sessions = try await sessions()
        let session = try await signIn(sessions, Self.pin)
        try await sessions.signOut(session)
        #expect(try await sessions.session(token: session.token) == nil)
    }

    @Test func fiveWrongPINsLockTheSourceForAQuarterOfAnHourThenLonger() async throws {
        let sessions = try await sessions()
        for _ in 1...4 {
            await #expect(throws: SignInError.wrongUsernameOrPIN) { try await signIn(sessions, "000000") }
        }
        let locked = await #expect(throws: SignInError.self) { try await signIn(sessions, "000000") }
        #expect(locked?.identifier == "locked")
        clock.advance(by: 60)
        let refused = await #expect(throws: SignInError.self) { try await signIn(sessions, Self.pin) }
        #expect(refused.flatMap(sessions.retryAfterSeconds) == 14 * 60)
        #expect(sessions.retryAfterSeconds(.wrongUsernameOrPIN) == nil)
        clock.advance(by: 14 * 60)
        // One more wrong PIN from the same place: twice as long.
        let longer = await #expect(throws: SignInError.self) { try await signIn(sessions, "000000") }
        #expect(longer.flatMap(sessions.retryAfterSeconds) == 30 * 60)
        clock.advance(by: 30 * 60)
        #expect(try await signIn(sessions, Self.pin).staffID == "bold")
    }

    @Test func anOutsiderLocksOnlyTheirOwnAddressAndTheHeadLiftsIt() async throws {
        let sessions = try await sessions()
        try await store.addStaff(id: "darga", displayName: "Дарга", role: .head, pin: "583920", at: clock.now())
        for _ in 1...5 {
            await #expect(throws: SignInError.self) { try await signIn(sessions, "111111", from: Self.outsider) }
        }
        await #expect(throws: SignInError.locked(until: clock.now().addingTimeInterval(15 * 60))) {
            try await signIn(sessions, Self.pin, from: Self.outsider)
        }
        // The officer at their own PC is not locked out.
        let own = try await signIn(sessions, Self.pin, from: Self.officePC)
        #expect(own.staffID == "bold")
        // The head lifts the lock, recorded with the head's name.
        let head = try await sessions.signIn(username: "darga", pin: "583920", counter: 2, source: Self.officePC)
        #expect(try await sessions.unlock(username: "bold", by: head))
        #expect(try await !sessions.unlock(username: "nobody", by: head))
        #expect(store.unlocks.map(\.head) == ["darga"])
        #expect(try await signIn(sessions, Self.pin, from: Self.outsider).staffID == "bold")
    }

    @Test func unknownUsernamesAreCountedAndLockedAsKnownOnesAre() async throws {
        let sessions = try await sessions()
        for _ in 1...4 {
            await #expect(throws: SignInError.wrongUsernameOrPIN) {
                try await sessions.signIn(username: "nobody", pin: Self.pin, counter: 1, source: Self.outsider)
            }
        }
        let locked = await #expect(throws: SignInError.self) {
            try await sessions.signIn(username: "nobody", pin: Self.pin, counter: 1, source: Self.outsider)
        }
        #expect(locked?.identifier == "locked")
        await #expect(throws: SignInError.unknownCounter) { try await signIn(sessions, Self.pin, counter: 9) }
    }
}

/// The one rule for new PINs.
@Suite struct PINRuleTests {
    @Test func trivialAndShortPINsAreRefusedWithTheirReason() {
        let policy = SignInPolicy()
        let refused: [(String, PINRuleError)] = [
            ("", .notDigits), ("12a456", .notDigits), ("١٢٣٤٥٦", .notDigits), ("13579", .tooShort),
            ("1234567890123", .tooLong), ("777777", .oneDigit), ("123456", .run), ("987654", .run),
            ("890123", .run), ("3210987", .run), ("2468", .demoPIN),
        ]
        for (pin, reason) in refused {
            #expect(throws: reason, "\(pin)") { try policy.check(newPIN: pin) }
        }
        for pin in ["470913", "583920", "135792", "112233", "24681357", "908172635445"] {
            #expect(throws: Never.self, "\(pin)") { try policy.check(newPIN: pin) }
        }
        for reason in PINRuleError.allCases {
            #expect(!reason.text.mn.isEmpty && !reason.text.en.isEmpty && reason.text.mn != reason.text.en)
        }
    }

    @Test func theDemoPINServesOnlyTheDemoOffice() {
        #expect(throws: PINRuleError.demoPIN) { try SignInPolicy().check(newPIN: SignInPolicy.demoPIN) }
        #expect(throws: Never.self) { try SignInPolicy(demoMode: true).check(newPIN: SignInPolicy.demoPIN) }
        // Other short or trivial PINs stay refused in demo mode.
        #expect(throws: PINRuleError.tooShort) { try SignInPolicy(demoMode: true).check(newPIN: "1357") }
        #expect(throws: PINRuleError.run) { try SignInPolicy(demoMode: true).check(newPIN: "456789") }
    }
}
