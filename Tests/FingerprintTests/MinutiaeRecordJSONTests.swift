import Fingerprint
import Foundation
import Testing

@Suite("ISO/IEC 19794-2 records printed for people and scripts")
struct MinutiaeRecordJSONTests {
    static let record = MinutiaeRecord(
        width: 256, height: 360, dotsPerInch: 500,
        views: [
            FingerView(
                fingerPosition: 2, viewNumber: 1, impressionType: 0, quality: 60,
                minutiae: [
                    Minutia(kind: .ending, x: 100, y: 200, angle: 64, quality: 80),
                    Minutia(kind: .bifurcation, x: 5, y: 6, angle: 255, quality: 0),
                ])
        ])

    @Test func theJSONHasSortedKeysAndEveryField() {
        #expect(
            Self.record.json
                == #"{"captureDeviceType":0,"equipmentCertification":0,"extendedDataBytes":[0],"height":360,"#
                + #""resolution":[197,197],"views":[{"fingerPosition":2,"impressionType":0,"minutiae":["#
                + #"{"angle":64,"quality":80,"type":"ending","x":100,"y":200},"#
                + #"{"angle":255,"quality":0,"type":"bifurcation","x":5,"y":6}],"quality":60,"viewNumber":1}],"#
                + #""width":256}"#)
    }

    @Test func theSummaryHasALineAView() {
        #expect(
            Self.record.summary(name: "a.fmr", byteCount: 42) == [
                "a.fmr: ISO/IEC 19794-2:2005, 42 bytes, image 256x360, 197x197 pixels/cm, 1 finger view(s)",
                "  finger 2 view 1 impression 0: quality 60, 2 minutiae (1 endings, 1 bifurcations)",
            ])
    }
}
