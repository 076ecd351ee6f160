internal import Dispatch
public import Foundation
public import KioskCore
public import Logging

/// Which printers the office has and how to reach them.
public struct PrintConfiguration: Sendable, Hashable {
    /// How to learn the thermal printer's own status.
    public enum StatusSource: Sendable, Hashable {
        /// From the CUPS queue's `socket://` device URI; none for other devices.
        case automatic
        case none
        case endpoint(StatusEndpoint)
    }

    public var server: PrintServer
    /// The raw CUPS queue of the receipt printer; `nil` when the kiosk has none.
    public var thermalQueue: String?
    /// The CUPS queue of the A4 printer; `nil` when the office has none.
    public var a4Queue: String?
    public var paper: ThermalPaper
    public var thermalStatus: StatusSource
    /// A ticket that has not printed by then is cancelled: the visitor has long gone with the
    /// number from the screen, and a late ticket would confuse the next one.
    public var ticketTimeout: Duration
    /// An A4 job still waiting by then is cancelled and reported.
    public var documentTimeout: Duration

    public init(
        server: PrintServer = .systemDefault, thermalQueue: String? = "Thermal", a4Queue: String? = "A4",
        paper: ThermalPaper = .mm80, thermalStatus: StatusSource = .automatic, ticketTimeout: Duration = .seconds(60),
        documentTimeout: Duration = .seconds(600)
    ) {
        self.server = server
        self.thermalQueue = thermalQueue
        self.a4Queue = a4Queue
        self.paper = paper
        self.thermalStatus = thermalStatus
        self.ticketTimeout = ticketTimeout
        self.documentTimeout = documentTimeout
    }
}

