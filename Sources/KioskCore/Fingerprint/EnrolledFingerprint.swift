public import Fingerprint
public import Foundation

/// A finger, named as the screens and the API name it; `isoCode` is its ISO/IEC 19794-2 number.
public enum FingerPosition: String, Sendable, Codable, CaseIterable, Hashable {
    case rightThumb, rightIndex, rightMiddle, rightRing, rightLittle
    case leftThumb, leftIndex, leftMiddle, leftRing, leftLittle

    /// 1 (right thumb) … 10 (left little), as ISO/IEC 19794-2 records it.
    public var isoCode: UInt8 { UInt8(Self.allCases.firstIndex(of: self)! + 1) }

    /// The fingers the kiosk asks for, in order: the right index finger, then the left.
    public static let enrolled: [FingerPosition] = [.rightIndex, .leftIndex]
}

/// One enrolled finger of a registered person: the templates of its best captures (up to three).
public struct EnrolledFingerprint: Sendable, Hashable {
    public var registrationID: UUID
    public var finger: FingerPosition
    public var templates: [FingerprintTemplate]
    public var enrolledAt: Date
    /// The member of staff who enrolled it; nil when the person enrolled at the kiosk.
    public var enrolledBy: String?

    public init(
        registrationID: UUID, finger: FingerPosition, templates: [FingerprintTemplate], enrolledAt: Date,
        enrolledBy: String? = nil
    ) {
        self.registrationID = registrationID
        self.finger = finger
        self.templates = templates
        self.enrolledAt = enrolledAt
        self.enrolledBy = enrolledBy
    }
}

/// Who changed a person's fingerprints at a desk: recorded with the change.
public struct StaffActor: Sendable, Hashable {
    public var staffID: String
    public var counter: Int?

    public init(staffID: String, counter: Int?) {
        self.staffID = staffID
        self.counter = counter
    }
}

public enum FingerprintStoreError: Error, Hashable, Sendable {
    case unknownRegistration
    /// The person has fingers enrolled already; only staff may replace them.
    case alreadyEnrolled
    /// Nothing to enrol, or more than two fingers, or a finger without templates.
    case invalidEnrolment(String)
    /// A stored template could not be opened: another device's secret, or damage.
    case unreadable(registrationID: UUID, finger: FingerPosition)
}

/// The enrolled fingers of the office's jobseekers, kept encrypted. Each change is written with
/// its LMIS record (and, for staff, its audit line) in one transaction.
public protocol FingerprintRepository: Sendable {
    /// Stores `fingers` as the person's enrolled fingers. A person enrolling at the kiosk
    /// (`actor` nil) may only add fingers to someone with none; staff replace whatever was there.
    func enrol(
        registrationID: UUID, fingers: [FingerPosition: [FingerprintTemplate]], by actor: StaffActor?, at instant: Date
    ) async throws -> [EnrolledFingerprint]
    /// Removes every enrolled finger of the person; answers how many there were.
    func delete(registrationID: UUID, by actor: StaffActor, at instant: Date) async throws -> Int
    func fingers(registrationID: UUID) async throws -> [EnrolledFingerprint]
    /// Every enrolled finger of the office, for the identification gallery.
    func all() async throws -> [EnrolledFingerprint]
}

extension FingerprintRepository {
    /// Checks an enrolment before it is stored.
    public static func problem(in fingers: [FingerPosition: [FingerprintTemplate]]) -> String? {
        if fingers.isEmpty { return "no finger to enrol" }
        if fingers.count > 2 { return "at most two fingers are enrolled" }
        for (finger, templates) in fingers where templates.isEmpty || templates.count > 3 {
            return "\(finger.rawValue) needs one to three templates, has \(templates.count)"
        }
        return nil
    }
}
