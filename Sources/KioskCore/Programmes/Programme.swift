public import Foundation

/// Who a programme takes: each rule given is checked, an absent one is not. Reference data
/// from the hub (`ReferenceData.programmes`), replaced with each set.
public struct ProgrammeRules: Hashable, Sendable, Codable {
    public var minAge: Int?
    public var maxAge: Int?
    /// Only people with a disability.
    public var disability: Bool?
    /// Only herders (registered with the herder status).
    public var herder: Bool?
    /// Registered unemployed at least this many whole months.
    public var minMonthsUnemployed: Int?
    /// Only people profiled into one of these groups (`ready`, `medium`, `high`).
    public var profileGroups: [String]?

    public init(
        minAge: Int? = nil, maxAge: Int? = nil, disability: Bool? = nil, herder: Bool? = nil,
        minMonthsUnemployed: Int? = nil, profileGroups: [String]? = nil
    ) {
        self.minAge = minAge
        self.maxAge = maxAge
        self.disability = disability
        self.herder = herder
        self.minMonthsUnemployed = minMonthsUnemployed
        self.profileGroups = profileGroups
    }
}

/// Where a programme's data comes from: the fields the source documents state, and those that
/// are the hub's (or an office's) own settings because no document gives an official figure.
public struct ProgrammeSource: Hashable, Sendable, Codable {
    /// The documents and sections the programme is named in.
    public var documents: [String]
    /// Fields the documents state (`name`, `targetGroups`, `rules.disability`, …).
    public var stated: [String]
    /// Fields the hub sets per office, with no official figure in the documents (`rules.minAge`,
    /// `quotas`, `starts`, …): working values that the hub replaces.
    public var configured: [String]

    public init(documents: [String], stated: [String], configured: [String]) {
        self.documents = documents
        self.stated = stated
        self.configured = configured
    }

    /// The fields a programme gives a value for, as `stated` and `configured` name them.
    public static func fields(of programme: Programme) -> [String] {
        let rules = programme.rules
        let given: [(String, Bool)] = [
            ("rules.minAge", rules.minAge != nil), ("rules.maxAge", rules.maxAge != nil),
            ("rules.disability", rules.disability != nil), ("rules.herder", rules.herder != nil),
            ("rules.minMonthsUnemployed", rules.minMonthsUnemployed != nil),
            ("rules.profileGroups", rules.profileGroups != nil), ("starts", true), ("ends", true),
            ("quotas", !programme.quotas.isEmpty),
        ]
        return ["name", "targetGroups"] + given.filter(\.1).map(\.0)
    }
}

/// An employment promotion programme as the hub lists it, with each office's quota of places.
public struct Programme: Hashable, Sendable, Codable {
    public var code: String
    public var name: LocalizedText
    public var targetGroups: LocalizedText
    public var rules: ProgrammeRules
    /// The programme takes people from `starts` through `ends` (office-local dates).
    public var starts: CivilDate
    public var ends: CivilDate
    /// Places per office code for the period; `*` is the figure of an office not named.
    public var quotas: [String: Int]
    /// Which fields the source documents state and which the hub sets; nil in older sets.
    public var source: ProgrammeSource?

    public init(
        code: String, name: LocalizedText, targetGroups: LocalizedText, rules: ProgrammeRules, starts: CivilDate,
        ends: CivilDate, quotas: [String: Int], source: ProgrammeSource? = nil
    ) {
        self.code = code
        self.name = name
        self.targetGroups = targetGroups
        self.rules = rules
        self.starts = starts
        self.ends = ends
        self.quotas = quotas
        self.source = source
    }

    /// The office's places for the period (0 when the hub gave it none).
    public func quota(office: String) -> Int { quotas[office] ?? quotas["*"] ?? 0 }

    public func isRunning(on date: CivilDate) -> Bool { starts <= date && date <= ends }
}

/// How a referral to a programme ended.
public enum ProgrammeOutcome: String, CaseIterable, Sendable, Codable {
    case completed
    case droppedOut
    case didNotGo
}

/// A person referred to (enrolled in) a programme, against the office's quota.
public struct ProgrammeReferral: Hashable, Sendable, Codable, Identifiable {
    public var id: UUID
    public var officeCode: String
    public var registrationID: UUID
    public var programmeCode: String
    public var staffID: String
    public var referredAt: Date
    /// The office day of the referral: places are counted per programme period by it.
    public var referredOn: CivilDate
    public var outcome: ProgrammeOutcome?
    /// The date the outcome happened (office-local), as the officer gives it.
    public var outcomeOn: CivilDate?
    public var outcomeBy: String?

    public init(
        id: UUID, officeCode: String, registrationID: UUID, programmeCode: String, staffID: String, referredAt: Date,
        referredOn: CivilDate
    ) {
        self.id = id
        self.officeCode = officeCode
        self.registrationID = registrationID
        self.programmeCode = programmeCode
        self.staffID = staffID
        self.referredAt = referredAt
        self.referredOn = referredOn
    }

    /// Whether it holds a place: everyone referred does, except who did not go.
    public var holdsPlace: Bool { outcome != .didNotGo }
}

/// Places used against the quota of one programme at the office.
public struct ProgrammePlaces: Sendable, Equatable, Codable {
    public var code: String
    public var name: LocalizedText
    public var quota: Int
    public var used: Int
    public var completed: Int
    public var droppedOut: Int
    public var didNotGo: Int

    public init(
        code: String, name: LocalizedText, quota: Int, used: Int, completed: Int = 0, droppedOut: Int = 0,
        didNotGo: Int = 0
    ) {
        self.code = code
        self.name = name
        self.quota = quota
        self.used = used
        self.completed = completed
        self.droppedOut = droppedOut
        self.didNotGo = didNotGo
    }

    public var free: Int { max(0, quota - used) }
}

/// Why a programme referral was refused; the code is the locale key (`programme.error.<code>`).
public struct ProgrammeError: Error, Hashable, Sendable, CustomStringConvertible {
    public let code: String
    public static let unknownProgramme = Self(code: "unknownProgramme")
    public static let unknownRegistration = Self(code: "unknownRegistration")
    /// The person does not meet the programme's rules (the eligibility answer says which).
    public static let notEligible = Self(code: "notEligible")
    /// Every place of the office's quota is taken: referrals are refused, not over-subscribed.
    public static let quotaFull = Self(code: "quotaFull")
    /// The person already holds a place in it with no outcome yet.
    public static let alreadyEnrolled = Self(code: "alreadyEnrolled")
    public static let referralNotFound = Self(code: "referralNotFound")
    /// The referral has its outcome already.
    public static let outcomeRecorded = Self(code: "outcomeRecorded")
    /// The outcome's date is before the referral or after today.
    public static let outcomeDate = Self(code: "outcomeDate")
    public var description: String { "programme refused: \(code)" }
}
