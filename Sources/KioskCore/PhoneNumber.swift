/// A Mongolian mobile number: eight digits starting with an operator prefix.
public struct PhoneNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    public let digits: String

    /// Two-digit prefixes of Mongolian mobile operators (Mobicom, Unitel, Skytel, G-Mobile and
    /// their newer ranges). Landline numbers (for example 70xx, 11xx) are not accepted: the
    /// office texts jobseekers about vacancies and appointments.
    public static let mobilePrefixes: Set<String> = [
        "66", "69", "72", "75", "76", "77", "80", "83", "85", "86", "88", "89",
        "90", "91", "92", "93", "94", "95", "96", "97", "98", "99",
    ]

    public init(parsing raw: String) throws(FieldError.Code) {
        var text = raw.filter { !$0.isWhitespace && $0 != "-" && $0 != "(" && $0 != ")" }
        if text.hasPrefix("+976") {
            text.removeFirst(4)
        }
        guard !text.isEmpty else { throw .required }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw .invalidCharacters }
        guard text.count == 8 else { throw .wrongLength }
        guard PhoneNumber.mobilePrefixes.contains(String(text.prefix(2))) else { throw .notMobile }
        digits = text
    }

    public var description: String { "\(digits.prefix(4)) \(digits.suffix(4))" }

    /// For screens that confirm a number without showing it: `•••• 1234`.
    public var masked: String { "•••• \(digits.suffix(4))" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try PhoneNumber(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a mobile number"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}
