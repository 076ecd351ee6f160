public import Fingerprint
internal import Foundation

/// AuthenTec AES3500 (08ff:5731): a 128×128 area sensor with 4-bit pixels, driven by register
/// writes (pairs of register and value on EP 0x02). One armed scan answers on EP 0x81 with
/// 8 strips of 16 rows (a header byte `E0+s`, then 1024 bytes, column by column, two pixels per
/// byte, low nibble first) once a finger is down, and a register dump.
public final class AES3500Driver: SensorDriver {
    public static let model = SensorModel(
        driver: "aes3500", name: "AuthenTec AES3500", id: USBID(0x08ff, 0x5731), width: 256, height: 256, dpi: 500)

    static let sensorSize = 128
    static let strips = 8
    static let stripLength = 1025
    static let replyLength = 8329

    /// Reset and configure, each element one bulk transfer (the grouping matters to the chip's log).
    static let setup: [[UInt8]] = [
        [0x80, 0x01], [0x80, 0x00], [0x81, 0x00, 0x80, 0x00], [0x80, 0x02], [0x80, 0x00], [0x80, 0x04], [0x80, 0x00],
        [0x81, 0x00],
        [
            0x80, 0x00, 0x81, 0x00, 0x82, 0x04, 0x83, 0x13, 0x84, 0x07, 0x85, 0x3D, 0x86, 0x03, 0x87, 0x01, 0x88, 0x02,
            0x89, 0x02, 0x8A, 0x33, 0x8B, 0x33, 0x8C, 0x0F, 0x8D, 0x04, 0x8E, 0x23, 0x8F, 0x07,
        ],
        [
            0x90, 0x00, 0x91, 0x1C, 0x92, 0x08, 0x93, 0x00, 0x94, 0x07, 0x95, 0x00, 0x96, 0x1F, 0x97, 0x04, 0x98, 0x28,
            0x99, 0x00, 0x9A, 0x0B, 0x9B, 0x00, 0x9C, 0x00, 0x9D, 0x09, 0x9E, 0x53, 0x9F, 0x6B,
        ],
    ]
    /// Arm one scan.
    static let arm: [[UInt8]] = [[0x80, 0x00, 0x81, 0x00], [0x81, 0x04], [0x81, 0x00]]

    private let device: USBDeviceHandle
    private let timeout = Duration.seconds(4)
    /// One wait for the scan; asked again until the capture's deadline (the chip waits forever).
    private let fingerPoll = Duration.seconds(2)

    public init(device: USBDeviceHandle) { self.device = device }

    public func open() throws(ReaderError) {
        do {
            try device.claim(interface: 0)
            for write in Self.setup { try device.bulkWrite(endpoint: 0x02, write, timeout: timeout) }
        } catch { throw ReaderError(error) }
    }

    public func close() { device.release(interface: 0) }

    public func capture(_ control: CaptureControl, fingerDown: () -> Void) throws(ReaderError) -> GreyImage {
        do {
            for write in Self.arm { try device.bulkWrite(endpoint: 0x02, write, timeout: timeout) }
        } catch { throw ReaderError(error) }
        var reply: [UInt8]
        while true {
            try control.check()
            do {
                reply = try device.bulkRead(endpoint: 0x81, length: Self.replyLength, timeout: fingerPoll)
                break
            } catch let error where error.code == .timeout {
                continue
            } catch { throw ReaderError(error) }
        }
        fingerDown()
        guard reply.count == Self.replyLength else {
            throw .protocolViolation("scan reply of \(reply.count) bytes, expected \(Self.replyLength)")
        }
        return GreyImage(
            width: Self.model.width, height: Self.model.height, pixels: try Self.image(from: reply),
            dpi: Self.model.dpi)
    }

    /// The 4-bit samples of a reply, sensor row by row (values 0–15).
    static func samples(from reply: [UInt8]) throws(ReaderError) -> [UInt8] {
        var samples = [UInt8](repeating: 0, count: sensorSize * sensorSize)
        for strip in 0..<strips {
            let base = strip * stripLength
            guard reply[base] == 0xE0 + UInt8(strip) else {
                throw .protocolViolation("strip \(strip) has header 0x\(String(reply[base], radix: 16))")
            }
            for column in 0..<sensorSize {
                for pair in 0..<8 {
                    let byte = reply[base + 1 + column * 8 + pair]
                    let row = strip * 16 + pair * 2
                    samples[row * sensorSize + column] = byte & 0x0F
                    samples[(row + 1) * sensorSize + column] = byte >> 4
                }
            }
        }
        return samples
    }

    /// The 256×256 image: 4-bit samples to 8 bits (×17), enlarged 2× by bilinear
    /// interpolation (quarter-pixel weights, zero outside the sensor, truncated), turned 180°
    /// and inverted, so ridges are dark and the image is upright.
    static func image(from reply: [UInt8]) throws(ReaderError) -> [UInt8] {
        let samples = try samples(from: reply)
        let size = sensorSize
        func value(_ row: Int, _ column: Int) -> Int {
            guard row >= 0, row < size, column >= 0, column < size else { return 0 }
            return Int(samples[row * size + column]) * 17
        }
        let out = size * 2
        var pixels = [UInt8](repeating: 0, count: out * out)
        for y in 0..<out {
            // Output row y samples source rows near (weight 3/4) and far (1/4).
            let nearRow = y / 2
            let farRow = y % 2 == 0 ? nearRow - 1 : nearRow + 1
            for x in 0..<out {
                let nearColumn = x / 2
                let farColumn = x % 2 == 0 ? nearColumn - 1 : nearColumn + 1
                let scaled =
                    (9 * value(nearRow, nearColumn) + 3 * value(nearRow, farColumn) + 3 * value(farRow, nearColumn)
                        + value(farRow, farColumn)) / 16
                pixels[(out - 1 - y) * out + (out - 1 - x)] = UInt8(255 - scaled)
            }
        }
        return pixels
    }
}
