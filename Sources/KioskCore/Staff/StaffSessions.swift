public import Foundation

/// The staff sign-in use case: signing in at a counter, finding the session of a request,
/// signing out. Wrong PINs and lockouts follow `SignInPolicy` in the store, which counts them
/// in the same transaction as the sign-in.
public struct StaffSessions: Sendable {
    let staff: any StaffRepository
    let services: [QueueService]
    let now: @Sendable () -> Date

    public init(staff: any StaffRepository, services: [QueueService], now: @escaping @Sendable () -> Date) {
        self.staff = staff
        self.services = services
        self.now = now
    }

    /// Throws `SignInError` (wrong username or PIN, locked, unknown counter).
    public func signIn(username: String, pin: String, counter: Int) async throws -> StaffSession {
        try await staff.signIn(username: username, pin: pin, counter: counter, at: now())
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
