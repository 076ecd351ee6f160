import Crypto
import Fingerprint
import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import LMISProtocol
import Testing

@testable import LMISSync

/// Kiosk ↔ hub against a real PostgreSQL that the tests start themselves.
@Suite(.serialized) struct SyncTests {
    @Test func registrationsAndQueueEventsReachTheHubAndVacanciesReachTheKiosk() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        var people: [Registration] = []
        for index in 0..<5 { people.append(try await kiosk.register(index)) }
        let visited = try await kiosk.visit(outcome: .placedInJob)
        var driving = vacancy(29)
        driving.licences = ["driving-c"]
        try await hub.addVacancies((0..<29).map { vacancy($0) } + [driving])
        let (status, _) = try await hub.call(
            "PUT", "/admin/reference/occupations",
            [
                JSONValue.object([
                    "code": .string("9313"), "nameMn": .string("Барилгын туслах ажилтан"),
                    "nameEn": .string("Building construction labourer"),
                ]),
                .object([
                    "code": .string("9412"), "nameMn": .string("Гал тогооны туслах ажилтан"),
                    "nameEn": .string("Kitchen helpers"),
                    "keywords": .array([.string("аяга таваг угаагч"), .string("dishwasher")]),
                ]),
            ])
        #expect(status == 200)
        try await ReferenceStore(database: kiosk.temp.database).installBundled(
            try Fixtures.bundledReferenceData(), at: Date())

