public import Fingerprint
internal import Foundation

/// NEXT Biometrics NB-1010-U (298d:1010): an area sensor behind a bulk command protocol.
///
/// Messages start `80 <opcode> <seq> 00 <length LE32>`; commands go out on EP 0x02, replies
/// (16 bytes) and image chunks (540 bytes: 25-byte header, two rows of 256 pixels, 3 padding
/// bytes) come in on EP 0x83. A finger-status reply carries the contact level at byte 12.
public final class NB1010Driver: SensorDriver {
    public static let model = SensorModel(
        driver: "nb1010", name: "NEXT Biometrics NB-1010-U", id: USBID(0x298d, 0x1010), width: 256, height: 180,
        dpi: 385)

    static let fingerStatus: [UInt8] = [0x80, 0x38, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00]
    static let prepare: [UInt8] = [0x80, 0x0d, 0x03, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00]
    static let capture: [UInt8] =
        [0x80, 0x12, 0x04, 0x00, 0x20, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]
        + [UInt8](repeating: 0, count: 16) + [0x20, 0x00, 0x00, 0x00]
    /// Contact level above which a finger is on the sensor.
    static let fingerThreshold: UInt8 = 0x30
    static let chunkLength = 540
    static let rowsPerChunk = 2

    private let device: USBDeviceHandle
    private let timeout = Duration.milliseconds(500)

    public init(device: USBDeviceHandle) { self.device = device }

    public func open() throws(ReaderError) {
        do { try device.claim(interface: 0) } catch { throw ReaderError(error) }
    }

    public func close() { device.release(interface: 0) }

    public func capture(_ control: CaptureControl, fingerDown: () -> Void) throws(ReaderError) -> GreyImage {
        while try fingerLevel() <= Self.fingerThreshold {
            try control.check()
            Thread.sleep(forTimeInterval: 0.05)
        }
        fingerDown()
        _ = try command(Self.prepare, expecting: 0x20)
        _ = try command(Self.capture, expecting: 0x20)
        let width = Self.model.width
        let chunks = Self.model.height / Self.rowsPerChunk
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * Self.model.height)
        for index in 0..<chunks {
            try control.check()
            let chunk = try read(Self.chunkLength)
            guard chunk.count == Self.chunkLength, chunk[0] == 0x80, chunk[1] == 0x21,
                chunk.uint32LE(at: 4) == UInt32(Self.chunkLength)
            else { throw .protocolViolation("image chunk \(index) has a bad header: \(Array(chunk.prefix(8)).hex)") }
            let lastRow = chunk.uint32LE(at: 16)
            let more = chunk.uint32LE(at: 12)
            guard lastRow == UInt32(index * Self.rowsPerChunk + 1), chunk.uint32LE(at: 20) == UInt32(width),
                more == (index == chunks - 1 ? 0 : 1)
            else {
                throw .protocolViolation(
                    "image chunk \(index) out of order (row \(lastRow.map(String.init) ?? "?"), more \(more.map(String.init) ?? "?"))"
                )
            }
            pixels += chunk[25..<(25 + width * Self.rowsPerChunk)]
        }
        return GreyImage(width: width, height: Self.model.height, pixels: pixels, dpi: Self.model.dpi)
    }

    public func waitForLift(_ control: CaptureControl) throws(ReaderError) {
        while try fingerLevel() > Self.fingerThreshold {
            try control.check()
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The contact level the sensor reports now (0–255).
    func fingerLevel() throws(ReaderError) -> UInt8 {
        try command(Self.fingerStatus, expecting: 0x37)[12]
    }

    /// Sends a command and reads its 16-byte reply, checking the reply code and sequence byte.
    private func command(_ bytes: [UInt8], expecting code: UInt8) throws(ReaderError) -> [UInt8] {
        do { try device.bulkWrite(endpoint: 0x02, bytes, timeout: timeout) } catch { throw ReaderError(error) }
        let reply = try read(16)
        guard reply.count == 16, reply[0] == 0x80, reply[1] == code, reply[2] == bytes[2], reply.uint32LE(at: 4) == 16
        else { throw .protocolViolation("reply to 0x\(String(bytes[1], radix: 16)) was \(reply.hex)") }
        guard reply.uint32LE(at: 8) == 0 else {
            throw .protocolViolation(
                "command 0x\(String(bytes[1], radix: 16)) failed with status \(reply.uint32LE(at: 8)!)")
        }
        return reply
    }

    private func read(_ length: Int) throws(ReaderError) -> [UInt8] {
        do { return try device.bulkRead(endpoint: 0x83, length: length, timeout: timeout) } catch {
            throw ReaderError(error)
        }
    }
}
