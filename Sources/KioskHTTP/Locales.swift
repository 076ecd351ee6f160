public import Foundation
public import KioskCore

/// Visitor-facing strings, one JSON file per language in `Kiosk/locales/` (nested objects;
/// a key is the dotted path, e.g. `errors.registryNumber.tooYoung`).
public struct Locales: Sendable {
    private let tables: [Language: [String: String]]
    private let trees: [Language: JSONTree]

    /// Loads `mn.json` and `en.json` from `directory`.
    public init(directory: URL) throws {
        var tables: [Language: [String: String]] = [:]
        var trees: [Language: JSONTree] = [:]
        for language in Language.allCases {
            let url = directory.appendingPathComponent("\(language.rawValue).json")
            let data = try Data(contentsOf: url)
            let tree = try JSONDecoder().decode(JSONTree.self, from: data)
            trees[language] = tree
            tables[language] = tree.flattened()
        }
        self.tables = tables
        self.trees = trees
    }

    /// Every dotted key of one language, for the test that both languages have the same keys.
    public func keys(_ language: Language) -> Set<String> { Set(tables[language]?.keys ?? [:].keys) }

    /// The string for `key`, or the key itself so a missing string is visible, never a crash.
    public func text(_ key: String, _ language: Language) -> String {
        tables[language]?[key] ?? key
    }

    public func both(_ key: String) -> LocalizedText {
        LocalizedText(mn: text(key, .mn), en: text(key, .en))
    }

    /// The message of a field error in both languages.
    public func message(for error: FieldError) -> LocalizedText {
        both("errors.\(error.code)")
    }

    /// Nested dictionaries for templates (`{{t.attract.title}}`).
    func templateContext(_ language: Language) -> [String: Any] {
        trees[language]?.templateValue as? [String: Any] ?? [:]
    }

    /// One subtree as JSON, for strings the page's JavaScript needs.
    func json(subtree key: String, _ language: Language) -> String {
        guard case .object(let object)? = trees[language], let subtree = object[key] else { return "{}" }
        return scriptJSON(subtree) ?? "{}"
    }
}

/// A locale file: strings in nested objects.
indirect enum JSONTree: Codable, Sendable {
    case string(String)
    case object([String: JSONTree])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .string(text)
        } else {
            self = .object(try container.decode([String: JSONTree].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .object(let object): try container.encode(object)
        }
    }

    func flattened(prefix: String = "") -> [String: String] {
        switch self {
        case .string(let text):
            return [prefix: text]
        case .object(let object):
            var result: [String: String] = [:]
            for (key, value) in object {
                result.merge(value.flattened(prefix: prefix.isEmpty ? key : "\(prefix).\(key)")) { a, _ in a }
            }
            return result
        }
    }

    var templateValue: Any {
        switch self {
        case .string(let text): text
        case .object(let object): object.mapValues(\.templateValue)
        }
    }
}

/// JSON safe to embed in `<script type="application/json">`: no "</script>" can close it early.
func scriptJSON(_ value: some Encodable) -> String? {
    guard let data = try? JSONEncoder().encode(value) else { return nil }
    return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
}
