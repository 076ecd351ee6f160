import Foundation
import KioskTestSupport
import LMISProtocol
import LMISSync
import Logging
import Synchronization

// Kiosks syncing against a running hub (or a balancer in front of several), for
// `Benchmarks/hub_pair.py`: each kiosk makes `--records` outbox records, runs a sync round (one
// upload batch, the heartbeat and the change feed), waits `--interval` seconds (±50 %), again,
// for `--seconds`. Prints one JSON line: records acknowledged per second, round latency, errors.
//
//   hub-load-bench --hub URL --admin-token T [--kiosks 300] [--seconds 30] [--records 10] [--interval 5]

func option(_ name: String, _ fallback: String? = nil) -> String {
    if let index = CommandLine.arguments.firstIndex(of: "--\(name)"), index + 1 < CommandLine.arguments.count {
        return CommandLine.arguments[index + 1]
    }
    guard let fallback else { fatalError("--\(name) is required") }
    return fallback
}
let hubURL = option("hub")
let adminToken = option("admin-token")
let kioskCount = Int(option("kiosks", "300"))!
let duration = Double(option("seconds", "30"))!
let recordsPerRound = Int(option("records", "10"))!
let interval = Double(option("interval", "5"))!

var logger = Logger(label: "hub-load-bench")
logger.logLevel = .critical
// Each kiosk is its own client in the field: as many connections as kiosks.
HubClient.connectionsPerHost.withLock { $0 = kioskCount }
let admin = try HubClient(baseURL: hubURL)

struct CodeRequest: Encodable { let officeCode: String }
struct CodeAnswer: Decodable { let code: String }

func enrolmentCode() async throws -> String {
    let answer = try await admin.send(
        "POST", "/admin/enrolment-codes", body: try LMISCoding.encoder.encode(CodeRequest(officeCode: "UB-SB")),
        signer: nil, extraHeaders: ["Authorization": "Bearer \(adminToken)"])
    guard answer.status == 200 else { throw SetUpError(what: "enrolment code: \(answer.status)") }
    return try JSONDecoder().decode(CodeAnswer.self, from: answer.body).code
}

struct SetUpError: Error { let what: String }

/// Setting up is not measured: on a loaded machine a refusal (503) is tried again.
func patiently<T>(_ step: () async throws -> T) async throws -> T {
    for _ in 1..<10 {
        do { return try await step() } catch { try await Task.sleep(for: .seconds(1)) }
    }
    return try await step()
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

var kiosks: [(TemporaryDatabase, SyncEngine)] = []
for _ in 0..<kioskCount {
    let temp = try TemporaryDatabase()
    let engine = SyncEngine(
        database: temp.database, dataDirectory: temp.directory, caFile: nil, softwareVersion: "bench", logger: logger)
    _ = try await patiently {
        try await engine.enrol(hubURL: hubURL, code: try await enrolmentCode(), deviceName: "bench", force: false)
    }
    // The first round takes the (small) change feed, so that the measured rounds carry records.
    _ = await engine.round()
    kiosks.append((temp, engine))
}

FileHandle.standardOutput.write(Data("{\"enrolled\": \(kioskCount)}\n".utf8))

struct Round: Sendable {
    let latency: Double
    let records: Int
    let error: String?
}

let started = ContinuousClock.now
let end = started + .milliseconds(Int(duration * 1000))
let rounds = try await withThrowingTaskGroup(of: [Round].self) { group in
    for (temp, engine) in kiosks {
        group.addTask {
            var mine: [Round] = []
            // Spread the first rounds over one interval, as kiosks' timers are.
            try await Task.sleep(for: .milliseconds(Int(Double.random(in: 0..<interval) * 1000)))
            while ContinuousClock.now < end {
                try await SyntheticOutbox.fill(temp.database, registrations: 0, queueEvents: recordsPerRound)
                let begin = ContinuousClock.now
                let report = await engine.round()
                mine.append(
                    Round(
                        latency: seconds(ContinuousClock.now - begin), records: report.uploaded.values.reduce(0, +),
                        error: report.error.map { "\($0)" }))
                let pause = Duration.milliseconds(Int(Double.random(in: 0.5...1.5) * interval * 1000))
                // No round starts after the end, nor a wait past it: the figure is over the window.
                let left = end - ContinuousClock.now
                if left > .zero { try await Task.sleep(for: min(pause, left)) }
            }
            return mine
        }
    }
    var all: [Round] = []
    for try await some in group { all += some }
    return all
}
let elapsed = seconds(ContinuousClock.now - started)
let latencies = rounds.map(\.latency).sorted()
func percentile(_ fraction: Double) -> Double {
    latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * fraction))]
}
let failures = rounds.filter { $0.error != nil }
let records = rounds.reduce(0) { $0 + $1.records }
let summary: [String: Any] = [
    "kiosks": kioskCount, "seconds": elapsed, "recordsPerRound": recordsPerRound, "interval": interval,
    "rounds": rounds.count, "errors": failures.count, "firstError": failures.first?.error ?? "",
    "records": records, "recordsPerSecond": Double(records) / elapsed,
    "p50": percentile(0.5), "p95": percentile(0.95), "p99": percentile(0.99),
]
FileHandle.standardOutput.write(try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]))
FileHandle.standardOutput.write(Data("\n".utf8))
for (temp, _) in kiosks { temp.remove() }
