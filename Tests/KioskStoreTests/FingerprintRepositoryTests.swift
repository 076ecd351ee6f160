import Fingerprint
import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite("Enrolled fingerprints on the office database")
struct FingerprintRepositoryTests {
    static func template(_ seed: Int, count: Int = 30) -> FingerprintTemplate {
        var minutiae: [Minutia] = []
        for index in 0..<count {
            minutiae.append(
                Minutia(
                    kind: index % 3 == 0 ? .bifurcation : .ending, x: (seed * 37 + index * 13) % 170,
                    y: (seed * 11 + index * 29) % 250, angle: UInt8((seed + index * 41) % 256),
                    quality: UInt8(40 + index % 60)))
        }
        return FingerprintTemplate(width: 180, height: 256, quality: 80, minutiae: minutiae)
    }

    struct Bed {
        let temp: TemporaryDatabase
        let registrations: SQLiteRegistrationRepository
        let fingerprints: SQLiteFingerprintRepository
        let person: Registration

        init() async throws {
            temp = try TemporaryDatabase()
            registrations = SQLiteRegistrationRepository(database: temp.database, officeCode: "UB-SB")
            let secret = try DeviceSecret.loadOrCreate(in: temp.directory)
            fingerprints = SQLiteFingerprintRepository(
                database: temp.database, officeCode: "UB-SB", sealer: TemplateSealer(deviceSecret: secret))
            person = try await registrations.register(try Fixtures.details(), at: Fixtures.now)
        }

        func outboxTypes() async throws -> [String] {
            try await temp.database.writer.read { db in
                try String.fetchAll(db, sql: "SELECT record_type FROM outbox ORDER BY seq")
            }
        }
    }

