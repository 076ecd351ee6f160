public import Foundation

/// Version 1 of the kiosk ↔ LMIS protocol. Every path starts with `/v1`; a later version gets
/// new paths, and a hub serves both while kiosks upgrade. `docs/lmis-protocol.yaml` documents it.
public enum LMISPath {
    public static let enrol = "/v1/enrol"
    public static let upload = "/v1/upload"
    public static let changes = "/v1/changes"
    public static let identity = "/v1/identity"
    public static let status = "/v1/status"
    public static let heartbeat = "/v1/heartbeat"
    /// What the hub holds of a stream's records (`UploadReceipts`), asked before sending again
    /// a batch whose answer was lost.
    public static let uploadReceipts = "/v1/upload/receipts"
    public static func reference(_ kind: ReferenceKind) -> String { "/v1/reference/\(kind.rawValue)" }
}

/// Limits both ends keep to.
public enum LMISLimits {
    /// The most records one upload batch carries.
    public static let batchRecords = 500
    /// The most bytes (uncompressed JSON) one upload batch carries.
    public static let batchBytes = 1 << 20
    /// The most bytes any gzip body may inflate to; larger bodies are refused (413).
    public static let inflatedBody = 8 << 20
    /// How far a request's timestamp may be from the hub's clock.
    public static let clockTolerance: TimeInterval = 300
    /// The most changes one download page carries.
    public static let changesPage = 2000
}

// MARK: Enrolment

/// A technician's one-time code from the hub, and the kiosk's own new public key.
public struct EnrolmentRequest: Codable, Sendable, Hashable {
    public var code: String
    /// Raw Ed25519 public key (32 bytes), base64.
    public var publicKey: String
    public var deviceName: String
    public var softwareVersion: String
    /// Signature of `EnrolmentRequest.proofText(code:publicKey:)` with the new private key:
    /// proves the kiosk holds the key it enrols.
    public var proof: String
    /// Sent by `kiosk sync enrol --force` over an earlier enrolment: what that enrolment leaves
    /// unsent, recorded at the hub as abandoned (nil for a first enrolment).
    public var abandonment: EnrolmentAbandonment?

    public init(
        code: String, publicKey: String, deviceName: String, softwareVersion: String, proof: String,
        abandonment: EnrolmentAbandonment? = nil
    ) {
        self.code = code
        self.publicKey = publicKey
        self.deviceName = deviceName
        self.softwareVersion = softwareVersion
        self.proof = proof
        self.abandonment = abandonment
    }

    public static func proofText(code: String, publicKey: String) -> Data {
        Data("LMIS-enrol-v1\n\(code)\n\(publicKey)".utf8)
    }
}

public struct EnrolmentResponse: Codable, Sendable, Hashable {
    /// The key id every later request names (derived from the public key).
    public var deviceID: String
    public var officeCode: String
    public var officeName: String
    public var timeZone: String
    public var serverTime: String

    public init(deviceID: String, officeCode: String, officeName: String, timeZone: String, serverTime: String) {
        self.deviceID = deviceID
        self.officeCode = officeCode
        self.officeName = officeName
        self.timeZone = timeZone
        self.serverTime = serverTime
    }
}

// MARK: Upload

/// The outcome the hub gives each uploaded record.
public enum RecordStatus: String, Codable, Sendable, Hashable, CaseIterable {
    /// Written at the hub now.
    case applied
    /// The hub already had this record (same id): nothing written again.
    case duplicate
    /// Invalid: kept in the hub's quarantine with the reason; the kiosk keeps it aside too.
    case rejected
    /// Valid, but the hub holds something newer or different (for example a later revision of the
    /// same person from another office): the hub's state stands, the kiosk learns it.
    case conflict
}

/// Record families, uploaded as separate streams so that one stuck stream cannot block another.
///
/// The queue's records go in a lane per office day (issue 25), `queue@YYYY-MM-DD`: a ticket's
/// events all belong to its office day, so each lane holds whole tickets, in order, and today's
/// lane goes up beside older days' backlog instead of behind it. The hub keeps each lane as a
/// stream of its own (receipts, `after`); plain `queue` (kiosks before lanes) is still taken.
public enum RecordStream {
    /// `registration.created` → `registration`, `queue.called` → `queue`.
    public static func of(type: String) -> String {
        type.split(separator: ".", maxSplits: 1).first.map(String.init) ?? type
    }

