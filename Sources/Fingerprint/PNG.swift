// PNG reading and writing for `GreyImage`, in plain Swift (no Foundation, no zlib).
//
// Decoding: signature → chunks (CRC-32 checked) → IHDR / PLTE / pHYs / IDAT… / IEND →
// zlib stream (header, inflate, Adler-32) → scanline un-filtering → conversion to 8-bit grey.
// Encoding: 8-bit greyscale, per-row adaptive filter, deflate with fixed Huffman codes and
// greedy LZ77 (or stored blocks when those come out smaller), a pHYs chunk carrying `dpi`.
//
// Everything read from the input is bounds-checked; malformed data throws `PNGError`.

/// Why a PNG could not be decoded.
public enum PNGError: Error, Equatable, Sendable {
    /// The bytes do not start with the 8-byte PNG signature.
    case notPNG
    /// The data stops early: inside a chunk, inside the compressed stream, or before IEND.
    case truncated
    /// A chunk's stored CRC-32 does not match its type and data.
    case badCRC(chunk: String)
    /// The zlib stream's Adler-32 does not match the decompressed image data.
    case badAdler32
    /// A chunk the image needs is absent ("IHDR" first, "IDAT", "PLTE" for palette images).
    case missingChunk(String)
    /// Larger than `GreyImage.maximumPNGSide` in width or height.
    case imageTooLarge(width: Int, height: Int)
    /// A valid PNG that uses something this decoder does not implement (e.g. interlacing).
    case unsupported(String)
    /// Structurally invalid content: bad header fields, bad Huffman codes, wrong data length…
    case corruptData(String)
}

extension GreyImage {
    /// The largest width or height `init(png:dpi:)` accepts.
    public static let maximumPNGSide = 4096

    /// Decodes a PNG into grey levels.
    ///
    /// Accepts every non-interlaced PNG: greyscale (1, 2, 4, 8, 16 bits), RGB (8, 16),
    /// palette (1, 2, 4, 8), grey + alpha (8, 16) and RGBA (8, 16). 16-bit samples keep their
    /// high byte; 1/2/4-bit greys are scaled to 0…255. Colour becomes grey: a pixel with
    /// R = G = B keeps that value, others get ITU-R BT.601 luma `(299 R + 587 G + 114 B + 500) / 1000`.
    /// Alpha (and tRNS) is ignored: the colour channels are used as they are, not composited.
    ///
    /// - Parameter dpi: the resolution to use when the file has no pHYs chunk in pixels per
    ///   metre; pHYs wins when present. Without either the image gets 500 dpi.
    /// - Throws: `PNGError`; it never traps on malformed input.
    public init(png bytes: [UInt8], dpi: Int? = nil) throws(PNGError) {
        let decoded = try PNGDecoder.decode(bytes)
        self.init(
            width: decoded.width, height: decoded.height, pixels: decoded.grey,
            dpi: decoded.dpi ?? dpi ?? 500)
    }

    /// Encodes the image as an 8-bit greyscale PNG with a pHYs chunk for `dpi` (omitted when
    /// `dpi` is not positive). The image must be at least 1×1 (PNG cannot hold an empty image).
    public func png() -> [UInt8] {
        precondition(width > 0 && height > 0, "PNG cannot store an empty \(width)x\(height) image")
        var out = PNGDecoder.signature
        var header = [UInt8]()
        header.appendBigEndian(UInt32(truncatingIfNeeded: width))
        header.appendBigEndian(UInt32(truncatingIfNeeded: height))
        header += [8, 0, 0, 0, 0]  // depth 8, greyscale, deflate, adaptive filtering, no interlace
        out.appendChunk("IHDR", header)
        if dpi > 0 {
            // dots per inch → pixels per metre, rounded: dpi / 0.0254 = dpi × 10000 / 254.
            let perMetre = UInt32(clamping: (dpi * 10_000 + 127) / 254)
            var phys = [UInt8]()
            phys.appendBigEndian(perMetre)
            phys.appendBigEndian(perMetre)
            phys.append(1)  // unit: metre
            out.appendChunk("pHYs", phys)
        }
        let compressed = Zlib.compress(PNGEncoder.filteredScanlines(of: self))
        // Split the stream into IDAT chunks of at most 1 MiB (any size is valid; this keeps them modest).
        let chunkSize = 1 << 20
        var start = 0
        while start < compressed.count {
            let end = min(start + chunkSize, compressed.count)
            out.appendChunk("IDAT", compressed[start..<end])
            start = end
        }
        out.appendChunk("IEND", [])
        return out
    }
}

