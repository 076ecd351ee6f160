public import Foundation

/// Every phrase the kiosk can speak, in each language, under a stable key: the visitor-facing
/// strings of the locale files (sections the screens show), the display board's announcement
/// words (numbers, letters, "ticket", "counter") and the office's service names. A clip is
/// recorded, or synthesised, for a key and nothing else, so no arbitrary text is ever spoken.
///
/// A locale string with placeholders (`Таны өмнө {n} хүн байна`) is split into its fixed
/// fragments (`key.1`, `key.2`, …); the values between them are spoken as numbers or letters.
public struct SpeechCatalog: Sendable {
    /// Text of each key, per language.
    public let phrases: [Language: [String: String]]
    /// Normalised text → key, per language, for finding the phrases in a screen's text.
    private let index: [Language: [String: String]]
    /// Word counts that occur among the phrases, longest first.
    private let phraseLengths: [Int]
    /// The alphabet, in the order of the `letterNN` keys.
    public let letters: [Character]

    /// - Parameters:
    ///   - locales: dotted key → text, per language (`Locales`' flattened files).
    ///   - notSpoken: key prefixes no visitor screen shows (the staff console, printouts).
    ///   - announcements: the display board's words, key → text, per language.
    ///   - letters: the alphabet whose letters `letterNN` name.
    ///   - services: the office's services; each name becomes `service.NN` (NN: its letter).
    ///   - officeName: the office's name (`office.name`), as the screens show it.
    ///   - questionnaire: the profiling questions the kiosk asks: each question `profiling.<id>`,
    ///     each answer `profiling.<id>.<answer>`.
    public init(
        locales: [Language: [String: String]], notSpoken: [String], announcements: [Language: [String: String]],
        letters: String, services: [QueueService], officeName: LocalizedText? = nil,
        questionnaire: ProfilingQuestionnaire? = nil
    ) {
        let alphabet = Array(letters)
        var phrases: [Language: [String: String]] = [:]
        for language in Language.allCases {
            var table: [String: String] = [:]
            for (key, text) in locales[language] ?? [:] {
                let spoken = notSpoken.contains { key == $0 || key.hasPrefix($0 + ".") }
                guard !spoken else { continue }
                let fragments = Self.fragments(of: Self.plainText(text))
                if fragments.count == 1, !text.contains("{") {
                    table[key] = fragments[0]
                } else {
                    for (offset, fragment) in fragments.enumerated() { table["\(key).\(offset + 1)"] = fragment }
                }
            }
            for (key, text) in announcements[language] ?? [:] { table[key] = text }
            for service in services {
                guard let letter = service.code.first, let position = alphabet.firstIndex(of: letter) else { continue }
                table["service." + Self.twoDigits(position)] = service.name[language]
            }
            if let officeName { table["office.name"] = officeName[language] }
            for question in questionnaire?.questions ?? [] {
                table["profiling.\(question.id)"] = Self.plainText(question.text[language])
                for answer in question.answers {
                    table["profiling.\(question.id).\(answer.id)"] = Self.plainText(answer.text[language])
                }
            }
            phrases[language] = table.filter { !Self.words(of: $0.value).isEmpty }
        }
        self.phrases = phrases
        self.letters = alphabet
        var index: [Language: [String: String]] = [:]
        var lengths = Set<Int>()
        for (language, table) in phrases {
            var byText: [String: String] = [:]
            // Sorted, so the same text always finds the same key (announcements' short keys first).
            for key in table.keys.sorted(by: Self.preferred) {
                let words = Self.words(of: table[key] ?? "")
                let normalised = words.joined(separator: " ")
                if byText[normalised] == nil { byText[normalised] = key }
                lengths.insert(words.count)
            }
            index[language] = byText
        }
        self.index = index
        self.phraseLengths = lengths.sorted(by: >)
    }

    /// Reads the locale files and `Kiosk/assets/audio/phrases.json` (its `letters`, its
    /// announcement words under `mn` and `en`, and `notSpoken`, the locale sections no visitor hears).
    public static func load(
        localeFiles: [Language: Data], phrasesFile: Data, services: [QueueService], officeName: LocalizedText? = nil,
        questionnaire: ProfilingQuestionnaire? = nil
    ) throws -> SpeechCatalog {
        guard let list = try JSONSerialization.jsonObject(with: phrasesFile) as? [String: Any] else {
            throw SpeechCatalogError(problem: "phrases.json is not a JSON object")
        }
        var locales: [Language: [String: String]] = [:]
        var announcements: [Language: [String: String]] = [:]
        for language in Language.allCases {
            guard let data = localeFiles[language] else { continue }
            locales[language] = flatten(try JSONSerialization.jsonObject(with: data))
            announcements[language] = list[language.rawValue] as? [String: String] ?? [:]
        }
        return SpeechCatalog(
            locales: locales, notSpoken: list["notSpoken"] as? [String] ?? [],
            announcements: announcements, letters: list["letters"] as? String ?? "", services: services,
            officeName: officeName, questionnaire: questionnaire)
    }

    /// The keys of one language, sorted.
    public func keys(_ language: Language) -> [String] { (phrases[language] ?? [:]).keys.sorted(by: Self.preferred) }

    public func text(_ key: String, _ language: Language) -> String? { phrases[language]?[key] }

