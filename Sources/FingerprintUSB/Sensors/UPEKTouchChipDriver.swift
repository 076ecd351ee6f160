public import Fingerprint
internal import Foundation

/// UPEK TouchChip / Eikon "Biometric Coprocessor" (147e:2016), a swipe sensor whose
/// coprocessor assembles the image itself.
///
/// Every message is framed `"Ciao" kind seq|len len payload crc`: a 4-bit sequence number in
/// the high nibble of byte 5, a 12-bit payload length, and CRC-16/XMODEM over bytes 4… of the
/// frame, stored low byte first. Replies are read 64 bytes first, then the rest (up to 1988).
public final class UPEKTouchChipDriver: SensorDriver {
    public static let model = SensorModel(
        driver: "upektc_img", name: "UPEK TouchChip/Eikon", id: USBID(0x147e, 0x2016), width: 144, height: 384,
        dpi: 500)

    enum Kind: UInt8 {
        case command = 0x00, shutdownAck = 0x01, hello = 0x03, setup = 0x04, setupAck = 0x05, shutdown = 0x07
        case event = 0x08, eventAck = 0x09
    }

    static let magic: [UInt8] = Array("Ciao".utf8)
    static let setup1: [UInt8] = [0x01, 0x00, 0x46, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00]
    static let setup3: [UInt8] = [0x01, 0x00, 0xbc, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00]
    /// Command envelopes (tag 0x28, inner length LE16, inner bytes).
    static let initialise: [UInt8] = envelope([0x00, 0x00, 0x06, 0x04])
    /// Start a capture: wait without a time limit for an acceptable finger.
    static let startCapture: [UInt8] = envelope([0x00, 0x00, 0x0e, 0x02, 0xfe, 0xff, 0xff, 0xff, 0x02, 0x00, 0x02])
    static let statusAck: [UInt8] = envelope([0x00, 0x00, 0x00, 0x30, 0x01])
    static let frameAck: [UInt8] = [0x30]
    static let firstReadLength = 64
    static let restReadLength = 1988

    private let device: USBDeviceHandle
    private var sequence: UInt8 = 0
    private let timeout = Duration.seconds(4)
    /// How long one wait for the finger lasts before it is asked again (real devices wait forever).
    private let fingerPoll = Duration.seconds(1)

    public init(device: USBDeviceHandle) { self.device = device }

    static func envelope(_ inner: [UInt8]) -> [UInt8] {
        [0x28, UInt8(inner.count & 0xFF), UInt8(inner.count >> 8)] + inner
    }

    /// CRC-16/XMODEM: polynomial 0x1021, initial 0, no reflection, no final XOR.
    static func crc(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        return crc
    }

    /// A whole frame: magic, kind, sequence and length, payload, CRC low byte first.
    static func frame(kind: UInt8, sequence: UInt8, payload: [UInt8]) -> [UInt8] {
        var bytes =
            magic + [kind, (sequence & 0x0F) << 4 | UInt8(payload.count >> 8 & 0x0F), UInt8(payload.count & 0xFF)]
        bytes += payload
        let crc = crc(bytes[4...])
        return bytes + [UInt8(crc & 0xFF), UInt8(crc >> 8)]
    }

    struct Message {
        var kind: UInt8
        var sequence: UInt8
        var payload: [UInt8]
    }

    public func open() throws(ReaderError) {
        do { try device.claim(interface: 0) } catch { throw ReaderError(error) }
        sequence = 0
        try hello()
        try exchange(.setup, Self.setup1, expecting: .setupAck)
        try exchange(.shutdown, [0x01], expecting: .shutdownAck)
        try hello()
        try exchange(.setup, Self.setup3, expecting: .setupAck)
        try send(.command, Self.initialise, counted: true)
        let reply = try receive(timeout: timeout)
        guard reply.kind == Kind.command.rawValue, reply.payload.first == 0x28 else {
            throw .protocolViolation("unexpected reply to initialisation: kind \(reply.kind)")
        }
    }

    public func close() {
        // Leave the coprocessor idle; the device may already be gone.
        if (try? send(.shutdown, [0x01], counted: true)) != nil { _ = try? receive(timeout: timeout) }
        device.release(interface: 0)
    }

