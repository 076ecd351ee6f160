/// One capture of one finger reduced to what matching needs: its minutiae, normalised to 500 dpi.
/// Never holds the image. Stored (encrypted) by the kiosk, compared by `FingerprintMatcher`.
///
/// `bytes` is the template's own compact form ("LFT" + version 1): width and height at 500 dpi,
/// quality, the number of minutiae, then 6 bytes each (kind and 14-bit x, 14-bit y, angle,
/// quality), all big-endian. `minutiaeRecord` gives the ISO/IEC 19794-2:2005 record instead.
public struct FingerprintTemplate: Sendable, Hashable {
    /// The template's resolution: every template is normalised to it whatever the sensor's.
    public static let dotsPerInch = 500
    /// The most minutiae a template keeps (a record's count is one byte).
    public static let maximumMinutiae = 255

    /// The normalised image's size in pixels (500 dpi).
    public var width: Int
    public var height: Int
    /// 0–100: how much of the finger was clear enough to read.
    public var quality: UInt8
    /// At most `maximumMinutiae`, coordinates in the normalised image.
    public var minutiae: [Minutia]

    public init(width: Int, height: Int, quality: UInt8, minutiae: [Minutia]) {
        self.width = width
        self.height = height
        self.quality = quality
        self.minutiae = minutiae
    }

    public enum FormatError: Error, Hashable, Sendable, CustomStringConvertible {
        case notATemplate
        case unsupportedVersion(UInt8)
        case truncated
        case invalid(String)

        public var description: String {
            switch self {
            case .notATemplate: "not a fingerprint template (no LFT identifier)"
            case .unsupportedVersion(let version): "template version \(version) is not supported"
            case .truncated: "template ends early"
            case .invalid(let problem): problem
            }
        }
    }

    static let magic: [UInt8] = Array("LFT".utf8)
    static let version: UInt8 = 1
    static let headerSize = 10

    /// The template's own compact form; minutiae beyond `maximumMinutiae` are not written.
    public var bytes: [UInt8] {
        let kept = minutiae.prefix(Self.maximumMinutiae)
        var out = Self.magic
        out.reserveCapacity(Self.headerSize + kept.count * 6)
        out.append(Self.version)
        out.append(contentsOf: [UInt8(truncatingIfNeeded: width >> 8), UInt8(truncatingIfNeeded: width)])
        out.append(contentsOf: [UInt8(truncatingIfNeeded: height >> 8), UInt8(truncatingIfNeeded: height)])
        out.append(quality)
        out.append(UInt8(kept.count))
        for minutia in kept {
            let x = UInt16(clamping: max(0, min(minutia.x, 0x3FFF)))
            let y = UInt16(clamping: max(0, min(minutia.y, 0x3FFF)))
            let first = UInt16(minutia.kind.rawValue) << 14 | x
            out.append(contentsOf: [UInt8(first >> 8), UInt8(first & 0xFF), UInt8(y >> 8), UInt8(y & 0xFF)])
            out.append(minutia.angle)
            out.append(minutia.quality)
        }
        return out
    }

