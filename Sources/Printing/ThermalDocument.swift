internal import CPangoCairo
internal import Foundation

/// A receipt as the kiosk means it: text blocks, rules and a QR code, top to bottom.
/// `ThermalRenderer` turns it into ESC/POS raster bands and native QR commands.
public struct ThermalDocument: Sendable {
    public enum Block: Sendable {
        /// Text in a style; wraps to the paper width.
        case text(String, TextStyle)
        /// White text on a black band, for marks that must be seen at a glance (priority).
        case banner(String, TextStyle)
        /// A horizontal line across the paper.
        case rule
        /// Empty paper, in dots.
        case space(Int)
        /// A QR code drawn by the printer itself (`GS ( k`).
        case qrCode(String)
    }

    public var blocks: [Block]

    public init(_ blocks: [Block] = []) { self.blocks = blocks }

    public mutating func append(_ block: Block) { blocks.append(block) }

    /// All text in the document, in order, for logs and tests.
    public var text: [String] {
        blocks.compactMap {
            switch $0 {
            case .text(let text, _), .banner(let text, _): text
            default: nil
            }
        }
    }
}

/// Paper widths of the thermal printers offices buy, at 203 dpi (8 dots per millimetre).
public enum ThermalPaper: Int, Sendable, CaseIterable {
    /// 58 mm roll, 48 mm printable.
    case mm58 = 384
    /// 80 mm roll, 72 mm printable.
    case mm80 = 576

    public var dots: Int { rawValue }
    public static let dotsPerInch = 203.0

    /// `58` or `80` (millimetres), or the dot width itself.
    public init?(configuration text: String) {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "58", "58mm", "384": self = .mm58
        case "80", "80mm", "576": self = .mm80
        default: return nil
        }
    }
}

/// The rendered form of a document: the bytes for the printer, and the raster bands for
/// anyone who wants to look (tests, the technician's preview).
public struct ThermalOutput: Sendable {
    public var escpos: [UInt8]
    public var bands: [Bitmap]
    /// Characters the font could not draw (would print as boxes); 0 for every layout we ship.
    public var unknownGlyphs: Int
}

/// Lays documents out with Pango at the printer's resolution and thresholds them to 1-bit.
/// Not thread-safe: one renderer per thread (the print service uses its own queue).
public final class ThermalRenderer {
    public let paper: ThermalPaper
    private let engine = TextEngine(resolution: ThermalPaper.dotsPerInch)
    /// Side margin in dots; most printers cannot print the outermost millimetre anyway.
    private let margin = 8

    public init(paper: ThermalPaper) { self.paper = paper }

    /// Font sizes in layouts are for 80 mm paper; 58 mm paper scales them down.
    public var scale: Double { Double(paper.dots) / Double(ThermalPaper.mm80.dots) }

    public func render(_ document: ThermalDocument, cut: Bool = true) -> ThermalOutput {
        var commands = ESCPOS()
        commands.initialize()
        var bands: [Bitmap] = []
        var unknown = 0
        var pending: [ThermalDocument.Block] = []

        func flush() {
            guard !pending.isEmpty else { return }
            let (bitmap, missing) = rasterize(pending)
            unknown += missing
            bands.append(bitmap)
            commands.raster(bitmap)
            pending.removeAll()
        }

        for block in document.blocks {
            if case .qrCode(let content) = block {
                flush()
                commands.align(.center)
                commands.qrCode(content, moduleSize: paper == .mm80 ? 7 : 5)
                commands.align(.left)
            } else {
                pending.append(block)
            }
        }
        flush()
        if cut {
            commands.feed(lines: 3)
            commands.cut()
        }
        return ThermalOutput(escpos: commands.bytes, bands: bands, unknownGlyphs: unknown)
    }

    private func scaled(_ style: TextStyle) -> TextStyle {
        var style = style
        style.size = (style.size * scale * 2).rounded() / 2
        return style
    }

    /// Draws text blocks into one band: measure, allocate, draw, threshold.
    private func rasterize(_ blocks: [ThermalDocument.Block]) -> (Bitmap, Int) {
        let width = paper.dots
        let column = Double(width - 2 * margin)
        enum Placed {
            case text(TextLayout, inverted: Bool)
            case rule
            case space(Int)
        }
        var placed: [Placed] = []
        var height = 0
        var unknown = 0
        for block in blocks {
            switch block {
            case .text(let text, let style), .banner(let text, let style):
                let inverted = if case .banner = block { true } else { false }
                let layout = engine.layout(text, scaled(style), width: inverted ? column - 16 : column)
                unknown += layout.unknownGlyphs
                placed.append(.text(layout, inverted: inverted))
                height += Int(layout.height.rounded(.up)) + (inverted ? 12 : 0)
            case .rule:
                placed.append(.rule)
                height += 13
            case .space(let dots):
                placed.append(.space(max(0, dots)))
                height += max(0, dots)
            case .qrCode:
                break
            }
        }
        height = max(height, 1)

        let surface = cairo_image_surface_create(CAIRO_FORMAT_A8, Int32(width), Int32(height))
        defer { cairo_surface_destroy(surface) }
        let cairo = cairo_create(surface)!
        defer { cairo_destroy(cairo) }
        cairo_set_source_rgba(cairo, 0, 0, 0, 1)
        var y = 0.0
        for item in placed {
            switch item {
            case .text(let layout, let inverted):
                if inverted {
                    cairo_rectangle(cairo, Double(margin), y, column, layout.height + 12)
                    cairo_fill(cairo)
                    cairo_set_operator(cairo, CAIRO_OPERATOR_CLEAR)
                    engine.draw(layout, on: cairo, x: Double(margin) + 8, y: y + 6)
                    cairo_set_operator(cairo, CAIRO_OPERATOR_OVER)
                    y += layout.height.rounded(.up) + 12
                } else {
                    engine.draw(layout, on: cairo, x: Double(margin), y: y)
                    y += layout.height.rounded(.up)
                }
            case .rule:
                cairo_rectangle(cairo, Double(margin), y + 5, column, 3)
                cairo_fill(cairo)
                y += 13
            case .space(let dots):
                y += Double(dots)
            }
        }
        cairo_surface_flush(surface)
        return (Self.threshold(surface, width: width, height: height), unknown)
    }

    /// Alpha ≥ 50 % becomes a black dot.
    private static func threshold(_ surface: OpaquePointer?, width: Int, height: Int) -> Bitmap {
        var bitmap = Bitmap(width: width, height: height)
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { return bitmap }
        let rowBytes = bitmap.bytesPerRow
        bitmap.bytes.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                let row = data + y * stride
                let outRow = y * rowBytes
                for x in 0..<width where row[x] >= 128 {
                    out[outRow + (x >> 3)] |= 0x80 >> UInt8(x & 7)
                }
            }
        }
        return bitmap
    }
}
