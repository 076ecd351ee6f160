/// Kinds of record the LMIS receives, written by the kiosk into its outbox and uploaded in
/// batches (the stream is the part before the dot). New kinds are added by later features;
/// queue events are `queue.<event kind>`.
public struct OutboxRecordType: RawRepresentable, Hashable, Sendable, Codable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let registrationCreated = Self(rawValue: "registration.created")
    public static let registrationUpdated = Self(rawValue: "registration.updated")
    public static let referralRecorded = Self(rawValue: "referral.recorded")
    public static let feedbackRecorded = Self(rawValue: "feedback.recorded")
    public static let grievanceFiled = Self(rawValue: "grievance.filed")
    public static let grievanceUpdated = Self(rawValue: "grievance.updated")
    public static let fingerprintsEnrolled = Self(rawValue: "fingerprints.enrolled")
    public static let fingerprintsDeleted = Self(rawValue: "fingerprints.deleted")
    public static let appointmentRecorded = Self(rawValue: "appointment.recorded")
    public static let programmeReferral = Self(rawValue: "programme.referral")
    public static let caseProfiled = Self(rawValue: "case.profiled")
    public static let caseGroupDecided = Self(rawValue: "case.groupDecided")
    public static let caseNoted = Self(rawValue: "case.noted")
    public static let casePlanChanged = Self(rawValue: "case.planChanged")
    public static let employerRegistered = Self(rawValue: "employer.registered")
    public static let vacancyRecorded = Self(rawValue: "vacancy.recorded")
    public static let referralOutcome = Self(rawValue: "referral.outcome")
    public static let followUpAnswered = Self(rawValue: "followUp.answered")
    public static let calendarChanged = Self(rawValue: "calendar.changed")
}