    /// The queue's lane of one office day: `queue@2026-12-07`.
    public static func queueLane(day: String) -> String { "queue" + laneMark + day }

    /// What separates a family from its lane's day in a stream's name.
    public static let laneMark = "@"

    /// The family a stream's records belong to: `queue@2026-12-07` → `queue`, `registration` → itself.
    public static func family(of stream: String) -> String {
        stream.split(separator: laneMark, maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            ?? stream
    }

    /// The office day of a queue lane (`queue@2026-12-07` → `2026-12-07`); nil for a stream that
    /// is a family itself, or a name that is neither (a lane of another family, a day not
    /// written `YYYY-MM-DD`).
    public static func laneDay(of stream: String) -> String? {
        guard let mark = stream.range(of: laneMark), stream[..<mark.lowerBound] == "queue" else { return nil }
        let day = stream[mark.upperBound...]
        let shape = day.utf8.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7
                ? byte == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return day.utf8.count == 10 && shape ? String(day) : nil
    }

    /// Whether the hub takes a batch named `stream`: a family, or a queue lane of a day.
    public static func isValid(_ stream: String) -> Bool {
        !stream.isEmpty && (!stream.contains(laneMark) || laneDay(of: stream) != nil)
    }
}

public struct UploadRecord: Codable, Sendable, Hashable {
    /// UUIDv7, lower case.
    public var id: String
    /// Per device, gapless from 1 across all streams.
    public var sequence: Int64
    public var type: String
    /// UTC with milliseconds, by the kiosk's clock.
    public var createdAt: String
    public var payload: JSONValue

    public init(id: String, sequence: Int64, type: String, createdAt: String, payload: JSONValue) {
        self.id = id
        self.sequence = sequence
        self.type = type
        self.createdAt = createdAt
        self.payload = payload
    }
}

/// A batch as the hub reads it: every record's envelope, and its payload decoded as the type its
/// record type names (`OutboxPayload`), or the reason it does not decode. Decode it with
/// `OutboxPayload.decoder` (LMIS times).
public struct UploadEnvelope: Decodable, Sendable {
    public struct Header: Decodable, Sendable {
        public var id: String
        public var sequence: Int64
        public var type: String
        public var createdAt: String
        /// The payload, or why this record is refused before it is applied.
        public var payload: Result<OutboxPayload, OutboxPayloadError>
        /// The payload as sent, kept only for a refused record (for the quarantine).
        public var sent: JSONValue?

        private enum CodingKeys: String, CodingKey { case id, sequence, type, createdAt, payload }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            sequence = try container.decode(Int64.self, forKey: .sequence)
            type = try container.decode(String.self, forKey: .type)
            createdAt = try container.decode(String.self, forKey: .createdAt)
            do {
                guard container.contains(.payload) else {
                    throw OutboxPayloadError(reason: "payload must be a JSON object")
                }
                payload = .success(try OutboxPayload(type: type, from: try container.superDecoder(forKey: .payload)))
                sent = nil
            } catch let refusal as OutboxPayloadError {
                payload = .failure(refusal)
                sent = try? container.decodeIfPresent(JSONValue.self, forKey: .payload)
            }
        }
    }

    public var stream: String
    /// The last sequence of the batch of this stream sent just before this one (pipelined, its
    /// answer maybe not yet heard): the hub applies this batch only after that one (issue 25).
    public var after: Int64?
    public var records: [Header]
}

public struct UploadBatch: Codable, Sendable, Hashable {
    public var stream: String
    /// See `UploadEnvelope.after`.
    public var after: Int64?
    public var records: [UploadRecord]

    public init(stream: String, after: Int64? = nil, records: [UploadRecord]) {
        self.stream = stream
        self.after = after
        self.records = records
    }
}

public struct RecordResult: Codable, Sendable, Hashable {
    public var id: String
    public var sequence: Int64
    public var status: RecordStatus
    public var reason: String?
    /// For registrations: the hub's id of the person (the surviving one after a merge).
    public var personID: String?

