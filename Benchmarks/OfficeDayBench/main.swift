// A simulated busy office day through the HTTP API (issue 3's targets), with clients light enough
// to leave the two cores to the kiosk: Swift tasks on one event loop (it replaced eleven Python
// processes, whose own work had taken much of the machine).
//
// 2,000 tickets issued from the kiosk while 10 counters call, recall, start, transfer, park,
// resume and finish them; a display board follows the Server-Sent Events stream. Prints the time
// for the whole day (target < 10 s), call-next latency (target p99 < 10 ms) and the delay from a
// call's answer to its event on the board (target p99 < 300 ms).
//
// Usage: .build-release/release/office-day-bench [--tickets N] [--counters N] (Benchmarks/run.sh)
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

func argument(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return Int(arguments[index + 1]) ?? fallback
}
let ticketCount = argument("--tickets", 2000)
let counterCount = argument("--counters", 10)
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}
func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

// The release kiosk on a fresh data directory, with the services of a busy office open all day.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let work = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-day-\(UUID())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }
let config = work.appendingPathComponent("kiosk.conf")
try Data(
    "services_file = \(root.path)/Benchmarks/office-day-services.json\nlog_level = warning\n".utf8
).write(to: config)
let port = 21_000 + Int.random(in: 0..<20_000)
let kiosk = Process()
kiosk.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("kiosk")
kiosk.arguments = [
    "serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", work.appendingPathComponent("data").path,
    "--kiosk-dir", root.appendingPathComponent("Kiosk").path, "--config", config.path,
]
var environment = ProcessInfo.processInfo.environment
environment["KIOSK_THERMAL_QUEUE"] = ""
environment["KIOSK_A4_QUEUE"] = ""
environment["KIOSK_FINGERPRINT_READER"] = "none"
kiosk.environment = environment
kiosk.standardOutput = FileHandle.nullDevice
kiosk.standardError = FileHandle.nullDevice
try kiosk.run()
defer { kiosk.terminate() }

var configuration = HTTPClient.Configuration()
configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
let base = "http://127.0.0.1:\(port)"

/// Requests sent, and call-next answers of "nobody waiting" (a counter asks again 5 ms later).
let requests = Atomic<Int>(0)
let idleCalls = Atomic<Int>(0)

struct Answer {
    let status: UInt
    let body: [String: Any]
    let cookie: String?
}

/// One request. The answer's body is parsed only when `parse` asks (call-next's ticket): the
/// load generator shares the machine with the kiosk and should take as little of it as it can.
func call(
    _ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil, cookie: String? = nil, parse: Bool = false
) async throws -> Answer {
    var request = HTTPClientRequest(url: base + path)
    request.method = method
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
    }
    if let cookie { request.headers.add(name: "Cookie", value: cookie) }
    requests.add(1, ordering: .relaxed)
    let response = try await client.execute(request, timeout: .seconds(30))
    let bytes = try await response.body.collect(upTo: 1 << 20)
    let object =
        !parse || response.status != .ok || bytes.readableBytes == 0
        ? [:] : (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
    return Answer(
        status: response.status.code, body: object,
        cookie: response.headers.first(name: "Set-Cookie")?.split(separator: ";").first.map(String.init))
}

var ready = false
for _ in 0..<1000 where !ready {
    ready = (try? await call(.GET, "/healthz"))?.status == 200
    if !ready { try await Task.sleep(for: .milliseconds(10)) }
}
guard ready else { fatalError("the kiosk did not start") }

/// When each call reached the board (`А-001@called@3` → instant).
let boardTimes = Mutex<[String: ContinuousClock.Instant]>([:])
let board = Task {
    let request = HTTPClientRequest(url: base + "/api/v1/display/events")
    let response = try await client.execute(request, timeout: .hours(1))
    var pending = ""
    var event: [String: String] = [:]
    for try await buffer in response.body {
        pending += String(buffer: buffer)
        while let newline = pending.firstIndex(of: "\n") {
            let line = String(pending[..<newline])
            pending = String(pending[pending.index(after: newline)...])
            if line.isEmpty {
                if event["event"] == "call", let data = event["data"],
                    let json = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any],
                    let number = json["number"] as? String, let kind = json["kind"] as? String,
                    let counter = json["counter"] as? Int
                {
                    let now = ContinuousClock.now
                    boardTimes.withLock {
                        if $0["\(number)@\(kind)@\(counter)"] == nil { $0["\(number)@\(kind)@\(counter)"] = now }
                    }
                }
                event = [:]
            } else if !line.hasPrefix(":"), let colon = line.firstIndex(of: ":") {
                event[String(line[..<colon])] = String(line[line.index(after: colon)...]).trimmingCharacters(
                    in: .whitespaces)
            }
        }
    }
}
try await Task.sleep(for: .milliseconds(300))

struct Call: Sendable {
    let key: String
    let sent: ContinuousClock.Instant
    let took: Double
}
let finished = Atomic<Int>(0)
let issueTimes = Mutex<[Double]>([])
let lastIssued = Mutex<Double>(0)
let errors = Mutex<[String]>([])
/// The kiosk's processor time so far (user + system, seconds), from /proc: steadier than the
/// day's wall-clock time on a shared machine.
func kioskCPUSeconds() -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(kiosk.processIdentifier)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return .nan }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // After the command: state is field 3, utime 14 and stime 15 (1-based, see proc(5)).
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
let cpuBefore = kioskCPUSeconds()
let requestsBefore = requests.load(ordering: .relaxed)
let began = ContinuousClock.now

