public import Foundation

/// What a grievance is about.
public enum GrievanceCategory: String, CaseIterable, Sendable, Codable {
    case serviceQuality
    case staffConduct
    case programmeDecision
    case discrimination
    case other

    /// Grievances about staff conduct are seen only by the office head (staff must not read
    /// complaints about themselves or their colleagues).
    public var restrictedToHead: Bool { self == .staffConduct }
}

/// Where a grievance stands.
public enum GrievanceState: String, CaseIterable, Sendable, Codable {
    case filed
    case acknowledged
    case assigned
    case resolved
    case referred

    public var isOpen: Bool { self != .resolved && self != .referred }
}

/// A step of the triage, recorded with who took it.
public enum GrievanceAction: String, CaseIterable, Sendable, Codable {
    case acknowledge
    case assign
    case resolve
    case refer

    var resultingState: GrievanceState {
        switch self {
        case .acknowledge: .acknowledged
        case .assign: .assigned
        case .resolve: .resolved
        case .refer: .referred
        }
    }
}

/// Contact details a visitor chose to leave; none for an anonymous grievance.
public struct GrievanceContact: Sendable, Equatable, Codable {
    public let name: String
    public let phone: PhoneNumber

    public init(name: String, phone: PhoneNumber) {
        self.name = name
        self.phone = phone
    }
}

public struct GrievanceStep: Sendable, Equatable {
    public let action: GrievanceAction
    public let note: String?
    /// The member of staff the grievance is assigned to (`assign`).
    public let assignee: String?
    public let dueOn: CivilDate
    public let staffID: String
    public let at: Date

    public init(
        action: GrievanceAction, note: String?, assignee: String?, dueOn: CivilDate, staffID: String, at: Date
    ) {
        self.action = action
        self.note = note
        self.assignee = assignee
        self.dueOn = dueOn
        self.staffID = staffID
        self.at = at
    }
}

/// A grievance filed at the kiosk: its tracking code (printed for the visitor), what it is about,
/// the text, optional contact details and office area, and every triage step.
public struct Grievance: Sendable, Equatable {
    /// Days an office has to resolve a grievance unless staff set another due date: the 30 days
    /// Mongolia's law on handling citizens' petitions allows.
    public static let daysToResolve = 30
    public static let maxTextLength = 1000
    public static let maxNoteLength = 500
    public static let maxNameLength = 80
    public static let maxAreaLength = 60
    /// Letters and digits that cannot be confused when read off paper (no 0/O, 1/I/L, 5/S, 8/B).
    public static let codeAlphabet = Array("234679ACDEFGHJKMNPQRTUVWXYZ")

    public let id: UUID
    public let trackingCode: String
    public let officeCode: String
    public let category: GrievanceCategory
    public let text: String
    public let area: String?
    public let contact: GrievanceContact?
    public let language: Language
    public let filedAt: Date
    public var state: GrievanceState
    public var dueOn: CivilDate
    public var assignee: String?
    public var steps: [GrievanceStep]

    public init(
        id: UUID, trackingCode: String, officeCode: String, category: GrievanceCategory, text: String, area: String?,
        contact: GrievanceContact?, language: Language, filedAt: Date, state: GrievanceState = .filed,
        dueOn: CivilDate, assignee: String? = nil, steps: [GrievanceStep] = []
    ) {
        self.id = id
        self.trackingCode = trackingCode
        self.officeCode = officeCode
        self.category = category
        self.text = text
        self.area = area
        self.contact = contact
        self.language = language
        self.filedAt = filedAt
        self.state = state
        self.dueOn = dueOn
        self.assignee = assignee
        self.steps = steps
    }

    /// `GR-XXXX-XXXX` from the unambiguous alphabet (27^8 ≈ 2.8·10^11 codes: not guessable).
    public static func makeTrackingCode<R: RandomNumberGenerator>(using generator: inout R) -> String {
        let letters = (0..<8).map { _ in codeAlphabet.randomElement(using: &generator)! }
        return "GR-" + String(letters[0..<4]) + "-" + String(letters[4..<8])
    }

    /// A typed-in code in its written form: case and separators forgiven; nil when it cannot be one.
    public static func normalizedTrackingCode(_ raw: String) -> String? {
        var letters = raw.uppercased().filter { $0.isLetter || $0.isNumber }
        if letters.hasPrefix("GR") { letters.removeFirst(2) }
        guard letters.count == 8, letters.allSatisfy({ codeAlphabet.contains($0) }) else { return nil }
        return "GR-" + letters.prefix(4) + "-" + letters.suffix(4)
    }

    /// True when the grievance is open past its due date (in the office's calendar).
    public func isOverdue(today: CivilDate) -> Bool { state.isOpen && today > dueOn }

