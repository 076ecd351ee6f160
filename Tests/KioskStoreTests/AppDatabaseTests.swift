import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import LMISProtocol
import Testing

@testable import KioskStore

@Suite("Office database")
struct AppDatabaseTests {
    @Test func opensInWALWithFullSyncAndForeignKeys() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let settings = try await temp.database.writer.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(settings.0 == "wal")
        #expect(settings.1 == 2)  // FULL
        #expect(settings.2 == 1)
        #expect(await temp.database.isUsable())
    }

    @Test func reopeningAnExistingFileKeepsItsData() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let repository = SQLiteRegistrationRepository(database: temp.database, officeCode: "UB-SB")
        let stored = try await repository.register(try Fixtures.details(), at: Fixtures.now)
        let reopened = try AppDatabase(path: temp.path)
        let again = try await SQLiteRegistrationRepository(database: reopened, officeCode: "UB-SB").registration(
            id: stored.id)
        #expect(again == stored)
    }

    @Test func aFileThatIsNotADatabaseIsRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bad-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("kiosk.sqlite").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try AppDatabase(path: path) }
    }
}

@Suite("Registrations and their outbox records")
struct RegistrationRepositoryTests {
    let temp: TemporaryDatabase
    let repository: SQLiteRegistrationRepository

    init() throws {
        temp = try TemporaryDatabase()
        repository = SQLiteRegistrationRepository(database: temp.database, officeCode: "UB-SB")
    }

    func outbox() async throws -> [OutboxRecord] {
        try await temp.database.writer.read { db in try Outbox.records(db, officeCode: "UB-SB") }
    }

    @Test func registeringStoresTheRecordAndOneOutboxRecord() async throws {
        defer { temp.remove() }
        let details = try Fixtures.details()
        let registration = try await repository.register(details, at: Fixtures.now)
        #expect(registration.reference == "UB-SB-000001")
        #expect(registration.revision == 1)
        #expect(UUIDv7.timestamp(of: registration.id) == Fixtures.now)
        #expect(try await repository.registration(id: registration.id) == registration)
        #expect(try await repository.registration(registryNumber: details.registryNumber)?.id == registration.id)

        let records = try await outbox()
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.sequence == 1)
        #expect(record.type == .registrationCreated)
        #expect(record.createdAt == Fixtures.now)
        #expect(UUIDv7.timestamp(of: record.id) == Fixtures.now)
        // The payload alone is enough to rebuild the registration.
        let payload = try JSONSerialization.jsonObject(with: Data(record.payload.utf8)) as? [String: Any]
        let body = try #require(payload?["registration"] as? [String: Any])
        #expect(body["reference"] as? String == "UB-SB-000001")
        #expect(body["createdAt"] as? String == "2026-11-22T06:00:00.000Z")
        #expect(body["id"] as? String == registration.id.uuidString.lowercased())
        #expect(body["registryNumber"] as? String == "УБ90051223")
        #expect(body["skills"] as? [String] == ["жолоо барих", "засвар"])
        struct Payload: Decodable { let registration: RegistrationSnapshot }
        let decoded = try Outbox.decoder.decode(Payload.self, from: Data(record.payload.utf8))
        #expect(decoded.registration == RegistrationSnapshot(registration))
    }

    @Test func theSameRegistryNumberIsNeverRegisteredTwice() async throws {
        defer { temp.remove() }
        let first = try await repository.register(try Fixtures.details(), at: Fixtures.now)
        await #expect(throws: RegistrationStoreError.alreadyRegistered(first.id)) {
            try await repository.register(try Fixtures.details(), at: Fixtures.now)
        }
        #expect(try await repository.count() == 1)
        #expect(try await outbox().count == 1)
    }

    @Test func updatingKeepsTheIdentityAndAppendsAnUpdateRecord() async throws {
        defer { temp.remove() }
        let first = try await repository.register(try Fixtures.details(), at: Fixtures.now)
        var form = Fixtures.form()
        form.phone = "88001122"
        form.skills = ["гагнуур"]
        let later = Fixtures.now.addingTimeInterval(3600)
        let updated = try await repository.update(id: first.id, with: try Fixtures.details(form), at: later)
        #expect(updated.id == first.id)
        #expect(updated.reference == first.reference)
        #expect(updated.revision == 2)
        #expect(updated.createdAt == first.createdAt)
        #expect(updated.updatedAt == later)
        #expect(try await repository.registration(id: first.id)?.details.skills == ["гагнуур"])
        #expect(try await outbox().map(\.type) == [.registrationCreated, .registrationUpdated])
        #expect(try await outbox().map(\.sequence) == [1, 2])
    }

    @Test func anUpdateCannotChangeTheRegistryNumberOrInventAPerson() async throws {
        defer { temp.remove() }
        let first = try await repository.register(try Fixtures.details(), at: Fixtures.now)
        await #expect(throws: RegistrationStoreError.registryNumberChanged) {
            try await repository.update(
                id: first.id, with: try Fixtures.details(Fixtures.form(registryNumber: "ЧЕ05231414")), at: Fixtures.now)
        }
        await #expect(throws: RegistrationStoreError.notFound) {
            try await repository.update(id: UUID(), with: try Fixtures.details(), at: Fixtures.now)
        }
        #expect(try await outbox().count == 1)
    }

    @Test func concurrentRegistrationsGetGaplessSequencesAndDistinctReferences() async throws {
        defer { temp.remove() }
        let count = 60
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    let details = try Fixtures.details(Fixtures.form(registryNumber: Fixtures.registryNumber(index)))
                    _ = try await repository.register(details, at: Fixtures.now)
                }
            }
            try await group.waitForAll()
        }
        let records = try await outbox()
        #expect(records.map(\.sequence) == (1...Int64(count)).map { $0 })
        let references = try await temp.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT reference FROM registration")
        }
        #expect(Set(references).count == count)
    }

    @Test func outboxSequencesArePerOffice() async throws {
        defer { temp.remove() }
        let other = SQLiteRegistrationRepository(database: temp.database, officeCode: "MN-043")
        _ = try await repository.register(try Fixtures.details(), at: Fixtures.now)
        _ = try await other.register(
            try Fixtures.details(Fixtures.form(registryNumber: "ЧЕ05231414")), at: Fixtures.now)
        let hovd = try await temp.database.writer.read { db in try Outbox.records(db, officeCode: "MN-043") }
        #expect(hovd.map(\.sequence) == [1])
        #expect(try await outbox().map(\.sequence) == [1])
    }
}

