import Foundation
import KioskAdmin
import KioskApp
import KioskCore
import LMISSync
import Printing
import Testing

@Suite("kiosk doctor's verdicts")
struct DoctorTests {
    func report(_ verdicts: [DoctorReport.Verdict]) -> DoctorReport {
        DoctorReport(
            checkedAt: "2026-12-03 15:00", office: "UB-SB",
            checks: verdicts.enumerated().map { DoctorReport.Check("check\($0.offset)", $0.element, "summary") })
    }

    @Test func theExitCodeSaysWhetherTheOfficeIsFitToOpen() {
        #expect(report([.ok, .ok]).exitCode == 0)
        #expect(report([.ok, .warning]).exitCode == 2)
        #expect(report([.ok, .warning]).fitToOpen)
        #expect(report([.warning, .failure]).exitCode == 1)
        #expect(!report([.failure]).fitToOpen)
    }

    @Test func theTextHasALineACheckAndTheVerdict() {
        let text = report([.ok, .warning, .failure]).text
        #expect(text.contains("[ok  ] check0"))
        #expect(text.contains("[WARN] check1"))
        #expect(text.contains("[FAIL] check2"))
        #expect(text.hasSuffix("NOT fit to open: 1 failure, 1 warning."))
        #expect(report([.ok]).text.hasSuffix("Fit to open."))
    }

    @Test func theJSONCarriesTheVerdictForScripts() throws {
        let data = try JSONEncoder().encode(report([.ok, .failure]))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["fitToOpen"] as? Bool == false)
        #expect((object["checks"] as? [[String: Any]])?.last?["verdict"] as? String == "failure")
        #expect(try JSONDecoder().decode(DoctorReport.self, from: data) == report([.ok, .failure]))
    }

    func link(_ outcome: LinkCheck.Outcome, offset: Double?) -> LinkCheck {
        LinkCheck(outcome: outcome, hubURL: "https://lmis.example.mn", clockOffsetSeconds: offset)
    }

    @Test func aClockFarFromTheHubsFails() {
        let doctor = Doctor(configuration: KioskConfiguration())
        let fast = doctor.clockCheck(link(.clockOff, offset: -7200))
        #expect(fast.verdict == .failure)
        #expect(fast.summary.hasPrefix("2 h 0 min ahead of the LMIS hub"))
        let slow = doctor.clockCheck(link(.accepted, offset: 400))
        #expect(slow.verdict == .failure)
        #expect(slow.summary.hasPrefix("6 min 40 s behind the LMIS hub"))
        let close = doctor.clockCheck(link(.accepted, offset: 1.4))
        #expect(close.verdict != .failure)
        #expect(close.summary.hasPrefix("within 1 s of the LMIS hub"))
        #expect(close.facts["hub_offset_seconds"] == "1.4")
    }

    @Test func theLinkVerdicts() {
        let doctor = Doctor(configuration: KioskConfiguration())
        func verdicts(_ outcome: LinkCheck.Outcome) -> [DoctorReport.Verdict] {
            doctor.linkChecks(link(outcome, offset: 0), databaseUsable: true).map(\.verdict)
        }
        #expect(verdicts(.accepted) == [.ok, .ok])
        #expect(verdicts(.unreachable) == [.warning, .warning])
        #expect(verdicts(.refused) == [.ok, .failure])
        #expect(verdicts(.clockOff) == [.ok, .failure])
        #expect(verdicts(.notEnrolled) == [.failure, .failure])
        #expect(doctor.linkChecks(nil, databaseUsable: false).map(\.verdict) == [.failure, .failure])
        // Schema steps still to make: not checked (the doctor does not make them), a warning.
        let pending = doctor.linkChecks(nil, databaseUsable: true, schemaPending: true)
        #expect(pending.map(\.verdict) == [.warning, .warning])
        #expect(pending.allSatisfy { $0.summary.contains("start it (systemctl start kiosk)") })
        #expect(doctor.backlogCheck(nil, schemaPending: true).summary.hasPrefix("not checked"))
    }

    func status(waiting: Int, oldest: Int?, quarantined: Int = 0) -> SyncStatus {
        SyncStatus(
            hubURL: "https://lmis.example.mn", deviceID: "d1", lastSuccessAt: nil, lastAttemptAt: nil, lastError: nil,
            waiting: waiting, oldestWaitingSeconds: oldest, quarantined: quarantined, unverified: 0, vacancies: 0,
            clockOffsetSeconds: 0)
    }

    @Test func aBacklogOlderThanADayOrRefusedRecordsAreWorthAWarning() {
        let doctor = Doctor(configuration: KioskConfiguration())
        #expect(doctor.backlogCheck(status(waiting: 0, oldest: nil)).verdict == .ok)
        let recent = doctor.backlogCheck(status(waiting: 12, oldest: 3_700))
        #expect(recent.verdict == .ok)
        #expect(recent.summary == "12 records waiting, the oldest for 1 h 1 min")
        #expect(doctor.backlogCheck(status(waiting: 40, oldest: 3 * 86_400)).verdict == .warning)
        #expect(doctor.backlogCheck(status(waiting: 0, oldest: nil, quarantined: 2)).verdict == .warning)
        #expect(doctor.backlogCheck(nil).verdict == .warning)
    }

    @Test func freeDiskBelowTheLimitsFailsOrWarns() {
        var doctor = Doctor(configuration: KioskConfiguration())
        doctor.minimumFreeBytes = 0
        doctor.lowFreeBytes = 0
        let roomy = doctor.diskCheck()
        #expect(roomy.verdict != .failure)
        let free = Int64(roomy.facts["free_bytes"] ?? "") ?? 0
        #expect(free > 0)
        doctor.lowFreeBytes = free * 2
        #expect(doctor.diskCheck().verdict == .warning)
        doctor.minimumFreeBytes = free * 2
        #expect(doctor.diskCheck().verdict == .failure)
    }
}