// MARK: - Decoder

/// The fields of IHDR and what follows from them.
struct PNGHeader {
    let width: Int
    let height: Int
    let bitDepth: Int
    let colourType: Int

    /// Samples per pixel.
    var channels: Int {
        switch colourType {
        case 2: 3
        case 4: 2
        case 6: 4
        default: 1  // 0 grey, 3 palette
        }
    }

    var bitsPerPixel: Int { channels * bitDepth }
    /// Bytes in one scanline, without its filter byte.
    var rowBytes: Int { (width * bitsPerPixel + 7) / 8 }
    /// The byte distance to the "left" pixel used by the Sub, Average and Paeth filters.
    var filterStride: Int { max(1, bitsPerPixel / 8) }

    /// Whether the colour type allows this bit depth (PNG specification, table 11.1).
    var depthIsValid: Bool {
        switch colourType {
        case 0: [1, 2, 4, 8, 16].contains(bitDepth)
        case 3: [1, 2, 4, 8].contains(bitDepth)
        case 2, 4, 6: bitDepth == 8 || bitDepth == 16
        default: false
        }
    }
}

/// Reads a PNG byte stream; see `GreyImage.init(png:dpi:)`.
enum PNGDecoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    struct Decoded {
        var width: Int
        var height: Int
        var grey: [UInt8]
        var dpi: Int?
    }

    static func decode(_ bytes: [UInt8]) throws(PNGError) -> Decoded {
        guard bytes.count >= 8 else {
            // A prefix of the signature is a cut-off PNG; anything else is not a PNG at all.
            throw bytes.elementsEqual(signature.prefix(bytes.count)) && !bytes.isEmpty ? .truncated : .notPNG
        }
        guard bytes[0..<8].elementsEqual(signature) else { throw .notPNG }

        var header: PNGHeader?
        var paletteGrey: [UInt8]?
        var compressed: [UInt8] = []
        var dpi: Int?
        var position = 8

        chunks: while true {
            guard bytes.count - position >= 8 else { throw .truncated }
            let length = Int(bytes.bigEndianUInt32(at: position))
            let typeStart = position + 4
            let dataStart = position + 8
            guard length <= 0x7FFF_FFFF else { throw .corruptData("chunk length \(length) over 2^31-1") }
            guard bytes.count - dataStart - 4 >= length else { throw .truncated }
            let dataEnd = dataStart + length
            let typeBytes = bytes[typeStart..<dataStart]
            guard typeBytes.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) else {
                throw .corruptData("chunk type is not four letters")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard CRC32.checksum(bytes[typeStart..<dataEnd]) == bytes.bigEndianUInt32(at: dataEnd) else {
                throw .badCRC(chunk: type)
            }
            let data = bytes[dataStart..<dataEnd]
            position = dataEnd + 4

            if header == nil && type != "IHDR" { throw .missingChunk("IHDR") }
            switch type {
            case "IHDR":
                guard header == nil else { throw .corruptData("second IHDR") }
                header = try parseHeader(data)
            case "PLTE":
                guard data.count % 3 == 0, data.count >= 3, data.count <= 768 else {
                    throw .corruptData("PLTE length \(data.count)")
                }
                var greys = [UInt8]()
                greys.reserveCapacity(data.count / 3)
                var i = data.startIndex
                while i < data.endIndex {
                    greys.append(grey(red: data[i], green: data[i + 1], blue: data[i + 2]))
                    i += 3
                }
                paletteGrey = greys
            case "IDAT":
                compressed.append(contentsOf: data)
            case "pHYs":
                // Ancillary: a malformed one is ignored rather than failing the image.
                if data.count == 9, data[data.startIndex + 8] == 1 {
                    let perMetre = Int(bytes.bigEndianUInt32(at: dataStart))
                    let rounded = (perMetre * 254 + 5_000) / 10_000  // round(ppm × 0.0254)
                    if rounded > 0 { dpi = rounded }
                }
            case "IEND":
                break chunks
            default:
                // Bit 5 of the first letter clear (upper case) marks a critical chunk.
                if (typeBytes[typeStart] & 0x20) == 0 { throw .unsupported("critical chunk \(type)") }
            }
        }

        guard let header else { throw .missingChunk("IHDR") }
        guard !compressed.isEmpty else { throw .missingChunk("IDAT") }
        if header.colourType == 3 && paletteGrey == nil { throw .missingChunk("PLTE") }

        let stride = header.rowBytes + 1
        var scanlines = try Zlib.decompress(compressed, expectedCount: header.height * stride)
        try unfilter(&scanlines, header: header)
        let grey = try convertToGrey(scanlines, header: header, paletteGrey: paletteGrey ?? [])
        return Decoded(width: header.width, height: header.height, grey: grey, dpi: dpi)
    }

    static func parseHeader(_ data: ArraySlice<UInt8>) throws(PNGError) -> PNGHeader {
        guard data.count == 13 else { throw .corruptData("IHDR length \(data.count)") }
        let s = data.startIndex
        let width = Int(data.bigEndianUInt32(at: s))
        let height = Int(data.bigEndianUInt32(at: s + 4))
        let header = PNGHeader(
            width: width, height: height, bitDepth: Int(data[s + 8]), colourType: Int(data[s + 9]))
        guard width > 0, height > 0 else { throw .corruptData("image size \(width)x\(height)") }
        guard width <= GreyImage.maximumPNGSide, height <= GreyImage.maximumPNGSide else {
            throw .imageTooLarge(width: width, height: height)
        }
        guard header.depthIsValid else {
            throw .corruptData("bit depth \(header.bitDepth) with colour type \(header.colourType)")
        }
        guard data[s + 10] == 0 else { throw .corruptData("compression method \(data[s + 10])") }
        guard data[s + 11] == 0 else { throw .corruptData("filter method \(data[s + 11])") }
        switch data[s + 12] {
        case 0: break
        case 1: throw .unsupported("Adam7 interlacing")
        default: throw .corruptData("interlace method \(data[s + 12])")
        }
        return header
    }

    /// Reverses the per-row filters in place; each row keeps its (now meaningless) filter byte.
    static func unfilter(_ data: inout [UInt8], header: PNGHeader) throws(PNGError) {
        let rowBytes = header.rowBytes
        let stride = rowBytes + 1
        let bpp = header.filterStride
        for y in 0..<header.height {
            let start = y * stride + 1  // first byte of this row
            let end = start + rowBytes
            switch data[start - 1] {
            case 0:
                break
            case 1:  // Sub: left
                var i = start + bpp
                while i < end {
                    data[i] &+= data[i - bpp]
                    i += 1
                }
            case 2:  // Up: above
                guard y > 0 else { break }
                for i in start..<end { data[i] &+= data[i - stride] }
            case 3:  // Average: (left + above) / 2
                if y == 0 {
                    var i = start + bpp
                    while i < end {
                        data[i] &+= data[i - bpp] >> 1
                        i += 1
                    }
                } else {
                    for i in start..<min(start + bpp, end) { data[i] &+= data[i - stride] >> 1 }
                    var i = start + bpp
                    while i < end {
                        data[i] &+= UInt8((Int(data[i - bpp]) + Int(data[i - stride])) >> 1)
                        i += 1
                    }
                }
            case 4:  // Paeth: whichever of left, above, upper-left is nearest to left + above - upper-left
                if y == 0 {
                    // Above and upper-left are 0, so the predictor is simply left (Sub).
                    var i = start + bpp
                    while i < end {
                        data[i] &+= data[i - bpp]
                        i += 1
                    }
                } else {
                    for i in start..<min(start + bpp, end) { data[i] &+= data[i - stride] }
                    var i = start + bpp
                    while i < end {
                        data[i] &+= paeth(
                            left: data[i - bpp], above: data[i - stride], upperLeft: data[i - stride - bpp])
                        i += 1
                    }
                }
            default:
                throw .corruptData("filter type \(data[start - 1]) on row \(y)")
            }
        }
    }

    @inline(__always)
    static func paeth(left: UInt8, above: UInt8, upperLeft: UInt8) -> UInt8 {
        let a = Int(left), b = Int(above), c = Int(upperLeft)
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        if pa <= pb && pa <= pc { return left }
        return pb <= pc ? above : upperLeft
    }

    /// ITU-R BT.601 luma in integers; exact for R = G = B.
    @inline(__always)
    static func grey(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        if red == green && green == blue { return red }
        let weighted: Int = 299 * Int(red) + 587 * Int(green) + 114 * Int(blue)
        return UInt8(truncatingIfNeeded: (weighted + 500) / 1000)
    }

    /// Turns un-filtered scanlines (each still led by its filter byte) into one grey byte per pixel.
    static func convertToGrey(
        _ data: [UInt8], header: PNGHeader, paletteGrey: [UInt8]
    ) throws(PNGError) -> [UInt8] {
        let width = header.width
        let stride = header.rowBytes + 1
        var grey = [UInt8](repeating: 0, count: width * header.height)
        let depth = header.bitDepth
        let sampleBytes = depth == 16 ? 2 : 1  // bytes per sample for depths 8 and 16
        for y in 0..<header.height {
            let row = y * stride + 1
            let out = y * width
            switch header.colourType {
            case 0 where depth < 8, 3:
                // Packed samples, most significant bits first (palette 8-bit goes through here too).
                let perByte = 8 / depth
                let mask = (1 << depth) - 1
                let scale = header.colourType == 0 ? 255 / mask : 1
                for x in 0..<width {
                    let byte = Int(data[row + x / perByte])
                    let shift = 8 - depth * (x % perByte + 1)
                    let value = (byte >> shift) & mask
                    if header.colourType == 3 {
                        guard value < paletteGrey.count else {
                            throw .corruptData("palette index \(value) beyond \(paletteGrey.count) entries")
                        }
                        grey[out + x] = paletteGrey[value]
                    } else {
                        grey[out + x] = UInt8(value * scale)
                    }
                }
            case 0, 4:
                // Grey (8 or 16 bits), optionally followed by alpha: keep the grey sample's high byte.
                let step = header.channels * sampleBytes
                for x in 0..<width { grey[out + x] = data[row + x * step] }
            default:
                // RGB or RGBA, 8 or 16 bits: the high byte of each of R, G, B.
                let step = header.channels * sampleBytes
                for x in 0..<width {
                    let p = row + x * step
                    grey[out + x] = Self.grey(
                        red: data[p], green: data[p + sampleBytes], blue: data[p + 2 * sampleBytes])
                }
            }
        }
        return grey
    }
}

