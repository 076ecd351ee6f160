public import Fingerprint
public import Foundation
public import KioskCore
import Synchronization

/// Enrolled fingers kept in memory, for use-case tests: a person enrolling at the kiosk may only
/// add fingers to someone with none, as the SQLite store rules.
public final class InMemoryFingerprintRepository: FingerprintRepository {
    private let rows = Mutex<[EnrolledFingerprint]>([])

    public init() {}

    public func enrol(
        registrationID: UUID, fingers: [FingerPosition: [FingerprintTemplate]], by actor: StaffActor?, at instant: Date
    ) async throws -> [EnrolledFingerprint] {
        let added = fingers.map {
            EnrolledFingerprint(
                registrationID: registrationID, finger: $0.key, templates: $0.value, enrolledAt: instant)
        }
        return try rows.withLock { rows in
            if actor == nil, rows.contains(where: { $0.registrationID == registrationID }) {
                throw FingerprintStoreError.alreadyEnrolled
            }
            rows.removeAll { $0.registrationID == registrationID }
            rows += added
            return added
        }
    }

    public func delete(registrationID: UUID, by actor: StaffActor, at instant: Date) async throws -> Int {
        rows.withLock { rows in
            let before = rows.count
            rows.removeAll { $0.registrationID == registrationID }
            return before - rows.count
        }
    }

    public func fingers(registrationID: UUID) async throws -> [EnrolledFingerprint] {
        rows.withLock { $0.filter { $0.registrationID == registrationID } }
    }

    public func all() async throws -> [EnrolledFingerprint] { rows.withLock { $0 } }
}
