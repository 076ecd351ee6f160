public import Foundation
public import LMISProtocol

/// The last `kiosk doctor --record` verdicts (`DATA/doctor.json`, written by the hourly
/// kiosk-doctor.timer on the appliance), carried in each heartbeat as `doctor.<check>`: what a
/// technician standing at the kiosk would read, seen from the centre.
public enum DoctorRecord {
    /// Verdicts older than this are not sent (the timer stopped: the hub sees them missing).
    public static let freshFor: TimeInterval = 3 * 3600

    public static func file(in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("doctor.json")
    }

    private struct Report: Decodable {
        struct Check: Decodable {
            var name: String
            var verdict: String
            var summary: String
        }
        var checks: [Check]
    }

    /// The recorded checks in the heartbeat's words (`ok`, `warning`, `fault`); empty when there
    /// is no record, it cannot be read, or it is older than `freshFor`.
    public static func checks(in dataDirectory: URL, now: Date) -> [Heartbeat.Check] {
        let url = file(in: dataDirectory)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            let modified = attributes[.modificationDate] as? Date, now.timeIntervalSince(modified) <= freshFor,
            let data = try? Data(contentsOf: url), let report = try? JSONDecoder().decode(Report.self, from: data)
        else { return [] }
        return report.checks.prefix(30).map { check in
            Heartbeat.Check(
                name: "doctor.\(check.name.prefix(50))",
                verdict: check.verdict == "ok" ? "ok" : check.verdict == "warning" ? "warning" : "fault",
                detail: String(check.summary.prefix(200)))
        }
    }
}