// MARK: - Encoder

enum PNGEncoder {
    /// Rows of `image`, each led by the filter byte that makes its residuals smallest
    /// (sum of |signed residual|, the usual heuristic), ready for compression.
    static func filteredScanlines(of image: GreyImage) -> [UInt8] {
        let width = image.width
        let pixels = image.pixels
        var out = [UInt8]()
        out.reserveCapacity(image.height * (width + 1))
        var candidate = [UInt8](repeating: 0, count: width)
        var best = [UInt8](repeating: 0, count: width)
        for y in 0..<image.height {
            let row = y * width
            let above = row - width
            var bestType: UInt8 = 0
            var bestCost = Int.max
            for type in UInt8(0)...4 {
                if y == 0 && (type == 2 || type == 4) { continue }  // same as None / Sub on the first row
                var cost = 0
                for x in 0..<width {
                    let value = pixels[row + x]
                    let a: UInt8 = x > 0 ? pixels[row + x - 1] : 0
                    let b: UInt8 = y > 0 ? pixels[above + x] : 0
                    let c: UInt8 = x > 0 && y > 0 ? pixels[above + x - 1] : 0
                    let predicted: UInt8 =
                        switch type {
                        case 0: 0
                        case 1: a
                        case 2: b
                        case 3: UInt8((Int(a) + Int(b)) >> 1)
                        default: PNGDecoder.paeth(left: a, above: b, upperLeft: c)
                        }
                    let residual = value &- predicted
                    candidate[x] = residual
                    cost += residual < 128 ? Int(residual) : 256 - Int(residual)
                }
                if cost < bestCost {
                    bestCost = cost
                    bestType = type
                    swap(&best, &candidate)
                }
            }
            out.append(bestType)
            out.append(contentsOf: best)
        }
        return out
    }
}

