import Fingerprint
import Testing

@Suite("Fingerprint templates: own form and ISO records")
struct TemplateTests {
    static let template = FingerprintTemplate(
        width: 180, height: 256, quality: 77,
        minutiae: [
            Minutia(kind: .ending, x: 0, y: 0, angle: 0, quality: 100),
            Minutia(kind: .bifurcation, x: 179, y: 255, angle: 255, quality: 1),
            Minutia(kind: .other, x: 90, y: 128, angle: 64, quality: 55),
        ])

    @Test("the template's bytes read back to the same template, laid out as documented")
    func roundTrip() throws {
        let bytes = Self.template.bytes
        #expect(bytes.count == 10 + 3 * 6)
        #expect(Array(bytes[0..<10]) == [0x4C, 0x46, 0x54, 1, 0, 180, 1, 0, 77, 3])
        // A bifurcation (type 2) at x 179, y 255, angle 255, quality 1.
        #expect(Array(bytes[16..<22]) == [0x80, 179, 0, 255, 255, 1])
        #expect(try FingerprintTemplate(bytes: bytes) == Self.template)
    }

    @Test("damaged bytes are refused with the reason, never read as another template")
    func damage() {
        let bytes = Self.template.bytes
        #expect(throws: FingerprintTemplate.FormatError.notATemplate) { try FingerprintTemplate(bytes: [1, 2, 3]) }
        var version = bytes
        version[3] = 9
        #expect(throws: FingerprintTemplate.FormatError.unsupportedVersion(9)) {
            try FingerprintTemplate(bytes: version)
        }
        #expect(throws: FingerprintTemplate.FormatError.truncated) {
            try FingerprintTemplate(bytes: Array(bytes.dropLast()))
        }
        #expect(throws: FingerprintTemplate.FormatError.self) { try FingerprintTemplate(bytes: bytes + [0]) }
        var outside = bytes
        outside[11] = 200  // x 200 in a 180-wide image
        #expect(throws: FingerprintTemplate.FormatError.invalid("minutia 1 lies outside the image")) {
            try FingerprintTemplate(bytes: outside)
        }
        var quality = bytes
        quality[8] = 101
        #expect(throws: FingerprintTemplate.FormatError.self) { try FingerprintTemplate(bytes: quality) }
        var kind = bytes
        kind[10] |= 0xC0  // type 3 is not a minutia type
        #expect(throws: FingerprintTemplate.FormatError.invalid("minutia 1 has an unknown type")) {
            try FingerprintTemplate(bytes: kind)
        }
    }

    @Test("as an ISO/IEC 19794-2 record and back, also from a record written at another resolution")
    func isoRecord() throws {
        let record = Self.template.minutiaeRecord(fingerPosition: 2)
        let bytes = try #require(record.bytes)
        let read = try MinutiaeRecord(bytes: bytes)
        #expect(read.horizontalResolution == 197 && read.views[0].fingerPosition == 2)
        #expect(try FingerprintTemplate(record: read) == Self.template)

        // A record made at 1000 dpi (394 pixels per centimetre) is halved to 500 dpi.
        let fine = MinutiaeRecord(
            width: 360, height: 512, dotsPerInch: 1000,
            views: [
                FingerView(
                    fingerPosition: 7, viewNumber: 0, impressionType: 0, quality: 60,
                    minutiae: [Minutia(kind: .ending, x: 200, y: 300, angle: 10, quality: 50)])
            ])
        let scaled = try FingerprintTemplate(record: try MinutiaeRecord(bytes: try #require(fine.bytes)))
        #expect(scaled.width == 180 && scaled.height == 256)
        #expect(scaled.minutiae == [Minutia(kind: .ending, x: 100, y: 150, angle: 10, quality: 50)])
        let empty = MinutiaeRecord(width: 10, height: 10, dotsPerInch: 500, views: [])
        #expect(throws: FingerprintTemplate.FormatError.self) { try FingerprintTemplate(record: empty) }
    }
}
