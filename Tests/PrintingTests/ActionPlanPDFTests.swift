import Foundation
import KioskCore
import KioskTestSupport
import Printing
import Testing

@Suite("The action plan on A4")
struct ActionPlanPDFTests {
    static func printout(steps: Int) -> ActionPlanPrintout {
        ActionPlanPrintout(
            paper: .a4, office: "Сүхбаатар дүүрэг", title: "Миний үйл ажиллагааны төлөвлөгөө",
            person: "Болд Сарангэрэл · UB-SB-000042", counsellor: "Гол зөвлөх: Оюунчимэг",
            goalsLabel: "Зорилго", goals: "Жолоочийн ажилд орох; C ангиллын үнэмлэхээ сэргээх",
            sections: [
                .init(
                    heading: "Дараагийн сар",
                    lines: (1...steps).map { "2026-12-\(String(format: "%02d", $0 % 28 + 1)) · Алхам \($0): өргөдөл" })
            ],
            footer: "Алхмаа хийж чадахгүй бол зөвлөхдөө залгана уу.", issued: "2026-11-22 14:00",
            page: "Хуудас %d / %d")
    }

    @Test("Read back by pdftotext: the person, counsellor, goals and every step, in Mongolian")
    func readBack() throws {
        let output = try ActionPlanRenderer().render(Self.printout(steps: 2))
        #expect(output.pages == 1)
        #expect(output.pdf.starts(with: Array("%PDF-".utf8)))
        let text = try PDFText.extract(output.pdf)
        for expected in [
            "Миний үйл ажиллагааны төлөвлөгөө", "Болд Сарангэрэл", "UB-SB-000042", "Гол зөвлөх: Оюунчимэг",
            "C ангиллын үнэмлэхээ сэргээх", "Алхам 1: өргөдөл", "Алхам 2: өргөдөл", "Хуудас 1 / 1",
        ] {
            #expect(text.contains(expected), "\(expected)")
        }
    }

    @Test("The next appointment is printed under the counsellor, on A4 and on the receipt")
    func nextAppointment() throws {
        var plan = Self.printout(steps: 1)
        plan.nextAppointment = "Дараагийн уулзалт: 2026-12-08 10:30 · Оюунчимэг"
        let text = try PDFText.extract(try ActionPlanRenderer().render(plan).pdf)
        #expect(text.contains("Дараагийн уулзалт: 2026-12-08 10:30 · Оюунчимэг"))
        #expect(
            !(try PDFText.extract(try ActionPlanRenderer().render(Self.printout(steps: 1)).pdf)).contains("уулзалт"))
        plan.paper = .receipt
        #expect(
            plan.document.blocks.contains {
                if case .text(let line, _) = $0 { line == plan.nextAppointment } else { false }
            })
    }

    @Test("A long plan runs onto more pages, each numbered")
    func pages() throws {
        let output = try ActionPlanRenderer().render(Self.printout(steps: 80))
        #expect(output.pages > 1)
        let text = try PDFText.extract(output.pdf)
        #expect(text.contains("Хуудас \(output.pages) / \(output.pages)"))
        #expect(text.contains("Алхам 80: өргөдөл"))
    }
}
