public import KioskCore

/// Builds ESC/POS command streams for receipt printers (Epson's command set, which nearly all
/// 58 and 80 mm thermal printers follow). Text is never sent as characters: no ESC/POS code
/// page has Mongolian Ө and Ү, so every line arrives as raster made by `ThermalRenderer`.
public struct ESCPOS: Sendable {
    public private(set) var bytes: [UInt8] = []

    /// Most printers take at most this many raster rows in one `GS v 0`; larger images go in bands.
    public static let maximumBandRows = 256

    public init() {}

    /// `ESC @`: clears the print buffer and resets modes.
    public mutating func initialize() { bytes += [0x1B, 0x40] }

    public enum Alignment: UInt8, Sendable { case left = 0, center = 1, right = 2 }

    /// `ESC a n`.
    public mutating func align(_ alignment: Alignment) { bytes += [0x1B, 0x61, alignment.rawValue] }

    /// `GS v 0 m xL xH yL yH d…` at normal density, in bands of `maximumBandRows`.
    public mutating func raster(_ bitmap: Bitmap) {
        var row = 0
        while row < bitmap.height {
            let band = bitmap.rows(row..<min(bitmap.height, row + Self.maximumBandRows))
            let x = band.bytesPerRow
            let y = band.height
            bytes += [0x1D, 0x76, 0x30, 0x00, UInt8(x & 0xFF), UInt8(x >> 8), UInt8(y & 0xFF), UInt8(y >> 8)]
            bytes += band.bytes
            row += band.height
        }
    }

    public enum QRErrorCorrection: UInt8, Sendable { case low = 48, medium = 49, quartile = 50, high = 51 }

    /// A QR code the printer draws itself (`GS ( k`, function 165/167/169/180/181):
    /// model 2, module size in dots, error correction, store, print.
    public mutating func qrCode(
        _ content: String, moduleSize: UInt8 = 6, errorCorrection: QRErrorCorrection = .medium
    ) {
        let data = Array(content.utf8)
        precondition(data.count <= 7089 && (1...16).contains(moduleSize))
        bytes += [0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]
        bytes += [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, moduleSize]
        bytes += [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, errorCorrection.rawValue]
        let length = data.count + 3
        bytes += [0x1D, 0x28, 0x6B, UInt8(length & 0xFF), UInt8(length >> 8), 0x31, 0x50, 0x30] + data
        bytes += [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]
    }

    /// `ESC d n`: prints the buffer and feeds `lines` lines.
    public mutating func feed(lines: UInt8) { bytes += [0x1B, 0x64, lines] }

    /// `GS V 66 n`: feeds `n` dots past the cutter and cuts, leaving a hinge (partial cut).
    public mutating func cut(feed: UInt8 = 0) { bytes += [0x1D, 0x56, 0x42, feed] }

    // MARK: - Real-time status (DLE EOT)

    /// `DLE EOT n` status requests and their reply bits (Epson TM series).
    public enum StatusRequest: UInt8, Sendable, CaseIterable {
        case printer = 1, offlineCause = 2, errorCause = 3, paperSensor = 4
        public var command: [UInt8] { [0x10, 0x04, rawValue] }
    }

    /// Reads a set of `DLE EOT` replies as faults. A reply is valid when bits 1 and 4 are set
    /// and bits 0 and 7 are clear (fixed bits of every status byte).
    public static func faults(from replies: [StatusRequest: UInt8]) -> [PrinterFault] {
        var faults = Set<PrinterFault>()
        for (request, byte) in replies where isStatusByte(byte) {
            switch request {
            case .printer:
                if byte & 0x08 != 0 { faults.insert(.offline) }
            case .offlineCause:
                if byte & 0x04 != 0 { faults.insert(.coverOpen) }
                if byte & 0x20 != 0 { faults.insert(.paperOut) }
                if byte & 0x40 != 0 { faults.insert(.failed) }
            case .errorCause:
                if byte & 0x08 != 0 { faults.insert(.jam) }
                if byte & 0x60 != 0 { faults.insert(.failed) }
            case .paperSensor:
                if byte & 0x60 == 0x60 { faults.insert(.paperOut) }
                if byte & 0x0C == 0x0C { faults.insert(.paperLow) }
            }
        }
        // "Offline" is the printer's summary of the causes; report the cause when there is one.
        if faults.contains(.offline), faults.contains(where: { $0 != .offline && $0 != .paperLow }) {
            faults.remove(.offline)
        }
        // The near-end sensor also trips when the roll is out; "out" says it all.
        if faults.contains(.paperOut) { faults.remove(.paperLow) }
        return PrinterFault.ordered(faults)
    }

    public static func isStatusByte(_ byte: UInt8) -> Bool { byte & 0x93 == 0x12 }
}
