public import Fingerprint
public import Foundation
import GRDB
public import KioskCore
import LMISProtocol

/// Enrolled fingers on the office database, one row per person and finger, the templates sealed
/// (`TemplateSealer`). An enrolment or deletion is written with its outbox record and, for
/// staff, its audit line in one transaction. The LMIS receives an ISO/IEC 19794-2:2005 record of
/// the fingers (one view each) for the civil-registry check; the images never exist here.
public struct SQLiteFingerprintRepository: FingerprintRepository {
    let database: AppDatabase
    let officeCode: String
    let sealer: TemplateSealer

    public init(database: AppDatabase, officeCode: String, sealer: TemplateSealer) {
        self.database = database
        self.officeCode = officeCode
        self.sealer = sealer
    }

    public func enrol(
        registrationID: UUID, fingers: [FingerPosition: [FingerprintTemplate]], by actor: StaffActor?, at instant: Date
    ) async throws -> [EnrolledFingerprint] {
        if let problem = Self.problem(in: fingers) { throw FingerprintStoreError.invalidEnrolment(problem) }
        let registration = registrationID.uuidString.lowercased()
        let ordered = FingerPosition.allCases.compactMap { finger in fingers[finger].map { (finger, $0) } }
        var rows: [(finger: FingerPosition, sealed: Data, count: Int)] = []
        for (finger, templates) in ordered {
            rows.append(
                (
                    finger, try sealer.seal(Self.pack(templates), boundTo: Self.binding(registration, finger)),
                    templates.count
                ))
        }
        let sealedRows = rows
        let record = MinutiaeRecord(views: ordered.map { (fingerPosition: $0.isoCode, viewNumber: 0, template: $1[0]) })
        guard let iso = record.bytes else {
            throw FingerprintStoreError.invalidEnrolment(record.problems.joined(separator: "; "))
        }
        let officeCode = officeCode
        try await database.write { db in
            try SQLiteRegistrationRepository.requireExisting(
                db, key: registration, orThrow: FingerprintStoreError.unknownRegistration)
            let existing =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM fingerprint WHERE registration_id = ?", arguments: [registration])
                ?? 0
            if existing > 0 {
                guard actor != nil else { throw FingerprintStoreError.alreadyEnrolled }
                try db.execute(sql: "DELETE FROM fingerprint WHERE registration_id = ?", arguments: [registration])
            }
            for row in sealedRows {
                try db.execute(
                    sql: """
                        INSERT INTO fingerprint (registration_id, finger, sealed, template_count, enrolled_at,
                            enrolled_by)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        registration, row.finger.rawValue, row.sealed, row.count, Outbox.utcTimestamp(instant),
                        actor?.staffID,
                    ])
            }
            try Outbox.append(
                db, officeCode: officeCode, type: .fingerprintsEnrolled,
                payload: FingerprintsEnrolled(
                    fingerprints: .init(
                        registrationID: registration, officeCode: officeCode,
                        fingers: ordered.map { $0.0.rawValue }, isoRecord: Data(iso).base64EncodedString(),
                        enrolledAt: instant, staffID: actor?.staffID)), at: instant)
            if let actor {
                try SQLiteStaffRepository.audit(
                    db, staffID: actor.staffID,
                    action: existing > 0 ? "fingerprintsReenrolled" : "fingerprintsEnrolled",
                    counter: actor.counter, at: instant)
            }
        }
        return ordered.map { finger, templates in
            EnrolledFingerprint(
                registrationID: registrationID, finger: finger, templates: templates, enrolledAt: instant,
                enrolledBy: actor?.staffID)
        }
    }

    public func delete(registrationID: UUID, by actor: StaffActor, at instant: Date) async throws -> Int {
        let registration = registrationID.uuidString.lowercased()
        let officeCode = officeCode
        return try await database.write { db in
            try SQLiteRegistrationRepository.requireExisting(
                db, key: registration, orThrow: FingerprintStoreError.unknownRegistration)
            try db.execute(sql: "DELETE FROM fingerprint WHERE registration_id = ?", arguments: [registration])
            let removed = db.changesCount
            guard removed > 0 else { return 0 }
            try Outbox.append(
                db, officeCode: officeCode, type: .fingerprintsDeleted,
                payload: FingerprintsDeleted(
                    fingerprints: .init(
                        registrationID: registration, officeCode: officeCode, deletedAt: instant,
                        staffID: actor.staffID)), at: instant)
            try SQLiteStaffRepository.audit(
                db, staffID: actor.staffID, action: "fingerprintsDeleted", counter: actor.counter, at: instant)
            return removed
        }
    }

    public func fingers(registrationID: UUID) async throws -> [EnrolledFingerprint] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM fingerprint WHERE registration_id = ? ORDER BY finger",
                arguments: [registrationID.uuidString.lowercased()]
            ).map(enrolled)
        }
    }

    public func all() async throws -> [EnrolledFingerprint] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM fingerprint ORDER BY registration_id, finger").map(enrolled)
        }
    }

    func enrolled(_ row: Row) throws -> EnrolledFingerprint {
        let registration: String = row["registration_id"]
        let fingerName: String = row["finger"]
        guard let id = UUID(uuidString: registration), let finger = FingerPosition(rawValue: fingerName) else {
            throw FingerprintStoreError.invalidEnrolment("row \(registration)/\(fingerName) is not understood")
        }
        let sealed: Data = row["sealed"]
        guard let plain = try? sealer.open(sealed, boundTo: Self.binding(registration, finger)),
            let templates = Self.unpack(plain)
        else { throw FingerprintStoreError.unreadable(registrationID: id, finger: finger) }
        let enrolledAt = try Outbox.parseUTCTimestamp(row["enrolled_at"])
        return EnrolledFingerprint(
            registrationID: id, finger: finger, templates: templates, enrolledAt: enrolledAt,
            enrolledBy: row["enrolled_by"])
    }

    static func binding(_ registration: String, _ finger: FingerPosition) -> String {
        "\(registration)/\(finger.rawValue)"
    }

    /// The templates one after another, each preceded by its length (2 bytes, big-endian).
    static func pack(_ templates: [FingerprintTemplate]) -> [UInt8] {
        var out: [UInt8] = []
        for template in templates {
            let bytes = template.bytes
            out.append(contentsOf: [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)])
            out.append(contentsOf: bytes)
        }
        return out
    }

    static func unpack(_ bytes: [UInt8]) -> [FingerprintTemplate]? {
        var templates: [FingerprintTemplate] = []
        var at = 0
        while at < bytes.count {
            guard at + 2 <= bytes.count else { return nil }
            let length = Int(bytes[at]) << 8 | Int(bytes[at + 1])
            at += 2
            guard at + length <= bytes.count,
                let template = try? FingerprintTemplate(bytes: Array(bytes[at..<at + length]))
            else { return nil }
            templates.append(template)
            at += length
        }
        return templates.isEmpty ? nil : templates
    }
}