// MARK: - Checksums

/// CRC-32 as PNG uses it (ISO 3309, reflected polynomial 0xEDB88320).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return ~c
    }
}

/// Adler-32 (RFC 1950), the zlib stream's checksum of the uncompressed data.
enum Adler32 {
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var a = 1, b = 0
        var start = 0
        while start < bytes.count {
            // 5552 bytes is the most that cannot overflow before the modulo in 32 bits;
            // with 64-bit Ints it is simply a convenient block size.
            let end = min(start + 5552, bytes.count)
            for i in start..<end {
                a += Int(bytes[i])
                b += a
            }
            a %= 65521
            b %= 65521
            start = end
        }
        return UInt32(b << 16 | a)
    }
}

// MARK: - zlib / deflate

/// The length and distance alphabets of deflate (RFC 1951, 3.2.5).
enum Deflate {
    static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    static let lengthExtra: [Int] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
        4097, 6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]
    /// The order in which code-length code lengths are stored in a dynamic block header.
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Code lengths of the fixed literal/length code (RFC 1951, 3.2.6).
    static let fixedLiteralLengths: [UInt8] =
        [UInt8](repeating: 8, count: 144) + [UInt8](repeating: 9, count: 112)
        + [UInt8](repeating: 7, count: 24) + [UInt8](repeating: 8, count: 8)

    static let fixedLiteralTable = HuffmanTable(lengths: fixedLiteralLengths[...])
    /// Symbols 30 and 31 are left out, so the table rejects them as invalid codes.
    static let fixedDistanceTable = HuffmanTable(lengths: [UInt8](repeating: 5, count: 30)[...])

    /// Reverses the low `count` bits of `code` (Huffman codes are sent most significant bit first).
    @inline(__always)
    static func reversed(_ code: Int, bits count: Int) -> Int {
        var result = 0
        var value = code
        for _ in 0..<count {
            result = (result << 1) | (value & 1)
            value >>= 1
        }
        return result
    }
}

