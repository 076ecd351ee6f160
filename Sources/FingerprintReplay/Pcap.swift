public import Foundation

/// Reads (and damages) the usbmon pcapng recording of a device: blocks, usbmon headers and
/// the transfers of one bus and device.
public struct PcapRecording {
    struct Packet {
        /// Byte offset of the packet's usbmon header in the file.
        let offset: Int
        let event: UInt8
        let transferType: UInt8
        let endpoint: UInt8
        let device: UInt8
        let bus: UInt16
        let setupPresent: Bool
        let captured: Int
        /// Offset of the block's end in the file.
        let blockEnd: Int
    }

    let data: Data
    let bus: UInt16
    let device: UInt8

    public init(_ recording: Recording) throws {
        try self.init(data: try Data(contentsOf: recording.replay))
    }

    public init(data: Data) throws {
        self.data = data
        // The sensor is bus 1 device 3 in this recording (`N: bus/usb/001/003` in `device`).
        self.bus = 1
        self.device = 3
    }

    func u32(_ offset: Int) -> Int {
        Int(data[offset]) | Int(data[offset + 1]) << 8 | Int(data[offset + 2]) << 16 | Int(data[offset + 3]) << 24
    }

    /// The usbmon records of the sensor, in file order.
    var packets: [Packet] {
        var result: [Packet] = []
        var offset = 0
        while offset + 12 <= data.count {
            let type = u32(offset)
            let length = u32(offset + 4)
            guard length >= 12, offset + length <= data.count else { break }
            if type == 6 {
                let captured = u32(offset + 20)
                let header = offset + 28
                if captured >= 64 {
                    let packet = Packet(
                        offset: header, event: data[header + 8], transferType: data[header + 9],
                        endpoint: data[header + 10], device: data[header + 11],
                        bus: UInt16(data[header + 12]) | UInt16(data[header + 13]) << 8,
                        setupPresent: data[header + 14] == 0, captured: u32(header + 36), blockEnd: offset + length)
                    if packet.bus == bus && packet.device == device { result.append(packet) }
                }
            }
            offset += length
        }
        return result
    }

    /// What the host sent, in order: bulk OUT data, and for control OUT transfers the setup
    /// packet followed by the data (the host system's own descriptor reads are IN; left out).
    public func hostTransfers() -> [[UInt8]] {
        packets.compactMap { packet -> [UInt8]? in
            guard packet.event == UInt8(ascii: "S") else { return nil }
            let payload = Array(data[(packet.offset + 64)..<(packet.offset + 64 + packet.captured)])
            switch packet.transferType {
            case 3 where packet.endpoint & 0x80 == 0:
                return payload
            case 2 where packet.setupPresent:
                let setup = Array(data[(packet.offset + 40)..<(packet.offset + 48)])
                return setup[0] & 0x80 == 0 ? setup + payload : nil
            default:
                return nil
            }
        }
    }

    /// The sensor's replies: completed bulk IN transfers with data.
    var replies: [Packet] {
        packets.filter {
            $0.event == UInt8(ascii: "C") && $0.transferType == 3 && $0.endpoint == 0x81 && $0.captured > 0
        }
    }

    /// Flips the last byte (a CRC byte) of the `index`-th reply.
    public static func corruptCRC(_ data: Data, deviceReply index: Int) throws -> Data {
        let recording = try PcapRecording(data: data)
        let reply = recording.replies[index]
        var damaged = data
        damaged[reply.offset + 64 + reply.captured - 1] ^= 0xFF
        return damaged
    }

    /// Drops the block holding the `index`-th reply and everything after it: the device
    /// stops answering just before that reply.
    public static func truncate(_ data: Data, beforeDeviceReply index: Int) throws -> Data {
        let recording = try PcapRecording(data: data)
        // The usbmon header sits 28 bytes into its enhanced packet block.
        return data.prefix(recording.replies[index].offset - 28)
    }

    /// Drops every block after the `index`-th reply: the device stops answering there.
    public static func truncate(_ data: Data, afterDeviceReply index: Int) throws -> Data {
        let recording = try PcapRecording(data: data)
        return data.prefix(recording.replies[index].blockEnd)
    }
}
