public import Foundation

/// A printer problem that stops printing, or will soon. Staff see these on the console.
public enum PrinterFault: String, Sendable, Codable, CaseIterable, Comparable {
    case paperOut = "paper-out"
    case jam
    case coverOpen = "cover-open"
    case offline
    case unreachable
    case stopped
    case notAcceptingJobs = "not-accepting-jobs"
    case failed
    case paperLow = "paper-low"
    /// The A4 printer's toner (or another marker supply) is nearly used up: a warning.
    case tonerLow = "toner-low"

    /// Whether printing is impossible until someone fixes it. `paperLow` and `tonerLow` are
    /// warnings, and `failed` (a job that did not print) is history: the next job may well print.
    public var blocksPrinting: Bool { self != .paperLow && self != .tonerLow && self != .failed }

    public static func < (lhs: PrinterFault, rhs: PrinterFault) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// `faults` without repeats, most serious first.
    public static func ordered(_ faults: some Sequence<PrinterFault>) -> [PrinterFault] {
        Set(faults).sorted()
    }
}

public enum PrinterRole: String, Sendable, Codable, CaseIterable {
    case thermal, a4
}

/// What staff see about one printer.
public struct PrinterHealth: Sendable, Hashable, Codable {
    public var role: PrinterRole
    public var queue: String
    /// Faults that stop printing or will soon, most serious first; empty when all is well.
    public var faults: [PrinterFault]
    /// CUPS's or the printer's own words about the latest problem, for the technician.
    public var detail: String
    public var checkedAt: Date

    public var isReady: Bool { !faults.contains(where: \.blocksPrinting) }

    public init(role: PrinterRole, queue: String, faults: [PrinterFault], detail: String, checkedAt: Date) {
        self.role = role
        self.queue = queue
        self.faults = faults
        self.detail = detail
        self.checkedAt = checkedAt
    }
}

/// The result of asking for a print: sent to CUPS (with its job), or not, and why.
public struct PrintOutcome: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable {
        /// CUPS accepted the job.
        case sent
        /// Nothing was printed; `faults` and `detail` say why.
        case failed
        /// The office has no such printer configured.
        case unavailable
    }

    public var status: Status
    public var role: PrinterRole
    public var queue: String?
    /// CUPS's job number when the job was sent.
    public var job: Int32?
    public var faults: [PrinterFault]
    public var detail: String

    public init(
        status: Status, role: PrinterRole, queue: String?, job: Int32?, faults: [PrinterFault], detail: String
    ) {
        self.status = status
        self.role = role
        self.queue = queue
        self.job = job
        self.faults = faults
        self.detail = detail
    }
}

/// The kiosk's printers as the screens and the console see them: hand over a document, learn
/// at once whether it went to the printer, and read the printers' health.
public protocol DocumentPrinter: Sendable {
    func print(_ slip: TicketSlip) async -> PrintOutcome
    func print(_ receipt: RegistrationReceipt) async -> PrintOutcome
    func print(_ list: VacancyList) async -> PrintOutcome
    func print(_ list: VacancyShortList) async -> PrintOutcome
    func print(_ slip: GrievanceSlip) async -> PrintOutcome
    /// An individual action plan: A4 (PDF) or the receipt printer, as its `paper` says.
    func print(_ plan: ActionPlanPrintout) async -> PrintOutcome
    /// The last known health of each configured printer.
    func printerHealth() async -> [PrinterHealth]
    /// An A4 document the office hands an employer (a vacancy's confirmation, a shortlist), on the
    /// A4 queue (issue 27).
    func print(_ document: OfficeDocument) async -> PrintOutcome
}
