import Foundation

/// Vacancies worded for print in one language: titles, amounts in tugrik and wage ranges.
public struct VacancyWording: Sendable {
    public let language: Language
    /// A locale text by key, in `language`.
    let text: @Sendable (String) -> String

    public init(language: Language, text: @escaping @Sendable (String) -> String) {
        self.language = language
        self.text = text
    }

    /// `1 200 000 ₮`, thousands apart as Mongolian print has them; the spaces do not break, so a
    /// wrapped line never splits an amount.
    public static func tugrik(_ amount: Int) -> String {
        let digits = Array(String(amount))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append("\u{00A0}") }
            text.append(digit)
        }
        return text + "\u{00A0}₮"
    }

    /// `800 000–1 200 000 ₮`, `from 800 000 ₮`, `up to …`, or empty when the vacancy names none.
    public func wage(_ vacancy: Vacancy) -> String {
        switch (vacancy.wageMin, vacancy.wageMax) {
        case (let low?, let high?) where low == high: Self.tugrik(low)
        case (let low?, let high?): Self.tugrik(low).dropLast(2) + "–" + Self.tugrik(high)
        case (let low?, nil):
            text("vacancies.wage.from").replacingOccurrences(of: "{value}", with: Self.tugrik(low))
        case (nil, let high?):
            text("vacancies.wage.upTo").replacingOccurrences(of: "{value}", with: Self.tugrik(high))
        case (nil, nil): ""
        }
    }

    /// The English title where there is one and English is asked for; the Mongolian otherwise.
    public func title(_ vacancy: Vacancy) -> String {
        language == .en ? (vacancy.titleEn.flatMap { $0.isEmpty ? nil : $0 } ?? vacancy.title) : vacancy.title
    }
}