    @Test("an enrolment is stored sealed, read back whole, and sent to the LMIS as an ISO record")
    func enrolAndRead() async throws {
        let bed = try await Bed()
        defer { bed.temp.remove() }
        let fingers: [FingerPosition: [FingerprintTemplate]] = [
            .rightIndex: [Self.template(1), Self.template(2), Self.template(3)], .leftIndex: [Self.template(4)],
        ]
        _ = try await bed.fingerprints.enrol(registrationID: bed.person.id, fingers: fingers, by: nil, at: Fixtures.now)
        let read = try await bed.fingerprints.fingers(registrationID: bed.person.id)
        #expect(read.map(\.finger) == [.leftIndex, .rightIndex].sorted { $0.rawValue < $1.rawValue })
        #expect(Dictionary(uniqueKeysWithValues: read.map { ($0.finger, $0.templates) }) == fingers)
        #expect(read.allSatisfy { $0.enrolledBy == nil && $0.enrolledAt == Fixtures.now })
        #expect(try await bed.fingerprints.all().count == 2)
        // Updating the registration (its row is rewritten) keeps the fingers.
        var form = Fixtures.form()
        form.phone = "88001122"
        _ = try await bed.registrations.update(id: bed.person.id, with: try Fixtures.details(form), at: Fixtures.now)
        #expect(try await bed.fingerprints.fingers(registrationID: bed.person.id).count == 2)

        // No minutia coordinates in the clear: the sealed bytes do not contain the template's bytes.
        let sealed = try await bed.temp.database.writer.read { db in
            try Data.fetchAll(db, sql: "SELECT sealed FROM fingerprint")
        }
        let plain = Data(Self.template(1).bytes.dropFirst(10).prefix(24))
        #expect(sealed.count == 2 && sealed.allSatisfy { $0.range(of: plain) == nil })

        #expect(
            try await bed.outboxTypes() == ["registration.created", "fingerprints.enrolled", "registration.updated"])
        let payload = try await bed.temp.database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT payload FROM outbox WHERE record_type = 'fingerprints.enrolled'")
        }
        let text = try #require(payload)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let body = try #require(json["fingerprints"] as? [String: Any])
        #expect(body["registrationID"] as? String == bed.person.id.uuidString.lowercased())
        #expect(body["fingers"] as? [String] == ["rightIndex", "leftIndex"])
        let isoBytes = try #require(Data(base64Encoded: body["isoRecord"] as? String ?? ""))
        let iso = try MinutiaeRecord(bytes: Array(isoBytes))
        #expect(iso.views.map(\.fingerPosition) == [2, 7])
        #expect(iso.views[0].minutiae == Self.template(1).minutiae)
        #expect(iso.horizontalResolution == 197)
    }

    @Test("a person enrolling at the kiosk cannot replace fingers; staff can, and the change is recorded")
    func replacing() async throws {
        let bed = try await Bed()
        defer { bed.temp.remove() }
        _ = try await bed.fingerprints.enrol(
            registrationID: bed.person.id, fingers: [.rightIndex: [Self.template(1)]], by: nil, at: Fixtures.now)
        await #expect(throws: FingerprintStoreError.alreadyEnrolled) {
            _ = try await bed.fingerprints.enrol(
                registrationID: bed.person.id, fingers: [.rightIndex: [Self.template(9)]], by: nil, at: Fixtures.now)
        }
        let officer = StaffActor(staffID: "ajiltan1", counter: 3)
        _ = try await bed.fingerprints.enrol(
            registrationID: bed.person.id, fingers: [.leftThumb: [Self.template(9)]], by: officer, at: Fixtures.now)
        let read = try await bed.fingerprints.fingers(registrationID: bed.person.id)
        #expect(read.map(\.finger) == [.leftThumb])
        #expect(read[0].enrolledBy == "ajiltan1")
        #expect(try await bed.fingerprints.delete(registrationID: bed.person.id, by: officer, at: Fixtures.now) == 1)
        #expect(try await bed.fingerprints.fingers(registrationID: bed.person.id).isEmpty)
        #expect(try await bed.fingerprints.delete(registrationID: bed.person.id, by: officer, at: Fixtures.now) == 0)
        let audit = try await bed.temp.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT staff_id, action, counter FROM staff_audit ORDER BY rowid").map {
                "\($0["staff_id"] as String) \($0["action"] as String) \($0["counter"] as Int)"
            }
        }
        #expect(audit == ["ajiltan1 fingerprintsReenrolled 3", "ajiltan1 fingerprintsDeleted 3"])
        #expect(
            try await bed.outboxTypes() == [
                "registration.created", "fingerprints.enrolled", "fingerprints.enrolled", "fingerprints.deleted",
            ])
    }

    @Test("bad enrolments and unknown people are refused, and nothing is written")
    func refusals() async throws {
        let bed = try await Bed()
        defer { bed.temp.remove() }
        await #expect(throws: FingerprintStoreError.unknownRegistration) {
            _ = try await bed.fingerprints.enrol(
                registrationID: UUID(), fingers: [.rightIndex: [Self.template(1)]], by: nil, at: Fixtures.now)
        }
        await #expect(throws: FingerprintStoreError.invalidEnrolment("no finger to enrol")) {
            _ = try await bed.fingerprints.enrol(registrationID: bed.person.id, fingers: [:], by: nil, at: Fixtures.now)
        }
        let three: [FingerPosition: [FingerprintTemplate]] = [
            .rightIndex: [Self.template(1)], .leftIndex: [Self.template(2)], .rightThumb: [Self.template(3)],
        ]
        await #expect(throws: FingerprintStoreError.self) {
            _ = try await bed.fingerprints.enrol(
                registrationID: bed.person.id, fingers: three, by: nil, at: Fixtures.now)
        }
        #expect(try await bed.fingerprints.all().isEmpty)
        #expect(try await bed.outboxTypes() == ["registration.created"])
    }

    @Test("templates sealed under another device's secret, or moved to another person's row, do not open")
    func sealing() async throws {
        let bed = try await Bed()
        defer { bed.temp.remove() }
        _ = try await bed.fingerprints.enrol(
            registrationID: bed.person.id, fingers: [.rightIndex: [Self.template(1)]], by: nil, at: Fixtures.now)
        let stranger = SQLiteFingerprintRepository(
            database: bed.temp.database, officeCode: "UB-SB",
            sealer: TemplateSealer(deviceSecret: Array(repeating: 7, count: 32)))
        await #expect(throws: FingerprintStoreError.unreadable(registrationID: bed.person.id, finger: .rightIndex)) {
            _ = try await stranger.all()
        }
        // The same box on another person's row.
        let other = try await bed.registrations.register(
            try Fixtures.details(Fixtures.form(registryNumber: Fixtures.registryNumber(5))), at: Fixtures.now)
        try await bed.temp.database.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO fingerprint (registration_id, finger, sealed, template_count, enrolled_at)
                    SELECT ?, finger, sealed, template_count, enrolled_at FROM fingerprint
                    """, arguments: [other.id.uuidString.lowercased()])
        }
        await #expect(throws: FingerprintStoreError.unreadable(registrationID: other.id, finger: .rightIndex)) {
            _ = try await bed.fingerprints.fingers(registrationID: other.id)
        }
        // The secret stays the same across restarts, owner-only.
        #expect(
            try DeviceSecret.loadOrCreate(in: bed.temp.directory) == DeviceSecret.loadOrCreate(in: bed.temp.directory))
        let mode =
            try FileManager.default.attributesOfItem(atPath: DeviceSecret.file(in: bed.temp.directory).path)[
                .posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
