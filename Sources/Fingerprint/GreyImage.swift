/// An 8-bit grey image, row-major, 0 = black, 255 = white; `dpi` its resolution.
///
/// Pixel `(x, y)` is at `pixels[y * width + x]`, with `(0, 0)` the top-left corner.
public struct GreyImage: Sendable, Equatable {
    /// Number of columns.
    public let width: Int
    /// Number of rows.
    public let height: Int
    /// `width * height` grey levels, row by row from the top.
    public var pixels: [UInt8]
    /// Resolution in dots per inch (fingerprint sensors are usually 500).
    public var dpi: Int

    /// Wraps `pixels`; `pixels.count` must equal `width * height`.
    public init(width: Int, height: Int, pixels: [UInt8], dpi: Int) {
        precondition(width >= 0 && height >= 0, "GreyImage: negative size \(width)x\(height)")
        precondition(
            pixels.count == width * height,
            "GreyImage: \(pixels.count) pixels for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
        self.dpi = dpi
    }

    /// An image of one uniform grey level (white by default).
    public init(width: Int, height: Int, filledWith value: UInt8 = 255, dpi: Int = 500) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: value, count: width * height), dpi: dpi)
    }

    /// The grey level at column `x`, row `y`; both must be inside the image.
    public subscript(x: Int, y: Int) -> UInt8 {
        get {
            precondition(contains(x: x, y: y), "GreyImage: (\(x), \(y)) outside \(width)x\(height)")
            return pixels[y * width + x]
        }
        set {
            precondition(contains(x: x, y: y), "GreyImage: (\(x), \(y)) outside \(width)x\(height)")
            pixels[y * width + x] = newValue
        }
    }

    /// Whether `(x, y)` is a pixel of this image.
    public func contains(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height
    }

    /// The pixels of row `y` (top row is 0).
    public func row(_ y: Int) -> ArraySlice<UInt8> {
        precondition(y >= 0 && y < height, "GreyImage: row \(y) outside 0..<\(height)")
        return pixels[(y * width)..<((y + 1) * width)]
    }

    /// Sum of all grey levels (a cheap fingerprint of the content for tests and logs).
    public var sum: Int {
        var total = 0
        for value in pixels { total &+= Int(value) }
        return total
    }

    /// Mean grey level, 0 for an empty image.
    public var mean: Double {
        pixels.isEmpty ? 0 : Double(sum) / Double(pixels.count)
    }

    /// Binary PGM (`P5`, maxval 255): a header plus the raw pixels, readable by most image tools.
    public func pgm() -> [UInt8] {
        var bytes = Array("P5\n\(width) \(height)\n255\n".utf8)
        bytes.reserveCapacity(bytes.count + pixels.count)
        bytes.append(contentsOf: pixels)
        return bytes
    }
}
