/// Why the office texts someone. Consent, quiet hours and STOP replies go by kind.
public enum SMSKind: String, CaseIterable, Sendable, Codable {
    /// A one-time code the visitor asked for at the kiosk: no consent needed, sent at any hour.
    case oneTimeCode = "one_time_code"
    /// "Your turn is near": sent at any hour the office is open.
    case turnNear = "turn_near"
    /// A change to a grievance the person filed.
    case grievanceUpdate = "grievance_update"
    /// The weekly digest of new matching vacancies.
    case vacancyDigest = "vacancy_digest"
    /// An appointment booked with a counsellor: the evening before and on the day.
    case appointmentReminder = "appointment_reminder"
    /// "Are you working?" 3, 6 and 12 months after a placement; the reply answers the follow-up.
    case followUp = "follow_up"

    /// Sent without a recorded consent (the person asked for this very message).
    public var needsConsent: Bool { self != .oneTimeCode }

    /// Held back in the office's quiet hours.
    public var keepsQuietHours: Bool { self != .oneTimeCode && self != .turnNear }
}

/// Consent to a kind of message for a number: who gave or withdrew it, and when.
public enum SMSConsentSource: String, Sendable, Codable {
    case kiosk, reply, staff
}