@Suite("Reference data in the database")
struct ReferenceStoreTests {
    @Test func installsTheBundledSetOnceAndReadsItBack() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let store = ReferenceStore(database: temp.database)
        let bundled = try Fixtures.bundledReferenceData()
        #expect(try await store.installBundled(bundled, at: Fixtures.now))
        #expect(try await store.installBundled(bundled, at: Fixtures.now) == false)
        let loaded = try await store.load()
        #expect(loaded.version == bundled.version)
        #expect(loaded.adminUnits == bundled.adminUnits)
        #expect(Set(loaded.occupations) == Set(bundled.occupations))
        #expect(loaded.educationLevels == bundled.educationLevels.sorted { $0.rank < $1.rank })
    }

    @Test func theFeedRenamesAnOccupationWithoutLosingItsKeywordsUnlessItSendsItsOwn() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let store = ReferenceStore(database: temp.database)
        try await store.installBundled(try Fixtures.bundledReferenceData(), at: Fixtures.now)
        func item(_ mn: String, _ en: String, _ keywords: [String]?) -> JSONValue {
            var fields: [String: JSONValue] = ["nameMn": .string(mn), "nameEn": .string(en)]
            if let keywords { fields["keywords"] = .array(keywords.map(JSONValue.string)) }
            return .object(fields)
        }
        try await SQLiteSyncStore(database: temp.database).apply(
            ChangesResponse(
                epoch: "e", cursor: "e:3", reset: false, more: false,
                changes: [
                    Change(
                        kind: "occupations", key: "5120", deleted: false, data: item("Тогооч, хоол зүйч", "Cooks", nil)),
                    Change(
                        kind: "occupations", key: "9412", deleted: false,
                        data: item("Гал тогооны туслах", "Kitchen helpers", ["аяга угаагч\nшинэ", " "])),
                    Change(
                        kind: "occupations", key: "5246", deleted: false,
                        data: item("Лангууны үйлчлэгч", "Counter attendants", [])),
                ]),
            startsOver: false)
        let catalog = ReferenceCatalog(try await store.load())
        #expect(catalog.occupation("5120")?.name.mn == "Тогооч, хоол зүйч")
        #expect(catalog.occupation("5120")?.keywords.contains("тогооч") == true)
        #expect(catalog.occupation("9412")?.keywords == ["аяга угаагч шинэ"])
        #expect(catalog.occupation("5246")?.keywords == [])
        #expect(catalog.searchOccupations("аяга", limit: 1).map(\.code) == ["9412"])
    }

    @Test func aDownloadedSetIsNotOverwrittenByTheBundledOne() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let store = ReferenceStore(database: temp.database)
        var downloaded = try Fixtures.bundledReferenceData()
        downloaded.version = "lmis-2026-11-20"
        try await store.install(downloaded, source: .lmis, at: Fixtures.now)
        #expect(try await store.installBundled(try Fixtures.bundledReferenceData(), at: Fixtures.now) == false)
        #expect(try await store.installed()?.version == "lmis-2026-11-20")
    }

    @Test func anInconsistentSetIsRefusedWhole() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let store = ReferenceStore(database: temp.database)
        var broken = try Fixtures.bundledReferenceData()
        broken.adminUnits.append(
            AdminUnit(code: "X-1", kind: .soum, parentCode: "NOWHERE", name: LocalizedText(mn: "Х", en: "X")))
        await #expect(throws: ReferenceDataError.self) {
            try await store.install(broken, source: .lmis, at: Fixtures.now)
        }
        #expect(try await store.installed() == nil)
    }
}

