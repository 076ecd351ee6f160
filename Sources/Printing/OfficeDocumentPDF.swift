internal import CPangoCairo
public import Foundation
public import KioskCore

/// Renders `OfficeDocument`s (the employer's vacancy confirmation, the shortlist) to A4 PDF:
/// title and code on the first page, sections never split across pages unless longer than
/// one, the office and page numbers in the footer.
public struct OfficeDocumentPDF: OfficeDocumentRenderer {
    public init() {}

    let margin = 48.0

    public func pdf(_ document: OfficeDocument) throws -> Data {
        // A text engine is not thread-safe: one for each document.
        let engine = TextEngine(resolution: 72)
        let column = A4PDF.width - 2 * margin
        let header = engine.layout(
            markup: """
                <span size="16pt" weight="bold">\(document.title.xmlEscaped)</span>
                <span size="14pt"><tt><b>\(document.code.xmlEscaped)</b></tt></span>
                <span size="10pt">\(document.office.xmlEscaped) · \(document.generated.xmlEscaped)</span>
                """, TextStyle(size: 10), width: column)
        let bottom = A4PDF.height - margin - 20
        var pages: [[(TextLayout, Double)]] = [[]]
        var y = margin + header.height + 18
        let top = margin
        for section in document.sections {
            let lines = section.lines.map { line in
                line.label.isEmpty
                    ? line.value.xmlEscaped : "<b>\(line.label.xmlEscaped):</b> \(line.value.xmlEscaped)"
            }
            let block = engine.layout(
                markup: "<span size=\"12pt\" weight=\"bold\">\(section.heading.xmlEscaped)</span>\n"
                    + lines.joined(separator: "\n"), TextStyle(size: 10), width: column)
            if y + block.height > bottom && !pages[pages.count - 1].isEmpty {
                pages.append([])
                y = top
            }
            pages[pages.count - 1].append((block, y))
            y += block.height + 14
        }
        let footerText = engine.layout(document.footer, TextStyle(size: 9), width: column)
        return try A4PDF.write(title: "\(document.title) \(document.code)", pages: pages.count) { cairo, index in
            if index == 0 { engine.draw(header, on: cairo, x: margin, y: margin) }
            for (block, y) in pages[index] { engine.draw(block, on: cairo, x: margin, y: y) }
            if index == pages.count - 1 {
                let last = pages[index].last.map { $0.1 + $0.0.height + 18 } ?? margin
                engine.draw(footerText, on: cairo, x: margin, y: min(last, bottom - footerText.height))
            }
            let number = engine.layout(
                "\(document.office) · \(index + 1)/\(pages.count)", TextStyle(size: 8, alignment: .center),
                width: column)
            engine.draw(number, on: cairo, x: margin, y: A4PDF.height - margin - number.height)
        }
    }
}
