public import Foundation

/// The payload of an outbox record as the type its record type names: what the hub reads of a
/// record before it applies it, and what it hands on to the database.
public enum OutboxPayload: Encodable, Sendable, Hashable {
    /// `registration.created`, `registration.updated`.
    case registration(RegistrationChanged)
    /// `queue.<kind>`.
    case queueEvent(QueueEventRecorded)
    case referral(ReferralRecorded)
    case fingerprintsEnrolled(FingerprintsEnrolled)
    case fingerprintsDeleted(FingerprintsDeleted)
    case feedback(FeedbackRecorded)
    case grievanceFiled(GrievanceFiled)
    case grievanceUpdated(GrievanceUpdated)
    case appointment(AppointmentRecorded)
    case programmeReferral(ProgrammeReferralRecorded)
    case caseProfiled(CaseProfiled)
    case caseGroupDecided(CaseGroupDecided)
    case caseNoted(CaseNoted)
    case casePlanChanged(CasePlanChanged)
    case employerRegistered(EmployerRegistered)
    case vacancyRecorded(VacancyRecorded)
    case referralOutcome(ReferralOutcomeRecorded)
    case followUpAnswered(FollowUpAnswered)
    case calendarChanged(CalendarChanged)

    /// Reads the payload of a record of `type` from `decoder` (one whose dates are LMIS times,
    /// as `OutboxPayload.decoder`'s); `OutboxPayloadError` says what is wrong with it.
    public init(type: String, from decoder: any Decoder) throws(OutboxPayloadError) {
        do {
            let value = try decoder.singleValueContainer()
            switch OutboxRecordType(rawValue: type) {
            case .registrationCreated, .registrationUpdated:
                self = .registration(try value.decode(RegistrationChanged.self))
            case _ where RecordStream.of(type: type) == "queue" && type.count > "queue.".count:
                self = .queueEvent(try value.decode(QueueEventRecorded.self))
            case .referralRecorded: self = .referral(try value.decode(ReferralRecorded.self))
            case .fingerprintsEnrolled: self = .fingerprintsEnrolled(try value.decode(FingerprintsEnrolled.self))
            case .fingerprintsDeleted: self = .fingerprintsDeleted(try value.decode(FingerprintsDeleted.self))
            case .feedbackRecorded: self = .feedback(try value.decode(FeedbackRecorded.self))
            case .grievanceFiled: self = .grievanceFiled(try value.decode(GrievanceFiled.self))
            case .grievanceUpdated: self = .grievanceUpdated(try value.decode(GrievanceUpdated.self))
            case .appointmentRecorded: self = .appointment(try value.decode(AppointmentRecorded.self))
            case .programmeReferral: self = .programmeReferral(try value.decode(ProgrammeReferralRecorded.self))
            case .caseProfiled: self = .caseProfiled(try value.decode(CaseProfiled.self))
            case .caseGroupDecided: self = .caseGroupDecided(try value.decode(CaseGroupDecided.self))
            case .caseNoted: self = .caseNoted(try value.decode(CaseNoted.self))
            case .casePlanChanged: self = .casePlanChanged(try value.decode(CasePlanChanged.self))
            case .employerRegistered: self = .employerRegistered(try value.decode(EmployerRegistered.self))
            case .vacancyRecorded: self = .vacancyRecorded(try value.decode(VacancyRecorded.self))
            case .referralOutcome: self = .referralOutcome(try value.decode(ReferralOutcomeRecorded.self))
            case .followUpAnswered: self = .followUpAnswered(try value.decode(FollowUpAnswered.self))
            case .calendarChanged: self = .calendarChanged(try value.decode(CalendarChanged.self))
            default: throw OutboxPayloadError(reason: "unknown record type \(type)")
            }
        } catch let error as OutboxPayloadError {
            throw error
        } catch let error as DecodingError {
            throw OutboxPayloadError(type: type, error, under: decoder.codingPath.count)
        } catch {
            throw OutboxPayloadError(reason: "payload of \(type) does not decode")
        }
    }

    /// The payload as its type encodes it, LMIS times for dates.
    public var value: any Encodable & Sendable {
        switch self {
        case .registration(let payload): payload
        case .queueEvent(let payload): payload
        case .referral(let payload): payload
        case .fingerprintsEnrolled(let payload): payload
        case .fingerprintsDeleted(let payload): payload
        case .feedback(let payload): payload
        case .grievanceFiled(let payload): payload
        case .grievanceUpdated(let payload): payload
        case .appointment(let payload): payload
        case .programmeReferral(let payload): payload
        case .caseProfiled(let payload): payload
        case .caseGroupDecided(let payload): payload
        case .caseNoted(let payload): payload
        case .casePlanChanged(let payload): payload
        case .employerRegistered(let payload): payload
        case .vacancyRecorded(let payload): payload
        case .referralOutcome(let payload): payload
        case .followUpAnswered(let payload): payload
        case .calendarChanged(let payload): payload
        }
    }

    /// Encodes what its type encodes.
    public func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }

    /// Dates as LMIS times (`2026-11-22T14:03:05.123Z`), the form the kiosk writes.
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = LMISTime.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a UTC time: \(text)")
            }
            return date
        }
        return decoder
    }()

    /// Dates as the kiosk writes them (`LMISTime.timestamp`); keys sorted.
    public static let encoder = LMISCoding.encoder(time: LMISTime.timestamp)
}

/// Why a record's payload was refused before it was applied: a specific reason, per record
/// (`payload of registration.created does not decode: registration.familyName is missing`).
public struct OutboxPayloadError: Error, Hashable, Sendable {
    public let reason: String

    public init(reason: String) { self.reason = reason }

    /// `error` of a payload read at a coding path `depth` keys deep (the part above the payload
    /// is left out of the reason).
    init(type: String, _ error: DecodingError, under depth: Int) {
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath.dropFirst(depth) + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        let detail: String
        switch error {
        case .keyNotFound(let key, let context):
            detail = "\(path(context, key)) is missing"
        case .valueNotFound(_, let context) where path(context).isEmpty,
            .typeMismatch(_, let context) where path(context).isEmpty:
            reason = "payload must be a JSON object"
            return
        case .valueNotFound(_, let context):
            detail = "\(path(context)) is null"
        case .typeMismatch(let expected, let context):
            detail = "\(path(context)) is not \(Self.name(of: expected))"
        case .dataCorrupted(let context):
            detail = "\(path(context)): \(context.debugDescription)"
        @unknown default:
            detail = "\(error)"
        }
        reason = "payload of \(type) does not decode: \(detail)"
    }

    /// `a number`, `text`, `an object`, … for a Swift type a payload field is read as.
    static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Int.Type, is Int64.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: "an object"
        }
    }
}
