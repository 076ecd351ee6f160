/// A 1-bit image, rows packed most significant bit first, a set bit is a black dot:
/// the layout of ESC/POS `GS v 0` raster data.
public struct Bitmap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var bytes: [UInt8]

    public var bytesPerRow: Int { (width + 7) / 8 }

    public init(width: Int, height: Int) {
        precondition(width > 0 && height >= 0)
        self.width = width
        self.height = height
        self.bytes = [UInt8](repeating: 0, count: (width + 7) / 8 * height)
    }

    public subscript(x: Int, y: Int) -> Bool {
        get { bytes[y * bytesPerRow + x / 8] & (0x80 >> UInt8(x % 8)) != 0 }
        set {
            let index = y * bytesPerRow + x / 8
            let mask: UInt8 = 0x80 >> UInt8(x % 8)
            bytes[index] = newValue ? bytes[index] | mask : bytes[index] & ~mask
        }
    }

    /// Rows `range` as a bitmap of their own.
    public func rows(_ range: Range<Int>) -> Bitmap {
        var band = Bitmap(width: width, height: range.count)
        band.bytes = Array(bytes[range.lowerBound * bytesPerRow..<range.upperBound * bytesPerRow])
        return band
    }

    /// Number of black dots, for tests and for the quality of a layout.
    public var blackDots: Int { bytes.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The image as a binary PBM (P4), for looking at a layout without a printer.
    public var pbm: [UInt8] { Array("P4\n\(width) \(height)\n".utf8) + bytes }
}
