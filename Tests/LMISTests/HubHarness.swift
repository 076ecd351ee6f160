import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import LMISProtocol
import LMISSync
import Logging
import NIOCore
import ServiceLifecycle
import Testing

let adminToken = "test-admin-token-0123456789"

func quietLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .critical
    return logger
}

/// A hub serving one fresh database of the test process's PostgreSQL, in this process.
final class HubHarness: @unchecked Sendable {
    let lab: PostgresLab
    let database: String
    let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let admin: HubClient

    let scheme: String
    var url: String { "\(scheme)://127.0.0.1:\(port)" }

    static func start(
        database: String? = nil, maxConcurrentSync: Int = 32,
        tls: (certificate: String, key: String, ca: String)? = nil,
        configure: (inout HubConfiguration) -> Void = { _ in }
    ) async throws -> HubHarness {
        let lab = try PostgresLab.shared.get()
        let name = try database ?? lab.createDatabase()
        var configuration = HubConfiguration()
        configuration.port = 0
        configuration.postgresHost = lab.host
        configuration.postgresPort = lab.port
        configuration.postgresUser = "postgres"
        configuration.postgresDatabase = name
        configuration.adminToken = adminToken
        configuration.maxConcurrentSync = maxConcurrentSync
        configuration.tlsCertificate = tls?.certificate
        configuration.tlsKey = tls?.key
        configure(&configuration)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let hub = try HubServer(configuration: configuration, logger: quietLogger("hub")) { port in
            continuation.yield(port)
        }
        let group = ServiceGroup(services: [hub.application], logger: quietLogger("hub"))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            throw HubStoreError("hub did not start: \(String(describing: await task.result))")
        }
        return HubHarness(
            lab: lab, database: name, port: port, scheme: tls == nil ? "http" : "https", caFile: tls?.ca, group: group,
            task: task)
    }

    private init(
        lab: PostgresLab, database: String, port: Int, scheme: String, caFile: String?, group: ServiceGroup,
        task: Task<Void, any Error>
    ) {
        self.scheme = scheme
        self.lab = lab
        self.database = database
        self.port = port
        self.group = group
        self.task = task
        self.admin = try! HubClient(baseURL: "\(scheme)://127.0.0.1:\(port)", caFile: caFile)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
        await admin.shutdown()
    }

    func scalar(_ sql: String) throws -> String { try lab.scalar(database, sql) }

    /// A transaction of its own (psql) that locks `received_record` against writes until
    /// `waiting` other sessions wait for a lock in this database (at most `seconds`), runs `then`
    /// and commits: requests sent meanwhile start applying at the same instant. With `required`,
    /// the transaction fails (and `Gate.finish` throws) when that many never waited.
    func holdDedupeTable(
        untilWaiting waiting: Int, atMost seconds: Int = 10, required: Bool = false, then: String = ""
    ) throws -> Gate {
        let process = lab.client(
            "psql",
            [
                "-d", database, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                """
                BEGIN;
                LOCK TABLE received_record IN SHARE MODE;
                DO $$ BEGIN
                    FOR i IN 1..\(seconds * 20) LOOP
                        IF (SELECT count(*) FROM pg_locks WHERE NOT granted
                            AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
                           >= \(waiting) THEN
                            \(then)
                            RETURN;
                        END IF;
                        PERFORM pg_sleep(0.05);
                    END LOOP;
                    IF \(required) THEN RAISE EXCEPTION 'fewer than % sessions waited', \(waiting); END IF;
                END $$;
                COMMIT;
                """,
            ])
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Sent only once the lock is held.
        let held = """
            SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE c.relname = 'received_record' AND l.mode = 'ShareLock' AND l.granted
            """
        let deadline = Date() + 10
        while try count(held) == 0 {
            guard Date() < deadline, process.isRunning else { throw HubStoreError("the dedupe table was not locked") }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return Gate(process: process)
    }

    struct Gate {
        let process: Process
        func finish() throws {
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw HubStoreError("the lock's transaction failed") }
        }
    }
    func count(_ sql: String) throws -> Int { Int(try scalar(sql)) ?? -1 }

    /// An admin request; the status and body.
    @discardableResult
    func call(_ method: String, _ path: String, _ body: (some Encodable)? = Optional<Int>.none) async throws -> (
        Int, Data
    ) {
        let answer = try await admin.send(
            method, path, body: try body.map { try LMISCoding.encoder.encode($0) }, signer: nil,
            extraHeaders: ["Authorization": "Bearer \(adminToken)"])
        return (answer.status, answer.body)
    }

    /// An office and a fresh one-time enrolment code for it.
    func enrolmentCode(office: String = "UB-SB", name: String = "Сүхбаатар дүүргийн ХХҮХ") async throws -> String {
        struct Office: Encodable {
            let name: String
            let adminUnit: String
            let timeZone: String
        }
        struct CodeRequest: Encodable { let officeCode: String }
        struct CodeAnswer: Decodable { let code: String }
        let (status, _) = try await call(
            "PUT", "/admin/offices/\(office)", Office(name: name, adminUnit: office, timeZone: "Asia/Ulaanbaatar"))
        precondition(status == 200, "office not created")
        let (_, data) = try await call("POST", "/admin/enrolment-codes", CodeRequest(officeCode: office))
        return try JSONDecoder().decode(CodeAnswer.self, from: data).code
    }

    func addVacancies(_ vacancies: [VacancyRecord]) async throws {
        let (status, data) = try await call("PUT", "/admin/vacancies", vacancies)
        guard status == 200 else { throw HubStoreError("vacancies refused: \(String(decoding: data, as: UTF8.self))") }
    }
}

