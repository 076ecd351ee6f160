public import Foundation

/// A jobseeker's answers to the profiling questionnaire, the suggestion computed from them and
/// the officers' decisions on it (the newest counts).
public struct CaseProfile: Sendable, Equatable {
    public var id: UUID
    public var registrationID: UUID
    public var answers: [String: String]
    public var suggestion: ProfilingSuggestion
    public var answeredAt: Date
    /// The officer who asked the questions at the counter; nil when the visitor answered at the kiosk.
    public var answeredBy: String?
    public var decisions: [ProfileDecision]

    public init(
        id: UUID, registrationID: UUID, answers: [String: String], suggestion: ProfilingSuggestion, answeredAt: Date,
        answeredBy: String?, decisions: [ProfileDecision] = []
    ) {
        self.id = id
        self.registrationID = registrationID
        self.answers = answers
        self.suggestion = suggestion
        self.answeredAt = answeredAt
        self.answeredBy = answeredBy
        self.decisions = decisions
    }

    /// The group an officer decided, or nil while only suggested.
    public var decidedGroup: ProfileGroup? { decisions.last?.group }
}

/// An officer's decision on a profile: the suggested group confirmed, or another with a reason.
public struct ProfileDecision: Sendable, Equatable {
    public var group: ProfileGroup
    public var reason: String?
    public var staffID: String
    public var at: Date

    public init(group: ProfileGroup, reason: String?, staffID: String, at: Date) {
        self.group = group
        self.reason = reason
        self.staffID = staffID
        self.at = at
    }
}

/// How a contact with the person happened.
public enum CaseNoteKind: String, CaseIterable, Sendable, Codable {
    case visit
    case phone
    case smsReply
    case homeVisit
}

/// One entry of the case journal. Never changed: a correction is a new note pointing at the one
/// it corrects.
public struct CaseNote: Sendable, Equatable {
    public static let maxTextLength = 2000

    public var id: UUID
    public var registrationID: UUID
    public var kind: CaseNoteKind
    public var staffID: String
    public var text: String
    public var at: Date
    public var corrects: UUID?

    public init(
        id: UUID, registrationID: UUID, kind: CaseNoteKind, staffID: String, text: String, at: Date, corrects: UUID?
    ) {
        self.id = id
        self.registrationID = registrationID
        self.kind = kind
        self.staffID = staffID
        self.text = text
        self.at = at
        self.corrects = corrects
    }
}

/// Which part of the plan a step belongs to: the coming month, or the year ahead.
public enum PlanHorizon: String, CaseIterable, Sendable, Codable {
    case month
    case year
}

public enum PlanStepKind: String, CaseIterable, Sendable, Codable {
    case applyToVacancies
    case attendProgramme
    case counselling
    case bringDocuments
}

public enum PlanStepStatus: String, CaseIterable, Sendable, Codable {
    case planned
    case done
    case missed
    case cancelled

    public var isOpen: Bool { self == .planned }
}

public struct PlanStep: Sendable, Equatable {
    public static let maxTextLength = 300

    public var id: UUID
    public var horizon: PlanHorizon
    public var kind: PlanStepKind
    public var text: String
    public var dueOn: CivilDate
    public var status: PlanStepStatus
    public var changedAt: Date
    public var changedBy: String

    public init(
        id: UUID, horizon: PlanHorizon, kind: PlanStepKind, text: String, dueOn: CivilDate, status: PlanStepStatus,
        changedAt: Date, changedBy: String
    ) {
        self.id = id
        self.horizon = horizon
        self.kind = kind
        self.text = text
        self.dueOn = dueOn
        self.status = status
        self.changedAt = changedAt
        self.changedBy = changedBy
    }

    public func isOverdue(today: CivilDate) -> Bool { status.isOpen && dueOn < today }
}

/// The individual action plan: a key counsellor, goals, and the steps of the next month and
/// the next twelve.
public struct ActionPlan: Sendable, Equatable {
    public static let maxGoalsLength = 1000

    public var id: UUID
    public var registrationID: UUID
    public var counsellorID: String
    public var counsellorName: String
    public var goals: String
    public var createdAt: Date
    public var updatedAt: Date
    public var steps: [PlanStep]

    public init(
        id: UUID, registrationID: UUID, counsellorID: String, counsellorName: String, goals: String, createdAt: Date,
        updatedAt: Date, steps: [PlanStep]
    ) {
        self.id = id
        self.registrationID = registrationID
        self.counsellorID = counsellorID
        self.counsellorName = counsellorName
        self.goals = goals
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.steps = steps
    }

    /// Open while any step is still planned (or none is written yet).
    public var isOpen: Bool { steps.isEmpty || steps.contains { $0.status.isOpen } }
}