    /// The text of `key` as a synthesiser should read it: in Mongolian, numbers written in digits
    /// become the catalogue's Mongolian number words (the Kyrgyz voice would read them in Kyrgyz).
    public func synthesisText(_ key: String, _ language: Language) -> String? {
        guard let text = text(key, language) else { return nil }
        guard language == .mn, text.contains(where: { $0.isASCII && $0.isNumber }) else { return text }
        var spoken = ""
        var digits = ""
        func flush() {
            guard !digits.isEmpty else { return }
            let keys = digits.count <= 3 ? numberKeys(Int(digits) ?? 0, language) : digits.map { "n\($0)" }
            spoken += keys.compactMap { self.text($0, language) }.joined(separator: " ")
            digits = ""
        }
        for character in text {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else {
                flush()
                spoken.append(character)
            }
        }
        flush()
        return spoken
    }

    /// The clips that speak `text` as it stands on a screen: its known phrases (longest first),
    /// numbers (up to three digits as a number, longer ones digit by digit) and single letters.
    /// Words of no known phrase are left out and counted.
    public func plan(_ text: String, _ language: Language) -> SpeechPlan {
        let words = Self.words(of: text)
        let byText = index[language] ?? [:]
        var plan = SpeechPlan(keys: [], unknownWords: 0)
        var at = 0
        next: while at < words.count {
            for length in phraseLengths where length <= words.count - at {
                if let key = byText[words[at..<(at + length)].joined(separator: " ")] {
                    plan.keys.append(key)
                    at += length
                    continue next
                }
            }
            let word = words[at]
            at += 1
            if word.allSatisfy(\.isASCII), let number = Int(word) {
                plan.keys += word.count <= 3 ? numberKeys(number, language) : word.map { "n\($0)" }
            } else if word.count == 1, let letter = letterKey(word.first!) {
                plan.keys.append(letter)
            } else {
                plan.unknownWords += 1
            }
        }
        plan.keys = plan.keys.filter { phrases[language]?[$0] != nil }
        return plan
    }

    /// The number words of `number` (0–999): hundreds, tens, ones; Mongolian uses the attributive
    /// form (key ending in `a`, "хорин") for a part followed by another.
    public func numberKeys(_ number: Int, _ language: Language) -> [String] {
        guard (0...999).contains(number) else { return String(number).map { "n\($0)" } }
        var keys: [String] = []
        let attributive = language == .mn
        let hundreds = number / 100 * 100
        let rest = number % 100
        if hundreds > 0 { keys.append("n\(hundreds)" + (attributive && rest > 0 ? "a" : "")) }
        if language == .en, rest > 0, rest < 20 { return keys + ["n\(rest)"] }
        let tens = rest / 10 * 10
        let ones = rest % 10
        if tens > 0 { keys.append("n\(tens)" + (attributive && ones > 0 ? "a" : "")) }
        if ones > 0 || number == 0 { keys.append("n\(ones)") }
        return keys
    }

    /// `letterNN` of a letter of the alphabet (either case).
    public func letterKey(_ letter: Character) -> String? {
        let upper = Character(String(letter).uppercased())
        return letters.firstIndex(of: upper).map { "letter" + Self.twoDigits($0) }
    }

    /// Whether `key` could name a clip file: letters, digits, `.`, `_`, `-`, not starting with `.`.
    public static func isWellFormed(key: String) -> Bool {
        !key.isEmpty && key.count <= 120 && !key.hasPrefix(".")
            && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    // MARK: - Text

    /// Lower-case words of letters and digits; a change between letters and digits splits a word
    /// (`А-012`, `А012` → `а`, `012`).
    public static func words(of text: String) -> [String] {
        var words: [String] = []
        var word = ""
        var digits = false
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                let isDigit = character.isASCII && character.isNumber
                if !word.isEmpty, isDigit != digits {
                    words.append(word)
                    word = ""
                }
                digits = isDigit
                word.append(character)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    /// The text between placeholders (`{n}`), spaces collapsed, fragments without a word dropped.
    static func fragments(of text: String) -> [String] {
        var fragments: [String] = []
        var current = ""
        var inPlaceholder = false
        for character in text {
            if character == "{" {
                inPlaceholder = true
                fragments.append(current)
                current = ""
            } else if character == "}" && inPlaceholder {
                inPlaceholder = false
            } else if !inPlaceholder {
                current.append(character)
            }
        }
        fragments.append(current)
        return fragments.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            .filter { !words(of: $0).isEmpty }
    }

    /// Text without HTML tags.
    static func plainText(_ text: String) -> String {
        guard text.contains("<") else { return text }
        var plain = ""
        var inTag = false
        for character in text {
            if character == "<" {
                inTag = true
            } else if character == ">" && inTag {
                inTag = false
                plain.append(" ")
            } else if !inTag {
                plain.append(character)
            }
        }
        return plain
    }

    static func flatten(_ value: Any, prefix: String = "") -> [String: String] {
        if let text = value as? String { return [prefix: text] }
        guard let object = value as? [String: Any] else { return [:] }
        var table: [String: String] = [:]
        for (key, child) in object {
            table.merge(flatten(child, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")) { first, _ in first }
        }
        return table
    }

    static func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : String(number) }

    /// Shorter keys first, then by name: `n5` before `steps.x.five`.
    static func preferred(_ a: String, _ b: String) -> Bool { a.count != b.count ? a.count < b.count : a < b }
}

/// The clips that speak one text, and how many of its words no phrase covers.
public struct SpeechPlan: Sendable, Equatable {
    public var keys: [String]
    public var unknownWords: Int

    public init(keys: [String], unknownWords: Int) {
        self.keys = keys
        self.unknownWords = unknownWords
    }
}

/// The phrase list could not be read.
public struct SpeechCatalogError: Error, CustomStringConvertible {
    public let problem: String
    public var description: String { problem }
}