/// A canonical Huffman code as a single lookup table indexed by the next `bits` input bits
/// (least significant first); each entry is `symbol << 4 | codeLength`, 0 for "no such code".
struct HuffmanTable {
    var entries: [UInt16]
    var bits: Int

    /// Whether the lengths describe more codes than fit (Kraft sum over 1): not a prefix code.
    static func isOversubscribed(_ lengths: ArraySlice<UInt8>) -> Bool {
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths { counts[Int(length)] += 1 }
        var available = 1
        for length in 1...15 {
            available = available * 2 - counts[length]
            if available < 0 { return true }
        }
        return false
    }

    /// Builds the table; lengths must be 0…15 and not oversubscribed. Unused slots of an
    /// incomplete code stay 0 and are reported as invalid when met in the data.
    init(lengths: ArraySlice<UInt8>) {
        var counts = [Int](repeating: 0, count: 16)
        var maxLength = 1
        for length in lengths {
            counts[Int(length)] += 1
            maxLength = max(maxLength, Int(length))
        }
        counts[0] = 0
        var nextCode = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1...15 {
            code = (code + counts[length - 1]) << 1
            nextCode[length] = code
        }
        bits = maxLength
        let size = 1 << maxLength
        entries = [UInt16](repeating: 0, count: size)
        for (offset, lengthByte) in lengths.enumerated() where lengthByte > 0 {
            let length = Int(lengthByte)
            let symbolCode = nextCode[length]
            nextCode[length] += 1
            let entry = UInt16(offset << 4 | length)
            var slot = Deflate.reversed(symbolCode, bits: length)
            while slot < size {
                entries[slot] = entry
                slot += 1 << length
            }
        }
    }
}

/// zlib (RFC 1950) around deflate (RFC 1951).
enum Zlib {
    /// Inflates a zlib stream that must produce exactly `expectedCount` bytes; producing more
    /// is refused as soon as it happens, so a hostile stream cannot use more memory than the image.
    static func decompress(_ input: [UInt8], expectedCount: Int) throws(PNGError) -> [UInt8] {
        var inflater = Inflater(input: input, limit: expectedCount)
        let cmf = try inflater.bits(8)
        let flg = try inflater.bits(8)
        guard cmf & 0x0F == 8 else { throw .unsupported("zlib compression method \(cmf & 0x0F)") }
        guard cmf >> 4 <= 7 else { throw .corruptData("zlib window size") }
        guard (cmf << 8 | flg) % 31 == 0 else { throw .corruptData("zlib header check") }
        guard flg & 0x20 == 0 else { throw .unsupported("zlib preset dictionary") }

        try inflater.inflate()

        inflater.alignToByte()
        var stored: UInt32 = 0
        for _ in 0..<4 { stored = stored << 8 | UInt32(try inflater.bits(8)) }
        guard inflater.output.count == expectedCount else {
            throw .corruptData("image data is \(inflater.output.count) bytes, expected \(expectedCount)")
        }
        guard stored == Adler32.checksum(inflater.output) else { throw .badAdler32 }
        return inflater.output
    }

