public import Foundation

/// How a text is carried: GSM 7-bit (160 characters a part, 153 when concatenated) when every
/// character is in the GSM default alphabet, else UCS-2 (70, 67 when concatenated) — which is
/// every Mongolian text in Cyrillic.
public enum SMSEncoding: String, Sendable {
    case gsm7, ucs2
}

public enum SMSText {
    /// The GSM 03.38 default alphabet (one septet each).
    static let gsmBasic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
            + "¿abcdefghijklmnopqrstuvwxyzäöñüà")
    /// The extension table (an escape and a septet: two each).
    static let gsmExtended: Set<Character> = Set("^{}\\[~]|€\u{0C}")

    public static func encoding(of text: String) -> SMSEncoding {
        text.allSatisfy { gsmBasic.contains($0) || gsmExtended.contains($0) } ? .gsm7 : .ucs2
    }

    /// The parts `text` is sent in.
    public static func parts(_ text: String) -> Int {
        switch encoding(of: text) {
        case .gsm7:
            let septets = text.reduce(0) { $0 + (gsmExtended.contains($1) ? 2 : 1) }
            return septets <= 160 ? 1 : (septets + 152) / 153
        case .ucs2:
            let units = text.utf16.count
            return units <= 70 ? 1 : (units + 66) / 67
        }
    }

    /// Mongolian Cyrillic in Latin letters by MNS 5217:2012 (ө → ö, ү → ü, х → kh, ...), so a
    /// message fits one GSM 7-bit part of 160 where Cyrillic fits 70. Other characters stay.
    public static func transliterated(_ text: String) -> String {
        var out = ""
        for character in text {
            let lower = Character(character.lowercased())
            guard let latin = mns5217[lower] else {
                out.append(character)
                continue
            }
            if lower != character, let first = latin.first {
                out += first.uppercased() + latin.dropFirst()
            } else {
                out += latin
            }
        }
        return out
    }

    static let mns5217: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "ye", "ё": "yo", "ж": "j", "з": "z", "и": "i",
        "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s",
        "т": "t", "у": "u", "ү": "ü", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "i",
        "ы": "y", "ь": "i", "э": "e", "ю": "yu", "я": "ya",
    ]

    /// True for a reply that ends a kind of message: `ЗОГС` or `STOP`, any case, alone.
    public static func isStop(_ reply: String) -> Bool {
        let word = reply.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        return word == "ЗОГС" || word == "STOP" || word == "ZOGS"
    }
}