/// A kiosk: its own database folder and sync engine.
struct KioskHarness: Sendable {
    let temp: TemporaryDatabase
    let engine: SyncEngine
    let office: Office

    init(officeCode: String = "UB-SB", caFile: String? = nil) throws {
        temp = try TemporaryDatabase()
        office = Office(
            code: officeCode, name: LocalizedText(mn: officeCode, en: officeCode), adminUnitCode: "UB-SB",
            timeZone: TimeZone(identifier: "Asia/Ulaanbaatar")!)
        engine = SyncEngine(
            database: temp.database, dataDirectory: temp.directory, caFile: caFile, softwareVersion: "test",
            logger: quietLogger("kiosk"))
    }

    var registrations: SQLiteRegistrationRepository {
        SQLiteRegistrationRepository(database: temp.database, officeCode: office.code)
    }

    var queue: SQLiteQueueRepository {
        SQLiteQueueRepository(
            database: temp.database, office: office, services: QueueService.demo, policy: QueuePolicy())
    }

    func enrol(_ hub: HubHarness) async throws {
        _ = try await engine.enrol(
            hubURL: hub.url, code: try await hub.enrolmentCode(office: office.code), deviceName: "test kiosk",
            force: false)
    }

    /// Enrols with `hub` and answers a signer with the kiosk's own key, for requests a test
    /// writes by hand.
    func enrolledSigner(_ hub: HubHarness) async throws -> HubClient.Signer {
        try await enrol(hub)
        let enrolment = try #require(try await engine.store.enrolment())
        let key = try #require(try DeviceKey.load(from: DeviceKey.file(in: temp.directory)))
        return HubClient.Signer(key: key, keyID: enrolment.deviceID, now: { Date() })
    }

    @discardableResult
    func register(_ index: Int, registryNumber: String? = nil) async throws -> Registration {
        try await registrations.register(
            try Fixtures.details(Fixtures.form(registryNumber: registryNumber ?? Fixtures.registryNumber(index))),
            at: Date())
    }

    /// A visit: ticket issued, called, started and finished with `outcome` (4 queue records).
    /// A ticket issued, called, served and finished; returns it finished.
    @discardableResult
    func visit(outcome: ServiceOutcome = .counselled) async throws -> Ticket {
        _ = try await queue.issue(
            service: QueueService.demo[1], priority: nil, registrationID: nil, language: .mn, at: Date())
        guard
            let called = try await queue.callNext(
                counter: 1, staffID: "ajiltan1", services: [QueueService.demo[1].code], at: Date())
        else { throw HubStoreError("nothing to call") }
        _ = try await queue.act(ticketID: called.id, .start, at: Date())
        return try await queue.act(ticketID: called.id, .finish(outcome), at: Date())
    }

    /// Points the kiosk at a hub started again (on another port).
    func repoint(to hubURL: String) async throws {
        try await temp.database.testSQL("UPDATE lmis_enrolment SET hub_url = ?", arguments: [hubURL])
    }

    func scalar(_ sql: String) async throws -> Int {
        try await temp.database.testSQL(sql).first?.first?.flatMap { Int($0) } ?? -1
    }

    func syncUntilDone(rounds: Int = 40) async throws -> SyncEngine.Report {
        var last = await engine.round()
        var count = 1
        while last.error != nil, count < rounds {
            try await Task.sleep(for: .milliseconds(100))
            last = await engine.round()
            count += 1
        }
        return last
    }
}

func vacancy(_ index: Int, office: String? = "UB-SB", closes: String = "2099-12-31") -> VacancyRecord {
    VacancyRecord(
        reference: "V-2026-\(String(format: "%05d", index))", title: "Барилгын туслах ажилтан \(index)",
        titleEn: "Construction helper \(index)", iscoCode: "9313", employer: "Өргөө Констракшн ХХК",
        aimagCode: "UB-SB", soumCode: "UB-SB-05", wageMin: 1_200_000, wageMax: 1_600_000, hours: "fullTime",
        education: "basic", skills: ["гар багаж"], experienceYears: 0, posts: 2, postedOn: "2026-11-02",
        closesOn: closes, howToApply: "Ажилтан 3-т хандана уу", officeCode: office, newlyCreated: index % 2 == 0)
}
