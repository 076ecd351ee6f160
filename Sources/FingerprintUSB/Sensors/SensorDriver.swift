public import Fingerprint
internal import Foundation
internal import Synchronization

/// A fingerprint sensor model we have a driver for.
public struct SensorModel: Sendable, Hashable, CustomStringConvertible {
    /// Short driver name used in logs and settings (`nb1010`).
    public let driver: String
    public let name: String
    public let id: USBID
    public let width: Int
    public let height: Int
    /// Resolution of the images the driver returns.
    public let dpi: Int

    public var description: String { "\(name) (\(id))" }

    /// Every supported sensor.
    public static let all: [SensorModel] = [NB1010Driver.model, UPEKTouchChipDriver.model, AES3500Driver.model]

    public static func model(for id: USBID) -> SensorModel? { all.first { $0.id == id } }

    /// The supported sensors for a person to read (`NEXT Biometrics NB-1010-U (298d:1010), …`).
    public static var supported: String { all.map(\.description).joined(separator: ", ") }
}

extension USBContext {
    /// The readers on the bus that a driver supports, with their model.
    public func supportedReaders() throws(USBError) -> [(USBDeviceInfo, SensorModel)] {
        try devices().compactMap { info in
            SensorModel.model(for: USBID(info.vendorID, info.productID)).map { (info, $0) }
        }
    }
}

/// Why a capture did not give an image.
public enum ReaderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The device went away (unplugged) during the operation.
    case deviceGone
    /// A transfer failed (timeout, stall, I/O error).
    case usb(USBError)
    /// The device answered something the protocol does not allow.
    case protocolViolation(String)
    /// The sensor rejected the scan (swipe too short, finger moved); the person should try again.
    case scanRejected(String)
    /// No finger within the time given.
    case noFinger
    case cancelled

    init(_ error: USBError) {
        self = error.code == .noDevice ? .deviceGone : .usb(error)
    }

    public var description: String {
        switch self {
        case .deviceGone: "the reader was unplugged"
        case .usb(let error): "USB: \(error)"
        case .protocolViolation(let what): "protocol: \(what)"
        case .scanRejected(let why): "scan rejected: \(why)"
        case .noFinger: "no finger"
        case .cancelled: "cancelled"
        }
    }
}

/// Stops a capture from another thread; drivers check it between transfers and bound every
/// transfer by a timeout, so a cancelled capture ends within one timeout.
public final class CaptureControl: Sendable {
    private let cancelled = Atomic<Bool>(false)
    /// When the wait for a finger gives up.
    public let deadline: ContinuousClock.Instant

    public init(fingerTimeout: Duration = .seconds(30)) {
        deadline = ContinuousClock.now.advanced(by: fingerTimeout)
    }

    public func cancel() { cancelled.store(true, ordering: .releasing) }
    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    /// Throws when cancelled or past the deadline.
    func check() throws(ReaderError) {
        if isCancelled { throw .cancelled }
        if ContinuousClock.now >= deadline { throw .noFinger }
    }
}

/// A driver for one sensor model. Drivers block: the reader service runs them on its own
/// thread. Every transfer has a timeout.
public protocol SensorDriver: AnyObject {
    static var model: SensorModel { get }
    init(device: USBDeviceHandle)
    /// Claims the interface and brings the sensor up.
    func open() throws(ReaderError)
    /// Waits for a finger (calling `fingerDown` when it lands) and returns the image.
    func capture(_ control: CaptureControl, fingerDown: () -> Void) throws(ReaderError) -> GreyImage
    /// Waits until the finger is lifted, where the sensor can tell; returns at once otherwise.
    func waitForLift(_ control: CaptureControl) throws(ReaderError)
    /// Leaves the sensor idle and releases the interface.
    func close()
}

extension SensorDriver {
    public func waitForLift(_ control: CaptureControl) throws(ReaderError) {}
}

/// Little-endian reads from reply bytes, bounds-checked.
extension Array where Element == UInt8 {
    func uint32LE(at offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= count else { return nil }
        return UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16
            | UInt32(self[offset + 3]) << 24
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
