internal import CPangoCairo
public import Foundation
public import KioskCore

/// Renders an `ActionPlanPrintout` to an A4 PDF with cairo (fonts embedded as subsets), the
/// office and page numbers at the foot of each page; a section's lines may run onto the next page.
public final class ActionPlanRenderer {
    private let engine = TextEngine(resolution: 72)
    private let margin = 48.0

    public init() {}

    public func render(_ plan: ActionPlanPrintout) throws -> (pdf: Data, pages: Int) {
        let width = VacancyListRenderer.pageWidth
        let height = VacancyListRenderer.pageHeight
        let column = width - 2 * margin
        var blocks = [
            engine.layout(
                markup: """
                    <span size="16pt" weight="bold">\(plan.title.xmlEscaped)</span>
                    <span size="12pt">\(plan.person.xmlEscaped)</span>
                    \(plan.counsellor.xmlEscaped)
                    """, TextStyle(size: 11), width: column)
        ]
        if let next = plan.nextAppointment {
            blocks.append(engine.layout(markup: "<b>\(next.xmlEscaped)</b>", TextStyle(size: 12), width: column))
        }
        blocks += [
            engine.layout(
                markup: "<b>\(plan.goalsLabel.xmlEscaped)</b>\n\(plan.goals.xmlEscaped)", TextStyle(size: 11),
                width: column)
        ]
        for section in plan.sections {
            blocks.append(
                engine.layout(
                    markup: "<span size=\"13pt\" weight=\"bold\">\(section.heading.xmlEscaped)</span>",
                    TextStyle(size: 11), width: column))
            blocks += section.lines.map { engine.layout("• " + $0, TextStyle(size: 11), width: column) }
        }
        blocks.append(engine.layout(plan.footer, TextStyle(size: 10), width: column))
        let bottom = height - margin - 20
        var pages: [[TextLayout]] = [[]]
        var y = margin
        for block in blocks {
            if y + block.height > bottom && !pages[pages.count - 1].isEmpty {
                pages.append([])
                y = margin
            }
            pages[pages.count - 1].append(block)
            y += block.height + 10
        }
        let pdf = try A4PDF.write(title: "\(plan.title) — \(plan.office)", pages: pages.count) { cairo, index in
            var y = margin
            for block in pages[index] {
                engine.draw(block, on: cairo, x: margin, y: y)
                y += block.height + 10
            }
            let foot = engine.layout(
                "\(plan.office) · \(plan.issued) · \(String(format: plan.page, index + 1, pages.count))",
                TextStyle(size: 8, alignment: .center), width: column)
            engine.draw(foot, on: cairo, x: margin, y: height - margin - foot.height)
        }
        return (pdf, pages.count)
    }
}

extension ActionPlanPrintout {
    /// The short receipt: who, the key counsellor and the steps still to do, with their dates.
    public var document: ThermalDocument {
        var document = ThermalDocument()
        document.append(.text(office, TextStyle(size: 10, bold: true, alignment: .center)))
        document.append(.rule)
        document.append(.text(title, TextStyle(size: 14, bold: true, alignment: .center)))
        document.append(.text(person, TextStyle(size: 11, alignment: .center)))
        document.append(.text(counsellor, TextStyle(size: 10)))
        if let nextAppointment { document.append(.text(nextAppointment, TextStyle(size: 11, bold: true))) }
        for section in sections {
            document.append(.space(6))
            document.append(.text(section.heading, TextStyle(size: 11, bold: true)))
            for line in section.lines { document.append(.text("• " + line, TextStyle(size: 10))) }
        }
        document.append(.rule)
        document.append(.text(footer, TextStyle(size: 9)))
        document.append(.text(issued, TextStyle(size: 9, alignment: .center)))
        return document
    }
}