@Suite("Group commit")
struct GroupCommitTests {
    @Test func aFailingUnitRollsBackAloneAndSequencesStayGapless() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let repository = SQLiteRegistrationRepository(database: temp.database, officeCode: "UB-SB")
        // 40 people, each submitted twice at the same time: one of each pair wins, one conflicts.
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<80 {
                group.addTask {
                    let details = try Fixtures.details(
                        Fixtures.form(registryNumber: Fixtures.registryNumber(index / 2)))
                    do {
                        _ = try await repository.register(details, at: Fixtures.now)
                        return true
                    } catch let error as RegistrationStoreError where error.existingID != nil {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 40)
        #expect(try await repository.count() == 40)
        let sequences = try await temp.database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT seq FROM outbox ORDER BY seq")
        }
        #expect(sequences == Array(1...40))
    }

    @Test func anErrorInOneUnitReachesOnlyItsCaller() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        struct Refused: Error {}
        let good = Task {
            try await temp.database.write { db in
                try db.execute(sql: "INSERT INTO counter (office_code, name, value) VALUES ('X', 'a', 1)")
                return 1
            }
        }
        let bad = Task {
            try await temp.database.write { db -> Int in
                try db.execute(sql: "INSERT INTO counter (office_code, name, value) VALUES ('X', 'b', 1)")
                throw Refused()
            }
        }
        let goodValue = try await good.value
        #expect(goodValue == 1)
        await #expect(throws: Refused.self) { try await bad.value }
        let names = try await temp.database.writer.read { db in try String.fetchAll(db, sql: "SELECT name FROM counter")
        }
        #expect(names == ["a"])
    }
}

@Suite("UTC timestamps")
struct TimestampTests {
    @Test(arguments: [0, 951_782_400.5, 1_795_327_200.125, 4_102_444_799.75, 1_709_164_800.0, -86_400.25])
    func matchTheISO8601Formatter(_ seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let expected = date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
        #expect(Outbox.utcTimestamp(date) == expected)
        let parsed = try Outbox.parseUTCTimestamp(Outbox.utcTimestamp(date))
        #expect(Outbox.utcTimestamp(parsed) == expected)
        #expect(
            abs(parsed.timeIntervalSince(try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(expected)))
                < 1e-6)
    }

    @Test("The stored form is read back to the same millisecond over centuries, leap days included")
    func readBackEverywhere() throws {
        var generator = SystemRandomNumberGenerator()
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
        let leapDays = ["2000-02-29T23:59:59.999Z", "2024-02-29T00:00:00.000Z", "1600-02-29T12:00:00.001Z"]
        let random = (0..<2000).map { _ in
            let millis = Int64.random(in: -11_000_000_000_000...32_000_000_000_000, using: &generator)
            return Outbox.utcTimestamp(Date(timeIntervalSince1970: Double(millis) / 1000))
        }
        for text in leapDays + random {
            let parsed = try Outbox.parseUTCTimestamp(text)
            // The format style may land on a neighbouring double (far from 1970 they lie microseconds
            // apart); both are the same millisecond.
            let reference = try style.parse(text)
            #expect(
                abs(parsed.timeIntervalSince(reference)) < 1e-5,
                "\(text) \(parsed.timeIntervalSince1970) \(reference.timeIntervalSince1970)")
            #expect(Outbox.utcTimestamp(parsed) == text)
        }
    }

    @Test(
        "What is not a valid time is refused, however close to the stored form",
        arguments: [
            "", "2026-11-22", "2026-13-01T00:00:00.000Z", "2026-02-29T00:00:00.000Z", "2026-04-31T10:00:00.000Z",
            "2026-11-22T24:00:00.000Z", "2026-11-22T10:60:00.000Z", "2026-11-22T10:00:60.000Z",
            "2026-11-22T10:00:00.00xZ", "2026-11-22 10:00:00.000Z", "2026-11-00T10:00:00.000Z",
            "2026-11-22T10:00:00.000",
        ])
    func refuses(_ text: String) {
        #expect(throws: (any Error).self) { try Outbox.parseUTCTimestamp(text) }
    }

    @Test("Other ISO 8601 forms still parse, by the slower format style")
    func otherForms() throws {
        #expect(
            try Outbox.parseUTCTimestamp("2026-11-22T10:00:00.5Z")
                == Date(timeIntervalSince1970: 1_795_341_600.5))
    }
}