/// Prints the kiosk's documents and watches its printers. It renders off the cooperative
/// pool, checks the printer before each job (CUPS state and, for the thermal printer, its
/// own `DLE EOT` answer), hands the job to CUPS and follows it to the end, cancelling jobs
/// that can no longer help anyone. Faults stay in `health()` until a check finds them gone.
public actor PrintService: DocumentPrinter {
    public nonisolated let configuration: PrintConfiguration
    private let cups: CUPSClient
    private let logger: Logger
    private let renderQueue = DispatchQueue(label: "kiosk.print.render")
    private let probeQueue = DispatchQueue(label: "kiosk.print.probe")
    private nonisolated(unsafe) var thermalRenderer: ThermalRenderer?
    private nonisolated(unsafe) var listRenderer: VacancyListRenderer?
    private var states: [PrinterRole: PrinterHealth] = [:]
    /// The latest failed job per printer; cleared by the next job that completes.
    private var jobFailures: [PrinterRole: String] = [:]
    private var following: [PrintJobID: Task<Void, Never>] = [:]
    /// Paces a refused job's second attempt.
    private let clock: any Clock<Duration>
    /// Starts timing an attempt on `clock`; the closure it returns reads the time since.
    private let stopwatch: @Sendable () -> @Sendable () -> Duration

    public init(
        configuration: PrintConfiguration, logger: Logger = Logger(label: "kiosk.print"),
        clock: some Clock<Duration> = ContinuousClock()
    ) {
        self.configuration = configuration
        self.clock = clock
        stopwatch = {
            let start = clock.now
            return { start.duration(to: clock.now) }
        }
        // A local cupsd answers in milliseconds; a visitor must not wait long for a dead one.
        self.cups = CUPSClient(server: configuration.server, timeout: .seconds(2))
        self.logger = logger
    }

    public func queue(for role: PrinterRole) -> String? {
        switch role {
        case .thermal: configuration.thermalQueue
        case .a4: configuration.a4Queue
        }
    }

    // MARK: - Printing

    /// Prints a ticket, receipt or test slip on the thermal printer.
    public func print(_ document: ThermalDocument, title: String) async -> PrintOutcome {
        guard let queue = configuration.thermalQueue else {
            return PrintOutcome(
                status: .unavailable, role: .thermal, queue: nil, job: nil, faults: [],
                detail: "no thermal printer configured")
        }
        async let rendered = renderThermal(document)
        let (health, blocking) = await inspect(.thermal, queue: queue)
        guard blocking.isEmpty else { return refuse(.thermal, queue, health, blocking) }
        return await submit(Data(await rendered.escpos), format: .raw, role: .thermal, queue: queue, title: title)
    }

    /// Prints an A4 vacancy list.
    public func print(_ list: VacancyList, title: String) async -> PrintOutcome {
        await printA4(title: title) { [self] in try listPDF(list) }
    }

    /// The rendered ticket, without printing it: for previews and the benchmark.
    public func renderThermal(_ document: ThermalDocument) async -> ThermalOutput {
        let paper = configuration.paper
        return await onQueue(renderQueue) { [self] in
            let renderer = thermalRenderer ?? ThermalRenderer(paper: paper)
            thermalRenderer = renderer
            return renderer.render(document)
        }
    }

    public func renderList(_ list: VacancyList) async throws -> Data {
        try await onQueue(renderQueue) { [self] in try listPDF(list) }
    }

    /// The list's PDF, on the render queue (the renderer is made once and kept).
    private nonisolated func listPDF(_ list: VacancyList) throws -> Data {
        let renderer = listRenderer ?? VacancyListRenderer()
        listRenderer = renderer
        return try renderer.render(list).pdf
    }

    private func refuse(_ role: PrinterRole, _ queue: String, _ health: PrinterHealth, _ blocking: [PrinterFault])
        -> PrintOutcome
    {
        logger.warning(
            "not printing: printer has a fault",
            metadata: ["queue": "\(queue)", "faults": "\(health.faults.map(\.rawValue))"])
        // The blocking faults first, then what else CUPS reports (a stopped queue's jam).
        let faults = PrinterFault.ordered(blocking + health.faults.filter(\.blocksPrinting))
        return PrintOutcome(status: .failed, role: role, queue: queue, job: nil, faults: faults, detail: health.detail)
    }

    private func submit(_ bytes: Data, format: DocumentFormat, role: PrinterRole, queue: String, title: String) async
        -> PrintOutcome
    {
        var retry = SubmitRetry()
        var error: PrintError
        while true {
            let elapsed = stopwatch()
            do {
                let job = try await cups.submit(bytes, format: format, to: queue, title: title)
                follow(job, role: role, queue: queue)
                return PrintOutcome(status: .sent, role: role, queue: queue, job: job.value, faults: [], detail: "")
            } catch let refused as PrintError {
                error = refused
            } catch {
                return failed(role, queue: queue, PrintError(.rejected, "\(error)"))
            }
            guard let pause = retry.failed(error.kind, after: elapsed()) else { break }
            try? await clock.sleep(for: pause)
        }
        return failed(role, queue: queue, error)
    }

    private func failed(_ role: PrinterRole, queue: String, _ error: PrintError) -> PrintOutcome {
        let fault: PrinterFault = error.kind == .serverUnreachable ? .unreachable : .failed
        jobFailures[role] = error.message
        record(role, queue: queue, faults: [fault], detail: error.message)
        logger.error("print job refused", metadata: ["queue": "\(queue)", "error": "\(error)"])
        return PrintOutcome(status: .failed, role: role, queue: queue, job: nil, faults: [fault], detail: error.message)
    }

    /// Follows a job to its end; cancels it when it outlives its use.
    private func follow(_ job: PrintJobID, role: PrinterRole, queue: String) {
        let timeout = role == .thermal ? configuration.ticketTimeout : configuration.documentTimeout
        // Unstructured: the visitor's request is answered once CUPS has the job; the job is
        // followed after that, and `drain` waits for it at shutdown.
        following[job] = Task { [cups] in
            let final: JobStatus?
            do {
                final = try await cups.wait(for: job, timeout: timeout, poll: .milliseconds(250))
            } catch {
                final = nil
            }
            await self.finished(job, status: final, role: role, queue: queue)
        }
    }

    private func finished(_ job: PrintJobID, status: JobStatus?, role: PrinterRole, queue: String) async {
        following[job] = nil
        guard let status else { return }
        switch status.state {
        case .completed:
            jobFailures[role] = nil
            // The printer may have run out of paper during the job: look again.
            _ = await check(role, queue: queue)
        case .canceled:
            break
        case .aborted:
            jobFailures[role] = "job \(job) aborted: \(status.message)"
            _ = await check(role, queue: queue)
        case .pending, .held, .processing, .stopped:
            try? await cups.cancel(job, on: queue)
            jobFailures[role] = "job \(job) did not print in time and was cancelled"
            logger.warning(
                "cancelled a job that did not print in time", metadata: ["queue": "\(queue)", "job": "\(job)"])
            _ = await check(role, queue: queue)
        }
    }

    /// Waits until every job handed to CUPS has finished or been cancelled (tests, shutdown).
    public func drain() async {
        while let task = following.values.first {
            await task.value
        }
    }

    // MARK: - Health

    /// The last known health of each configured printer.
    public func health() -> [PrinterHealth] {
        PrinterRole.allCases.compactMap { role in
            guard let queue = queue(for: role) else { return nil }
            return states[role]
                ?? PrinterHealth(
                    role: role, queue: queue, faults: [], detail: "not checked yet", checkedAt: .distantPast)
        }
    }

    /// Checks every configured printer now.
    @discardableResult
    public func refresh() async -> [PrinterHealth] {
        for role in PrinterRole.allCases {
            if let queue = queue(for: role) { _ = await check(role, queue: queue) }
        }
        return health()
    }

    /// Checks the printers every `interval` until cancelled, logging faults as they come and go.
    public func monitor(every interval: Duration = .seconds(5)) async {
        while !Task.isCancelled {
            await refresh()
            try? await Task.sleep(for: interval)
        }
    }

    /// Asks CUPS (and the thermal printer itself) how the printer is, and records the answer.
    /// Returns the health, and the faults that must stop the next job: what the printer itself
    /// says right now, a stopped or refusing queue, an unreachable scheduler. A reason CUPS
    /// merely remembers (a jam reported by the last job) is shown but does not stop a job:
    /// CUPS clears it only when the next job reaches the printer.
    private func check(_ role: PrinterRole, queue: String) async -> PrinterHealth {
        await inspect(role, queue: queue).health
    }

    private func inspect(_ role: PrinterRole, queue: String) async -> (health: PrinterHealth, blocking: [PrinterFault])
    {
        var faults: [PrinterFault] = []
        var blocking: [PrinterFault] = []
        var details: [String] = []
        var deviceURI: String?
        do {
            let status = try await cups.printer(queue)
            faults += status.faults
            if status.state == .stopped { blocking.append(.stopped) }
            if !status.isAcceptingJobs { blocking.append(.notAcceptingJobs) }
            deviceURI = status.deviceURI
            if !status.message.isEmpty { details.append(status.message) }
            let reasons = status.reasons.filter { $0 != "none" }
            if !reasons.isEmpty { details.append(reasons.joined(separator: ", ")) }
        } catch let error as PrintError {
            let fault: PrinterFault = error.kind == .serverUnreachable ? .unreachable : .offline
            faults.append(fault)
            blocking.append(fault)
            details.append(error.message)
        } catch {
            faults.append(.failed)
            details.append("\(error)")
        }
        if role == .thermal, let endpoint = statusEndpoint(deviceURI: deviceURI) {
            switch await probe(endpoint) {
            case .answered(let found, _):
                faults += found
                blocking += found.filter(\.blocksPrinting)
            case .unreachable(let message):
                faults.append(.offline)
                blocking.append(.offline)
                details.append(message)
            case .silent:
                break
            }
        }
        if let failure = jobFailures[role] {
            faults.append(.failed)
            details.append(failure)
        }
        let health = record(
            role, queue: queue, faults: PrinterFault.ordered(faults), detail: details.joined(separator: "; "))
        return (health, PrinterFault.ordered(blocking))
    }

    @discardableResult
    private func record(_ role: PrinterRole, queue: String, faults: [PrinterFault], detail: String) -> PrinterHealth {
        let health = PrinterHealth(role: role, queue: queue, faults: faults, detail: detail, checkedAt: Date())
        let before = states[role]?.faults ?? []
        if before != faults {
            if faults.isEmpty {
                logger.notice("printer ready again", metadata: ["queue": "\(queue)"])
            } else {
                logger.warning(
                    "printer fault",
                    metadata: ["queue": "\(queue)", "faults": "\(faults.map(\.rawValue))", "detail": "\(detail)"])
            }
        }
        states[role] = health
        return health
    }

    private func statusEndpoint(deviceURI: String?) -> StatusEndpoint? {
        switch configuration.thermalStatus {
        case .none: nil
        case .endpoint(let endpoint): endpoint
        case .automatic: deviceURI.flatMap(StatusEndpoint.init(deviceURI:))
        }
    }

    private func probe(_ endpoint: StatusEndpoint) async -> StatusProbe.Result {
        await onQueue(probeQueue) { StatusProbe(endpoint: endpoint).check() }
    }

    // MARK: - DocumentPrinter

    public func print(_ slip: TicketSlip) async -> PrintOutcome {
        await print(slip.document, title: "Ticket \(slip.number)")
    }

    public func print(_ receipt: RegistrationReceipt) async -> PrintOutcome {
        await print(receipt.document, title: "Registration \(receipt.reference)")
    }

    public func print(_ list: VacancyList) async -> PrintOutcome {
        await print(list, title: "Vacancies (\(list.entries.count))")
    }

    public func print(_ list: VacancyShortList) async -> PrintOutcome {
        await print(list.document, title: "Vacancies (\(list.entries.count))")
    }

    public func print(_ slip: GrievanceSlip) async -> PrintOutcome {
        await print(slip.document, title: "Grievance \(slip.code)")
    }

    public func print(_ plan: ActionPlanPrintout) async -> PrintOutcome {
        switch plan.paper {
        case .receipt: return await print(plan.document, title: "Action plan")
        case .a4: return await printA4(title: "Action plan") { try ActionPlanRenderer().render(plan).pdf }
        }
    }

    public func print(_ document: OfficeDocument) async -> PrintOutcome {
        await printA4(title: document.code) { try OfficeDocumentPDF().pdf(document) }
    }

    /// A PDF rendered off the actor's thread and submitted to the A4 queue, once the queue's
    /// health allows.
    private func printA4(title: String, _ render: @escaping @Sendable () throws -> Data) async -> PrintOutcome {
        guard let queue = configuration.a4Queue else {
            return PrintOutcome(
                status: .unavailable, role: .a4, queue: nil, job: nil, faults: [], detail: "no A4 printer configured")
        }
        let pdf: Data
        do {
            pdf = try await onQueue(renderQueue, render)
        } catch {
            return PrintOutcome(
                status: .failed, role: .a4, queue: queue, job: nil, faults: [.failed], detail: "\(error)")
        }
        let (health, blocking) = await inspect(.a4, queue: queue)
        guard blocking.isEmpty else { return refuse(.a4, queue, health, blocking) }
        return await submit(pdf, format: .pdf, role: .a4, queue: queue, title: title)
    }

    /// The plan's A4 PDF, without printing it.
    public func renderPlan(_ plan: ActionPlanPrintout) async throws -> Data {
        try await onQueue(renderQueue) { try ActionPlanRenderer().render(plan).pdf }
    }

    public func printerHealth() async -> [PrinterHealth] { health() }

    // MARK: - Jobs for technicians

    /// Follows a job until it is final or `timeout` passes, for the technician's test command.
    public func wait(for id: PrintJobID, timeout: Duration) async throws -> JobStatus {
        try await cups.wait(for: id, timeout: timeout, poll: .milliseconds(250))
    }

    /// Every queue on the CUPS server.
    public func printers() async throws -> [PrinterStatus] { try await cups.printers() }
}

/// Runs blocking work on a dispatch queue and awaits it.
func onQueue<T: Sendable>(_ queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        queue.async { continuation.resume(with: Result { try body() }) }
    }
}

func onQueue<T: Sendable>(_ queue: DispatchQueue, _ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        queue.async { continuation.resume(returning: body()) }
    }
}
