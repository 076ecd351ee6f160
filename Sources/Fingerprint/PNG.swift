// PNG reading and writing for `GreyImage`: the container in Swift, CRC-32 and deflate by zlib.
//
// Decoding: signature → chunks (CRC-32 checked) → IHDR / PLTE / pHYs / IDAT… / IEND →
// zlib stream (header, inflate, Adler-32) → scanline un-filtering → conversion to 8-bit grey.
// Encoding: 8-bit greyscale, per-row adaptive filter, zlib at its default level, a pHYs chunk
// carrying `dpi`.
//
// Everything read from the input is bounds-checked; malformed data throws `PNGError`.

import CZlib

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
            guard pngCRC(bytes[typeStart..<dataEnd]) == bytes.bigEndianUInt32(at: dataEnd) else {
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

// MARK: - zlib

/// CRC-32 of a chunk's type and data (ISO 3309, as PNG and zlib both define it).
func pngCRC(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    bytes.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: crc32(0, $0.baseAddress, UInt32($0.count))) }
}

/// zlib streams (RFC 1950) through the system's zlib.
enum Zlib {
    /// Inflates a zlib stream that must produce exactly `expectedCount` bytes. The output buffer
    /// never grows past `expectedCount + 1` bytes: a stream that gives more is refused as soon as
    /// it overflows the image, so a hostile stream cannot use more memory than the image.
    static func decompress(_ input: [UInt8], expectedCount: Int) throws(PNGError) -> [UInt8] {
        // The header checked here, so that its faults keep their own errors.
        guard input.count >= 2 else { throw .truncated }
        let cmf = Int(input[0]), flg = Int(input[1])
        guard cmf & 0x0F == 8 else { throw .unsupported("zlib compression method \(cmf & 0x0F)") }
        guard cmf >> 4 <= 7 else { throw .corruptData("zlib window size") }
        guard (cmf << 8 | flg) % 31 == 0 else { throw .corruptData("zlib header check") }
        guard flg & 0x20 == 0 else { throw .unsupported("zlib preset dictionary") }

        var stream = z_stream()
        guard inflateInit2_(&stream, 15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corruptData("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let limit = expectedCount + 1
        // Deflate cannot expand more than about 1032:1, so start no larger than the input could give.
        var output = [UInt8](repeating: 0, count: min(limit, input.count &* 1032 &+ 1024))
        var produced = 0
        let failure: PNGError? = input.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            // Input beyond 4 GiB is not read: such a stream ends as truncated.
            stream.avail_in = UInt32(clamping: input.count)
            while true {
                if produced == output.count {
                    output.append(contentsOf: repeatElement(0, count: min(limit, 2 * output.count) - output.count))
                }
                let status = output.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = UInt32(out.count - produced)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    produced = out.count - Int(stream.avail_out)
                    return status
                }
                if produced > expectedCount { return .corruptData("more image data than the header allows") }
                switch status {
                case Z_STREAM_END: return nil
                case Z_OK: continue
                // No progress with room left: the input ended inside the stream.
                case Z_BUF_ERROR: return .truncated
                case Z_DATA_ERROR:
                    let message = stream.msg.map { String(cString: $0) } ?? "invalid deflate data"
                    return message == "incorrect data check" ? .badAdler32 : .corruptData("zlib: \(message)")
                default: return .corruptData("zlib status \(status)")
                }
            }
        }
        if let failure { throw failure }
        guard produced == expectedCount else {
            throw .corruptData("image data is \(produced) bytes, expected \(expectedCount)")
        }
        output.removeLast(output.count - produced)
        return output
    }

    /// A zlib stream of `data` at zlib's default level (6), as libpng writes by default.
    static func compress(_ data: [UInt8]) -> [UInt8] {
        var size = compressBound(UInt(data.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = out.withUnsafeMutableBufferPointer { out in
            data.withUnsafeBufferPointer { data in
                compress2(out.baseAddress, &size, data.baseAddress, UInt(data.count), Z_DEFAULT_COMPRESSION)
            }
        }
        precondition(status == Z_OK, "zlib compress2 failed: \(status)")
        out.removeLast(out.count - Int(size))
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
        appendBigEndian(pngCRC(self[typeStart...]))
    }
}
