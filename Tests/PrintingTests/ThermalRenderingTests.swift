import Foundation
import KioskCore
import KioskTestSupport
import Printing
import Testing

@Suite("Thermal rendering")
struct ThermalRenderingTests {
    @Test("a ticket fills the paper width, draws every Mongolian letter, and ends with a QR code and a cut")
    func ticket() throws {
        for paper in ThermalPaper.allCases {
            let output = ThermalRenderer(paper: paper).render(PrintedDocumentFixtures.slip.document)
            #expect(output.unknownGlyphs == 0)
            #expect(output.bands.count == 2)
            #expect(output.bands.allSatisfy { $0.width == paper.dots })
            if let path = ProcessInfo.processInfo.environment["KIOSK_PREVIEW_DIR"] {
                for (index, band) in output.bands.enumerated() {
                    try Data(band.pbm).write(to: URL(fileURLWithPath: "\(path)/ticket-\(paper.dots)-\(index).pbm"))
                }
            }
            let bytes = output.escpos
            #expect(Array(bytes.prefix(2)) == [0x1B, 0x40])
            #expect(Array(bytes.suffix(4)) == [0x1D, 0x56, 0x42, 0x00])
            #expect(bytes.firstRange(of: Array("http://kiosk.local:8080/t/".utf8)) != nil)
            // No text goes to the printer as characters: Ө and Ү are pixels.
            #expect(bytes.firstRange(of: Array("Бүртгэл".utf8)) == nil)
        }
    }

    @Test("text wider than the paper wraps instead of being cut off")
    func wrapping() {
        let renderer = ThermalRenderer(paper: .mm58)
        let short = renderer.render(ThermalDocument([.text("Ажил", TextStyle(size: 12))]))
        let long = renderer.render(
            ThermalDocument([.text(String(repeating: "Өргөдөл үүсгэх ", count: 12), TextStyle(size: 12))]))
        #expect(long.bands[0].height > short.bands[0].height * 4)
    }
}
