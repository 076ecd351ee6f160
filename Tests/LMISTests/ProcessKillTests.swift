import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISProtocol
import Testing

@testable import LMISSync

/// Real processes killed with SIGKILL in the middle of an upload: afterwards the hub holds every
/// record exactly once.
@Suite(.serialized) struct ProcessKillTests {
    /// `lmis-hub` and `kiosk`, built beside the test binary.
    static let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent()

    /// Starts `lmis-hub serve` on a free port for `database`; the process and its port.
    static func startHub(_ lab: PostgresLab, database: String, environment: [String: String] = [:]) throws -> (
        Process, Int
    ) {
        let process = Process()
        process.executableURL = binaries.appendingPathComponent("lmis-hub")
        process.arguments = ["serve"]
        process.environment = [
            "LMIS_HUB_PORT": "0", "LMIS_HUB_POSTGRES_HOST": lab.host, "LMIS_HUB_POSTGRES_PORT": String(lab.port),
            "LMIS_HUB_POSTGRES_USER": "postgres", "LMIS_HUB_POSTGRES_DATABASE": database,
            "LMIS_HUB_ADMIN_TOKEN": adminToken,
        ].merging(environment) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        while let chunk = try errors.fileHandleForReading.read(upToCount: 1), !chunk.isEmpty {
            text += String(decoding: chunk, as: UTF8.self)
            if text.hasSuffix("\n"), let range = text.range(of: "hub.port=") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) {
                    // Keep draining the log so the hub never blocks on a full pipe.
                    Thread.detachNewThread {
                        while let data = try? errors.fileHandleForReading.read(upToCount: 4096), !data.isEmpty {}
                    }
                    return (process, port)
                }
            }
        }
        throw PrintLab.LabError("lmis-hub did not start: \(text)")
    }

    static func waitUntil(_ timeout: Duration = .seconds(60), _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try !condition() {
            guard ContinuousClock.now < deadline else { throw PrintLab.LabError("condition not met in time") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func theHubKilledMidBatchLosesNothingAndAppliesNothingTwice() async throws {
        let lab = try PostgresLab.shared.get()
        let database = try lab.createDatabase("killed")
        let (first, port) = try Self.startHub(lab, database: database)
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        let admin = try HubClient(baseURL: "http://127.0.0.1:\(port)")
        struct Office: Encodable { let name: String }
        struct CodeRequest: Encodable { let officeCode: String }
        struct CodeAnswer: Decodable { let code: String }
        let headers = ["Authorization": "Bearer \(adminToken)"]
        _ = try await admin.send(
            "PUT", "/admin/offices/UB-SB", body: try LMISCoding.encoder.encode(Office(name: "UB-SB")), signer: nil,
            extraHeaders: headers)
        let code = try await admin.send(
            "POST", "/admin/enrolment-codes", body: try LMISCoding.encoder.encode(CodeRequest(officeCode: "UB-SB")),
            signer: nil, extraHeaders: headers
        ).decode(CodeAnswer.self).code
        _ = try await kiosk.engine.enrol(hubURL: "http://127.0.0.1:\(port)", code: code, deviceName: "k", force: false)
        try await SyntheticOutbox.fill(kiosk.temp.database, registrations: 1500, queueEvents: 4500)

        let round = Task { await kiosk.engine.round() }
        try await Self.waitUntil { Int(try lab.scalar(database, "SELECT count(*) FROM received_record")) ?? 0 > 0 }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let interrupted = await round.value
        #expect(interrupted.error != nil)
        let before = Int(try lab.scalar(database, "SELECT count(*) FROM received_record")) ?? -1
        #expect(before > 0 && before < 6000)

        let (second, newPort) = try Self.startHub(lab, database: database)
        defer {
            second.terminate()
            second.waitUntilExit()
        }
        try await kiosk.repoint(to: "http://127.0.0.1:\(newPort)")
        let report = try await kiosk.syncUntilDone()
        #expect(report.error == nil)
        #expect(try lab.scalar(database, "SELECT count(*) FROM received_record") == "6000")
        #expect(try lab.scalar(database, "SELECT count(*) FROM person") == "1500")
        #expect(try lab.scalar(database, "SELECT count(*) FROM queue_event") == "4500")
        #expect(try lab.scalar(database, "SELECT count(DISTINCT seq) FROM received_record") == "6000")
        #expect(try await kiosk.scalar("SELECT COUNT(*) FROM outbox WHERE sync_state IS NULL") == 0)
        await kiosk.engine.shutdown()
    }

    @Test func theKioskKilledMidUploadResendsAndNothingIsCountedTwice() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        try await SyntheticOutbox.fill(kiosk.temp.database, registrations: 1500, queueEvents: 4500)

        let process = Process()
        process.executableURL = Self.binaries.appendingPathComponent("kiosk")
        process.arguments = ["sync", "now", "--data-dir", kiosk.temp.directory.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Self.waitUntil { try hub.count("SELECT count(*) FROM received_record") > 0 }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = try hub.count("SELECT count(*) FROM received_record")
        #expect(before > 0 && before < 6000)

        let report = try await kiosk.syncUntilDone()
        #expect(report.error == nil)
        #expect(try hub.count("SELECT count(*) FROM received_record") == 6000)
        #expect(try hub.count("SELECT count(*) FROM person") == 1500)
        #expect(try hub.count("SELECT count(*) FROM queue_event") == 4500)
        let states = try await kiosk.temp.database.testSQL(
            "SELECT sync_state, COUNT(*) AS n FROM outbox GROUP BY sync_state")
        #expect(
            states.allSatisfy {
                $0[0] == "applied" || $0[0] == "duplicate"
            })
        await kiosk.engine.shutdown()
        await hub.stop()
    }
}
