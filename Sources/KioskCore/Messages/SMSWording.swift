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
        "followUpQuestion", "vacancyDigest",
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
}
