/// A minutia: where a ridge ends or splits, its direction and how sure the extractor is.
public struct Minutia: Sendable, Hashable {
    public enum Kind: UInt8, Sendable, Hashable {
        case other = 0
        case ending = 1
        case bifurcation = 2
    }

    public var kind: Kind
    /// Pixels from the image's left edge and top edge.
    public var x: Int
    public var y: Int
    /// Direction in units of 360/256 degrees, counter-clockwise from the positive x axis (as
    /// ISO/IEC 19794-2 records it): 0–255.
    public var angle: UInt8
    /// 0 (unknown) to 100.
    public var quality: UInt8

    public init(kind: Kind, x: Int, y: Int, angle: UInt8, quality: UInt8) {
        self.kind = kind
        self.x = x
        self.y = y
        self.angle = angle
        self.quality = quality
    }

    /// The direction in radians.
    public var radians: Double { Double(angle) * 2 * .pi / 256 }
}

/// One finger's minutiae as an ISO/IEC 19794-2:2005 record sees it.
public struct FingerView: Sendable, Hashable {
    /// ISO finger position: 0 unknown, 1 right thumb … 5 right little, 6 left thumb … 10 left little.
    public var fingerPosition: UInt8
    /// 0–15, for several views of one finger.
    public var viewNumber: UInt8
    /// 0 live-scan plain, 1 live-scan rolled, 2 non-live plain, 3 non-live rolled, 8 swipe.
    public var impressionType: UInt8
    /// 0–100.
    public var quality: UInt8
    public var minutiae: [Minutia]

    public init(
        fingerPosition: UInt8 = 0, viewNumber: UInt8 = 0, impressionType: UInt8 = 0, quality: UInt8,
        minutiae: [Minutia]
    ) {
        self.fingerPosition = fingerPosition
        self.viewNumber = viewNumber
        self.impressionType = impressionType
        self.quality = quality
        self.minutiae = minutiae
    }
}

/// An ISO/IEC 19794-2:2005 finger minutiae record ("FMR\0", version " 20\0"), the standard
/// form the LMIS hands the civil registry. Written and read by `bytes` and `init(bytes:)`.
///
/// Layout (big-endian): a 24-byte header (format, version, 4-byte record length, capture
/// equipment certification and device type, image width and height, horizontal and vertical
/// resolution in pixels per centimetre, number of finger views, a reserved byte); per view a
/// 4-byte header (finger position; view number and impression type; finger quality; number of
/// minutiae), 6 bytes per minutia (2-bit type and 14-bit x; 2 reserved bits and 14-bit y;
/// angle; quality) and a 2-byte extended data length. Extended data is kept as bytes.
public struct MinutiaeRecord: Sendable, Hashable {
    /// 4 bits: whether the capture device is certified (to appendix F of the standard).
    public var equipmentCertification: UInt8
    /// 12 bits, vendor-assigned; 0 when unreported.
    public var captureDeviceType: UInt16
    public var width: Int
    public var height: Int
    /// Pixels per centimetre (197 for 500 dpi).
    public var horizontalResolution: Int
    public var verticalResolution: Int
    public var views: [FingerView]
    /// Each view's extended data (ridge counts, cores and deltas, ...), as bytes; empty when none.
    public var extendedData: [[UInt8]]

    public init(
        width: Int, height: Int, dotsPerInch: Int, views: [FingerView], equipmentCertification: UInt8 = 0,
        captureDeviceType: UInt16 = 0
    ) {
        self.width = width
        self.height = height
        let perCentimetre = Int((Double(dotsPerInch) / 2.54).rounded())
        self.horizontalResolution = perCentimetre
        self.verticalResolution = perCentimetre
        self.views = views
        self.extendedData = Array(repeating: [], count: views.count)
        self.equipmentCertification = equipmentCertification
        self.captureDeviceType = captureDeviceType
    }

    public enum RecordError: Error, Hashable, Sendable, CustomStringConvertible {
        case notAMinutiaeRecord
        case unsupportedVersion(String)
        case lengthMismatch(declared: Int, actual: Int)
        case truncated(at: Int)
        case invalid(String)

        public var description: String {
            switch self {
            case .notAMinutiaeRecord: "not an ISO/IEC 19794-2 record (no FMR format identifier)"
            case .unsupportedVersion(let version): "version \(version) is not 2005 (\" 20\")"
            case .lengthMismatch(let declared, let actual): "record says \(declared) bytes, has \(actual)"
            case .truncated(let offset): "record ends early at byte \(offset)"
            case .invalid(let problem): problem
            }
        }
    }

    static let header = 24
    static let viewHeader = 4
    static let minutiaSize = 6

