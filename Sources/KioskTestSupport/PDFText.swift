public import Foundation

/// poppler-utils, the reader the tests trust to say what a PDF holds.
public enum PDFText {
    public static func extract(_ pdf: Data) throws -> String {
        try run("pdftotext", pdf, before: ["-layout"], after: ["-"])
    }

    public static func fonts(_ pdf: Data) throws -> [String] {
        try run("pdffonts", pdf).split(separator: "\n").map(String.init)
    }

    /// Runs `tool before… FILE after…` on a temporary copy of `pdf` and returns its output.
    public static func run(_ tool: String, _ pdf: Data, before: [String] = [], after: [String] = []) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID()).pdf")
        try pdf.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        process.arguments = before + [file.path] + after
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }
}