    /// A zlib stream of `data`: fixed-Huffman deflate, or stored blocks when that is smaller.
    static func compress(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]  // deflate, 32 KiB window; (0x78 << 8 | 0x01) % 31 == 0
        let huffman = Deflater.fixedHuffman(data)
        let storedBlocks = max(1, (data.count + 65_534) / 65_535)
        if huffman.count < data.count + 5 * storedBlocks {
            out += huffman
        } else {
            out += Deflater.stored(data)
        }
        out.appendBigEndian(Adler32.checksum(data))
        return out
    }
}

/// Inflate: reads deflate blocks bit by bit (least significant bit first) into `output`.
struct Inflater {
    let input: [UInt8]
    /// Next input byte not yet in `bitBuffer`.
    var position = 0
    var bitBuffer: UInt64 = 0
    var bitCount = 0
    var output: [UInt8] = []
    let limit: Int

    init(input: [UInt8], limit: Int) {
        self.input = input
        self.limit = limit
        // Deflate cannot expand more than about 1032:1, so reserve no more than the input could give.
        output.reserveCapacity(min(limit, input.count &* 1032 &+ 1024))
    }

    /// Tops up `bitBuffer` to at least 57 bits, or as far as the input goes.
    @inline(__always)
    mutating func refill() {
        while bitCount <= 56 && position < input.count {
            bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
    }

    /// The next `count` (0…32) bits as an integer.
    @inline(__always)
    mutating func bits(_ count: Int) throws(PNGError) -> Int {
        if bitCount < count {
            refill()
            guard bitCount >= count else { throw .truncated }
        }
        let value = Int(truncatingIfNeeded: bitBuffer & ((1 << UInt64(count)) - 1))
        bitBuffer >>= UInt64(count)
        bitCount -= count
        return value
    }

    mutating func alignToByte() {
        let drop = bitCount % 8
        bitBuffer >>= UInt64(drop)
        bitCount -= drop
    }

    @inline(__always)
    mutating func decodeSymbol(_ table: HuffmanTable) throws(PNGError) -> Int {
        if bitCount < table.bits { refill() }
        let entry = table.entries[Int(truncatingIfNeeded: bitBuffer & ((1 << UInt64(table.bits)) - 1))]
        let length = Int(entry & 0x0F)
        guard length != 0 else { throw .corruptData("invalid Huffman code") }
        guard length <= bitCount else { throw .truncated }
        bitBuffer >>= UInt64(length)
        bitCount -= length
        return Int(entry >> 4)
    }

    mutating func inflate() throws(PNGError) {
        var isFinal = false
        while !isFinal {
            isFinal = try bits(1) == 1
            switch try bits(2) {
            case 0: try storedBlock()
            case 1: try compressedBlock(literals: Deflate.fixedLiteralTable, distances: Deflate.fixedDistanceTable)
            case 2:
                let (literals, distances) = try dynamicTables()
                try compressedBlock(literals: literals, distances: distances)
            default: throw .corruptData("deflate block type 3")
            }
        }
    }

    mutating func storedBlock() throws(PNGError) {
        alignToByte()
        let length = try bits(16)
        let complement = try bits(16)
        guard length == ~complement & 0xFFFF else { throw .corruptData("stored block length check") }
        // Hand the whole bytes still buffered back to the input, then copy directly.
        position -= bitCount / 8
        bitBuffer = 0
        bitCount = 0
        guard input.count - position >= length else { throw .truncated }
        guard limit - output.count >= length else { throw .corruptData("more image data than the header allows") }
        output.append(contentsOf: input[position..<(position + length)])
        position += length
    }

    mutating func dynamicTables() throws(PNGError) -> (HuffmanTable, HuffmanTable) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeLengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw .corruptData("dynamic block code counts") }

        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for i in 0..<codeLengthCount {
            codeLengthLengths[Deflate.codeLengthOrder[i]] = UInt8(try bits(3))
        }
        guard !HuffmanTable.isOversubscribed(codeLengthLengths[...]) else {
            throw .corruptData("bad code length code")
        }
        let codeLengthTable = HuffmanTable(lengths: codeLengthLengths[...])