    /// Whether a member of staff with `role` may see it at all.
    public func isVisible(to role: StaffRole) -> Bool { !category.restrictedToHead || role == .head }

    /// Applies a triage step: acknowledged from filed; assigned, resolved or referred from any
    /// open state; nothing after it is resolved or referred.
    public mutating func apply(_ step: GrievanceStep) throws(GrievanceError) {
        guard state.isOpen else { throw .closed }
        if step.action == .acknowledge && state != .filed { throw .alreadyAcknowledged }
        if step.action == .assign && (step.assignee ?? "").isEmpty { throw .assigneeRequired }
        state = step.action.resultingState
        dueOn = step.dueOn
        if step.action == .assign { assignee = step.assignee }
        steps.append(step)
    }
}

/// A grievance as the kiosk screen sends it, before it is checked.
public struct GrievanceForm: Sendable {
    public var category: String?
    public var text: String?
    public var area: String?
    public var contactName: String?
    public var contactPhone: String?

    public init(
        category: String?, text: String?, area: String? = nil, contactName: String? = nil, contactPhone: String? = nil
    ) {
        self.category = category
        self.text = text
        self.area = area
        self.contactName = contactName
        self.contactPhone = contactPhone
    }

    /// The checked parts: every refused field named at once. Contact details are all or nothing:
    /// a name without a phone (or the reverse) is refused, so nobody believes they will be called back.
    public func validated() throws(ValidationFailure) -> (
        category: GrievanceCategory, text: String, area: String?, contact: GrievanceContact?
    ) {
        var errors: [FieldError] = []
        func take(_ result: Result<String?, FieldError>) -> String? {
            switch result {
            case .success(let value): return value
            case .failure(let error):
                errors.append(error)
                return nil
            }
        }
        let category = category.flatMap(GrievanceCategory.init(rawValue:))
        if category == nil {
            errors.append(FieldError(field: "category", code: self.category == nil ? "required" : "unknownCode"))
        }
        let text = take(
            FreeText.checked(self.text, field: "text", limit: Grievance.maxTextLength, required: true, lines: true))
        let area = take(
            FreeText.checked(self.area, field: "area", limit: Grievance.maxAreaLength, required: false, lines: false))
        let name = take(
            FreeText.checked(
                contactName, field: "contactName", limit: Grievance.maxNameLength, required: false, lines: false))
        var phone: PhoneNumber?
        if let raw = contactPhone, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                phone = try PhoneNumber(parsing: raw)
            } catch {
                errors.append(FieldError(field: "contactPhone", code: error.rawValue))
            }
        }
        if name != nil && phone == nil && !errors.contains(where: { $0.field == "contactPhone" }) {
            errors.append(FieldError(field: "contactPhone", code: "required"))
        }
        if phone != nil && name == nil && !errors.contains(where: { $0.field == "contactName" }) {
            errors.append(FieldError(field: "contactName", code: "required"))
        }
        guard errors.isEmpty, let category, let text else { throw ValidationFailure(errors: errors) }
        return (category, text, area, name.flatMap { name in phone.map { GrievanceContact(name: name, phone: $0) } })
    }
}

public enum GrievanceError: Error, Equatable, Sendable {
    case notFound
    /// Resolved or referred: nothing more happens to it here.
    case closed
    case alreadyAcknowledged
    case assigneeRequired
    /// A staff-conduct grievance, asked for by someone who is not the office head.
    case forbidden
}

public protocol GrievanceRepository: Sendable {
    /// Stores a checked grievance with its LMIS record and `requestKey`, in one transaction;
    /// returns it with its tracking code. The grievance a `requestKey` already filed is answered
    /// again and nothing is stored.
    func file(
        category: GrievanceCategory, text: String, area: String?, contact: GrievanceContact?, language: Language,
        requestKey: RequestKey?, at instant: Date
    ) async throws -> Grievance
    func grievance(trackingCode: String) async throws -> Grievance?
    /// The office's grievances, newest first; only open ones when `openOnly`.
    func grievances(openOnly: Bool) async throws -> [Grievance]
    /// Applies a triage step by a member of staff, with its LMIS record, in one transaction.
    func act(
        trackingCode: String, action: GrievanceAction, note: String?, assignee: String?, dueOn: CivilDate?,
        by staff: StaffSession, at instant: Date
    ) async throws -> Grievance
}

extension GrievanceRepository {
    /// A grievance filed without a request key (tools and benchmarks).
    public func file(
        category: GrievanceCategory, text: String, area: String?, contact: GrievanceContact?, language: Language,
        at instant: Date
    ) async throws -> Grievance {
        try await file(
            category: category, text: text, area: area, contact: contact, language: language, requestKey: nil,
            at: instant)
    }
}