    public init(id: String, sequence: Int64, status: RecordStatus, reason: String? = nil, personID: String? = nil) {
        self.id = id
        self.sequence = sequence
        self.status = status
        self.reason = reason
        self.personID = personID
    }
}

public struct UploadResponse: Codable, Sendable, Hashable {
    public var results: [RecordResult]
    public init(results: [RecordResult]) { self.results = results }
}

// MARK: Download

public enum ReferenceKind: String, Codable, Sendable, Hashable, CaseIterable {
    case adminUnits = "admin-units"
    case occupations
    case educationLevels = "education-levels"
    case services
    /// Employment promotion programmes with their rules, period and quotas per office.
    case programmes
    /// The profiling questionnaire (one, keyed by its `version`): questions, weights, thresholds.
    case profiling
}

/// Position in the hub's change feed: the hub's epoch and the last change seen.
/// Written `epoch:position`. A cursor from another epoch (a hub restored from a backup, a new
/// database) makes the hub answer from the start with `reset`, so nothing is silently missed.
public struct ChangeCursor: Hashable, Sendable, CustomStringConvertible {
    public var epoch: String
    public var position: Int64

    public init(epoch: String, position: Int64) {
        self.epoch = epoch
        self.position = position
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isLetter || $0.isNumber }),
            let position = Int64(parts[1]), position >= 0
        else { return nil }
        self.init(epoch: String(parts[0]), position: position)
    }

    public var description: String { "\(epoch):\(position)" }
}

/// A whole reference kind at once (answers `ETag` / `If-None-Match`).
public struct ReferenceSnapshot: Codable, Sendable, Hashable {
    public var kind: ReferenceKind
    public var version: String
    public var items: [JSONValue]

    public init(kind: ReferenceKind, version: String, items: [JSONValue]) {
        self.kind = kind
        self.version = version
        self.items = items
    }
}

// MARK: Identity

public struct IdentityRequest: Codable, Sendable, Hashable {
    public var registryNumber: String
    /// An ISO/IEC 19794-2 finger minutiae record, base64, once templates exist.
    public var template: String?

    public init(registryNumber: String, template: String? = nil) {
        self.registryNumber = registryNumber
        self.template = template
    }
}

public enum IdentityResult: String, Codable, Sendable, Hashable {
    /// The registry knows the number (and the finger matches, when one was sent).
    case verified
    /// The registry knows the number, but the finger does not match it.
    case mismatch
    /// No such registry number.
    case notFound
    /// The civil registry could not answer now; ask again later.
    case unavailable
}

/// What the civil registry says about a person: only what registration needs.
public struct CivilPerson: Codable, Sendable, Hashable {
    public var registryNumber: String
    public var familyName: String
    public var givenName: String
    /// `YYYY-MM-DD`.
    public var birthDate: String
    /// `male` or `female`.
    public var sex: String

    public init(registryNumber: String, familyName: String, givenName: String, birthDate: String, sex: String) {
        self.registryNumber = registryNumber
        self.familyName = familyName
        self.givenName = givenName
        self.birthDate = birthDate
        self.sex = sex
    }
}

public struct IdentityResponse: Codable, Sendable, Hashable {
    public var result: IdentityResult
    public var person: CivilPerson?
    /// The hub's person id when this registry number is already registered somewhere.
    public var personID: String?

    public init(result: IdentityResult, person: CivilPerson? = nil, personID: String? = nil) {
        self.result = result
        self.person = person
        self.personID = personID
    }
}

// MARK: Status and errors

public struct HubStatus: Codable, Sendable, Hashable {
    public var deviceID: String
    public var officeCode: String
    public var serverTime: String
    public var epoch: String
    /// Records the hub holds from this device, and the highest sequence among them: the
    /// difference tells how many are missing.
    public var received: Int64
    public var highestSequence: Int64
    public var quarantined: Int64

    public init(
        deviceID: String, officeCode: String, serverTime: String, epoch: String, received: Int64,
        highestSequence: Int64, quarantined: Int64
    ) {
        self.deviceID = deviceID
        self.officeCode = officeCode
        self.serverTime = serverTime
        self.epoch = epoch
        self.received = received
        self.highestSequence = highestSequence
        self.quarantined = quarantined
    }
}

