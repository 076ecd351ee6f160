public import Foundation

/// Free text a visitor or officer typed (a grievance, a rating's comment, a note), checked alike.
public enum FreeText {
    /// Free text from the screen, checked: trimmed; nil when empty (or `required` when it must be
    /// given), at most `limit` characters, no control or invisible format characters (line breaks
    /// kept where `lines`).
    public static func checked(
        _ raw: String?, field: String, limit: Int, required: Bool, lines: Bool
    ) -> Result<String?, FieldError> {
        let trimmed = raw?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if trimmed.isEmpty {
            return required ? .failure(FieldError(field: field, code: "required")) : .success(nil)
        }
        if trimmed.count > limit { return .failure(FieldError(field: field, code: "tooLong")) }
        let refused: Set<Unicode.GeneralCategory> = [.control, .format, .lineSeparator, .paragraphSeparator]
        if trimmed.unicodeScalars.contains(where: {
            !(lines && $0 == "\n") && refused.contains($0.properties.generalCategory)
        }) {
            return .failure(FieldError(field: field, code: "controlCharacters"))
        }
        return .success(trimmed)
    }
}

extension String {
    /// The text as XML character data or an attribute value (`&`, `<`, `>`, `"` and `'`
    /// escaped): for SVG drawn by the screens and the Pango markup of printed lists.
    public var xmlEscaped: String {
        var escaped = ""
        escaped.reserveCapacity(utf8.count)
        for character in self {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