        let total = literalCount + distanceCount
        var lengths = [UInt8](repeating: 0, count: total)
        var i = 0
        while i < total {
            let symbol = try decodeSymbol(codeLengthTable)
            var repeatValue: UInt8 = 0
            var repeatCount = 0
            switch symbol {
            case 0...15:
                lengths[i] = UInt8(symbol)
                i += 1
                continue
            case 16:
                guard i > 0 else { throw .corruptData("length repeat with no previous length") }
                repeatValue = lengths[i - 1]
                repeatCount = 3 + (try bits(2))
            case 17:
                repeatCount = 3 + (try bits(3))
            default:  // 18 (the table has no other symbols)
                repeatCount = 11 + (try bits(7))
            }
            guard total - i >= repeatCount else { throw .corruptData("code lengths overrun") }
            for _ in 0..<repeatCount {
                lengths[i] = repeatValue
                i += 1
            }
        }
        guard lengths[256] != 0 else { throw .corruptData("no end-of-block code") }
        let literalLengths = lengths[0..<literalCount]
        let distanceLengths = lengths[literalCount..<total]
        guard !HuffmanTable.isOversubscribed(literalLengths), !HuffmanTable.isOversubscribed(distanceLengths) else {
            throw .corruptData("oversubscribed Huffman code")
        }
        return (HuffmanTable(lengths: literalLengths), HuffmanTable(lengths: distanceLengths))
    }

    mutating func compressedBlock(literals: HuffmanTable, distances: HuffmanTable) throws(PNGError) {
        while true {
            let symbol = try decodeSymbol(literals)
            if symbol < 256 {
                guard output.count < limit else { throw .corruptData("more image data than the header allows") }
                output.append(UInt8(truncatingIfNeeded: symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < 29 else { throw .corruptData("length symbol \(symbol)") }
            let length = Deflate.lengthBase[lengthIndex] + (try bits(Deflate.lengthExtra[lengthIndex]))
            let distanceSymbol = try decodeSymbol(distances)
            guard distanceSymbol < 30 else { throw .corruptData("distance symbol \(distanceSymbol)") }
            let distance = Deflate.distanceBase[distanceSymbol] + (try bits(Deflate.distanceExtra[distanceSymbol]))
            guard distance <= output.count else { throw .corruptData("distance \(distance) before the start") }
            guard limit - output.count >= length else { throw .corruptData("more image data than the header allows") }
            // Byte by byte: the source may overlap the bytes this copy writes (distance < length).
            // (Appending a slice of `output` to itself would copy the whole array first.)
            var from = output.count - distance
            for _ in 0..<length {
                output.append(output[from])
                from += 1
            }
        }
    }
}

/// Deflate output: greedy LZ77 with hash chains, coded with the fixed Huffman code; or stored blocks.
enum Deflater {
    /// Writes bits least significant first, as deflate packs them.
    struct BitWriter {
        var bytes: [UInt8] = []
        var buffer: UInt64 = 0
        var count = 0

        @inline(__always)
        mutating func write(_ value: Int, bits: Int) {
            buffer |= UInt64(truncatingIfNeeded: value) << UInt64(count)
            count += bits
            while count >= 8 {
                bytes.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                count -= 8
            }
        }

        mutating func flush() {
            if count > 0 { bytes.append(UInt8(truncatingIfNeeded: buffer)) }
            buffer = 0
            count = 0
        }
    }

    /// Bit-reversed fixed literal/length codes and their lengths, ready for `BitWriter`.
    static let fixedLiteralCodes: [(code: Int, bits: Int)] = {
        var codes = [(code: Int, bits: Int)]()
        for symbol in 0..<288 {
            let (code, bits) =
                switch symbol {
                case 0..<144: (0x30 + symbol, 8)
                case 144..<256: (0x190 + symbol - 144, 9)
                case 256..<280: (symbol - 256, 7)
                default: (0xC0 + symbol - 280, 8)
                }
            codes.append((Deflate.reversed(code, bits: bits), bits))
        }
        return codes
    }()

    /// Length-alphabet index (0…28) for each match length 3…258.
    static let lengthIndex: [Int] = {
        var table = [Int](repeating: 0, count: 259)
        for index in 0..<29 {
            let base = Deflate.lengthBase[index]
            for length in base..<min(259, base + (1 << Deflate.lengthExtra[index])) { table[length] = index }
        }
        table[258] = 28  // 258 has its own code, although code 27's range also reaches it
        return table
    }()

    /// Distance-alphabet index (0…29) of a distance 1…32768.
    @inline(__always)
    static func distanceIndex(_ distance: Int) -> Int {
        let v = distance - 1
        if v < 4 { return v }
        let highBit = Int.bitWidth - 1 - v.leadingZeroBitCount
        return 2 * highBit + ((v >> (highBit - 1)) & 1)
    }

    static func fixedHuffman(_ data: [UInt8]) -> [UInt8] {
        let windowSize = 1 << 15
        let windowMask = windowSize - 1
        let hashSize = 1 << 15
        let maxChain = 32
        var writer = BitWriter()
        writer.bytes.reserveCapacity(data.count / 2 + 64)
        writer.write(1, bits: 1)  // final block
        writer.write(1, bits: 2)  // fixed Huffman
        var head = [Int32](repeating: -1, count: hashSize)
        var previous = [Int32](repeating: -1, count: windowSize)
        let n = data.count

        @inline(__always)
        func hash(_ i: Int) -> Int {
            (Int(data[i]) << 10 ^ Int(data[i + 1]) << 5 ^ Int(data[i + 2])) & (hashSize - 1)
        }
        @inline(__always)
        func insert(_ i: Int) {
            let h = hash(i)
            previous[i & windowMask] = head[h]
            head[h] = Int32(i)
        }

        var i = 0
        while i < n {
            var bestLength = 0
            var bestDistance = 0
            if n - i >= 3 {
                let maxLength = min(258, n - i)
                var candidate = Int(head[hash(i)])
                var chain = 0
                while candidate >= 0 && i - candidate <= windowSize && chain < maxChain {
                    // Quick reject: a longer match must agree at position bestLength.
                    if data[candidate + bestLength] == data[i + bestLength] || bestLength == 0 {
                        var length = 0
                        while length < maxLength && data[candidate + length] == data[i + length] { length += 1 }
                        if length > bestLength {
                            bestLength = length
                            bestDistance = i - candidate
                            if length == maxLength { break }
                        }
                    }
                    candidate = Int(previous[candidate & windowMask])
                    chain += 1
                }
                insert(i)
            }
            if bestLength >= 3 {
                let index = lengthIndex[bestLength]
                let code = fixedLiteralCodes[257 + index]
                writer.write(code.code, bits: code.bits)
                writer.write(bestLength - Deflate.lengthBase[index], bits: Deflate.lengthExtra[index])
                let dIndex = distanceIndex(bestDistance)
                writer.write(Deflate.reversed(dIndex, bits: 5), bits: 5)
                writer.write(bestDistance - Deflate.distanceBase[dIndex], bits: Deflate.distanceExtra[dIndex])
                for k in (i + 1)..<(i + bestLength) where n - k >= 3 { insert(k) }
                i += bestLength
            } else {
                let code = fixedLiteralCodes[Int(data[i])]
                writer.write(code.code, bits: code.bits)
                i += 1
            }
        }
        let end = fixedLiteralCodes[256]
        writer.write(end.code, bits: end.bits)
        writer.flush()
        return writer.bytes
    }

    /// Stored (uncompressed) blocks of at most 65535 bytes.
    static func stored(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(data.count + 5 * (data.count / 65_535 + 1))
        var start = 0
        repeat {
            let end = min(start + 65_535, data.count)
            let length = end - start
            out.append(end == data.count ? 1 : 0)  // BFINAL, BTYPE 00, padding to the byte boundary
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out.append(contentsOf: data[start..<end])
            start = end
        } while start < data.count
        return out
    }
}

// MARK: - Byte helpers

extension Collection where Element == UInt8, Index == Int {
    /// Four bytes at `index`, most significant first; the caller has checked they exist.
    @inline(__always)
    func bigEndianUInt32(at index: Int) -> UInt32 {
        UInt32(self[index]) << 24 | UInt32(self[index + 1]) << 16 | UInt32(self[index + 2]) << 8
            | UInt32(self[index + 3])
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends a chunk: length, type, data, CRC-32 of type and data.
    mutating func appendChunk(_ type: String, _ data: some Collection<UInt8>) {
        appendBigEndian(UInt32(truncatingIfNeeded: data.count))
        let typeStart = count
        append(contentsOf: type.utf8)
        append(contentsOf: data)
        appendBigEndian(CRC32.checksum(self[typeStart...]))
    }
}