    /// Problems that would make the record unwritable or non-standard; empty when it is fine.
    public var problems: [String] {
        var problems: [String] = []
        if !(1...0xFFFF).contains(width) || !(1...0xFFFF).contains(height) {
            problems.append("image size out of range")
        }
        if !(1...0xFFFF).contains(horizontalResolution) || !(1...0xFFFF).contains(verticalResolution) {
            problems.append("resolution out of range")
        } else if horizontalResolution < 99 || verticalResolution < 99 {
            problems.append("resolution below 99 pixels per centimetre (250 dpi)")
        }
        if equipmentCertification > 0xF { problems.append("equipment certification is 4 bits") }
        if captureDeviceType > 0xFFF { problems.append("capture device type is 12 bits") }
        if views.count > 255 { problems.append("at most 255 finger views") }
        if extendedData.count != views.count { problems.append("one extended data block per view") }
        for (index, view) in views.enumerated() {
            if view.fingerPosition > 10 { problems.append("view \(index): finger position 0–10") }
            if view.viewNumber > 15 || view.impressionType > 15 { problems.append("view \(index): 4-bit fields") }
            if view.quality > 100 { problems.append("view \(index): quality 0–100") }
            if view.minutiae.count > 255 { problems.append("view \(index): at most 255 minutiae") }
            for minutia in view.minutiae {
                if !(0..<width).contains(minutia.x) || !(0..<height).contains(minutia.y) || minutia.x > 0x3FFF
                    || minutia.y > 0x3FFF
                {
                    problems.append("view \(index): minutia at (\(minutia.x), \(minutia.y)) is outside the image")
                    break
                }
                if minutia.quality > 100 {
                    problems.append("view \(index): minutia quality 0–100")
                    break
                }
            }
        }
        if let block = extendedData.first(where: { $0.count > 0xFFFF }) {
            problems.append("extended data of \(block.count) bytes is more than 65 535")
        }
        return problems
    }

    /// The record's bytes; nil when `problems` is not empty.
    public var bytes: [UInt8]? {
        guard problems.isEmpty else { return nil }
        var out: [UInt8] = Array("FMR\0 20\0".utf8)
        let length =
            Self.header
            + zip(views, extendedData).reduce(0) {
                $0 + Self.viewHeader + $1.0.minutiae.count * Self.minutiaSize + 2 + $1.1.count
            }
        func u16(_ value: Int) { out += [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
        out += [
            UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF),
        ]
        u16(Int(equipmentCertification) << 12 | Int(captureDeviceType))
        u16(width)
        u16(height)
        u16(horizontalResolution)
        u16(verticalResolution)
        out += [UInt8(views.count), 0]
        for (view, extended) in zip(views, extendedData) {
            out += [
                view.fingerPosition, view.viewNumber << 4 | view.impressionType, view.quality,
                UInt8(view.minutiae.count),
            ]
            for minutia in view.minutiae {
                u16(Int(minutia.kind.rawValue) << 14 | minutia.x)
                u16(minutia.y)
                out += [minutia.angle, minutia.quality]
            }
            u16(extended.count)
            out += extended
        }
        return out
    }

    /// Reads a record, checking every length and field it can.
    public init(bytes: [UInt8]) throws(RecordError) {
        var offset = 0
        func take(_ count: Int) throws(RecordError) -> ArraySlice<UInt8> {
            guard offset + count <= bytes.count else { throw .truncated(at: bytes.count) }
            defer { offset += count }
            return bytes[offset..<offset + count]
        }
        func u8() throws(RecordError) -> UInt8 { try take(1).first! }
        func u16() throws(RecordError) -> Int {
            let pair = try take(2)
            return Int(pair[pair.startIndex]) << 8 | Int(pair[pair.startIndex + 1])
        }
        guard bytes.count >= 4, Array(bytes[0..<4]) == Array("FMR\0".utf8) else { throw .notAMinutiaeRecord }
        offset = 4
        let version = try take(4)
        guard Array(version) == Array(" 20\0".utf8) else {
            throw .unsupportedVersion(String(decoding: version.prefix { $0 != 0 }, as: UTF8.self))
        }
        let length = try take(4).reduce(0) { $0 << 8 | Int($1) }
        guard length == bytes.count else { throw .lengthMismatch(declared: length, actual: bytes.count) }
        let equipment = try u16()
        equipmentCertification = UInt8(equipment >> 12)
        captureDeviceType = UInt16(equipment & 0xFFF)
        width = try u16()
        height = try u16()
        horizontalResolution = try u16()
        verticalResolution = try u16()
        let viewCount = Int(try u8())
        _ = try u8()  // reserved
        var views: [FingerView] = []
        var extended: [[UInt8]] = []
        for index in 0..<viewCount {
            let position = try u8()
            let numbers = try u8()
            let quality = try u8()
            let count = Int(try u8())
            var minutiae: [Minutia] = []
            for _ in 0..<count {
                let first = try u16()
                let second = try u16()
                let angle = try u8()
                let minutiaQuality = try u8()
                guard let kind = Minutia.Kind(rawValue: UInt8(first >> 14)) else {
                    throw .invalid("view \(index): minutia type 3 is reserved")
                }
                minutiae.append(
                    Minutia(kind: kind, x: first & 0x3FFF, y: second & 0x3FFF, angle: angle, quality: minutiaQuality))
            }
            let extendedLength = try u16()
            extended.append(Array(try take(extendedLength)))
            views.append(
                FingerView(
                    fingerPosition: position, viewNumber: numbers >> 4, impressionType: numbers & 0xF, quality: quality,
                    minutiae: minutiae))
        }
        guard offset == bytes.count else { throw .invalid("\(bytes.count - offset) bytes after the last view") }
        self.views = views
        self.extendedData = extended
        if let problem = problems.first { throw .invalid(problem) }
    }
}
