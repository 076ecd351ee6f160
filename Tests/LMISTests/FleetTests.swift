import Crypto
import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISProtocol
import Testing

@testable import LMISHub
@testable import LMISSync

/// Heartbeats, a restore's numbering and replays across hub processes, against a real PostgreSQL;
/// what needs a technician (`FleetRules`), from values.
@Suite(.serialized) struct FleetTests {
    @Test func eachRoundSendsAHeartbeatTheHubKeepsWithItsHistory() async throws {
        let hub = try await HubHarness.start()
        defer { Task { await hub.stop() } }
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        await kiosk.engine.setDeviceProbe {
            SyncEngine.DeviceState(
                printer: "paper-out", reader: "ready", checks: [.init(name: "printer.thermal", verdict: "fault")])
        }
        try await kiosk.register(1)
        try await kiosk.register(2)
        _ = try await kiosk.syncUntilDone()
        // Two more made, reported by a heartbeat, never uploaded.
        try await kiosk.register(3)
        let answer = try #require(try await kiosk.engine.heartbeatNow())
        #expect(answer.highestSequence == 3)
        #expect(try hub.count("SELECT count(*) FROM device_heartbeat") >= 2)
        #expect(try hub.scalar("SELECT heartbeat ->> 'printer' FROM device") == "paper-out")
        #expect(try hub.scalar("SELECT reported_sequence FROM device") == "3")

        // A technician's command knows no printer: the serving process's word is kept.
        let command = SyncEngine(
            database: kiosk.temp.database, dataDirectory: kiosk.temp.directory, caFile: nil, softwareVersion: "test",
            logger: quietLogger("kiosk"))
        _ = try await command.heartbeatNow()
        await command.shutdown()
        #expect(try hub.scalar("SELECT heartbeat ->> 'printer' FROM device") == "paper-out")
        #expect(try hub.count("SELECT count(*) FROM device_heartbeat WHERE report ? 'printer'") >= 2)
        #expect(try hub.count("SELECT count(*) FROM device_heartbeat WHERE NOT report ? 'printer'") == 1)

        let (status, body) = try await hub.call("GET", "/admin/devices")
        #expect(status == 200)
        let devices = try LMISCoding.decoder.decode([HubStore.DeviceSummary].self, from: body)
        let device = try #require(devices.first)
        #expect(device.received == 2 && device.reportedSequence == 3 && device.missing == 1)
        #expect(device.heartbeat?.waiting == 1 && device.heartbeat?.softwareVersion == "test")
        #expect(device.needs.contains("printer-fault") && device.needs.contains("no-backup"))
        // One missing and one waiting: on its way, not lost.
        #expect(!device.needs.contains("records-lost"))
    }

    @Test func aSignedRequestIsRefusedAsAReplayByAnotherHubProcess() async throws {
        let first = try await HubHarness.start()
        let second = try await HubHarness.start(database: first.database)
        defer {
            Task {
                await first.stop()
                await second.stop()
            }
        }
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        let signer = try await kiosk.enrolledSigner(first)
        let body = try LMISCoding.encoder.encode(try await kiosk.engine.currentHeartbeat())
        let headers = Dictionary(
            uniqueKeysWithValues: try RequestSigning.headers(
                method: "POST", target: LMISPath.heartbeat, body: body, keyID: signer.keyID,
                timestamp: Int64(Date().timeIntervalSince1970), key: signer.key.privateKey
            ).map { ($0.name, $0.value) })
        let one = try HubClient(baseURL: first.url)
        let two = try HubClient(baseURL: second.url)
        defer {
            Task {
                await one.shutdown()
                await two.shutdown()
            }
        }
        let accepted = try await one.send("POST", LMISPath.heartbeat, body: body, signer: nil, extraHeaders: headers)
        #expect(accepted.status == 200)
        let replayed = try await two.send("POST", LMISPath.heartbeat, body: body, signer: nil, extraHeaders: headers)
        #expect(replayed.status == 401 && replayed.problem?.error == .replayed)
    }

    func summary(
        seen: String? = "2026-12-07T00:00:00.000Z", missing: Int64 = 0, heartbeat: Heartbeat? = nil,
        dayBefore: Int? = nil
    ) -> HubStore.DeviceSummary {
        HubStore.DeviceSummary(
            id: "d", officeCode: "UB-SB", name: "kiosk", revoked: false, lastSeenAt: seen, received: 10,
            highestSequence: 10, reportedSequence: 10, missing: missing, heartbeat: heartbeat,
            heartbeatAt: seen, waitingDayBefore: dayBefore)
    }

    func beat(
        version: String = "1.2.0", waiting: Int = 0, oldest: String? = nil, offset: Double = 0,
        backup: String? = "2026-12-06T18:00:00.000Z", printer: String? = "ready"
    ) -> Heartbeat {
        Heartbeat(
            softwareVersion: version, sentAt: "2026-12-07T00:00:00.000Z", lastSequence: 10, waiting: waiting,
            oldestWaitingAt: oldest, clockOffsetSeconds: offset, lastBackupAt: backup, diskFreeBytes: 1 << 30,
            printer: printer, reader: "ready", checks: [], restoredAt: nil)
    }

    @Test func whatNeedsATechnician() throws {
        let now = try #require(LMISTime.parse("2026-12-07T06:00:00.000Z"))
        func needs(_ device: HubStore.DeviceSummary, newest: String? = "1.2.0") -> [String] {
            FleetRules.needs(device, now: now, newestVersion: newest).map(\.rawValue)
        }
        #expect(needs(summary(heartbeat: beat())) == [])
        #expect(needs(summary(seen: "2026-12-05T23:00:00.000Z", heartbeat: beat())) == ["offline"])
        #expect(needs(summary(seen: nil)) == ["offline"])
        #expect(needs(summary(heartbeat: beat(printer: "paper-out"))) == ["printer-fault"])
        #expect(needs(summary(heartbeat: beat(waiting: 40, oldest: "2026-12-06T12:00:00.000Z"))) == ["backlog-growing"])
        #expect(needs(summary(heartbeat: beat(waiting: 40), dayBefore: 12)) == ["backlog-growing"])
        #expect(needs(summary(heartbeat: beat(offset: -300))) == ["clock-off"])
        #expect(needs(summary(heartbeat: beat(version: "1.1.9"))) == ["version-behind"])
        #expect(needs(summary(heartbeat: beat(version: "1.10.0")), newest: "1.9.0") == [])
        #expect(needs(summary(heartbeat: beat(backup: "2026-12-04T12:00:00.000Z"))) == ["no-backup"])
        #expect(needs(summary(heartbeat: beat(backup: nil))) == ["no-backup"])
        #expect(needs(summary(missing: 3, heartbeat: beat(waiting: 3))) == [])
        #expect(needs(summary(missing: 3, heartbeat: beat(waiting: 1))) == ["records-lost"])
        #expect(
            FleetRules.newestVersion([
                summary(heartbeat: beat(version: "1.9.0")), summary(heartbeat: beat(version: "1.10.0")),
            ])
                == "1.10.0")
    }
}
