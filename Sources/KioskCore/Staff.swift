public import Foundation

public enum StaffRole: String, CaseIterable, Sendable, Codable {
    case staff
    case head
    case technician

    /// What each role may do. Officers and the head serve visitors and see their records; the
    /// technician looks after the hardware and the LMIS link, and sees no one's personal data.
    public func allows(_ permission: StaffPermission) -> Bool {
        switch permission {
        case .serveQueue, .readPeople, .manageFingerprints, .referPeople, .triageGrievances, .readDashboard,
            .readCases, .writeCases, .manageEmployers, .readMessages:
            self == .staff || self == .head
        case .watchQueue, .checkDevices, .syncNow:
            true
        case .manageStaff:
            self == .head
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
    /// Lift a sign-in lock (the office head).
    case manageStaff
    /// A jobseeker's case file: profile, plan, notes, appointments, programmes, outcomes,
    /// follow-ups. Every read is recorded.
    case readCases
    /// Add to a case: confirm a profile, write a plan or a note, book, refer, record an outcome.
    case writeCases
    /// Employers and the vacancies the office takes in for them.
    case manageEmployers
    /// Text messages received from jobseekers that need a person to read them, and the modem's state.
    case readMessages
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

/// Sign-in rules: a PIN of at least six digits that is not trivial; wrong PINs counted per
/// username and source address (the PC or phone they come from), each source locked for a while
/// after five, the lock growing with each further failure; a session lasts a working day.
/// An outsider can thus lock an account only from their own address, and the office head
/// lifts a lock (`StaffRepository.unlock`).
public struct SignInPolicy: Sendable, Equatable {
    public var maxFailures: Int = 5
    /// The first lock; each further failure from the same source doubles it, up to `maxLockout`.
    public var lockout: TimeInterval = 15 * 60
    public var maxLockout: TimeInterval = 24 * 3600
    /// Wrong PINs from a source are forgotten after this long without an attempt (once unlocked).
    public static let forgetAfter: TimeInterval = 24 * 3600
    public var sessionLength: TimeInterval = 10 * 3600
    public var minimumPINLength = 6
    public var maximumPINLength = 12
    /// The demo office: its shared demo PIN is accepted (never in a real office).
    public var demoMode: Bool

    /// The PIN of the demo office's accounts.
    public static let demoPIN = "2468"

    public init(demoMode: Bool = false) {
        self.demoMode = demoMode
    }

    /// The one rule for a new PIN, wherever one is set (the technician's command, the demo
    /// accounts, the store): digits only, `minimumPINLength` to `maximumPINLength` of them, not
    /// one digit repeated, not a run up or down (123456, 987654, 890123), and not the demo PIN
    /// outside demo mode. In demo mode the demo PIN itself is accepted.
    public func check(newPIN pin: String) throws(PINRuleError) {
        let digits = pin.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
        guard digits.count == pin.count, !pin.isEmpty else { throw .notDigits }
        if pin == Self.demoPIN {
            if demoMode { return }
            throw .demoPIN
        }
        guard digits.count >= minimumPINLength else { throw .tooShort }
        guard digits.count <= maximumPINLength else { throw .tooLong }
        guard Set(digits).count > 1 else { throw .oneDigit }
        let steps = Set(zip(digits, digits.dropFirst()).map { ($1 - $0 + 10) % 10 })
        if steps == [1] || steps == [9] { throw .run }
    }

    /// Before a PIN is checked: refused while this username and source are locked; otherwise
    /// the attempt is counted as a failure at once (a right PIN clears the count afterwards),
    /// and at the limit the lock starts. Counted in one write, so concurrent attempts cannot
    /// check more PINs than `maxFailures`.
    public func reserve(after earlier: SignInAttempts, at instant: Date) throws(SignInError) -> SignInAttempts {
        if let until = earlier.lockedUntil, until > instant { throw .locked(until: until) }
        let failures = earlier.failures + 1
        guard failures >= maxFailures else { return SignInAttempts(failures: failures) }
        let doublings = Double(min(failures - maxFailures, 16))
        return SignInAttempts(
            failures: failures, lockedUntil: instant.addingTimeInterval(min(lockout * pow(2, doublings), maxLockout)))
    }
}

/// Wrong PINs counted for one username from one source address.
public struct SignInAttempts: Sendable, Equatable {
    public var failures: Int
    /// Until when this username is refused from this source.
    public var lockedUntil: Date?

    public init(failures: Int = 0, lockedUntil: Date? = nil) {
        self.failures = failures
        self.lockedUntil = lockedUntil
    }
}

/// Why a new PIN is refused (`SignInPolicy.check(newPIN:)`).
public enum PINRuleError: String, Error, Sendable, CaseIterable, CustomStringConvertible {
    case notDigits, tooShort, tooLong, oneDigit, run, demoPIN

    /// What the technician or officer is told, in both languages.
    public var text: LocalizedText {
        switch self {
        case .notDigits:
            LocalizedText(mn: "ПИН код зөвхөн цифрээс бүрдэнэ.", en: "A PIN is digits only.")
        case .tooShort:
            LocalizedText(
                mn: "ПИН код дор хаяж 6 оронтой байна.", en: "A PIN has at least 6 digits.")
        case .tooLong:
            LocalizedText(mn: "ПИН код 12-оос олонгүй оронтой байна.", en: "A PIN has at most 12 digits.")
        case .oneDigit:
            LocalizedText(
                mn: "Нэг цифрийг давтсан ПИН кодыг амархан тааж болно.",
                en: "A PIN of one digit repeated is easy to guess.")
        case .run:
            LocalizedText(
                mn: "Дараалсан цифртэй ПИН код (123456, 987654) амархан таагдана.",
                en: "A run of digits (123456, 987654) is easy to guess.")
        case .demoPIN:
            LocalizedText(
                mn: "Жишээ оффисын ПИН кодыг жинхэнэ оффист ашиглахгүй.",
                en: "The demo office's PIN is not for a real office.")
        }
    }

    public var description: String { "\(text.en) / \(text.mn)" }
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
    /// Throws `PINRuleError` for a PIN `SignInPolicy.check(newPIN:)` refuses.
    func addStaff(id: String, displayName: String, role: StaffRole, pin: String, at instant: Date) async throws
    /// `source`: the address the attempt comes from; wrong PINs are counted per username and source.
    func signIn(username: String, pin: String, counter: Int, source: String, at instant: Date) async throws
        -> StaffSession
    /// Lifts the sign-in locks of `username` from every source, recorded as `head`'s action;
    /// false when there is no such account.
    func unlock(username: String, by head: StaffSession, at instant: Date) async throws -> Bool
    func session(token: String, at instant: Date) async throws -> StaffSession?
    func signOut(token: String, at instant: Date) async throws
    func staffCount() async throws -> Int
}
