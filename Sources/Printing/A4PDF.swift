internal import CPangoCairo
public import Foundation

/// An A4 portrait PDF written with cairo into memory: `draw` is called once a page with the
/// cairo context and the page's index; fonts are embedded as subsets by cairo.
enum A4PDF {
    static let width = 595.276
    static let height = 841.89

    static func write(title: String, pages: Int, draw: (OpaquePointer, Int) -> Void) throws -> Data {
        let sink = PDFSink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        let surface = cairo_pdf_surface_create_for_stream(
            { closure, data, length in
                guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                Unmanaged<PDFSink>.fromOpaque(closure).takeUnretainedValue().data.append(data, count: Int(length))
                return CAIRO_STATUS_SUCCESS
            }, box.toOpaque(), width, height)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "LSWO Kiosk")
        let cairo = cairo_create(surface)!
        for index in 0..<pages {
            cairo_set_source_rgb(cairo, 0, 0, 0)
            draw(cairo, index)
            cairo_show_page(cairo)
        }
        cairo_destroy(cairo)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PrintError(
                .layout, "cairo could not write the PDF: \(String(cString: cairo_status_to_string(status)))")
        }
        return sink.data
    }
}

final class PDFSink {
    var data = Data()
}