    public func capture(_ control: CaptureControl, fingerDown: () -> Void) throws(ReaderError) -> GreyImage {
        try send(.command, Self.startCapture, counted: true)
        var pixels: [UInt8] = []
        let expected = Self.model.width * Self.model.height
        pixels.reserveCapacity(expected)
        var imageStarted = false
        while true {
            let message = try receiveWaiting(control, forFinger: !imageStarted)
            switch message.kind {
            case Kind.event.rawValue:
                try send(.eventAck, [], counted: false)
            case Kind.command.rawValue:
                guard let tag = message.payload.first else { throw .protocolViolation("empty command reply") }
                let payload = message.payload
                switch tag {
                case 0x28:
                    guard payload.count >= 12 else { throw .protocolViolation("short status: \(payload.hex)") }
                    let status = payload[11]
                    try send(.command, Self.statusAck, counted: true)
                    switch status {
                    case 0x0c, 0x00: break  // no finger yet; finger accepted, frames follow
                    case 0x1e: throw .scanRejected("swipe too short")
                    case 0x1d: throw .scanRejected("finger moved sideways")
                    default: throw .scanRejected("scan failed (status 0x\(String(status, radix: 16)))")
                    }
                case 0x2c:
                    guard payload.count >= 11 else { throw .protocolViolation("short first frame") }
                    if !imageStarted { fingerDown() }
                    imageStarted = true
                    pixels += payload[11...]
                    try send(.command, Self.frameAck, counted: true)
                case 0x24:
                    guard imageStarted else { throw .protocolViolation("image frame before the first frame") }
                    pixels += payload[1...]
                    try send(.command, Self.frameAck, counted: true)
                case 0x20:
                    guard imageStarted, payload.count >= 5 else { throw .protocolViolation("bad last frame") }
                    pixels += payload[1..<(payload.count - 4)]
                    guard pixels.count == expected else {
                        throw .protocolViolation("image has \(pixels.count) pixels, expected \(expected)")
                    }
                    return GreyImage(
                        width: Self.model.width, height: Self.model.height, pixels: pixels, dpi: Self.model.dpi)
                default:
                    throw .protocolViolation("unknown command tag 0x\(String(tag, radix: 16))")
                }
                guard pixels.count <= expected else { throw .protocolViolation("image larger than \(expected) pixels") }
            default:
                throw .protocolViolation("unexpected message kind \(message.kind)")
            }
        }
    }

    // MARK: - Framing

    private func hello() throws(ReaderError) {
        do {
            try device.controlOut(
                requestType: 0x40, request: 0x0c, value: 0x0100, index: 0x0400, data: [0x00], timeout: timeout)
        } catch { throw ReaderError(error) }
        let reply = try receive(timeout: timeout)
        guard reply.kind == Kind.hello.rawValue else { throw .protocolViolation("no hello (kind \(reply.kind))") }
    }

    private func exchange(_ kind: Kind, _ payload: [UInt8], expecting reply: Kind) throws(ReaderError) {
        try send(kind, payload, counted: false)
        let message = try receive(timeout: timeout)
        guard message.kind == reply.rawValue else {
            throw .protocolViolation("expected kind \(reply.rawValue), got \(message.kind)")
        }
    }

    /// Sends a frame; `counted` frames carry the running sequence number and advance it,
    /// the others carry 0.
    private func send(_ kind: Kind, _ payload: [UInt8], counted: Bool) throws(ReaderError) {
        let number = counted ? sequence : 0
        if counted { sequence = (sequence + 1) & 0x0F }
        do {
            try device.bulkWrite(
                endpoint: 0x02, Self.frame(kind: kind.rawValue, sequence: number, payload: payload), timeout: timeout)
        } catch { throw ReaderError(error) }
    }

    /// Reads one message while waiting for a finger: a read that times out is asked again
    /// until the capture is cancelled or its deadline passes.
    private func receiveWaiting(_ control: CaptureControl, forFinger waiting: Bool) throws(ReaderError) -> Message {
        while true {
            try control.check()
            do {
                return try receive(timeout: waiting ? fingerPoll : timeout)
            } catch .usb(let error) where waiting && error.code == .timeout {
                continue
            }
        }
    }

    private func receive(timeout: Duration) throws(ReaderError) -> Message {
        var bytes: [UInt8] = []
        repeat {
            do {
                bytes = try device.bulkRead(endpoint: 0x81, length: Self.firstReadLength, timeout: timeout)
            } catch { throw ReaderError(error) }
        } while bytes.isEmpty
        guard bytes.count >= 9, Array(bytes[0..<4]) == Self.magic else {
            throw .protocolViolation("not a Ciao frame: \(Array(bytes.prefix(16)).hex)")
        }
        let length = Int(bytes[5] & 0x0F) << 8 | Int(bytes[6])
        if 9 + length > bytes.count {
            do {
                bytes += try device.bulkRead(endpoint: 0x81, length: Self.restReadLength, timeout: timeout)
            } catch { throw ReaderError(error) }
        }
        guard bytes.count >= 9 + length else {
            throw .protocolViolation("frame of \(9 + length) bytes arrived with \(bytes.count)")
        }
        let crc = Self.crc(bytes[4..<(7 + length)])
        guard bytes[7 + length] == UInt8(crc & 0xFF), bytes[8 + length] == UInt8(crc >> 8) else {
            throw .protocolViolation("bad CRC on a kind \(bytes[4]) frame")
        }
        return Message(kind: bytes[4], sequence: bytes[5] >> 4, payload: Array(bytes[7..<(7 + length)]))
    }
}
