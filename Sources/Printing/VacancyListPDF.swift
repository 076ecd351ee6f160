internal import CPangoCairo
public import Foundation
public import KioskCore

/// Renders `VacancyList`s to PDF with cairo: A4 portrait, fonts embedded as subsets by cairo,
/// the header (office, date, filters) and page numbers on every page, and no vacancy split
/// across two pages unless it is longer than a page. Not thread-safe: one per thread.
public final class VacancyListRenderer {
    private let engine = TextEngine(resolution: 72)
    static let pageWidth = 595.276
    static let pageHeight = 841.89
    private let margin = 42.0

    public init() {}

    public struct Output: Sendable {
        public var pdf: Data
        public var pages: Int
        public var unknownGlyphs: Int
    }

    public func render(_ list: VacancyList) throws -> Output {
        let column = Self.pageWidth - 2 * margin
        let header = headerMarkup(list)
        let headerLayout = engine.layout(markup: header, TextStyle(size: 9), width: column)
        let top = margin + headerLayout.height + 14
        let bottom = Self.pageHeight - margin - 18
        var unknown = headerLayout.unknownGlyphs

        // Lay out every entry once, then cut into pages.
        var pages: [[TextLayout]] = [[]]
        var y = top
        let blocks =
            list.entries.isEmpty
            ? [engine.layout(list.labels.empty, TextStyle(size: 12), width: column)]
            : list.entries.map { engine.layout(markup: markup($0, list.labels), TextStyle(size: 10), width: column) }
        for block in blocks {
            unknown += block.unknownGlyphs
            if y + block.height > bottom && !pages[pages.count - 1].isEmpty {
                pages.append([])
                y = top
            }
            pages[pages.count - 1].append(block)
            y += block.height + 12
        }

        let pdf = try A4PDF.write(title: "\(list.labels.title) — \(list.office)", pages: pages.count) { cairo, index in
            let page = pages[index]
            engine.draw(headerLayout, on: cairo, x: margin, y: margin)
            cairo_set_line_width(cairo, 0.8)
            cairo_move_to(cairo, margin, margin + headerLayout.height + 6)
            cairo_line_to(cairo, Self.pageWidth - margin, margin + headerLayout.height + 6)
            cairo_stroke(cairo)
            var y = top
            for block in page {
                engine.draw(block, on: cairo, x: margin, y: y)
                y += block.height + 6
                cairo_set_source_rgb(cairo, 0.6, 0.6, 0.6)
                cairo_set_line_width(cairo, 0.4)
                cairo_move_to(cairo, margin, y)
                cairo_line_to(cairo, Self.pageWidth - margin, y)
                cairo_stroke(cairo)
                cairo_set_source_rgb(cairo, 0, 0, 0)
                y += 6
            }
            let footer = engine.layout(
                "\(list.office) · \(String(format: list.labels.page, index + 1, pages.count))",
                TextStyle(size: 8, alignment: .center), width: column)
            engine.draw(footer, on: cairo, x: margin, y: Self.pageHeight - margin - footer.height)
        }
        return Output(pdf: pdf, pages: pages.count, unknownGlyphs: unknown)
    }

    private func headerMarkup(_ list: VacancyList) -> String {
        let filters = list.filters.isEmpty ? list.labels.noFilters : list.filters.joined(separator: " · ")
        return """
            <span size="15pt" weight="bold">\(escape(list.labels.title))</span>
            <span size="11pt">\(escape(list.office))</span>
            \(escape(list.generated)) · \(escape(list.labels.filters)): \(escape(filters))
            """
    }

    /// Three lines a vacancy (more when one wraps): the title with the code to quote, where and
    /// on what terms, how to apply.
    private func markup(_ entry: VacancyList.Entry, _ labels: VacancyList.Labels) -> String {
        var lines = [
            "<span size=\"12pt\" weight=\"bold\">\(escape(entry.title))</span>   "
                + "\(escape(labels.reference)): <tt><b>\(escape(entry.reference))</b></tt>"
        ]
        var terms = [
            "\(escape(labels.employer)): <b>\(escape(entry.employer))</b>",
            "\(escape(labels.location)): \(escape(entry.location))",
        ]
        if !entry.wage.isEmpty { terms.append("\(escape(labels.wage)): \(escape(entry.wage))") }
        terms.append("\(escape(labels.hours)): \(escape(entry.hours))")
        lines.append(terms.joined(separator: " · "))
        if !entry.howToApply.isEmpty { lines.append("\(escape(labels.howToApply)): \(escape(entry.howToApply))") }
        return lines.joined(separator: "\n")
    }

    private func escape(_ text: String) -> String { text.xmlEscaped }
}
