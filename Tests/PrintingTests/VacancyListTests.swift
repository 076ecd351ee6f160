import Foundation
import KioskCore
import KioskTestSupport
import Printing
import Testing

@Suite("Vacancy list PDF")
struct VacancyListTests {
    @Test("a list of 120 vacancies fills several A4 pages, every page numbered, all text in the PDF")
    func pages() throws {
        let output = try VacancyListRenderer().render(PrintedDocumentFixtures.vacancyList(120))
        #expect(output.unknownGlyphs == 0)
        #expect(output.pages > 3)
        #expect(output.pdf.starts(with: Array("%PDF-".utf8)))
        let text = try PDFText.extract(output.pdf)
        let pages = text.split(separator: "\u{0C}", omittingEmptySubsequences: false).filter {
            !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        #expect(pages.count == output.pages)
        for (index, page) in pages.enumerated() {
            #expect(page.contains("Хуудас \(index + 1) / \(output.pages)"))
            #expect(page.contains("Шүүлтүүр: Байршил: Сүхбаатар дүүрэг"))
        }
        for index in [1, 60, 120] {
            #expect(text.contains(String(format: "V-2026-%05d", index)))
        }
        #expect(text.contains("Өлзий & Түмэн ХХК"))
        #expect(text.contains("<яаралтай>"))
        // cairo embeds subsets of the fonts it used.
        let fonts = try PDFText.fonts(output.pdf)
        #expect(fonts.contains { $0.contains("NotoSans") && $0.contains("yes") })
        // And it renders: pdftoppm draws the last page as A4 (at 10 dpi: 83 × 117 pixels).
        let image = try PDFText.run(
            "pdftoppm", output.pdf, before: ["-r", "10", "-f", "\(output.pages)", "-l", "\(output.pages)", "-gray"])
        #expect(image.hasPrefix("P5\n83 117\n"))
    }

    @Test("an empty list still prints a page that says so")
    func empty() throws {
        let output = try VacancyListRenderer().render(PrintedDocumentFixtures.vacancyList(0))
        #expect(output.pages == 1)
        #expect(try PDFText.extract(output.pdf).contains("Тохирох ажлын байр олдсонгүй."))
    }
}

extension VacancyListTests {
    @Test("preview written when asked", .enabled(if: ProcessInfo.processInfo.environment["KIOSK_PREVIEW_DIR"] != nil))
    func preview() throws {
        let directory = ProcessInfo.processInfo.environment["KIOSK_PREVIEW_DIR"]!
        try VacancyListRenderer().render(PrintedDocumentFixtures.vacancyList(12)).pdf.write(
            to: URL(fileURLWithPath: "\(directory)/vacancies.pdf"))
    }
}
