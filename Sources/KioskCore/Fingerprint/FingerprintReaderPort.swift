public import Fingerprint

/// What the kiosk's fingerprint reader is doing, for the screen ("place your finger", "lift
/// your finger", "try again") and the technician.
public struct FingerprintReaderStatus: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable {
        /// No reader attached (or none configured).
        case absent
        /// A reader is attached and idle.
        case ready
        case waitingForFinger
        /// A capture is done; `problem` says whether it was good enough.
        case captured
        case waitingForLift
    }

    public var state: State
    /// The reader's model, e.g. `NEXT Biometrics NB-1010-U`, or `virtual`.
    public var reader: String?
    /// Why the last capture must be repeated, if it must.
    public var problem: CaptureProblem?

    public init(state: State, reader: String? = nil, problem: CaptureProblem? = nil) {
        self.state = state
        self.reader = reader
        self.problem = problem
    }
}

/// Why a capture gave nothing usable, in words for the person at the reader.
public enum CaptureProblem: String, Sendable, Codable, CaseIterable {
    case noFinger
    case partial
    case tooDark
    case tooLight
    /// No clear ridge direction: the finger moved or the print is smudged.
    case smudged
    /// The sensor refused the scan (moved, swiped too fast).
    case rejected
    /// The reader failed or was unplugged.
    case readerError
    /// Another capture is running.
    case busy
    /// There is no reader.
    case absent
    /// Dark, with ridges running together: a wet finger (issue 26).
    case tooWet
    /// Light, with broken ridges: a dry finger.
    case tooDry
    /// Too little of the finger, away from the reader's middle.
    case offCentre
}

/// The outcome of one capture. The image itself never leaves the reader service: what leaves
/// is the verdict and, for an accepted capture, its template (made from the image in memory).
public struct FingerprintCapture: Sendable, Equatable {
    public var problem: CaptureProblem?
    /// The minutiae of an accepted capture; nil when the capture was refused.
    public var template: FingerprintTemplate?
    public var width: Int
    public var height: Int
    public var dpi: Int
    /// Share of the image covered by ridges, 0…1.
    public var coverage: Double

    public init(
        problem: CaptureProblem?, width: Int = 0, height: Int = 0, dpi: Int = 0, coverage: Double = 0,
        template: FingerprintTemplate? = nil
    ) {
        self.problem = problem
        self.template = template
        self.width = width
        self.height = height
        self.dpi = dpi
        self.coverage = coverage
    }

    public var accepted: Bool { problem == nil }
}

/// The kiosk's fingerprint reader as the screens see it.
public protocol FingerprintReaderPort: Sendable {
    func status() async -> FingerprintReaderStatus
    /// The current status, then every change, until the consumer stops listening.
    func statusUpdates() async -> AsyncStream<FingerprintReaderStatus>
    /// Waits up to `timeout` for a finger, captures, judges the image, and waits for the lift.
    func capture(timeout: Duration) async -> FingerprintCapture
    /// Ends a capture that is waiting for a finger (the visitor left the screen); it answers `noFinger`.
    func cancelCapture() async
}