    /// Reads `bytes`, checking the identifier, version, length and every field.
    public init(bytes: [UInt8]) throws(FormatError) {
        guard bytes.count >= 4, Array(bytes[0..<3]) == Self.magic else { throw .notATemplate }
        guard bytes[3] == Self.version else { throw .unsupportedVersion(bytes[3]) }
        guard bytes.count >= Self.headerSize else { throw .truncated }
        let width = Int(bytes[4]) << 8 | Int(bytes[5])
        let height = Int(bytes[6]) << 8 | Int(bytes[7])
        let quality = bytes[8]
        let count = Int(bytes[9])
        guard width > 0, height > 0 else { throw .invalid("template image size is zero") }
        guard quality <= 100 else { throw .invalid("template quality \(quality) is above 100") }
        guard bytes.count >= Self.headerSize + count * 6 else { throw .truncated }
        guard bytes.count == Self.headerSize + count * 6 else {
            throw .invalid("template has \(bytes.count - Self.headerSize - count * 6) bytes after its minutiae")
        }
        var minutiae: [Minutia] = []
        minutiae.reserveCapacity(count)
        for index in 0..<count {
            let at = Self.headerSize + index * 6
            guard let kind = Minutia.Kind(rawValue: bytes[at] >> 6) else {
                throw .invalid("minutia \(index + 1) has an unknown type")
            }
            let x = Int(bytes[at] & 0x3F) << 8 | Int(bytes[at + 1])
            let y = Int(bytes[at + 2] & 0x3F) << 8 | Int(bytes[at + 3])
            guard bytes[at + 2] >> 6 == 0 else { throw .invalid("minutia \(index + 1) sets reserved bits") }
            guard x < width, y < height else { throw .invalid("minutia \(index + 1) lies outside the image") }
            guard bytes[at + 5] <= 100 else { throw .invalid("minutia \(index + 1) quality is above 100") }
            minutiae.append(Minutia(kind: kind, x: x, y: y, angle: bytes[at + 4], quality: bytes[at + 5]))
        }
        self.init(width: width, height: height, quality: quality, minutiae: minutiae)
    }

    /// The ISO/IEC 19794-2:2005 record of this template as one finger view, for the LMIS.
    /// `fingerPosition` follows the standard (0 unknown, 1 right thumb … 10 left little).
    public func minutiaeRecord(fingerPosition: UInt8 = 0, impressionType: UInt8 = 0) -> MinutiaeRecord {
        MinutiaeRecord(views: [(fingerPosition, 0, self)], impressionType: impressionType)
    }

    /// This template as one finger view of a record (at most `maximumMinutiae` minutiae).
    public func fingerView(fingerPosition: UInt8, viewNumber: UInt8, impressionType: UInt8 = 0) -> FingerView {
        FingerView(
            fingerPosition: fingerPosition, viewNumber: viewNumber, impressionType: impressionType, quality: quality,
            minutiae: Array(minutiae.prefix(Self.maximumMinutiae)))
    }

    /// A template from a record's first view, scaled to 500 dpi when the record's resolution differs.
    public init(record: MinutiaeRecord) throws(FormatError) {
        guard let view = record.views.first else { throw .invalid("the record holds no finger view") }
        let perCentimetre = Double(FingerprintTemplate.dotsPerInch) / 2.54
        let sx = record.horizontalResolution > 0 ? perCentimetre / Double(record.horizontalResolution) : 1
        let sy = record.verticalResolution > 0 ? perCentimetre / Double(record.verticalResolution) : 1
        // 197 ppcm is how 500 dpi is written; treat anything within 1 % as 500 dpi exactly.
        let scaleX = abs(sx - 1) < 0.01 ? 1 : sx
        let scaleY = abs(sy - 1) < 0.01 ? 1 : sy
        let width = max(1, Int((Double(record.width) * scaleX).rounded()))
        let height = max(1, Int((Double(record.height) * scaleY).rounded()))
        let minutiae = view.minutiae.map { minutia in
            Minutia(
                kind: minutia.kind, x: min(width - 1, Int((Double(minutia.x) * scaleX).rounded())),
                y: min(height - 1, Int((Double(minutia.y) * scaleY).rounded())), angle: minutia.angle,
                quality: min(minutia.quality, 100))
        }
        self.init(width: width, height: height, quality: min(view.quality, 100), minutiae: minutiae)
    }
}

extension MinutiaeRecord {
    /// A record of templates (all at 500 dpi), one finger view each, the image size the largest of
    /// theirs.
    public init(
        views: [(fingerPosition: UInt8, viewNumber: UInt8, template: FingerprintTemplate)], impressionType: UInt8 = 0
    ) {
        self.init(
            width: views.map(\.template.width).max() ?? 1, height: views.map(\.template.height).max() ?? 1,
            dotsPerInch: FingerprintTemplate.dotsPerInch,
            views: views.map {
                $0.template.fingerView(
                    fingerPosition: $0.fingerPosition, viewNumber: $0.viewNumber, impressionType: impressionType)
            })
    }
}
