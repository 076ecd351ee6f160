public import Foundation

public enum StaffRole: String, CaseIterable, Sendable, Codable {
    case staff
    case head
    case technician

    /// What each role may do. Officers and the head serve visitors and see their records; the
    /// technician looks after the hardware and the LMIS link, and sees no one's personal data.
    public func allows(_ permission: StaffPermission) -> Bool {
        switch permission {
        case .serveQueue, .readPeople, .manageFingerprints, .referPeople, .triageGrievances, .readDashboard:
            self == .staff || self == .head
        case .watchQueue, .checkDevices, .syncNow:
            true
        }
    }
}

/// Staff actions, each allowed to some roles (`StaffRole.allows`).
public enum StaffPermission: String, CaseIterable, Sendable {
    /// Call, recall, start, finish, transfer, park tickets.
    case serveQueue
    /// The counter's overview: waiting numbers, printers and the LMIS link (no personal data).
    case watchQueue
    /// A person's registration, matches and fingerprints.
    case readPeople
    case manageFingerprints
    case referPeople
    /// Grievances (staff conduct ones for the head alone, by `GrievanceCategory.restrictedToHead`).
    case triageGrievances
    /// The office's figures.
    case readDashboard
    /// Printer state.
    case checkDevices
    /// Ask for a sync round now.
    case syncNow
}

/// A signed-in staff member at a counter. Every staff action carries it.
public struct StaffSession: Sendable, Equatable {
    public var token: String
    public var staffID: String
    public var displayName: String
    public var role: StaffRole
    public var counter: Int
    public var expiresAt: Date

    public init(token: String, staffID: String, displayName: String, role: StaffRole, counter: Int, expiresAt: Date) {
        self.token = token
        self.staffID = staffID
        self.displayName = displayName
        self.role = role
        self.counter = counter
        self.expiresAt = expiresAt
    }
}

/// Turns PINs into slow, salted hashes and checks them.
public protocol PINHasher: Sendable {
    func hash(_ pin: String) throws -> String
    func verify(_ pin: String, against hash: String) -> Bool
}

/// Sign-in rules: a PIN is 4–8 digits; five failures lock the account for a while; a session
/// lasts a working day.
public struct SignInPolicy: Sendable, Equatable {
    public var maxFailures: Int = 5
    public var lockout: TimeInterval = 15 * 60
    public var sessionLength: TimeInterval = 10 * 3600

    public init() {}

    public static func isValidPIN(_ pin: String) -> Bool {
        (4...8).contains(pin.count) && pin.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// After a wrong PIN: the failures to keep and, at the limit, when the lock ends (the count
    /// then starts again).
    public func failure(after earlierFailures: Int, at instant: Date) -> (failures: Int, lockedUntil: Date?) {
        let failures = earlierFailures + 1
        guard failures >= maxFailures else { return (failures, nil) }
        return (0, instant.addingTimeInterval(lockout))
    }
}

public struct SignInError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable { case wrongUsernameOrPIN, locked(until: Date), unknownCounter }
    private let code: Code
    /// Deliberately one error for both: the screen must not reveal which usernames exist.
    public static let wrongUsernameOrPIN = Self(code: .wrongUsernameOrPIN)
    public static func locked(until: Date) -> Self { Self(code: .locked(until: until)) }
    public static let unknownCounter = Self(code: .unknownCounter)

    public var lockedUntil: Date? {
        if case .locked(let until) = code { return until }
        return nil
    }
    public var identifier: String {
        switch code {
        case .wrongUsernameOrPIN: "wrongUsernameOrPIN"
        case .locked: "locked"
        case .unknownCounter: "unknownCounter"
        }
    }
    public var description: String { "sign-in refused: \(identifier)" }
}

/// Staff accounts and sessions.
public protocol StaffRepository: Sendable {
    func addStaff(id: String, displayName: String, role: StaffRole, pin: String, at instant: Date) async throws
    func signIn(username: String, pin: String, counter: Int, at instant: Date) async throws -> StaffSession
    func session(token: String, at instant: Date) async throws -> StaffSession?
    func signOut(token: String, at instant: Date) async throws
    func staffCount() async throws -> Int
}
