public import Foundation

/// What eligibility is decided on, for one person on one day.
public struct EligibilityFacts: Sendable, Equatable {
    public var age: Int
    public var hasDisability: Bool
    public var herder: Bool
    /// Whole months registered unemployed (0 when not unemployed).
    public var monthsUnemployed: Int
    /// The profiling group (`ready`, `medium`, `high`), nil before the person is profiled.
    public var profileGroup: String?

    public init(age: Int, hasDisability: Bool, herder: Bool, monthsUnemployed: Int, profileGroup: String? = nil) {
        self.age = age
        self.hasDisability = hasDisability
        self.herder = herder
        self.monthsUnemployed = monthsUnemployed
        self.profileGroup = profileGroup
    }

    /// The facts of a registration on `today`: age from the birth date; herder by status; time
    /// unemployed counted from registration while the status is unemployed (the register keeps
    /// no earlier date).
    public static func of(
        _ registration: Registration, today: CivilDate, calendar: Calendar, at instant: Date, profileGroup: String?
    ) -> Self {
        let d = registration.details
        var months = 0
        if d.status == .unemployed {
            months = max(0, calendar.dateComponents([.month], from: registration.createdAt, to: instant).month ?? 0)
        }
        return Self(
            age: d.birthDate.age(on: today), hasDisability: d.hasDisability, herder: d.status == .herder,
            monthsUnemployed: months, profileGroup: profileGroup)
    }
}

/// One rule of a programme checked for a person: the locale key of the rule and whether it holds.
public struct EligibilityReason: Sendable, Equatable, Codable {
    public enum Result: String, Sendable, Codable {
        case met
        case unmet
        /// Cannot be checked yet (no profile group): the officer decides; it does not bar.
        case unknown
    }
    /// `age`, `disability`, `herder`, `unemployed`, `profileGroup`, `period`.
    public var rule: String
    public var result: Result
    /// The numbers the rule compared, for the text (`{min}`, `{max}`, `{value}`).
    public var values: [String: String]

    public init(rule: String, result: Result, values: [String: String] = [:]) {
        self.rule = rule
        self.result = result
        self.values = values
    }
}

/// A programme with whether the person may be referred and why.
public struct EligibilityAnswer: Sendable, Equatable {
    public var programme: Programme
    public var reasons: [EligibilityReason]
    public var eligible: Bool { !reasons.contains { $0.result == .unmet } }
}

/// The programmes' rules applied to a person's facts: pure, one answer per programme, every
/// rule given with its result so the officer sees why.
public enum Eligibility {
    public static func check(_ programme: Programme, _ facts: EligibilityFacts, on date: CivilDate)
        -> EligibilityAnswer
    {
        let rules = programme.rules
        var reasons: [EligibilityReason] = []
        func add(_ rule: String, _ met: Bool, _ values: [String: String]) {
            reasons.append(EligibilityReason(rule: rule, result: met ? .met : .unmet, values: values))
        }
        reasons.append(
            EligibilityReason(
                rule: "period", result: programme.isRunning(on: date) ? .met : .unmet,
                values: ["from": programme.starts.description, "to": programme.ends.description]))
        if rules.minAge != nil || rules.maxAge != nil {
            let low = rules.minAge ?? 0
            let high = rules.maxAge ?? 200
            add("age", (low...high).contains(facts.age), ["min": "\(low)", "max": "\(high)", "value": "\(facts.age)"])
        }
        if let disability = rules.disability { add("disability", facts.hasDisability == disability, [:]) }
        if let herder = rules.herder { add("herder", facts.herder == herder, [:]) }
        if let months = rules.minMonthsUnemployed {
            add(
                "unemployed", facts.monthsUnemployed >= months,
                ["min": "\(months)", "value": "\(facts.monthsUnemployed)"])
        }
        if let groups = rules.profileGroups {
            let values = ["groups": groups.joined(separator: ", ")]
            if let group = facts.profileGroup {
                add("profileGroup", groups.contains(group), values.merging(["value": group]) { a, _ in a })
            } else {
                reasons.append(EligibilityReason(rule: "profileGroup", result: .unknown, values: values))
            }
        }
        return EligibilityAnswer(programme: programme, reasons: reasons)
    }

    /// Every programme's answer, the eligible ones first (each group in the hub's order).
    public static func answers(_ programmes: [Programme], _ facts: EligibilityFacts, on date: CivilDate)
        -> [EligibilityAnswer]
    {
        let all = programmes.map { check($0, facts, on: date) }
        return all.filter(\.eligible) + all.filter { !$0.eligible }
    }
}
