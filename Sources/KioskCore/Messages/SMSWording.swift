public import Foundation

/// What each message says, in both languages (the locales' `sms.text.*`), with `{code}`,
/// `{minutes}`, `{ahead}`, `{link}`, `{ticket}`, `{time}` filled in. Worded to fit one part; kinds listed
/// in `latin` go out in MNS 5217:2012 Latin (one part of 160 instead of 70).
public struct SMSWording: Sendable {
    /// The templates by name: `oneTimeCode`, `turnNear`, `turnCalled`, `grievanceUpdate`,
    /// `appointmentTomorrow`, `appointmentToday`.
    public var templates: [String: LocalizedText]
    public var latin: Set<SMSKind>

    public static let names = [
        "oneTimeCode", "turnNear", "turnCalled", "grievanceUpdate", "appointmentTomorrow", "appointmentToday",
        "followUpQuestion", "vacancyDigest", "vacancyDigestMore",
    ]

    public init(templates: [String: LocalizedText], latin: Set<SMSKind> = []) {
        self.templates = templates
        self.latin = latin
    }

    /// The text of template `name` (a `kind` message) in `language` with `values` put in.
    public func text(_ name: String, kind: SMSKind, _ language: Language, _ values: [String: String]) -> String {
        var text = templates[name]?[language] ?? ""
        for (name, value) in values {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return latin.contains(kind) ? SMSText.transliterated(text) : text
    }

    /// The weekly digest (`vacancyDigest`): the count, as many of the new vacancies' titles as fit
    /// in `parts` parts (in the text's own encoding: UCS-2 for Cyrillic, or GSM 7-bit when the kind
    /// goes out in Latin), then "+N more" (`vacancyDigestMore`) for the rest, and the link to the
    /// person's list. Titles are dropped from the end until the text fits; with none left it says
    /// only the count, "+N more" and the link.
    public func digest(count: Int, titles: [String], link: String, _ language: Language, parts: Int) -> String {
        let titles = titles.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        var shown = titles.count
        while true {
            let more = count - shown
            var listed = titles.prefix(shown).joined(separator: ", ")
            if more > 0 {
                let tail = text("vacancyDigestMore", kind: .vacancyDigest, language, ["more": "\(more)"])
                listed += listed.isEmpty ? tail : " " + tail
            }
            let message = text(
                "vacancyDigest", kind: .vacancyDigest, language,
                ["count": "\(count)", "titles": listed, "link": link])
            if shown == 0 || SMSText.parts(message) <= parts { return message }
            shown -= 1
        }
    }
}
