internal import CPangoCairo

/// Font, size and weight of a run of text. Sizes are in points; the engine's resolution turns
/// them into device units (printer dots at 203 dpi, PDF points at 72).
public struct TextStyle: Sendable, Hashable {
    public enum Alignment: Sendable { case left, center, right }

    public var family: String
    public var size: Double
    public var bold: Bool
    public var alignment: Alignment

    public init(
        family: String = TextStyle.defaultFamily, size: Double, bold: Bool = false, alignment: Alignment = .left
    ) {
        self.family = family
        self.size = size
        self.bold = bold
        self.alignment = alignment
    }

    /// Noto Sans (Debian's fonts-noto-core) has Mongolian Cyrillic, including Ө ө Ү ү.
    public static let defaultFamily = "Noto Sans"

    var pangoDescription: String { "\(family) \(bold ? "Bold " : "")\(size)" }
}

/// Pango layouts on a private font map. Not thread-safe: each owner uses it from one thread
/// (the print service's own dispatch queue).
final class TextEngine {
    private let fontMap: OpaquePointer
    private let context: OpaquePointer
    let resolution: Double

    init(resolution: Double, antialias: Bool = true) {
        fontMap = OpaquePointer(pango_cairo_font_map_new())
        context = pango_font_map_create_context(UnsafeMutablePointer(fontMap))
        self.resolution = resolution
        pango_cairo_context_set_resolution(context, resolution)
        let options = cairo_font_options_create()
        cairo_font_options_set_antialias(options, antialias ? CAIRO_ANTIALIAS_GRAY : CAIRO_ANTIALIAS_NONE)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        pango_cairo_context_set_font_options(context, options)
        cairo_font_options_destroy(options)
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(context))
        g_object_unref(UnsafeMutableRawPointer(fontMap))
    }

    /// Lays `text` out in a column `width` device units wide, wrapping at words (or inside a
    /// word too long for the line).
    func layout(_ text: String, _ style: TextStyle, width: Double) -> TextLayout {
        let layout = makeLayout(style, width: width)
        pango_layout_set_text(layout, text, -1)
        return TextLayout(layout)
    }

    /// Like `layout(_:_:width:)` for Pango markup (`<b>`, `<span size=…>`); the caller
    /// escapes the text it puts inside.
    func layout(markup: String, _ style: TextStyle, width: Double) -> TextLayout {
        let layout = makeLayout(style, width: width)
        pango_layout_set_markup(layout, markup, -1)
        return TextLayout(layout)
    }

    private func makeLayout(_ style: TextStyle, width: Double) -> OpaquePointer {
        let layout = pango_layout_new(context)!
        let description = pango_font_description_from_string(style.pangoDescription)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        let alignment: PangoAlignment =
            switch style.alignment {
            case .left: PANGO_ALIGN_LEFT
            case .center: PANGO_ALIGN_CENTER
            case .right: PANGO_ALIGN_RIGHT
            }
        pango_layout_set_alignment(layout, alignment)
        return layout
    }

    /// Draws a layout with its top-left corner at (x, y) on `cairo`.
    func draw(_ layout: TextLayout, on cairo: OpaquePointer, x: Double, y: Double) {
        cairo_move_to(cairo, x, y)
        pango_cairo_show_layout(cairo, layout.pointer)
    }
}

/// A laid-out paragraph; `width`/`height` are its ink-independent logical size in device units.
final class TextLayout {
    let pointer: OpaquePointer
    let width: Double
    let height: Double
    /// Whether every character had a glyph in the chosen font (no fallback boxes).
    let unknownGlyphs: Int

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
        var width: Int32 = 0
        var height: Int32 = 0
        pango_layout_get_pixel_size(pointer, &width, &height)
        self.width = Double(width)
        self.height = Double(height)
        self.unknownGlyphs = Int(pango_layout_get_unknown_glyphs_count(pointer))
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(pointer)) }

    var lineCount: Int { Int(pango_layout_get_line_count(pointer)) }
}
