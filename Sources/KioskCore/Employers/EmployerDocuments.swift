public import Foundation

/// An A4 page set the office hands an employer: a title, a header block, sections of lines.
public struct OfficeDocument: Sendable, Hashable {
    public struct Section: Sendable, Hashable {
        public var heading: String
        /// `label: value` lines; a line without a label is plain text.
        public var lines: [(label: String, value: String)]

        public init(heading: String, lines: [(label: String, value: String)]) {
            self.heading = heading
            self.lines = lines
        }

        public static func == (a: Self, b: Self) -> Bool {
            a.heading == b.heading && a.lines.map(\.label) == b.lines.map(\.label)
                && a.lines.map(\.value) == b.lines.map(\.value)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(heading)
            for line in lines {
                hasher.combine(line.label)
                hasher.combine(line.value)
            }
        }
    }

    public var title: String
    /// Shown large under the title (the vacancy's code).
    public var code: String
    public var office: String
    public var generated: String
    public var sections: [Section]
    public var footer: String

    public init(
        title: String, code: String, office: String, generated: String, sections: [Section], footer: String
    ) {
        self.title = title
        self.code = code
        self.office = office
        self.generated = generated
        self.sections = sections
        self.footer = footer
    }
}

/// Renders office documents to PDF (the printing adapter; the console opens the PDF to print).
public protocol OfficeDocumentRenderer: Sendable {
    func pdf(_ document: OfficeDocument) throws -> Data
}

/// Words the employer's confirmation of a vacancy and the shortlist of candidates. The shortlist
/// carries only what a jobseeker shares with an employer when referred: initial and given name,
/// the office's reference, education, experience, skills and why they match; never the registry
/// number, birth date, phone, address or disability.
public struct EmployerDocuments: Sendable {
    public let catalog: ReferenceCatalog
    let office: Office
    /// A locale text in a language.
    let text: @Sendable (String, Language) -> String
    let now: @Sendable () -> Date

    public init(
        catalog: ReferenceCatalog, office: Office, text: @escaping @Sendable (String, Language) -> String,
        now: @escaping @Sendable () -> Date
    ) {
        self.catalog = catalog
        self.office = office
        self.text = text
        self.now = now
    }

    func label(_ key: String, _ language: Language) -> String { text("employer.pdf.\(key)", language) }

    func place(_ aimag: String, _ soum: String?, _ language: Language) -> String {
        let names = [aimag] + (soum.map { [$0] } ?? [])
        return names.map { catalog.adminUnit($0)?.name[language] ?? $0 }.joined(separator: ", ")
    }

    func wage(_ vacancy: Vacancy) -> String {
        func tugrik(_ value: Int) -> String {
            let digits = Array(String(value))
            var out = ""
            for (index, digit) in digits.enumerated() {
                if index > 0 && (digits.count - index) % 3 == 0 { out += " " }
                out.append(digit)
            }
            return out
        }
        switch (vacancy.wageMin, vacancy.wageMax) {
        case (let low?, let high?) where low != high: return "\(tugrik(low))–\(tugrik(high)) ₮"
        case (let low?, _): return "\(tugrik(low)) ₮"
        case (nil, let high?): return "\(tugrik(high)) ₮"
        default: return "—"
        }
    }

    public func confirmation(_ vacancy: OfficeVacancy, employer: Employer, language: Language = .mn)
        -> OfficeDocument
    {
        let v = vacancy.vacancy
        let education = v.education.flatMap { catalog.educationLevel($0)?.name[language] } ?? "—"
        let occupation = catalog.occupation(v.iscoCode)?.name[language] ?? ""
        return OfficeDocument(
            title: label("confirmationTitle", language), code: v.reference, office: office.name[language],
            generated: office.localTimestamp(now()),
            sections: [
                .init(
                    heading: label("employer", language),
                    lines: [
                        (label("name", language), employer.details.name),
                        (label("registerNumber", language), employer.details.registerNumber),
                        (label("contact", language), "\(employer.details.contactName), \(employer.details.phone)"),
                    ]),
                .init(
                    heading: label("vacancy", language),
                    lines: [
                        (label("title", language), v.title),
                        (label("occupation", language), "\(v.iscoCode) \(occupation)"),
                        (label("place", language), place(v.aimagCode, v.soumCode, language)),
                        (label("hours", language), text("vacancies.hours.\(v.hours)", language)),
                        (label("wage", language), wage(v)),
                        (label("posts", language), String(v.posts)),
                        (label("education", language), education),
                        (label("experience", language), String(v.experienceYears)),
                        (label("skills", language), v.skills.isEmpty ? "—" : v.skills.joined(separator: ", ")),
                        (label("postedOn", language), v.postedOn),
                        (label("closesOn", language), v.closesOn),
                        (label("howToApply", language), v.howToApply),
                    ]),
            ],
            footer: label("confirmationFooter", language))
    }

    /// One candidate on the shortlist, with what they share.
    public struct ShortlistEntry: Sendable {
        public var name: String
        public var reference: String
        public var educationCode: String
        public var experienceYears: Int
        public var skills: [String]
        public var score: Int
        public var reasons: [String]

        public init(
            name: String, reference: String, educationCode: String, experienceYears: Int, skills: [String],
            score: Int, reasons: [String]
        ) {
            self.name = name
            self.reference = reference
            self.educationCode = educationCode
            self.experienceYears = experienceYears
            self.skills = skills
            self.score = score
            self.reasons = reasons
        }
    }

    public func shortlist(
        _ vacancy: OfficeVacancy, employer: Employer, entries: [ShortlistEntry], language: Language = .mn
    ) -> OfficeDocument {
        var sections: [OfficeDocument.Section] = [
            .init(
                heading: label("vacancy", language),
                lines: [
                    (label("name", language), employer.details.name),
                    (label("title", language), vacancy.vacancy.title),
                ])
        ]
        for (index, entry) in entries.enumerated() {
            sections.append(
                .init(
                    heading: "\(index + 1). \(entry.name) · \(entry.reference)",
                    lines: [
                        (
                            label("education", language),
                            catalog.educationLevel(entry.educationCode)?.name[language] ?? entry.educationCode
                        ),
                        (label("experience", language), String(entry.experienceYears)),
                        (label("skills", language), entry.skills.isEmpty ? "—" : entry.skills.joined(separator: ", ")),
                        (label("score", language), String(entry.score)),
                        (label("reasons", language), entry.reasons.joined(separator: "; ")),
                    ]))
        }
        return OfficeDocument(
            title: label("shortlistTitle", language), code: vacancy.reference, office: office.name[language],
            generated: office.localTimestamp(now()), sections: sections, footer: label("shortlistFooter", language))
    }
}
