public import Foundation
public import KioskApp
public import KioskCore
public import Printing

/// The technician's printer commands: what CUPS and the printers report, and a test page on
/// each configured printer, followed until it has printed.
public struct PrinterAdministration: Sendable {
    public let configuration: KioskConfiguration
    public let printing: PrintService

    public init(configuration: KioskConfiguration) throws {
        self.configuration = configuration
        self.printing = PrintService(configuration: try KioskServer.printConfiguration(configuration))
    }

    /// The settings as every command reads them (`ConfigurationSource`).
    public init(source: ConfigurationSource) throws {
        try self.init(configuration: source.load())
    }

    public struct Report: Sendable {
        public var role: PrinterRole
        public var queue: String
        public var ok: Bool
        public var lines: [String]
    }

    /// Every queue CUPS has, and the health of the configured ones.
    public func status() async -> (queues: [PrinterStatus], error: String?, health: [PrinterHealth]) {
        let health = await printing.refresh()
        do {
            return (try await printing.printers(), nil, health)
        } catch {
            return ([], "\(error)", health)
        }
    }

    /// `kiosk printers status`: the queues CUPS has and the health of the kiosk's printers; exit 1 when one is not ready.
    public func statusOutput() async -> CommandOutput {
        let (queues, error, health) = await status()
        var lines = ["CUPS server \(printing.configuration.server)"]
        if let error { lines.append("  cannot list queues: \(error)") }
        for queue in queues {
            let reasons = queue.reasons.filter { $0 != "none" }.joined(separator: ",")
            lines.append(
                "  \(queue.queue)  \(queue.state.rawValue)\(queue.isAcceptingJobs ? "" : " (not accepting)")"
                    + "  \(queue.deviceURI ?? "")\(reasons.isEmpty ? "" : "  [\(reasons)]")")
        }
        for printer in health {
            let faults = printer.faults.isEmpty ? "ok" : printer.faults.map(\.rawValue).joined(separator: ", ")
            lines.append(
                "\(printer.role.rawValue) printer (\(printer.queue)): \(faults)\(printer.detail.isEmpty ? "" : " - \(printer.detail)")"
            )
        }
        return CommandOutput(lines, exitCode: health.allSatisfy(\.isReady) ? 0 : 1)
    }

    /// `kiosk printers test`: a test page on each configured printer; exit 1 when one did not print.
    public func testPagesOutput(timeout: Duration) async -> CommandOutput {
        let reports = await testPages(timeout: timeout)
        var lines = reports.isEmpty ? ["no printers configured (thermal_queue and a4_queue are empty)"] : []
        for report in reports {
            lines.append("\(report.role.rawValue) printer (\(report.queue)): \(report.ok ? "printed" : "FAILED")")
            lines += report.lines.map { "  \($0)" }
        }
        return CommandOutput(lines, exitCode: reports.allSatisfy(\.ok) ? 0 : 1)
    }

    /// Prints a test slip on the thermal printer and a test page on the A4 printer, and waits
    /// (up to `timeout` each) until CUPS reports them printed.
    public func testPages(timeout: Duration = .seconds(60)) async -> [Report] {
        let office = configuration.office
        let stamp = office.localTimestamp(Date())
        var reports: [Report] = []
        let configured = printing.configuration
        if let queue = configured.thermalQueue {
            let outcome = await printing.print(
                TestSlip(office: office.name, queue: queue, issued: stamp).document, title: "Test page")
            reports.append(await follow(outcome, role: .thermal, queue: queue, timeout: timeout))
        }
        if let queue = configured.a4Queue {
            let outcome = await printing.print(Self.testList(office, stamp: stamp), title: "Test page")
            reports.append(await follow(outcome, role: .a4, queue: queue, timeout: timeout))
        }
        return reports
    }

    private func follow(_ outcome: PrintOutcome, role: PrinterRole, queue: String, timeout: Duration) async -> Report {
        guard outcome.status == .sent, let job = outcome.job else {
            return Report(
                role: role, queue: queue, ok: false,
                lines: ["not sent: \(outcome.faults.map(\.rawValue).joined(separator: ", "))", outcome.detail]
                    .filter { !$0.isEmpty })
        }
        let last = try? await printing.wait(for: PrintJobID(job), timeout: timeout)
        let health = await printing.refresh().first { $0.role == role }
        let printed = last?.state == .completed && health?.isReady != false
        var lines = ["job \(job): \(last.map { "\($0.state)" } ?? "unknown")"]
        if let health, !health.faults.isEmpty {
            lines.append("faults: \(health.faults.map(\.rawValue).joined(separator: ", ")) \(health.detail)")
        }
        return Report(role: role, queue: queue, ok: printed, lines: lines)
    }

    /// A one-page A4 test: the office, every Mongolian letter, and the tugrik sign.
    static func testList(_ office: Office, stamp: String) -> VacancyList {
        VacancyList(
            office: office.name.mn, generated: stamp, filters: ["Туршилтын хуудас · Test page"],
            entries: [
                VacancyList.Entry(
                    title: TestSlip.alphabet, employer: office.name.mn, location: office.name.en,
                    wage: "1 234 567 ₮", hours: "Өө Үү", howToApply: "LSWO Kiosk", reference: "TEST-0001")
            ],
            labels: VacancyList.Labels(
                title: "Туршилтын хуудас · Test page", employer: "Ажил олгогч", location: "Байршил", wage: "Цалин",
                hours: "Цаг", howToApply: "Хүсэлт", reference: "Код", filters: "Тайлбар", noFilters: "—", empty: "—",
                page: "Хуудас %d / %d"))
    }
}
