public import Foundation

/// What became of a referral to a vacancy, as the employer tells it.
public enum ReferralOutcome: String, Sendable, Codable, CaseIterable {
    case hired
    case notHired
    case didNotGo
}

/// A person taken on after a referral: the LMIS counts it as "found a job through the office".
public struct Placement: Sendable, Hashable, Codable {
    public var id: UUID
    public var referralID: UUID
    public var registrationID: UUID
    public var employerID: UUID
    public var vacancyReference: String
    /// ISCO-08 unit group of the job taken.
    public var iscoCode: String
    public var newlyCreated: Bool
    public var placedOn: CivilDate
    /// The officer who follows the person up (the one who referred them).
    public var counsellorID: String

    public init(
        id: UUID, referralID: UUID, registrationID: UUID, employerID: UUID, vacancyReference: String,
        iscoCode: String, newlyCreated: Bool, placedOn: CivilDate, counsellorID: String
    ) {
        self.id = id
        self.referralID = referralID
        self.registrationID = registrationID
        self.employerID = employerID
        self.vacancyReference = vacancyReference
        self.iscoCode = iscoCode
        self.newlyCreated = newlyCreated
        self.placedOn = placedOn
        self.counsellorID = counsellorID
    }
}

/// A referral to a vacancy with what became of it.
public struct VacancyReferral: Sendable, Hashable {
    public var referral: Referral
    public var personName: String
    public var personReference: String
    public var outcome: ReferralOutcome?
    public var outcomeOn: CivilDate?

    public init(
        referral: Referral, personName: String, personReference: String, outcome: ReferralOutcome?,
        outcomeOn: CivilDate?
    ) {
        self.referral = referral
        self.personName = personName
        self.personReference = personReference
        self.outcome = outcome
        self.outcomeOn = outcomeOn
    }
}

/// The answer to a follow-up call or visit.
public enum FollowUpAnswer: String, Sendable, Codable, CaseIterable {
    case stillInJob
    case otherJob
    case notWorking
}

/// How the answer came in.
public enum FollowUpChannel: String, Sendable, Codable, CaseIterable {
    case call
    case visit
    case sms
}

/// One follow-up of a placement, due 3, 6 or 12 months after it.
public struct FollowUp: Sendable, Hashable, Codable {
    public var id: UUID
    public var placementID: UUID
    public var months: Int
    public var dueOn: CivilDate
    public var counsellorID: String
    public var answer: FollowUpAnswer?
    public var channel: FollowUpChannel?
    public var answeredOn: CivilDate?

    public init(
        id: UUID, placementID: UUID, months: Int, dueOn: CivilDate, counsellorID: String,
        answer: FollowUpAnswer? = nil, channel: FollowUpChannel? = nil, answeredOn: CivilDate? = nil
    ) {
        self.id = id
        self.placementID = placementID
        self.months = months
        self.dueOn = dueOn
        self.counsellorID = counsellorID
        self.answer = answer
        self.channel = channel
        self.answeredOn = answeredOn
    }
}

/// When follow-ups fall due: 3, 6 and 12 months after the day of the placement in the office's
/// time zone (a hire recorded at 23:30 in Hovd is that Hovd day, whatever UTC says); a day the
/// month lacks (31 August + 6 months) becomes that month's last day.
public enum FollowUpSchedule {
    public static let months = [3, 6, 12]

    public static func dueDates(placedOn: CivilDate) -> [(months: Int, dueOn: CivilDate)] {
        months.map { ($0, placedOn.adding(months: $0)) }
    }

    /// The office day of a placement recorded at `instant`.
    public static func dueDates(placedAt instant: Date, in office: Office) -> [(months: Int, dueOn: CivilDate)] {
        dueDates(placedOn: office.today(at: instant))
    }
}

extension CivilDate {
    /// The same day `months` later, or the last day of that month when it has no such day.
    public func adding(months: Int) -> CivilDate {
        let total = year * 12 + (month - 1) + months
        let y = total / 12
        let m = total % 12 + 1
        return CivilDate(year: y, month: m, day: min(day, CivilDate.daysIn(month: m, year: y)))!
    }
}

/// A follow-up due to be made, with whom it concerns (for the counsellor's list).
public struct DueFollowUp: Sendable, Hashable {
    public var followUp: FollowUp
    public var personName: String
    public var personReference: String
    public var employerName: String
    public var vacancyTitle: String

    public init(
        followUp: FollowUp, personName: String, personReference: String, employerName: String, vacancyTitle: String
    ) {
        self.followUp = followUp
        self.personName = personName
        self.personReference = personReference
        self.employerName = employerName
        self.vacancyTitle = vacancyTitle
    }
}
