import Fingerprint
import Testing

/// ISO/IEC 19794-2:2005 finger minutiae records: the bytes laid out by hand from the standard's
/// layout, round trips, and every kind of damage a reader must refuse.
@Suite("ISO/IEC 19794-2 minutiae records")
struct ISO19794Tests {
    static let ending = Minutia(kind: .ending, x: 100, y: 200, angle: 64, quality: 80)
    static let bifurcation = Minutia(kind: .bifurcation, x: 0x1234, y: 5, angle: 255, quality: 0)

    @Test func oneMinutiaIsLaidOutByteForByte() throws {
        let record = MinutiaeRecord(
            width: 256, height: 360, dotsPerInch: 500,
            views: [
                FingerView(fingerPosition: 2, viewNumber: 1, impressionType: 0, quality: 60, minutiae: [Self.ending])
            ])
        let bytes = try #require(record.bytes)
        let expected: [UInt8] =
            Array("FMR\0 20\0".utf8) + [
                0, 0, 0, 36,  // 24 header + 4 view header + 6 minutia + 2 extended length
                0x00, 0x00,  // not certified, device type 0
                0x01, 0x00, 0x01, 0x68,  // 256 × 360
                0x00, 0xC5, 0x00, 0xC5,  // 197 pixels per centimetre (500 dpi)
                1, 0,  // one view, reserved
                2, 0x10, 60, 1,  // right index finger, view 1 live-scan plain, quality 60, one minutia
                0x40, 100,  // ending (01) and x 100
                0x00, 200,  // y 200
                64, 80,  // 90 degrees, quality 80
                0x00, 0x00,  // no extended data
            ]
        #expect(bytes == expected)
        #expect(try MinutiaeRecord(bytes: bytes) == record)
    }

    @Test func manyViewsAndExtendedDataRoundTrip() throws {
        var record = MinutiaeRecord(
            width: 0x3FFF, height: 0x3FFF, dotsPerInch: 385,
            views: [
                FingerView(fingerPosition: 7, quality: 100, minutiae: [Self.ending, Self.bifurcation]),
                FingerView(fingerPosition: 7, viewNumber: 2, impressionType: 8, quality: 0, minutiae: []),
            ], equipmentCertification: 1, captureDeviceType: 0xABC)
        record.extendedData = [[0x00, 0x01, 0x00, 0x03, 9, 9, 9], []]
        #expect(record.horizontalResolution == 152)  // 385 dpi
        let bytes = try #require(record.bytes)
        #expect(bytes.count == 24 + (4 + 12 + 2 + 7) + (4 + 0 + 2))
        #expect(Array(bytes[12..<14]) == [0x1A, 0xBC])
        #expect(try MinutiaeRecord(bytes: bytes) == record)
    }

    @Test func damagedRecordsAreRefusedWithTheReason() throws {
        let good = try #require(
            MinutiaeRecord(
                width: 300, height: 300, dotsPerInch: 500,
                views: [FingerView(quality: 50, minutiae: [Self.ending, Self.bifurcation.moved(x: 20)])]
            ).bytes)
        func error(_ bytes: [UInt8]) -> MinutiaeRecord.RecordError? {
            do {
                _ = try MinutiaeRecord(bytes: bytes)
                return nil
            } catch {
                return error
            }
        }
        #expect(error(Array("FMX\0".utf8) + good.dropFirst(4)) == .notAMinutiaeRecord)
        #expect(error(Array(good[0..<4]) + Array(" 30\0".utf8) + good.dropFirst(8)) == .unsupportedVersion(" 30"))
        #expect(error(Array(good.dropLast())) == .lengthMismatch(declared: good.count, actual: good.count - 1))
        // A length that agrees with a cut-off record: the views run past the end.
        var cut = Array(good.prefix(30))
        cut[11] = 30
        #expect(error(cut) == .truncated(at: 30))
        // Minutia type 3 is reserved.
        var reserved = good
        reserved[28] |= 0xC0
        #expect(error(reserved) == .invalid("view 0: minutia type 3 is reserved"))
        // A minutia outside the 300 × 300 image.
        var outside = good
        outside[28] = 0x41
        outside[29] = 0x2C  // x = 300
        #expect(error(outside) == .invalid("view 0: minutia at (300, 200) is outside the image"))
        // Bytes after the last view.
        var trailing = good + [0]
        trailing[11] = UInt8(trailing.count)
        #expect(error(trailing) == .invalid("1 bytes after the last view"))
    }

    @Test func unwritableRecordsSayWhy() {
        var record = MinutiaeRecord(
            width: 200, height: 200, dotsPerInch: 500, views: [FingerView(quality: 101, minutiae: [Self.ending])])
        #expect(record.bytes == nil)
        #expect(record.problems == ["view 0: quality 0–100", "view 0: minutia at (100, 200) is outside the image"])
        record = MinutiaeRecord(width: 200, height: 200, dotsPerInch: 200, views: [])
        #expect(record.problems == ["resolution below 99 pixels per centimetre (250 dpi)"])
    }
}

extension Minutia {
    func moved(x: Int) -> Minutia {
        var copy = self
        copy.x = x
        return copy
    }
}
