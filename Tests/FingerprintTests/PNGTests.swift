import Fingerprint
import FingerprintReplay
import Foundation
import Testing

/// PNG decoding of the libfprint reference captures, other colour types, the encoder, and
/// malformed input. Reference numbers for the captures come from Pillow (`Image.convert("L")`):
/// the files are RGB with R = G = B, so the grey value is simply R.
@Suite("PNG decoding and encoding")
struct PNGTests {
    static func capture(_ name: String) throws -> [UInt8] {
        let url = Recording.fixtures.appendingPathComponent("usb/\(name)/capture.png")
        try #require(
            FileManager.default.fileExists(atPath: url.path),
            "fixture \(url.path) missing; set KIOSK_FIXTURES to the shared fixtures folder")
        return Array(try Data(contentsOf: url))
    }

    /// What Pillow reports for a capture.
    struct Reference: Sendable, CustomTestStringConvertible {
        let name: String
        let width: Int
        let height: Int
        /// Sum of all grey levels.
        let sum: Int
        /// 64-bit FNV-1a of the grey levels, row by row.
        let fnv1a: UInt64
        let firstPixels: [UInt8]
        let lastPixels: [UInt8]
        var testDescription: String { name }
    }

    static let references = [
        Reference(
            name: "nb1010", width: 256, height: 180, sum: 8_002_823, fnv1a: 0x9A4F_6749_890D_3552,
            firstPixels: [0xE5, 0xE5, 0xE5, 0xE5, 0xE5, 0xE4, 0xE4, 0xE4],
            lastPixels: [0xE8, 0xE8, 0xE8, 0xE8, 0xE6, 0xE6, 0xE5, 0xE6]),
        Reference(
            name: "upektc_img", width: 144, height: 384, sum: 12_166_131, fnv1a: 0x58D8_D423_DF57_98BA,
            firstPixels: [UInt8](repeating: 0xE8, count: 8), lastPixels: [UInt8](repeating: 0xE8, count: 8)),
        Reference(
            name: "aes3500", width: 256, height: 256, sum: 7_447_783, fnv1a: 0x481B_D4F0_8330_001E,
            firstPixels: [0xF6, 0xDC, 0xB0, 0x93, 0x86, 0x8D, 0xA6, 0xC0],
            lastPixels: [0xF3, 0xF3, 0xF3, 0xF3, 0xF3, 0xF0, 0xE9, 0xEC]),
        Reference(
            name: "elan", width: 216, height: 235, sum: 8_597_703, fnv1a: 0xADA7_CB00_A2C6_B4D6,
            firstPixels: [UInt8](repeating: 0xFF, count: 8), lastPixels: [UInt8](repeating: 0xFF, count: 8)),
    ]

    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }

    // MARK: Reference captures

    @Test("decodes the libfprint capture like Pillow", arguments: PNGTests.references)
    func decodesCapture(_ reference: Reference) throws {
        let image = try GreyImage(png: Self.capture(reference.name))
        #expect(image.width == reference.width)
        #expect(image.height == reference.height)
        #expect(image.sum == reference.sum)
        #expect(Self.fnv1a(image.pixels) == reference.fnv1a)
        #expect(Array(image.pixels.prefix(8)) == reference.firstPixels)
        #expect(Array(image.pixels.suffix(8)) == reference.lastPixels)
        #expect(image.dpi == 500, "no pHYs in the captures: the default")
    }

    @Test func nb1010FirstRowAndSubscript() throws {
        let image = try GreyImage(png: Self.capture("nb1010"), dpi: 385)
        #expect(Array(image.row(0).prefix(8)) == [0xE5, 0xE5, 0xE5, 0xE5, 0xE5, 0xE4, 0xE4, 0xE4])
        #expect(image[10, 20] == 232)
        #expect(image.dpi == 385, "no pHYs: the caller's dpi")
    }

    @Test("capture survives encode → decode", arguments: PNGTests.references)
    func captureRoundTrip(_ reference: Reference) throws {
        let image = try GreyImage(png: Self.capture(reference.name))
        let encoded = image.png()
        #expect(try GreyImage(png: encoded) == image)
    }

    // MARK: Encoder

    @Test func roundTripSyntheticImages() throws {
        var random = SplitMix64(seed: 42)
        for trial in 0..<30 {
            let width = Int.random(in: 1...200, using: &random)
            let height = Int.random(in: 1...40, using: &random)
            var pixels = [UInt8](repeating: 0, count: width * height)
            for i in pixels.indices {
                switch trial % 3 {
                case 0: pixels[i] = UInt8.random(in: 0...255, using: &random)  // noise: stored blocks win
                case 1: pixels[i] = UInt8(truncatingIfNeeded: (i % width) * 3 + i / width)  // gradient: long matches
                default: pixels[i] = UInt8.random(in: 0...3, using: &random) * 60
                }
            }
            let image = GreyImage(
                width: width, height: height, pixels: pixels, dpi: Int.random(in: 1...2400, using: &random))
            #expect(try GreyImage(png: image.png()) == image, "trial \(trial): \(width)x\(height)")
        }
    }

    @Test func roundTripOfMoreThanOneStoredBlock() throws {
        var random = SplitMix64(seed: 7)
        let pixels = (0..<(300 * 300)).map { _ in UInt8.random(in: 0...255, using: &random) }
        let image = GreyImage(width: 300, height: 300, pixels: pixels, dpi: 500)
        #expect(try GreyImage(png: image.png()) == image)
    }

    @Test func dpiTravelsInPHYs() throws {
        let image = GreyImage(width: 3, height: 2, pixels: [0, 50, 100, 150, 200, 250], dpi: 569)
        #expect(try GreyImage(png: image.png(), dpi: 100).dpi == 569, "pHYs wins over the argument")
        var noDpi = image
        noDpi.dpi = 0
        #expect(try GreyImage(png: noDpi.png(), dpi: 77).dpi == 77, "dpi 0 writes no pHYs")
        #expect(try GreyImage(png: noDpi.png()).dpi == 500)
    }

    @Test func encoderWritesGreyscaleWithCompression() throws {
        let flat = GreyImage(width: 256, height: 256, filledWith: 200)
        let bytes = flat.png()
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(bytes[24] == 8 && bytes[25] == 0, "8-bit greyscale")
        #expect(bytes.count < 1_000, "a flat 64 KiB image compresses")
    }

    @Test func pgmHeader() {
        let image = GreyImage(width: 3, height: 2, pixels: [1, 2, 3, 4, 5, 6], dpi: 500)
        #expect(image.pgm() == Array("P5\n3 2\n255\n".utf8) + [1, 2, 3, 4, 5, 6])
        #expect(image.mean == 3.5)
    }

    // MARK: Other colour types and bit depths

    /// 5×3 images written by a small Python script (random filters, zlib levels 0–9, IDAT split
    /// into 40-byte chunks) with the grey levels expected under `init(png:)`'s rules, checked
    /// against Pillow: 16-bit keeps the high byte, 1/2/4-bit grey is scaled to 0…255, colour is
    /// BT.601 luma unless R = G = B, alpha ignored.
    static let samples: [(name: String, hex: String, grey: [UInt8])] = [
        (
            "grey 1-bit, stored block",
            "89504e470d0a1a0a0000000d4948445200000005000000030100000000734df855000000114944415478010106"
                + "00f9ff00a004a00340055c01888e7c71f40000000049454e44ae426082",
            [255, 0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 0, 0]
        ),
        (
            "grey 4-bit",
            "89504e470d0a1a0a0000000d4948445200000005000000030400000000bbad772500000014494441547"
                + "89c63cc3e7e8f21ffd603969a353b01245f0620d79621a10000000049454e44ae426082",
            [102, 187, 51, 34, 17, 102, 255, 221, 170, 238, 238, 187, 153, 119, 85]
        ),
        (
            "grey 16-bit, two IDATs",
            "89504e470d0a1a0a0000000d49484452000000050000000310000000002ecd466700000028494441547"
                + "89c012100deff00ae24b34afe4ce993233403d8d9199b2e7d349ffdd3026f995af69ff9a43f929ae09c"
                + "8a550000000449444154076e10a4aec44c340000000049454e44ae426082",
            [174, 179, 254, 233, 35, 47, 138, 242, 33, 31, 158, 228, 145, 197, 177]
        ),
        (
            "RGB 8-bit",
            "89504e470d0a1a0a0000000d4948445200000005000000030802000000d45452af0000002849444154789"
                + "c630e0b0bfbec9261ecdeb47cff918f693b19fa80e0caf64365be5a51be65e56ccc1b376e3c2bcff2b3bb"
                + "000000104944415453acdb18716042616e53280024f41664a44677c20000000049454e44ae426082",
            [86, 91, 117, 214, 183, 142, 188, 136, 74, 106, 248, 53, 194, 62, 202]
        ),
        (
            "RGBA 16-bit",
            "89504e470d0a1a0a0000000d49484452000000050000000310060000000ba619bb0000002849444154789"
                + "c635a7112047d93ab269e552b117fe79416fdc7771b8fd775be6b7cbefdfc9fee7d3cd9b22959316d856c"
                + "0000002849444154757306e3065710f4bfcc9553f9fdc0ec2fb65573bc5f369c3bfec420d3e258c5d7bf6"
                + "1933342f87bdf5399a300000028494441546fe9863031dc01c11f153cb6b6175b1ecce65197ca62db3531"
                + "f2e4892d72075a1b520f5f4bd16e88cd64d6d40000000949444154b9716b3b0007cf3df78c147f2f00000"
                + "00049454e44ae426082",
            [168, 170, 199, 29, 161, 176, 92, 111, 143, 102, 176, 147, 177, 159, 96]
        ),
        (
            "grey + alpha 8-bit",
            "89504e470d0a1a0a0000000d4948445200000005000000030804000000f13f0d730000002849444154789"
                + "c63ccf20c7bdd536d7ac3208f2980d3e8faa75dbb8c3cc218dff1b277334d5b11de630600e137d427111b"
                + "00000002494441540d298be75b9b0000000049454e44ae426082",
            [106, 192, 76, 129, 177, 186, 242, 62, 59, 249, 238, 245, 247, 159, 43]
        ),
        (
            "palette 2-bit",
            "89504e470d0a1a0a0000000d494844520000000500000003020300000026582d6b0000000c504c54453e4"
                + "fbb498146ef7030cbf9537521ad120000001149444154789c63886f605e1dccb4f100000d5e0354e9ed1a"
                + "ee0000000049454e44ae426082",
            [106, 106, 216, 216, 143, 216, 106, 143, 143, 86, 143, 86, 143, 216, 216]
        ),
    ]

    @Test func decodesOtherColourTypesAndDepths() throws {
        for sample in Self.samples {
            let image = try GreyImage(png: Self.bytes(hex: sample.hex))
            #expect(image.width == 5 && image.height == 3, "\(sample.name)")
            #expect(image.pixels == sample.grey, "\(sample.name)")
        }
    }

    // MARK: Malformed input

    /// Byte offset of the first IDAT's data in the captures: signature 8 + IHDR 25 + bKGD 18 + 8.
    static let firstIDATData = 59

    @Test func flippedIDATByteIsABadCRC() throws {
        var bytes = try Self.capture("nb1010")
        bytes[Self.firstIDATData + 100] ^= 0x01
        #expect(throws: PNGError.badCRC(chunk: "IDAT")) { try GreyImage(png: bytes) }
    }

    @Test func flippedIHDRByteIsABadCRC() throws {
        var bytes = try Self.capture("nb1010")
        bytes[17] ^= 0x40
        #expect(throws: PNGError.badCRC(chunk: "IHDR")) { try GreyImage(png: bytes) }
    }

    @Test func truncatedFiles() throws {
        let bytes = try Self.capture("nb1010")
        for length in [5, 8, 20, 40, Self.firstIDATData + 50, bytes.count / 2, bytes.count - 12, bytes.count - 1] {
            #expect(throws: PNGError.truncated, "\(length) bytes") { try GreyImage(png: Array(bytes.prefix(length))) }
        }
    }

    @Test func notAPNG() {
        #expect(throws: PNGError.notPNG) { try GreyImage(png: []) }
        #expect(throws: PNGError.notPNG) { try GreyImage(png: Array("GIF89a, not a PNG at all".utf8)) }
        #expect(throws: PNGError.notPNG) { try GreyImage(png: Array("P5\n3 2\n255\n\u{1}\u{2}\u{3}".utf8)) }
    }

    @Test func badAdler32() throws {
        var bytes = GreyImage(width: 4, height: 4, filledWith: 9).png()
        // The Adler-32 ends the last IDAT's data, just before its CRC and the 12-byte IEND.
        bytes[bytes.count - 17] ^= 0xFF
        Self.fixCRCs(&bytes)
        #expect(throws: PNGError.badAdler32) { try GreyImage(png: bytes) }
    }

    @Test func headerFieldsAreChecked() throws {
        let original = GreyImage(width: 4, height: 4, filledWith: 9).png()
        func patched(_ offset: Int, _ values: [UInt8]) -> [UInt8] {
            var bytes = original
            bytes.replaceSubrange(offset..<(offset + values.count), with: values)
            Self.fixCRCs(&bytes)
            return bytes
        }
        // IHDR data starts at 16: width 16…19, height 20…23, depth 24, colour 25, …, interlace 28.
        #expect(throws: PNGError.imageTooLarge(width: 4097, height: 4)) {
            try GreyImage(png: patched(16, [0, 0, 0x10, 0x01]))
        }
        #expect(throws: PNGError.corruptData("image size 0x4")) { try GreyImage(png: patched(16, [0, 0, 0, 0])) }
        #expect(throws: PNGError.unsupported("Adam7 interlacing")) { try GreyImage(png: patched(28, [1])) }
        #expect(throws: PNGError.corruptData("bit depth 3 with colour type 0")) {
            try GreyImage(png: patched(24, [3]))
        }
        #expect(throws: PNGError.missingChunk("PLTE")) { try GreyImage(png: patched(25, [3])) }
        // Fewer rows in the header than in the data: refused as soon as the data overflows.
        #expect(throws: PNGError.corruptData("more image data than the header allows")) {
            try GreyImage(png: patched(20, [0, 0, 0, 3]))
        }
        // More rows in the header than in the data.
        #expect(throws: PNGError.corruptData("image data is 20 bytes, expected 25")) {
            try GreyImage(png: patched(20, [0, 0, 0, 5]))
        }
    }

    @Test func unknownCriticalChunkIsUnsupportedAndAncillaryIsSkipped() throws {
        let image = GreyImage(width: 2, height: 2, pixels: [1, 2, 3, 4], dpi: 500)
        let bytes = image.png()
        // Insert a chunk right after IHDR (offset 33).
        func inserting(_ type: String) -> [UInt8] {
            var chunk: [UInt8] = [0, 0, 0, 3] + Array(type.utf8) + [7, 7, 7, 0, 0, 0, 0]
            Self.fixCRCs(&chunk, from: 0)
            return Array(bytes[..<33]) + chunk + Array(bytes[33...])
        }
        #expect(throws: PNGError.unsupported("critical chunk ZZZZ")) { try GreyImage(png: inserting("ZZZZ")) }
        #expect(try GreyImage(png: inserting("zzZZ")) == image)
    }

    /// 1 MiB of pixels under a header that says 4×4: refused once the stream passes the image's
    /// 20 bytes, without inflating the rest.
    @Test func aStreamInflatingFarBeyondTheImageIsRefused() throws {
        var bytes = GreyImage(width: 1024, height: 1024, filledWith: 0).png()
        #expect(bytes.count < 16_384, "a bomb: a few KiB that inflate to 1 MiB")
        bytes.replaceSubrange(16..<24, with: [0, 0, 0, 4, 0, 0, 0, 4])
        Self.fixCRCs(&bytes)
        #expect(throws: PNGError.corruptData("more image data than the header allows")) { try GreyImage(png: bytes) }
    }

    /// Whole, valid chunks around a zlib stream that stops early: truncated, at any length.
    @Test func aZlibStreamCutInsideItsChunkIsTruncated() throws {
        let image = GreyImage(
            width: 64, height: 64, pixels: (0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7) }, dpi: 500)
        let bytes = image.png()
        // signature 8, IHDR 25, pHYs 21, then one IDAT (length, type, data, CRC) and the 12-byte IEND.
        let idat = 54
        let length = bytes[idat..<(idat + 4)].reduce(0) { $0 << 8 | Int($1) }
        try #require(
            Array(bytes[(idat + 4)..<(idat + 8)]) == Array("IDAT".utf8) && idat + 12 + length + 12 == bytes.count)
        for kept in [0, 1, 2, 3, length / 2, length - 4, length - 1] {
            var cut = Array(bytes[..<idat])
            cut += [UInt8(kept >> 24), UInt8((kept >> 16) & 0xFF), UInt8((kept >> 8) & 0xFF), UInt8(kept & 0xFF)]
            cut += Array("IDAT".utf8) + bytes[(idat + 8)..<(idat + 8 + kept)] + [0, 0, 0, 0]
            cut += bytes.suffix(12)
            Self.fixCRCs(&cut)
            let expected: PNGError = kept == 0 ? .missingChunk("IDAT") : .truncated
            #expect(throws: expected, "\(kept) of \(length) bytes") { try GreyImage(png: cut) }
        }
    }

    /// A few hundred random mutations of real files: each must decode or throw, never trap.
    @Test func randomMutationsOnlyThrowOrSucceed() throws {
        let seeds = [
            try Self.capture("nb1010"),
            try Self.capture("upektc_img"),
            GreyImage(width: 17, height: 5, filledWith: 100).png(),
            try Self.bytes(hex: Self.samples[6].hex),
            try Self.bytes(hex: Self.samples[4].hex),
        ]
        var random = SplitMix64(seed: 2024)
        var decoded = 0
        var failed = 0
        for round in 0..<400 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] ^=
                        1 << UInt8.random(in: 0..<8, using: &random)
                case 1:
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                case 2: bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random))
                default:
                    bytes.insert(
                        UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
                }
                if bytes.isEmpty { bytes = [0] }
            }
            // Half the time repair the CRCs, so the damage reaches zlib, inflate and the filters.
            if round % 2 == 0 { Self.fixCRCs(&bytes) }
            do {
                _ = try GreyImage(png: bytes)
                decoded += 1
            } catch {
                failed += 1
            }
        }
        #expect(decoded + failed == 400)
        #expect(failed > 300, "almost every mutation is detected")
    }

    // MARK: Helpers

    static func bytes(hex: String) throws -> [UInt8] {
        let digits = Array(hex.utf8)
        try #require(digits.count % 2 == 0)
        return try stride(from: 0, to: digits.count, by: 2).map { i in
            try #require(UInt8(String(decoding: digits[i..<(i + 2)], as: UTF8.self), radix: 16))
        }
    }

    /// CRC-32 as PNG uses it, written out again here so the tests do not trust the decoder's own.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// Rewrites the CRC of every complete chunk from `start` (after the signature by default).
    static func fixCRCs(_ bytes: inout [UInt8], from start: Int = 8) {
        var position = start
        while bytes.count - position >= 12 {
            let length = bytes[position..<(position + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard bytes.count - position - 12 >= length else { return }
            let crc = crc32(bytes[(position + 4)..<(position + 8 + length)])
            let at = position + 8 + length
            bytes[at] = UInt8(crc >> 24)
            bytes[at + 1] = UInt8((crc >> 16) & 0xFF)
            bytes[at + 2] = UInt8((crc >> 8) & 0xFF)
            bytes[at + 3] = UInt8(crc & 0xFF)
            position = at + 4
        }
    }
}

/// A small deterministic random number generator (SplitMix64), so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