/// Machine-readable error codes of the protocol.
public enum ProblemCode: String, Codable, Sendable, Hashable {
    case badRequest = "bad_request"
    case tooLarge = "too_large"
    case unsigned
    case badSignature = "bad_signature"
    case unknownDevice = "unknown_device"
    case revokedDevice = "revoked_device"
    case staleTimestamp = "stale_timestamp"
    case replayed
    case invalidCode = "invalid_code"
    case busy
    case notFound = "not_found"
    case internalError = "internal_error"
    /// A pipelined batch whose predecessor (`UploadEnvelope.after`) has not arrived.
    case outOfOrder = "out_of_order"
    /// A request that contradicts what the hub holds (an older update bundle for a channel).
    case conflict

    /// What a refused caller is told in Mongolian (`Problem.messageMn`).
    public var refusalMn: String? {
        switch self {
        case .unsigned: "Энэ хүсэлтийг зөвхөн бүртгэлтэй төхөөрөмжийн гарын үсэг эсвэл админы түлхүүртэй хүлээн авна."
        case .badSignature: "Хүсэлтийн гарын үсэг баталгаажсангүй."
        case .unknownDevice: "Ийм төхөөрөмж бүртгэлгүй байна."
        case .revokedDevice: "Энэ төхөөрөмжийг хассан байна. Дахин бүртгүүлнэ үү."
        case .staleTimestamp: "Хүсэлтийн цаг хэт зөрүүтэй байна. Төхөөрөмжийн цагийг шалгана уу."
        case .replayed: "Яг ийм хүсэлт өмнө нь ирсэн байна."
        case .invalidCode: "Бүртгэлийн код буруу, ашиглагдсан эсвэл хугацаа нь дууссан байна."
        default: nil
        }
    }
}

/// Every error answer: a code, a sentence for people, and the hub's clock (lets a kiosk whose
/// clock is wrong sign with the hub's time).
public struct Problem: Codable, Sendable, Hashable, Error, CustomStringConvertible {
    public var error: ProblemCode
    public var message: String
    /// The refusal of a caller (no or a bad signature, an unknown or revoked device, a wrong
    /// admin token or enrolment code) in Mongolian too, for the office's technician and the
    /// hub's operators; nil for every other problem, whose `message` names a field or a value.
    public var messageMn: String?
    public var serverTime: String

    public init(_ error: ProblemCode, _ message: String, serverTime: String) {
        self.error = error
        self.message = message
        self.messageMn = error.refusalMn
        self.serverTime = serverTime
    }

    public var description: String { "\(error.rawValue): \(message)" }
}

// MARK: Vacancies

/// A vacancy as the LMIS publishes it.
public struct VacancyRecord: Codable, Sendable, Hashable {
    /// The code a person quotes at the desk, `V-2026-00042`.
    public var reference: String
    public var title: String
    public var titleEn: String?
    /// ISCO-08 unit group, four digits.
    public var iscoCode: String
    public var employer: String
    public var aimagCode: String
    public var soumCode: String?
    /// Monthly wage range in tögrög; nil when the employer gave none.
    public var wageMin: Int?
    public var wageMax: Int?
    /// `fullTime`, `partTime`, `shift` or `seasonal`.
    public var hours: String
    /// Minimum education level code, when required.
    public var education: String?
    public var skills: [String]
    /// Licences the job cannot be done without (`driving-c`); absent in older records.
    public var licences: [String]
    public var experienceYears: Int
    public var posts: Int
    /// `YYYY-MM-DD`.
    public var postedOn: String
    public var closesOn: String
    public var howToApply: String
    /// The office that registered the vacancy, if an LSWO did.
    public var officeCode: String?
    /// A job that did not exist before (counted in the monthly indicators).
    public var newlyCreated: Bool

