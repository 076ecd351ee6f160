public import Foundation

/// The staff sign-in use case: signing in at a counter, finding the session of a request,
/// signing out, the head lifting a lock. Wrong PINs and lockouts follow `SignInPolicy` in the
/// store, which counts each attempt per username and source address in one write before the
/// PIN is checked.
public struct StaffSessions: Sendable {
    let staff: any StaffRepository
    let services: [QueueService]
    let now: @Sendable () -> Date

    public init(staff: any StaffRepository, services: [QueueService], now: @escaping @Sendable () -> Date) {
        self.staff = staff
        self.services = services
        self.now = now
    }

    /// Throws `SignInError` (wrong username or PIN, locked, unknown counter). `source`: the
    /// address of the PC or phone the attempt comes from.
    public func signIn(username: String, pin: String, counter: Int, source: String) async throws -> StaffSession {
        try await staff.signIn(username: username, pin: pin, counter: counter, source: source, at: now())
    }

    /// The office head lifts the sign-in locks of `username` (recorded with the head's name);
    /// false when there is no such account. The caller has checked `StaffPermission.manageStaff`.
    public func unlock(username: String, by head: StaffSession) async throws -> Bool {
        try await staff.unlock(username: username, by: head, at: now())
    }

    /// The live session of `token`; nil when it is unknown, ended or expired.
    public func session(token: String) async throws -> StaffSession? {
        try await staff.session(token: token, at: now())
    }

    public func signOut(_ session: StaffSession) async throws {
        try await staff.signOut(token: session.token, at: now())
    }

    /// The codes of the services the session's counter serves.
    public func services(of session: StaffSession) -> [String] {
        services.filter { $0.counters.contains(session.counter) }.map(\.code)
    }

    /// Whole seconds the session has left (for the cookie's `Max-Age`).
    public func secondsLeft(in session: StaffSession) -> Int {
        Int(session.expiresAt.timeIntervalSince(now()))
    }

    /// Seconds until a locked account may try again (at least one); nil for other refusals.
    public func retryAfterSeconds(_ error: SignInError) -> Int? {
        error.lockedUntil.map { max(1, Int($0.timeIntervalSince(now()).rounded(.up))) }
    }
}
