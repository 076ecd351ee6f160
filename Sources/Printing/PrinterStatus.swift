public import KioskCore

/// What a CUPS queue reports about its printer, reduced to what staff and the kiosk act on.
public struct PrinterStatus: Sendable, Hashable {
    public enum State: String, Sendable, Codable {
        case idle, processing, stopped
    }

    public var queue: String
    public var state: State
    /// IPP `printer-state-reasons` keywords as CUPS reports them (`media-empty-error`, `paused`, ...).
    public var reasons: [String]
    public var message: String
    public var isAcceptingJobs: Bool
    public var deviceURI: String?
    public var makeAndModel: String?
    public var queuedJobs: Int

    public init(
        queue: String, state: State, reasons: [String] = [], message: String = "", isAcceptingJobs: Bool = true,
        deviceURI: String? = nil, makeAndModel: String? = nil, queuedJobs: Int = 0
    ) {
        self.queue = queue
        self.state = state
        self.reasons = reasons
        self.message = message
        self.isAcceptingJobs = isAcceptingJobs
        self.deviceURI = deviceURI
        self.makeAndModel = makeAndModel
        self.queuedJobs = queuedJobs
    }

    /// The faults these reasons and states add up to, most serious first, without repeats.
    public var faults: [PrinterFault] {
        var found: [PrinterFault] = reasons.compactMap(PrinterFault.init(stateReason:))
        if state == .stopped { found.append(.stopped) }
        if !isAcceptingJobs { found.append(.notAcceptingJobs) }
        return PrinterFault.ordered(found)
    }
}

extension PrinterFault {
    /// Maps an IPP `printer-state-reasons` keyword (RFC 8011 §5.4.12, with its -error, -warning
    /// and -report suffixes) to a fault; `nil` for reasons that need nobody's attention.
    public init?(stateReason keyword: String) {
        var base = keyword
        for suffix in ["-error", "-warning", "-report"] where base.hasSuffix(suffix) {
            base.removeLast(suffix.count)
        }
        switch base {
        case "media-empty", "media-needed", "marker-supply-empty": self = .paperOut
        case "media-low": self = .paperLow
        // CUPS passes a printer's supply warnings on as -warning or -report (ippeveprinter and
        // IPP Everywhere printers say `toner-low-report`); staff should order toner before it runs out.
        case "toner-low", "marker-supply-low": self = .tonerLow
        case "media-jam": self = .jam
        case "door-open", "cover-open", "interlock-open": self = .coverOpen
        case "offline", "shutdown", "timed-out": self = .offline
        case "paused", "stopped", "moving-to-paused": self = .stopped
        case "none", "connecting-to-device", "other", "cups-waiting-for-job-completed", "cups-remote-pending",
            "cups-missing-filter", "spool-area-full":
            if keyword.hasSuffix("-error") && base != "none" { self = .failed } else { return nil }
        default:
            if keyword.hasSuffix("-error") { self = .failed } else { return nil }
        }
    }
}

/// CUPS's number for a job on its server.
public struct PrintJobID: Sendable, Hashable, Codable, CustomStringConvertible {
    public var value: Int32
    public init(_ value: Int32) { self.value = value }
    public var description: String { String(value) }
}

/// IPP `job-state` (RFC 8011 §5.3.7).
public enum JobState: Int32, Sendable, Codable {
    case pending = 3, held, processing, stopped, canceled, aborted, completed

    /// The job will not change any more.
    public var isFinal: Bool { self == .canceled || self == .aborted || self == .completed }
}

public struct JobStatus: Sendable, Hashable {
    public var id: PrintJobID
    public var state: JobState
    public var reasons: [String]
    public var message: String
}

/// What kind of bytes a job carries.
public enum DocumentFormat: String, Sendable {
    /// Bytes the printer understands as they are (ESC/POS for the thermal printer).
    case raw = "application/vnd.cups-raw"
    case pdf = "application/pdf"
}

/// A printing failure, with CUPS's own words in `message`.
public struct PrintError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The CUPS server does not answer.
        case serverUnreachable
        /// No such queue on the server.
        case queueNotFound
        /// No such job.
        case jobNotFound
        /// The queue refused the job (stopped, not accepting, bad document).
        case rejected
        /// The printer itself reports a fault that stops printing.
        case printerFault
        /// The job did not finish in time.
        case timedOut
        /// The document could not be laid out.
        case layout
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