/// A small deterministic generator per client, as the Python version seeds its own.
struct Dice: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}

let calls = try await withThrowingTaskGroup(of: [Call].self) { group in
    group.addTask {
        var dice = Dice(state: 7)
        let services = ["А", "А", "Б", "В", "Г", "Д", "Е"]
        for index in 0..<ticketCount {
            var body: [String: Any] = ["serviceCode": services.randomElement(using: &dice)!]
            if index % 9 == 0 { body["priority"] = ["disability", "elderly", "pregnantOrInfant"][index % 3] }
            let sent = ContinuousClock.now
            let answer = try await call(.POST, "/api/v1/tickets", body)
            let took = milliseconds(ContinuousClock.now - sent)
            issueTimes.withLock { $0.append(took) }
            if answer.status != 201 { errors.withLock { $0.append("issue \(answer.status)") } }
        }
        lastIssued.withLock { $0 = milliseconds(ContinuousClock.now - began) / 1000 }
        return []
    }
    for counter in 1...counterCount {
        group.addTask {
            var dice = Dice(state: UInt64(counter))
            let signIn = try await call(
                .POST, "/api/v1/staff/sessions", ["username": "ajiltan1", "pin": "2468", "counter": counter])
            guard let cookie = signIn.cookie else { fatalError("no session for counter \(counter)") }
            var made: [Call] = []
            while finished.load(ordering: .relaxed) < ticketCount {
                let sent = ContinuousClock.now
                let called = try await call(.POST, "/api/v1/counters/\(counter)/call-next", cookie: cookie, parse: true)
                let took = milliseconds(ContinuousClock.now - sent)
                if called.status == 404 {
                    idleCalls.add(1, ordering: .relaxed)
                    try await Task.sleep(for: .milliseconds(5))
                    continue
                }
                guard called.status == 200, let id = called.body["id"] as? String,
                    let number = called.body["number"] as? String
                else {
                    errors.withLock { $0.append("call \(called.status)") }
                    continue
                }
                made.append(Call(key: "\(number)@called@\(counter)", sent: sent, took: took))
                if Double.random(in: 0..<1, using: &dice) < 0.1 {
                    _ = try await call(.POST, "/api/v1/tickets/\(id)/recall", cookie: cookie)
                }
                _ = try await call(.POST, "/api/v1/tickets/\(id)/start", cookie: cookie)
                if Double.random(in: 0..<1, using: &dice) < 0.05 {
                    _ = try await call(.POST, "/api/v1/tickets/\(id)/park", cookie: cookie)
                    _ = try await call(.POST, "/api/v1/tickets/\(id)/resume", cookie: cookie)
                }
                if Double.random(in: 0..<1, using: &dice) < 0.05, called.body["serviceCode"] as? String != "Д" {
                    let moved = try await call(
                        .POST, "/api/v1/tickets/\(id)/transfer", ["serviceCode": "Д"], cookie: cookie)
                    if moved.status == 200 { continue }  // served again later at a social-welfare counter
                }
                let done = try await call(
                    .POST, "/api/v1/tickets/\(id)/finish", ["outcome": "counselled"], cookie: cookie)
                if done.status != 200 { errors.withLock { $0.append("finish \(done.status)") } }
                finished.add(1, ordering: .relaxed)
            }
            return made
        }
    }
    var all: [Call] = []
    for try await made in group { all += made }
    return all
}
let day = milliseconds(ContinuousClock.now - began) / 1000
let kioskCPU = kioskCPUSeconds() - cpuBefore
let dayRequests = requests.load(ordering: .relaxed) - requestsBefore
try await Task.sleep(for: .milliseconds(500))
board.cancel()
let arrived = boardTimes.withLock { $0 }
let display = calls.compactMap { call in arrived[call.key].map { milliseconds($0 - call.sent) } }
let callTimes = calls.map { $0.took }
let failures = errors.withLock { $0 }
say(
    "office day: \(ticketCount) tickets, \(counterCount) counters, all served in \(String(format: "%.2f", day)) s"
        + " (\(calls.count) calls, errors \(failures.count)) — target < 10 s")
say(
    "  call-next latency: p50 \(String(format: "%.1f", percentile(callTimes, 0.5))) ms, p99"
        + " \(String(format: "%.1f", percentile(callTimes, 0.99))) ms — target p99 < 10 ms")
say(
    "  display update after the call was sent: p50 \(String(format: "%.0f", percentile(display, 0.5))) ms, p99"
        + " \(String(format: "%.0f", percentile(display, 0.99))) ms (n=\(display.count) of \(calls.count))"
        + " — target p99 < 300 ms")
say(
    "  the kiosk's processor time for the day: \(String(format: "%.2f", kioskCPU)) s"
        + " (\(String(format: "%.0f", kioskCPU / day * 100)) % of one core over the day);"
        + " \(dayRequests) requests (\(idleCalls.load(ordering: .relaxed)) of them idle counters' calls),"
        + " \(String(format: "%.0f", kioskCPU / Double(dayRequests) * 1e6)) µs of processor time each")
let issued = issueTimes.withLock { $0 }
say(
    "  the kiosk issued its \(ticketCount) tickets in \(String(format: "%.2f", lastIssued.withLock { $0 })) s"
        + " (one after another: p50 \(String(format: "%.1f", percentile(issued, 0.5))) ms, p99"
        + " \(String(format: "%.1f", percentile(issued, 0.99))) ms each)")
if !failures.isEmpty { say("  errors: \(failures.prefix(10))") }
// The board's stream ends (cancelled) before its client shuts down.
_ = await board.result
try await client.shutdown()