/// One visit of the person: a ticket, its service, how long they waited, its outcome.
public struct CaseVisit: Sendable, Equatable {
    public var ticketID: UUID
    public var officeDay: CivilDate
    public var displayNumber: String
    public var serviceCode: String
    public var state: String
    public var issuedAt: Date
    public var calledAt: Date?
    public var finishedAt: Date?
    public var counter: Int?
    public var staffID: String?
    public var outcome: String?

    public init(
        ticketID: UUID, officeDay: CivilDate, displayNumber: String, serviceCode: String, state: String,
        issuedAt: Date, calledAt: Date?, finishedAt: Date?, counter: Int?, staffID: String?, outcome: String?
    ) {
        self.ticketID = ticketID
        self.officeDay = officeDay
        self.displayNumber = displayNumber
        self.serviceCode = serviceCode
        self.state = state
        self.issuedAt = issuedAt
        self.calledAt = calledAt
        self.finishedAt = finishedAt
        self.counter = counter
        self.staffID = staffID
        self.outcome = outcome
    }

    /// Whole minutes from the ticket to the call; nil when never called.
    public var waitMinutes: Int? { calledAt.map { Int($0.timeIntervalSince(issuedAt) / 60) } }
}

/// A person found by a search of the case files.
public struct CasePerson: Sendable, Equatable {
    public var registrationID: UUID
    public var reference: String
    public var registryNumber: String
    public var displayName: String
    public var birthDate: String

    public init(registrationID: UUID, reference: String, registryNumber: String, displayName: String, birthDate: String)
    {
        self.registrationID = registrationID
        self.reference = reference
        self.registryNumber = registryNumber
        self.displayName = displayName
        self.birthDate = birthDate
    }
}

/// What the case store holds of one person (the registration and referrals come from their own ports).
public struct CaseRecords: Sendable, Equatable {
    public var profile: CaseProfile?
    public var plan: ActionPlan?
    /// Newest first.
    public var notes: [CaseNote]
    /// Newest first.
    public var visits: [CaseVisit]

    public init(profile: CaseProfile?, plan: ActionPlan?, notes: [CaseNote], visits: [CaseVisit]) {
        self.profile = profile
        self.plan = plan
        self.notes = notes
        self.visits = visits
    }
}

/// A read or a change of a case, recorded with who and when.
public struct CaseAccess: Sendable, Equatable {
    public var registrationID: UUID
    public var staffID: String
    public var action: String
    public var at: Date

    public init(registrationID: UUID, staffID: String, action: String, at: Date) {
        self.registrationID = registrationID
        self.staffID = staffID
        self.action = action
        self.at = at
    }
}

/// The office's caseload figures for the dashboard.
public struct CaseloadFigures: Sendable, Equatable, Codable {
    public struct Counsellor: Sendable, Equatable, Codable {
        public var staffID: String
        public var name: String
        public var openPlans: Int
        public var overdueSteps: Int

        public init(staffID: String, name: String, openPlans: Int, overdueSteps: Int) {
            self.staffID = staffID
            self.name = name
            self.openPlans = openPlans
            self.overdueSteps = overdueSteps
        }
    }
    /// People profiled, by their group (decided, else suggested).
    public var profiled: [ProfileGroup: Int]
    public var openPlans: Int
    public var overdueSteps: Int
    public var counsellors: [Counsellor]

    public init(profiled: [ProfileGroup: Int], openPlans: Int, overdueSteps: Int, counsellors: [Counsellor]) {
        self.profiled = profiled
        self.openPlans = openPlans
        self.overdueSteps = overdueSteps
        self.counsellors = counsellors
    }
}

/// Why a case change is refused.
public struct CaseError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: String, Hashable, Sendable {
        case unknownPerson, noProfile, noPlan, unknownNote, unknownStep, stepClosed, unknownCounsellor
        case unknownQuestionnaire
    }
    private let code: Code

    public static let unknownPerson = Self(code: .unknownPerson)
    public static let noProfile = Self(code: .noProfile)
    public static let noPlan = Self(code: .noPlan)
    public static let unknownNote = Self(code: .unknownNote)
    public static let unknownStep = Self(code: .unknownStep)
    public static let stepClosed = Self(code: .stepClosed)
    public static let unknownCounsellor = Self(code: .unknownCounsellor)
    /// The answers name a questionnaire version this kiosk does not know.
    public static let unknownQuestionnaire = Self(code: .unknownQuestionnaire)

    /// Stable, and the locale key under `case.errors`.
    public var identifier: String { code.rawValue }
    public var description: String { "case: \(code.rawValue)" }
}
