import Foundation
import LMISProtocol
import LMISSync
import Testing

/// `kiosk doctor --record`'s file read back for the heartbeat (`DoctorRecord`).
@Suite("Doctor's verdicts in the heartbeat")
struct DoctorRecordTests {
    let report = """
        {"checkedAt": "2026-12-07 17:00", "office": "UB-SB", "fitToOpen": false, "checks": [
          {"name": "database", "verdict": "ok", "summary": "schema current", "facts": {}},
          {"name": "hub", "verdict": "warning", "summary": "cannot reach the hub", "facts": {}},
          {"name": "thermal_printer", "verdict": "failure", "summary": "queue Thermal: no paper", "facts": {}}
        ]}
        """

    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-record-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func eachVerdictIsCarriedInTheHeartbeatsWords() throws {
        let data = try folder()
        defer { try? FileManager.default.removeItem(at: data) }
        try Data(report.utf8).write(to: DoctorRecord.file(in: data))
        #expect(
            DoctorRecord.checks(in: data, now: Date()) == [
                Heartbeat.Check(name: "doctor.database", verdict: "ok", detail: "schema current"),
                Heartbeat.Check(name: "doctor.hub", verdict: "warning", detail: "cannot reach the hub"),
                Heartbeat.Check(name: "doctor.thermal_printer", verdict: "fault", detail: "queue Thermal: no paper"),
            ])
    }

    @Test func anOldOrUnreadableRecordIsNotSent() throws {
        let data = try folder()
        defer { try? FileManager.default.removeItem(at: data) }
        #expect(DoctorRecord.checks(in: data, now: Date()).isEmpty)
        let file = DoctorRecord.file(in: data)
        try Data(report.utf8).write(to: file)
        let written = try #require(FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date)
        #expect(DoctorRecord.checks(in: data, now: written.addingTimeInterval(DoctorRecord.freshFor + 60)).isEmpty)
        try Data("not json".utf8).write(to: file)
        #expect(DoctorRecord.checks(in: data, now: Date()).isEmpty)
    }
}
