import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import LMISProtocol
import LMISSync
import Logging
import ServiceLifecycle
import Synchronization

// Figures of issue 6 over loopback, on a private PostgreSQL (Tests/EndToEnd/lmis_peers.py):
//   1. a backlog of 100,000 outbox records uploaded and applied at the hub;
//   2. 50,000 vacancies downloaded and applied at a kiosk;
//   3. 300 kiosks syncing at once, counting errors.
// Run by Benchmarks/run.sh (release build). `sync-bench --quick` uses a tenth of each.

let quick = CommandLine.arguments.contains("--quick")
/// Each figure as soon as it is measured (unbuffered, also into a pipe).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
let scale = quick ? 10 : 1
let logger: Logger = {
    var logger = Logger(label: "sync-bench")
    logger.logLevel = .critical
    return logger
}()
HubClient.connectionsPerHost.withLock { $0 = 64 }

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let lab = try PostgresLab.shared.get()
let databaseName = try lab.createDatabase("bench")
var configuration = HubConfiguration()
configuration.port = 0
configuration.postgresHost = lab.host
configuration.postgresPort = lab.port
configuration.postgresUser = "postgres"
configuration.postgresDatabase = databaseName
configuration.adminToken = "bench-admin-token-0123456789"
configuration.postgresConnections = 20
let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
let hub = try HubServer(configuration: configuration, logger: logger) { portContinuation.yield($0) }
let group = ServiceGroup(services: [hub.application], logger: logger)
let hubTask = Task { try await group.run() }
guard let port = await ports.first(where: { _ in true }) else { fatalError("hub did not start") }
let hubURL = "http://127.0.0.1:\(port)"
let admin = try HubClient(baseURL: hubURL)

