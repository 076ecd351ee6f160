internal import CLibUSB

/// A USB failure, typed from `libusb_error` and `libusb_transfer_status`, with what we were doing.
public struct USBError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case io, invalidParameter, access, noDevice, notFound, busy, timeout, overflow, pipe, interrupted
        case noMemory, notSupported, cancelled, other
    }

    public var code: Code
    /// What failed, e.g. `bulk IN 0x83 (540 bytes)`.
    public var operation: String

    public init(_ code: Code, _ operation: String) {
        self.code = code
        self.operation = operation
    }

    init(libusb value: Int32, _ operation: String) {
        let code: Code =
            switch value {
            case LIBUSB_ERROR_IO.rawValue: .io
            case LIBUSB_ERROR_INVALID_PARAM.rawValue: .invalidParameter
            case LIBUSB_ERROR_ACCESS.rawValue: .access
            case LIBUSB_ERROR_NO_DEVICE.rawValue: .noDevice
            case LIBUSB_ERROR_NOT_FOUND.rawValue: .notFound
            case LIBUSB_ERROR_BUSY.rawValue: .busy
            case LIBUSB_ERROR_TIMEOUT.rawValue: .timeout
            case LIBUSB_ERROR_OVERFLOW.rawValue: .overflow
            case LIBUSB_ERROR_PIPE.rawValue: .pipe
            case LIBUSB_ERROR_INTERRUPTED.rawValue: .interrupted
            case LIBUSB_ERROR_NO_MEM.rawValue: .noMemory
            case LIBUSB_ERROR_NOT_SUPPORTED.rawValue: .notSupported
            default: .other
            }
        self.init(code, operation)
    }

    init(transferStatus status: libusb_transfer_status, _ operation: String) {
        let code: Code =
            switch status {
            case LIBUSB_TRANSFER_TIMED_OUT: .timeout
            case LIBUSB_TRANSFER_STALL: .pipe
            case LIBUSB_TRANSFER_NO_DEVICE: .noDevice
            case LIBUSB_TRANSFER_OVERFLOW: .overflow
            case LIBUSB_TRANSFER_CANCELLED: .cancelled
            default: .io
            }
        self.init(code, operation)
    }

    public var description: String { "\(operation): \(code.rawValue)" }
}
