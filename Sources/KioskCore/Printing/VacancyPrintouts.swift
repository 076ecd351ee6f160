public import Foundation

/// Vacancy lists worded for paper in the visitor's language: the A4 list with the search in
/// words, and the short list for the receipt printer.
public struct VacancyPrintouts: Sendable {
    /// Place and occupation names.
    let reference: ReferenceCatalog
    let office: Office
    /// A locale text by key and language.
    let text: @Sendable (String, Language) -> String
    let now: @Sendable () -> Date

    /// The longest list printed on the receipt printer.
    public static let thermalLimit = 5

    public init(
        reference: ReferenceCatalog, office: Office, text: @escaping @Sendable (String, Language) -> String,
        now: @escaping @Sendable () -> Date
    ) {
        self.reference = reference
        self.office = office
        self.text = text
        self.now = now
    }

    func both(_ key: String) -> LocalizedText { LocalizedText(mn: text(key, .mn), en: text(key, .en)) }

    /// The search and filters in words, for the top of the printed list.
    public func worded(_ query: VacancyQuery, _ language: Language) -> [String] {
        func line(_ key: String, _ value: String) -> String {
            text("vacancies.filters.\(key)", language).replacingOccurrences(of: "{value}", with: value)
        }
        var lines: [String] = []
        if !query.text.isEmpty { lines.append(line("q", query.text)) }
        if let code = query.soumCode ?? query.aimagCode { lines.append(line("place", place(code, nil, language))) }
        if let group = query.occupationGroup {
            lines.append(line("occupation", name(reference.occupation(group)?.name, group, language)))
        }
        if let hours = query.hours { lines.append(line("hours", text("vacancies.hours.\(hours)", language))) }
        if let wage = query.minimumWage { lines.append(line("minWage", VacancyWording.tugrik(wage))) }
        if let days = query.postedWithinDays { lines.append(line("posted", String(days))) }
        return lines
    }

    func name(_ text: LocalizedText?, _ fallback: String, _ language: Language) -> String {
        guard let text else { return fallback }
        return language == .en ? text.en : text.mn
    }

    /// `Сүхбаатар дүүрэг, 5-р хороо` from the unit codes.
    func place(_ aimag: String, _ soum: String?, _ language: Language) -> String {
        var parts: [String] = []
        if let unit = reference.adminUnit(aimag) {
            if let parent = unit.parentCode {
                parts.append(name(reference.adminUnit(parent)?.name, parent, language))
            }
            parts.append(name(unit.name, aimag, language))
        } else {
            parts.append(aimag)
        }
        if let soum { parts.append(name(reference.adminUnit(soum)?.name, soum, language)) }
        return parts.joined(separator: ", ")
    }

    /// Titles and wages in the visitor's language.
    func wording(_ language: Language) -> VacancyWording {
        VacancyWording(language: language) { [text] in text($0, language) }
    }

    public func list(_ vacancies: [Vacancy], filters: [String], _ language: Language) -> VacancyList {
        func label(_ key: String) -> String { text("vacancies.list.\(key)", language) }
        let wording = wording(language)
        return VacancyList(
            office: language == .en ? office.name.en : office.name.mn,
            generated: office.localTimestamp(now()), filters: filters,
            entries: vacancies.map { vacancy in
                VacancyList.Entry(
                    title: wording.title(vacancy), employer: vacancy.employer,
                    location: place(vacancy.aimagCode, vacancy.soumCode, language), wage: wording.wage(vacancy),
                    hours: text("vacancies.hours.\(vacancy.hours)", language),
                    howToApply: vacancy.howToApply, reference: vacancy.reference)
            },
            labels: VacancyList.Labels(
                title: label("title"), employer: label("employer"), location: label("location"), wage: label("wage"),
                hours: label("hours"), howToApply: label("howToApply"), reference: label("reference"),
                filters: label("filters"), noFilters: label("noFilters"), empty: label("empty"), page: label("page")))
    }

    public func shortList(_ vacancies: [Vacancy], forPerson: Bool, _ language: Language) -> VacancyShortList {
        let wording = wording(language)
        return VacancyShortList(
            office: office.name,
            heading: both(forPerson ? "vacancies.short.headingMatches" : "vacancies.short.heading"),
            entries: vacancies.prefix(Self.thermalLimit).map { vacancy in
                VacancyShortList.Entry(
                    title: wording.title(vacancy), employer: vacancy.employer, wage: wording.wage(vacancy),
                    reference: vacancy.reference)
            },
            empty: both("vacancies.short.empty"), instruction: both("vacancies.short.instruction"),
            issued: office.localTimestamp(now()))
    }
}