@Suite("what a found printer is for")
struct DiscoveredPrinterTests {
    @Test(arguments: [
        ("MFG:EPSON;CMD:ESC/POS;MDL:TM-T20III;CLS:PRINTER;", "EPSON TM-T20III", "usb://EPSON/TM-T20III", "thermal"),
        ("MFG:Xprinter;MDL:XP-80;CLS:PRINTER;", "Xprinter XP-80", "usb://Xprinter/XP-80", "thermal"),
        (
            "MFG:HP;CMD:PJL,PCL,PDF,PWGRaster,URF;MDL:LaserJet M110;", "HP LaserJet M110", "usb://HP/LaserJet%20M110",
            "a4"
        ),
        ("", "Brother HL-L2350DW", "ipp://192.168.1.30/ipp/print", "a4"),
        ("", "Canon LBP", "dnssd://Canon%20LBP._ipp._tcp.local/", "a4"),
        ("MFG:HP;CMD:PJL,PCL;MDL:LaserJet 1020;", "HP LaserJet 1020", "usb://HP/LaserJet%201020", "none"),
    ])
    func use(deviceID: String, model: String, uri: String, expected: String) {
        let use = DiscoveredPrinter.use(deviceID: deviceID, makeAndModel: model, uri: uri)
        #expect((use?.rawValue ?? "none") == expected)
    }

    @Test func choicesFromTheCommandLine() {
        #expect(ProvisionRequest.PrinterChoice("auto") == .find)
        #expect(ProvisionRequest.PrinterChoice("none") == ProvisionRequest.PrinterChoice.none)
        #expect(ProvisionRequest.PrinterChoice("socket://10.0.0.5:9100") == .uri("socket://10.0.0.5:9100"))
        #expect(ProvisionRequest.PrinterChoice("/dev/usb/lp0") == .uri("file:///dev/usb/lp0"))
        #expect(ProvisionRequest.PrinterChoice("printer") == nil)
    }

    @Test func theOfficeCertificateIsIssuedByItsCAAndTheDoctorToldWhenItExpires() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = KioskConfiguration()
        configuration.dataDirectory = directory.path
        configuration.tlsPort = 8443
        let doctor = Doctor(configuration: configuration)
        #expect(doctor.tlsCheck().verdict == .failure)  // nothing made yet
        let certificates = OfficeCertificates(folder: directory.appendingPathComponent("tls"))
        let now = Date()
        let first = try await certificates.issue(names: ["kiosk.office.local", "192.168.1.10", "::1"], office: "UB-SB")
        #expect(first.authorityIsNew)
        let second = try await certificates.issue(names: ["kiosk.office.local"], office: "UB-SB")
        #expect(!second.authorityIsNew)
        await #expect(throws: OfficeCertificateError.self) {
            try await certificates.issue(names: ["not a name!"], office: "UB-SB")
        }
        for file in ["office-ca.pem", "office-ca.key", "server.pem", "server.key"] {
            let path = directory.appendingPathComponent("tls/\(file)").path
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        #expect(doctor.tlsCheck(now: now).verdict == .ok)
        #expect(["824", "825"].contains(doctor.tlsCheck(now: now).facts["days_left"]))
        #expect(doctor.tlsCheck(now: now.addingTimeInterval(810 * 86_400)).verdict == .warning)
        let expired = doctor.tlsCheck(now: now.addingTimeInterval(826 * 86_400))
        #expect(expired.verdict == .failure && expired.summary.contains("EXPIRED"))
    }
}