    public init(
        reference: String, title: String, titleEn: String? = nil, iscoCode: String, employer: String,
        aimagCode: String, soumCode: String? = nil, wageMin: Int? = nil, wageMax: Int? = nil, hours: String,
        education: String? = nil, skills: [String] = [], licences: [String] = [], experienceYears: Int = 0,
        posts: Int = 1, postedOn: String, closesOn: String, howToApply: String, officeCode: String? = nil,
        newlyCreated: Bool = false
    ) {
        self.reference = reference
        self.title = title
        self.titleEn = titleEn
        self.iscoCode = iscoCode
        self.employer = employer
        self.aimagCode = aimagCode
        self.soumCode = soumCode
        self.wageMin = wageMin
        self.wageMax = wageMax
        self.hours = hours
        self.education = education
        self.skills = skills
        self.licences = licences
        self.experienceYears = experienceYears
        self.posts = posts
        self.postedOn = postedOn
        self.closesOn = closesOn
        self.howToApply = howToApply
        self.officeCode = officeCode
        self.newlyCreated = newlyCreated
    }

    private enum CodingKeys: String, CodingKey {
        case reference, title, titleEn, iscoCode, employer, aimagCode, soumCode, wageMin, wageMax, hours, education
        case skills, licences, experienceYears, posts, postedOn, closesOn, howToApply, officeCode, newlyCreated
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            reference: try c.decode(String.self, forKey: .reference), title: try c.decode(String.self, forKey: .title),
            titleEn: try c.decodeIfPresent(String.self, forKey: .titleEn),
            iscoCode: try c.decode(String.self, forKey: .iscoCode),
            employer: try c.decode(String.self, forKey: .employer),
            aimagCode: try c.decode(String.self, forKey: .aimagCode),
            soumCode: try c.decodeIfPresent(String.self, forKey: .soumCode),
            wageMin: try c.decodeIfPresent(Int.self, forKey: .wageMin),
            wageMax: try c.decodeIfPresent(Int.self, forKey: .wageMax),
            hours: try c.decode(String.self, forKey: .hours),
            education: try c.decodeIfPresent(String.self, forKey: .education),
            skills: try c.decodeIfPresent([String].self, forKey: .skills) ?? [],
            licences: try c.decodeIfPresent([String].self, forKey: .licences) ?? [],
            experienceYears: try c.decodeIfPresent(Int.self, forKey: .experienceYears) ?? 0,
            posts: try c.decodeIfPresent(Int.self, forKey: .posts) ?? 1,
            postedOn: try c.decode(String.self, forKey: .postedOn),
            closesOn: try c.decode(String.self, forKey: .closesOn),
            howToApply: try c.decode(String.self, forKey: .howToApply),
            officeCode: try c.decodeIfPresent(String.self, forKey: .officeCode),
            newlyCreated: try c.decodeIfPresent(Bool.self, forKey: .newlyCreated) ?? false)
    }

    public static let hoursValues: Set<String> = ["fullTime", "partTime", "shift", "seasonal"]

    /// Problems that keep a vacancy out of the feed; empty when it is fine.
    public var problems: [String] {
        var problems: [String] = []
        if reference.isEmpty || reference.count > 40 { problems.append("reference must be 1–40 characters") }
        if title.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("title is required") }
        if iscoCode.count != 4 || !iscoCode.allSatisfy(\.isASCII) || !iscoCode.allSatisfy(\.isNumber) {
            problems.append("iscoCode must be four digits")
        }
        if !Self.hoursValues.contains(hours) { problems.append("hours must be one of \(Self.hoursValues.sorted())") }
        if LMISTime.parse(postedOn + "T00:00:00Z") == nil { problems.append("postedOn must be YYYY-MM-DD") }
        if LMISTime.parse(closesOn + "T00:00:00Z") == nil { problems.append("closesOn must be YYYY-MM-DD") }
        if let low = wageMin, let high = wageMax, low > high { problems.append("wageMin is above wageMax") }
        if posts < 1 { problems.append("posts must be at least 1") }
        if skills.count > 30 || skills.contains(where: { $0.isEmpty || $0.count > 80 || $0.contains("\n") }) {
            problems.append("skills: at most 30, each 1–80 characters on one line")
        }
        if licences.count > 10
            || !licences.allSatisfy({ code in
                (1...32).contains(code.count)
                    && code.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
            })
        {
            problems.append("licences: at most 10 codes of lower-case letters, digits and hyphens")
        }
        if experienceYears < 0 || experienceYears > 60 { problems.append("experienceYears must be 0–60") }
        return problems
    }
}
