import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// Staff sign-in over the in-memory store and a hand-moved clock.
@Suite struct StaffSessionsTests {
    let clock = TestClock()
    let store = InMemoryStaffRepository()

    func sessions() async throws -> StaffSessions {
        try await store.addStaff(id: "bold", displayName: "Болд", role: .staff, pin: "2468", at: clock.now())
        return StaffSessions(staff: store, services: QueueService.demo, now: clock.now)
    }

    @Test func aSessionKnowsItsCountersServicesAndEndsNextDay() async throws {
        let sessions = try await sessions()
        let session = try await sessions.signIn(username: "bold", pin: "2468", counter: 3)
        #expect(sessions.services(of: session) == ["Б", "В"])
        #expect(sessions.secondsLeft(in: session) == 10 * 3600)
        #expect(try await sessions.session(token: session.token) == session)
        clock.advance(days: 1)
        #expect(try await sessions.session(token: session.token) == nil)
    }

    @Test func signingOutEndsTheSession() async throws {
        let sessions = try await sessions()
        let session = try await sessions.signIn(username: "bold", pin: "2468", counter: 1)
        try await sessions.signOut(session)
        #expect(try await sessions.session(token: session.token) == nil)
    }

    @Test func fiveWrongPINsLockTheAccountForAQuarterOfAnHour() async throws {
        let sessions = try await sessions()
        for _ in 1...4 {
            await #expect(throws: SignInError.wrongUsernameOrPIN) {
                try await sessions.signIn(username: "bold", pin: "0000", counter: 1)
            }
        }
        let locked = await #expect(throws: SignInError.self) {
            try await sessions.signIn(username: "bold", pin: "0000", counter: 1)
        }
        #expect(locked?.identifier == "locked")
        clock.advance(by: 60)
        let refused = await #expect(throws: SignInError.self) {
            try await sessions.signIn(username: "bold", pin: "2468", counter: 1)
        }
        #expect(refused.flatMap(sessions.retryAfterSeconds) == 14 * 60)
        #expect(sessions.retryAfterSeconds(.wrongUsernameOrPIN) == nil)
        clock.advance(by: 14 * 60)
        #expect(try await sessions.signIn(username: "bold", pin: "2468", counter: 1).staffID == "bold")
    }

    @Test func unknownPeopleAndCountersAreRefused() async throws {
        let sessions = try await sessions()
        await #expect(throws: SignInError.wrongUsernameOrPIN) {
            try await sessions.signIn(username: "nobody", pin: "2468", counter: 1)
        }
        await #expect(throws: SignInError.unknownCounter) {
            try await sessions.signIn(username: "bold", pin: "2468", counter: 9)
        }
    }
}
