/// The languages every visitor-facing text exists in. Mongolian first.
public enum Language: String, CaseIterable, Sendable, Codable {
    case mn
    case en

    public init?(code: String) {
        self.init(rawValue: code.lowercased())
    }
}

/// A text in both visitor languages, as reference data carries its names.
public struct LocalizedText: Hashable, Sendable, Codable {
    public var mn: String
    public var en: String

    public init(mn: String, en: String) {
        self.mn = mn
        self.en = en
    }

    public subscript(language: Language) -> String {
        switch language {
        case .mn: mn
        case .en: en
        }
    }
}