        let report = await kiosk.engine.round()
        #expect(report.error == nil)
        #expect(report.uploaded[.applied] == 9)  // 5 registrations + issued, called, started, finished
        #expect(try hub.count("SELECT count(*) FROM person") == 5)
        #expect(try hub.count("SELECT count(*) FROM registration WHERE office_code = 'UB-SB'") == 5)
        #expect(
            try hub.count("SELECT count(*) FROM queue_event WHERE kind = 'finished' AND outcome = 'placedInJob'") == 1)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM outbox WHERE sync_state IS NULL") == 0)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM lmis_person") == 5)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM vacancy") == 30)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM occupation WHERE code = '9313'") == 1)
        // The hub's title replaces the bundled one; the words people search by stay.
        #expect(
            try await kiosk.scalar(
                """
                SELECT COUNT(*) FROM occupation WHERE code = '9313' AND name_mn = 'Барилгын туслах ажилтан'
                AND keywords LIKE '%барилгачин%'
                """) == 1)
        // Keywords the hub sends replace the bundled ones.
        #expect(
            try await kiosk.scalar(
                "SELECT COUNT(*) FROM occupation WHERE code = '9412' AND keywords = 'аяга таваг угаагч' || char(10) || 'dishwasher'"
            ) == 1)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM vacancy WHERE licences = 'driving-c'") == 1)

        // A referral staff record at the kiosk reaches the hub with its person and vacancy.
        let referral = try await SQLiteReferralRepository(database: kiosk.temp.database, officeCode: "UB-SB").refer(
            registrationID: people[2].id, vacancyReference: "V-2026-00007", note: "Даваа гарагт", staffID: "ajiltan1",
            counter: 2, at: Date())
        #expect(await kiosk.engine.round().uploaded[.applied] == 1)
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM referral WHERE id = '\(referral.id.uuidString.lowercased())'
                AND registration_id = '\(people[2].id.uuidString.lowercased())' AND vacancy_reference = 'V-2026-00007'
                AND staff_id = 'ajiltan1' AND counter = 2 AND note = 'Даваа гарагт'
                """) == 1)

        // Enrolled fingers reach the hub as an ISO/IEC 19794-2 record; a deletion removes it there.
        let fingerprints = SQLiteFingerprintRepository(
            database: kiosk.temp.database, officeCode: "UB-SB",
            sealer: TemplateSealer(deviceSecret: Array(repeating: 1, count: 32)))
        let minutiae = (0..<20).map {
            Minutia(kind: .ending, x: 10 + $0 * 7, y: 20 + $0 * 9, angle: UInt8($0 * 12), quality: 60)
        }
        let template = FingerprintTemplate(width: 180, height: 256, quality: 70, minutiae: minutiae)
        _ = try await fingerprints.enrol(
            registrationID: people[1].id, fingers: [.rightIndex: [template], .leftIndex: [template]], by: nil,
            at: Date())
        #expect(await kiosk.engine.round().uploaded[.applied] == 1)
        let person1 = people[1].id.uuidString.lowercased()
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM fingerprint_record WHERE registration_id = '\(person1)'
                AND fingers = ARRAY['rightIndex', 'leftIndex'] AND length(iso_record) = 24 + 2 * (4 + 20 * 6 + 2)
                AND staff_id IS NULL
                """) == 1)
        _ = try await fingerprints.delete(
            registrationID: people[1].id, by: StaffActor(staffID: "ajiltan1", counter: 2), at: Date())
        #expect(await kiosk.engine.round().uploaded[.applied] == 1)
        #expect(try hub.count("SELECT count(*) FROM fingerprint_record") == 0)

        // The visitor's rating of the finished ticket reaches the hub once, with where it was served.
        _ = try await SQLiteFeedbackRepository(database: kiosk.temp.database).record(
            ticketID: visited.id, rating: 4, comment: "Түргэн үйлчилсэн", at: Date())
        #expect(await kiosk.engine.round().uploaded[.applied] == 1)
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM feedback WHERE ticket_id = '\(visited.id.uuidString.lowercased())'
                AND office_code = 'UB-SB' AND service_code = '\(visited.serviceCode)' AND counter = 1
                AND staff_id = 'ajiltan1' AND rating = 4 AND comment = 'Түргэн үйлчилсэн'
                """) == 1)

        // A grievance and each step of its triage reach the hub, in order, with who took the step.
        let grievances = SQLiteGrievanceRepository(database: kiosk.temp.database, office: kiosk.office)
        let grievance = try await grievances.file(
            category: .serviceQuality, text: "Дараалал удаан", area: "Хүлээлгийн танхим",
            contact: GrievanceContact(name: "Бат", phone: try PhoneNumber(parsing: "99112233")), language: .mn,
            at: Date())
        let head = StaffSession(
            token: "t", staffID: "darga", displayName: "Дарга", role: .head, counter: 3, expiresAt: Date() + 600)
        _ = try await grievances.act(
            trackingCode: grievance.trackingCode, action: .acknowledge, note: nil, assignee: nil, dueOn: nil, by: head,
            at: Date())
        _ = try await grievances.act(
            trackingCode: grievance.trackingCode, action: .resolve, note: "Шийдвэрлэсэн", assignee: nil, dueOn: nil,
            by: head, at: Date())
        #expect(await kiosk.engine.round().uploaded[.applied] == 3)
        let grievanceID = grievance.id.uuidString.lowercased()
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM grievance WHERE id = '\(grievanceID)' AND tracking_code = '\(grievance.trackingCode)'
                AND state = 'resolved' AND contact_phone = '99112233' AND text = 'Дараалал удаан'
                """) == 1)
        #expect(
            try hub.scalar(
                "SELECT string_agg(action || ':' || staff_id, ',' ORDER BY position) FROM grievance_step"
                    + " WHERE grievance_id = '\(grievanceID)'") == "acknowledge:darga,resolve:darga")

        // A closed vacancy arrives as a tombstone and leaves the kiosk.
        #expect(try await hub.call("DELETE", "/admin/vacancies/V-2026-00003").0 == 200)
        let second = await kiosk.engine.round()
        #expect(second.changes == 1)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM vacancy") == 29)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM vacancy WHERE reference = 'V-2026-00003'") == 0)

        // The office's figures at the hub come from what the kiosk uploaded.
        let month = String(LMISTime.format(Date()).prefix(7))
        let (_, data) = try await hub.call("GET", "/admin/offices/UB-SB/indicators?month=\(month)")
        let indicators = try JSONDecoder().decode(OfficeIndicators.self, from: data)
        #expect(indicators.registeredJobseekers == 5)
        #expect(indicators.registeredUnemployed == 5)
        #expect(indicators.foundJobThroughOffice == 1)

        let status2 = try await kiosk.engine.store.status(now: Date())
        #expect(status2.waiting == 0 && status2.lastSuccessAt != nil && status2.vacancies == 29)
        await kiosk.engine.shutdown()
        await hub.stop()
    }

    @Test func aPoisonRecordIsQuarantinedAndTheRestStillArrive() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        try await kiosk.register(1)
        // A record the hub cannot apply: a registry number that is not one.
        let poison = SyntheticOutbox.registration(
            reference: "UB-SB-9", officeCode: "UB-SB", registryNumber: "XX123", at: Date())
        try await kiosk.temp.database.appendToOutbox(officeCode: "UB-SB", [(.registrationCreated, poison)], at: Date())
        try await kiosk.register(2)
        try await kiosk.visit()

        let report = await kiosk.engine.round()
        #expect(report.error == nil)
        #expect(report.uploaded[.rejected] == 1)
        #expect(report.uploaded[.applied] == 6)
        #expect(try hub.count("SELECT count(*) FROM quarantine") == 1)
        #expect(try hub.scalar("SELECT reason FROM quarantine").contains("registry number XX123"))
        let quarantined = try await kiosk.engine.store.quarantined()
        #expect(quarantined.count == 1 && quarantined[0].reason.contains("XX123"))
        #expect(try await kiosk.engine.store.status(now: Date()).quarantined == 1)
        // Sent again (say, after a restore), it is still refused, never applied.
        try await kiosk.temp.database.testSQL("UPDATE outbox SET sync_state = NULL")
        let again = await kiosk.engine.round()
        #expect(again.uploaded[.rejected] == 1 && again.uploaded[.duplicate] == 6)
        #expect(try hub.count("SELECT count(*) FROM person") == 2)

        let (_, data) = try await hub.call("GET", "/admin/quarantine?office=UB-SB")
        #expect(String(decoding: data, as: UTF8.self).contains("XX123"))
        await kiosk.engine.shutdown()
        await hub.stop()
    }

    /// A kiosk that times out and sends again while the first request is still being applied:
    /// two copies of one batch at once. Each record is applied by exactly one of them; the other
    /// answers "duplicate", never "rejected". (Two inserts of one new record racing each other
    /// once quarantined it as "sequence already used": the second passed the primary-key check
    /// before the first had written its row, then met that row in `UNIQUE (device_id, seq)`.)
    /// The window is microseconds wide, so a test transaction holds both copies at the door
    /// (a lock on the dedupe table) until both wait there, and lets them go at once.
    @Test func theSameBatchSentTwiceAtOnceIsAppliedOnce() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        let signer = try await kiosk.enrolledSigner(hub)
        let client = try HubClient(baseURL: hub.url)
        var people = 0
        var sent = 0
        for _ in 0..<4 {
            for _ in 0..<10 {
                try await kiosk.register(people)
                people += 1
            }
            // The records not sent before (the engine would have marked them; this test does not).
            let pending = try await kiosk.engine.store.batch(stream: "registration", maxRecords: 500, maxBytes: 1 << 20)
            let body = SyncEngine.body(stream: "registration", Array(pending.dropFirst(sent)))
            sent = pending.count
            let gate = try hub.holdDedupeTable(untilWaiting: 2)
            async let first = client.send("POST", LMISPath.upload, body: body, signer: signer)
            async let second = client.send("POST", LMISPath.upload, body: body, signer: signer)
            let answers = try await [first, second]
            try gate.finish()
            #expect(answers.allSatisfy { $0.status == 200 })
            let statuses = try answers.flatMap { try $0.decode(UploadResponse.self).results.map(\.status) }
            #expect(Set(statuses).isSubset(of: [.applied, .duplicate]), "\(statuses)")
            #expect(statuses.filter { $0 == .applied }.count == 10)
        }
        #expect(try hub.count("SELECT count(*) FROM person") == people)
        #expect(try hub.count("SELECT count(*) FROM received_record") == people)
        #expect(try hub.count("SELECT count(*) FROM quarantine") == 0)
        await client.shutdown()
        await kiosk.engine.shutdown()
        await hub.stop()
    }

    @Test func aSlowLinkThatDropsStillDeliversEverythingOnce() async throws {
        let hub = try await HubHarness.start()
        let proxy = try FaultProxy(upstreamPort: hub.port)
        let kiosk = try KioskHarness()
        defer {
            kiosk.temp.remove()
            proxy.stop()
        }
        // About 50 kbit/s, and every connection cut after 6 kB.
        try proxy.command("throttle 6250")
        try proxy.command("drop-after 6000")
        let code = try await hub.enrolmentCode()
        _ = try await kiosk.engine.enrol(
            hubURL: "http://127.0.0.1:\(proxy.port)", code: code, deviceName: "slow link", force: false)
        for index in 0..<60 { try await kiosk.register(index) }
        for _ in 0..<5 { try await kiosk.visit() }
        let started = ContinuousClock.now
        let report = try await kiosk.syncUntilDone(rounds: 60)
        #expect(report.error == nil)
        #expect(try (proxy.stats()["dropped"] as? Int ?? 0) > 0)
        #expect(try hub.count("SELECT count(*) FROM received_record") == 80)
        #expect(try hub.count("SELECT count(*) FROM person") == 60)
        #expect(try hub.count("SELECT count(*) FROM queue_event") == 20)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM outbox WHERE sync_state IS NULL") == 0)
        print("slow link: 80 records in \(ContinuousClock.now - started)")
        await kiosk.engine.shutdown()
        await hub.stop()
    }

    @Test func aKioskClockDaysWrongLearnsTheHubsTime() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        try await kiosk.register(1)
        // The kiosk signs as if it were three days earlier.
        try await kiosk.engine.store.saveClockOffset(-3 * 86_400)
        let report = await kiosk.engine.round()
        #expect(report.error == nil)
        #expect(report.uploaded[.applied] == 1)
        #expect(abs(try await kiosk.engine.store.clockOffset()) < 5)
        #expect(try hub.count("SELECT count(*) FROM person") == 1)
        await kiosk.engine.shutdown()
        await hub.stop()
    }

    @Test func twoOfficesRegisteringOnePersonOfflineGetOnePerson() async throws {
        let hub = try await HubHarness.start()
        let east = try KioskHarness(officeCode: "UB-SB")
        let west = try KioskHarness(officeCode: "HOVD")
        defer {
            east.temp.remove()
            west.temp.remove()
        }
        try await east.enrol(hub)
        try await west.enrol(hub)
        try await east.register(0, registryNumber: "УБ90051223")
        try await west.register(0, registryNumber: "УБ90051223")
        let first = await east.engine.round()
        let second = await west.engine.round()
        #expect(first.uploaded[.applied] == 1)
        #expect(second.uploaded[.conflict] == 1)
        #expect(try hub.count("SELECT count(*) FROM person") == 1)
        #expect(try hub.count("SELECT count(*) FROM registration") == 2)
        let survivor = try hub.scalar("SELECT id FROM person")
        let eastID = try await east.temp.database.testSQL("SELECT person_id FROM lmis_person").first?.first ?? nil
        let westID = try await west.temp.database.testSQL("SELECT person_id FROM lmis_person").first?.first ?? nil
        #expect(eastID == survivor && westID == survivor)
        await east.engine.shutdown()
        await west.engine.shutdown()
        await hub.stop()
    }

    @Test func registryChecksMadeOfflineAreAnsweredLater() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        struct Person: Encodable {
            let registryNumber, familyName, givenName, birthDate, sex: String
        }
        #expect(
            try await hub.call(
                "PUT", "/admin/simulated-civil-registry",
                [
                    Person(
                        registryNumber: "УБ90051223", familyName: "Болд", givenName: "Сарангэрэл",
                        birthDate: "1990-05-12", sex: "female")
                ]
            ).0 == 200)
        await hub.stop()
        // The link is down: both registrations stay unverified.
        try await kiosk.register(0, registryNumber: "УБ90051223")
        try await kiosk.register(1, registryNumber: "ӨҮ85010212")
        let offline = await kiosk.engine.round()
        #expect(offline.error != nil)
        #expect(try await kiosk.engine.store.status(now: Date()).unverified == 2)

        let back = try await HubHarness.start(database: hub.database)
        try await kiosk.repoint(to: back.url)
        let report = await kiosk.engine.round()
        #expect(report.error == nil)
        #expect(report.checks == 2)
        let states = try await kiosk.temp.database.testSQL(
            "SELECT state FROM identity_check ORDER BY registry_number"
        ).map { $0[0] ?? "" }
        #expect(states.sorted() == ["notFound", "verified"])
        await kiosk.engine.shutdown()
        await back.stop()
    }

    @Test func aHubRestoredFromAnOlderBackupMakesTheKioskRefetch() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        try await hub.addVacancies((0..<10).map { vacancy($0) })
        #expect(await kiosk.engine.round().error == nil)
        let backup = FileManager.default.temporaryDirectory.appendingPathComponent("hub-\(UUID()).dump").path
        try hub.lab.run("pg_dump", ["-Fc", "-f", backup, hub.database])
        defer { try? FileManager.default.removeItem(atPath: backup) }
        // After the backup: five more vacancies, one closed. The kiosk sees them.
        try await hub.addVacancies((10..<15).map { vacancy($0) })
        #expect(try await hub.call("DELETE", "/admin/vacancies/V-2026-00000").0 == 200)
        #expect(await kiosk.engine.round().error == nil)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM vacancy") == 14)
        await hub.stop()

        // The hub's database is lost and restored from the backup into a new database.
        let restored = try hub.lab.createDatabase("restored")
        try hub.lab.run("pg_restore", ["-d", restored, backup])
        let back = try await HubHarness.start(database: restored)
        try await kiosk.repoint(to: back.url)
        let report = await kiosk.engine.round()
        #expect(report.error == nil)
        #expect(report.reset)
        // The kiosk holds exactly what the restored hub holds: the ten from before the backup.
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM vacancy") == 10)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM vacancy WHERE reference = 'V-2026-00000'") == 1)
        await kiosk.engine.shutdown()
        await back.stop()
    }

    @Test func aBackupRestoredIntoTheSameDatabaseAlsoMakesTheKioskRefetch() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        try await hub.addVacancies((0..<4).map { vacancy($0) })
        let backup = FileManager.default.temporaryDirectory.appendingPathComponent("hub-\(UUID()).dump").path
        try hub.lab.run("pg_dump", ["-Fc", "-f", backup, hub.database])
        defer { try? FileManager.default.removeItem(atPath: backup) }
        try await hub.addVacancies((4..<8).map { vacancy($0) })
        #expect(await kiosk.engine.round().error == nil)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM vacancy") == 8)
        await hub.stop()

        // Same database, same epoch seed: only the feed's end moved back behind the kiosk's cursor.
        try hub.lab.run("pg_restore", ["--clean", "--if-exists", "-d", hub.database, backup])
        let back = try await HubHarness.start(database: hub.database)
        try await kiosk.repoint(to: back.url)
        let report = await kiosk.engine.round()
        #expect(report.error == nil)
        #expect(report.reset)
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM vacancy") == 4)
        await kiosk.engine.shutdown()
        await back.stop()
    }

    @Test func reEnrollingIsRefusedWhileRecordsWait() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        try await kiosk.register(1)
        let code = try await hub.enrolmentCode()
        await #expect(throws: SyncError.unsentRecords(1)) {
            _ = try await kiosk.engine.enrol(hubURL: hub.url, code: code, deviceName: "again", force: false)
        }
        // A used or unknown code is refused by the hub.
        await #expect(throws: SyncError.self) {
            _ = try await kiosk.engine.enrol(hubURL: hub.url, code: "AAAA-BBBB-CCCC", deviceName: "again", force: true)
        }
        let forced = try await kiosk.engine.enrol(hubURL: hub.url, code: code, deviceName: "again", force: true)
        #expect(forced.officeCode == "UB-SB")
        await kiosk.engine.shutdown()
        await hub.stop()
    }
}