func adminCall(_ method: String, _ path: String, _ body: some Encodable) async throws -> Data {
    let answer = try await admin.send(
        method, path, body: try LMISCoding.encoder.encode(body), signer: nil,
        extraHeaders: ["Authorization": "Bearer \(configuration.adminToken!)"])
    guard answer.status == 200 else {
        fatalError("\(path): \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
    }
    return answer.body
}

struct OfficeBody: Encodable { let name, adminUnit, timeZone: String }
struct CodeRequest: Encodable { let officeCode: String }
struct CodeAnswer: Decodable { let code: String }
_ = try await adminCall(
    "PUT", "/admin/offices/UB-SB", OfficeBody(name: "Сүхбаатар", adminUnit: "UB-SB", timeZone: "Asia/Ulaanbaatar"))

func newKiosk() async throws -> (TemporaryDatabase, SyncEngine) {
    let temp = try TemporaryDatabase()
    let engine = SyncEngine(
        database: temp.database, dataDirectory: temp.directory, caFile: nil, softwareVersion: "bench", logger: logger)
    let code = try JSONDecoder().decode(
        CodeAnswer.self, from: try await adminCall("POST", "/admin/enrolment-codes", CodeRequest(officeCode: "UB-SB"))
    ).code
    _ = try await engine.enrol(hubURL: hubURL, code: code, deviceName: "bench", force: false)
    return (temp, engine)
}

func fillOutbox(_ database: AppDatabase, registrations: Int, queueEvents: Int, offset: Int = 0) async throws {
    try await SyntheticOutbox.fill(database, registrations: registrations, queueEvents: queueEvents, offset: offset)
}

// 1. Backlog.
let backlog = 100_000 / scale
do {
    let (temp, engine) = try await newKiosk()
    try await fillOutbox(temp.database, registrations: backlog * 3 / 10, queueEvents: backlog * 7 / 10)
    let started = ContinuousClock.now
    let report = await engine.round()
    let elapsed = ContinuousClock.now - started
    let applied = try lab.scalar(databaseName, "SELECT count(*) FROM received_record WHERE status = 'applied'")
    say(
        "backlog: \(backlog) records uploaded and applied in \(String(format: "%.1f", seconds(elapsed))) s"
            + " (\(Int(Double(backlog) / seconds(elapsed))) records/s; hub applied \(applied);"
            + " error: \(report.error.map { "\($0)" } ?? "none")) — target < 30 s for 100,000")
    temp.remove()
}

// 2. Vacancies.
let vacancyCount = 50_000 / scale
do {
    for start in stride(from: 0, to: vacancyCount, by: 5000) {
        let chunk = (start..<min(start + 5000, vacancyCount)).map { index in
            VacancyRecord(
                reference: "V-2026-\(String(format: "%06d", index))", title: "Ажлын байр \(index) — туслах ажилтан",
                titleEn: "Helper \(index)", iscoCode: "9313", employer: "Өргөө ХХК \(index % 400)", aimagCode: "UB-SB",
                soumCode: "UB-SB-05", wageMin: 1_000_000 + index % 50 * 10_000, wageMax: 1_800_000, hours: "fullTime",
                education: "basic", skills: ["гар багаж", "цэвэрлэгээ"], experienceYears: index % 5,
                posts: 1 + index % 3,
                postedOn: "2026-11-02", closesOn: "2026-12-31", howToApply: "Ажилтан 3-т хандана уу",
                officeCode: "UB-SB")
        }
        _ = try await adminCall("PUT", "/admin/vacancies", chunk)
    }
    let (temp, engine) = try await newKiosk()
    let started = ContinuousClock.now
    let report = await engine.round()
    let elapsed = ContinuousClock.now - started
    let held = try await temp.database.testSQL("SELECT COUNT(*) FROM vacancy")[0][0] ?? ""
    say(
        "vacancies: \(vacancyCount) downloaded and applied in \(String(format: "%.2f", seconds(elapsed))) s"
            + " (kiosk holds \(held); error: \(report.error.map { "\($0)" } ?? "none")) — target < 10 s for 50,000")
    temp.remove()
}

// 3. 300 kiosks at once, each with 20 records waiting (and the vacancy feed already known).
let kioskCount = 300 / (quick ? 3 : 1)
do {
    var kiosks: [(TemporaryDatabase, SyncEngine)] = []
    for index in 0..<kioskCount {
        let kiosk = try await newKiosk()
        try await fillOutbox(kiosk.0.database, registrations: 5, queueEvents: 15, offset: 40_000 + index * 5)
        try await kiosk.0.database.testSQL("UPDATE lmis_sync_status SET cursor = NULL")
        kiosks.append(kiosk)
    }
    // Skip the 50,000-vacancy download here: each kiosk starts from the hub's current position.
    let epoch = try await hub.store.epoch()
    let position = try lab.scalar(databaseName, "SELECT coalesce(max(position), 0) FROM vacancy")
    for (temp, _) in kiosks {
        try await temp.database.testSQL("UPDATE lmis_sync_status SET cursor = ?", arguments: ["\(epoch):\(position)"])
    }
    let started = ContinuousClock.now
    let reports = await withTaskGroup(of: (SyncEngine.Report, Duration).self) { group in
        for (_, engine) in kiosks {
            group.addTask {
                let begin = ContinuousClock.now
                let report = await engine.round()
                return (report, ContinuousClock.now - begin)
            }
        }
        var all: [(SyncEngine.Report, Duration)] = []
        for await result in group { all.append(result) }
        return all
    }
    let elapsed = ContinuousClock.now - started
    let failures = reports.filter { $0.0.error != nil }
    let durations = reports.map { seconds($0.1) }.sorted()
    say(
        "\(kioskCount) kiosks at once: \(failures.count) errors, all done in \(String(format: "%.1f", seconds(elapsed))) s,"
            + " round median \(String(format: "%.2f", durations[durations.count / 2])) s"
            + " p95 \(String(format: "%.2f", durations[durations.count * 95 / 100])) s"
            + (failures.first.map { "; first error: \($0.0.error!)" } ?? ""))
    for (temp, _) in kiosks { temp.remove() }
}

await group.triggerGracefulShutdown()
_ = await hubTask.result
