/// What the kiosk prints, as data worded by the caller in the office's languages. The
/// `Printing` module lays these out (thermal raster, A4 PDF); nothing here knows about paper.

/// Everything printed on a queue ticket, already worded in both languages by the caller
/// (the kiosk's locale files). Mongolian comes first and large; English follows, small.
public struct TicketSlip: Sendable, Hashable {
    public var office: LocalizedText
    /// `А-001`, the number the display board will call.
    public var number: String
    public var service: LocalizedText
    public var priority: LocalizedText?
    /// "3 people ahead of you", worded.
    public var peopleAhead: LocalizedText
    /// "Estimated wait 10–20 min", worded; `nil` when there is nothing to estimate from.
    public var wait: LocalizedText?
    /// Local date and time of issue, `2026-11-23 09:41`.
    public var issued: String
    /// The ticket status page, encoded in the QR code.
    public var statusURL: String
    public var scanHint: LocalizedText
    public var instruction: LocalizedText
    /// "Rating code: XXXX-XXXX", worded: what only the ticket's holder has, to rate the service
    /// (also in the QR code's address); nil when the ticket is printed without it.
    public var ratingCode: LocalizedText?

    public init(
        office: LocalizedText, number: String, service: LocalizedText, priority: LocalizedText?,
        peopleAhead: LocalizedText, wait: LocalizedText?, issued: String, statusURL: String,
        scanHint: LocalizedText, instruction: LocalizedText, ratingCode: LocalizedText? = nil
    ) {
        self.ratingCode = ratingCode
        self.office = office
        self.number = number
        self.service = service
        self.priority = priority
        self.peopleAhead = peopleAhead
        self.wait = wait
        self.issued = issued
        self.statusURL = statusURL
        self.scanHint = scanHint
        self.instruction = instruction
    }
}

/// The slip a jobseeker takes home after registering.
public struct RegistrationReceipt: Sendable, Hashable {
    public var office: LocalizedText
    public var title: LocalizedText
    /// `UB-SB-000042`: what staff ask for at the desk.
    public var reference: String
    public var referenceLabel: LocalizedText
    /// The person's name as they may see it on paper (given name and initial).
    public var name: String
    /// Steps that follow, one line each.
    public var nextSteps: [LocalizedText]
    public var hoursLabel: LocalizedText
    /// Office hours, worded (`Даваа–Баасан 08:30–17:30`).
    public var hours: LocalizedText
    public var issued: String

    public init(
        office: LocalizedText, title: LocalizedText, reference: String, referenceLabel: LocalizedText, name: String,
        nextSteps: [LocalizedText], hoursLabel: LocalizedText, hours: LocalizedText, issued: String
    ) {
        self.office = office
        self.title = title
        self.reference = reference
        self.referenceLabel = referenceLabel
        self.name = name
        self.nextSteps = nextSteps
        self.hoursLabel = hoursLabel
        self.hours = hours
        self.issued = issued
    }
}

/// An A4 list of vacancies to take away, worded by the caller in the visitor's language.
/// Which vacancies, and in which order, is the vacancy search's business; this is the paper.
public struct VacancyList: Sendable {
    public struct Entry: Sendable, Hashable {
        public var title: String
        public var employer: String
        public var location: String
        /// Worded wage, `1 200 000–1 500 000 ₮`, or empty when the employer gave none.
        public var wage: String
        public var hours: String
        public var howToApply: String
        /// The code a person quotes at the desk, `V-2026-00042`.
        public var reference: String

        public init(
            title: String, employer: String, location: String, wage: String, hours: String, howToApply: String,
            reference: String
        ) {
            self.title = title
            self.employer = employer
            self.location = location
            self.wage = wage
            self.hours = hours
            self.howToApply = howToApply
            self.reference = reference
        }
    }

    /// Field labels and fixed text, in the list's language.
    public struct Labels: Sendable, Hashable {
        public var title: String
        public var employer: String
        public var location: String
        public var wage: String
        public var hours: String
        public var howToApply: String
        public var reference: String
        public var filters: String
        public var noFilters: String
        public var empty: String
        /// `Хуудас %d / %d`: page and page count.
        public var page: String

        public init(
            title: String, employer: String, location: String, wage: String, hours: String, howToApply: String,
            reference: String, filters: String, noFilters: String, empty: String, page: String
        ) {
            self.title = title
            self.employer = employer
            self.location = location
            self.wage = wage
            self.hours = hours
            self.howToApply = howToApply
            self.reference = reference
            self.filters = filters
            self.noFilters = noFilters
            self.empty = empty
            self.page = page
        }
    }

    public var office: String
    /// Local date and time the list was made.
    public var generated: String
    /// The search and filters that chose these vacancies, worded (`Хот: Улаанбаатар`).
    public var filters: [String]
    public var entries: [Entry]
    public var labels: Labels

    public init(office: String, generated: String, filters: [String], entries: [Entry], labels: Labels) {
        self.office = office
        self.generated = generated
        self.filters = filters
        self.entries = entries
        self.labels = labels
    }
}

/// The acknowledgement of a grievance on the receipt printer: its tracking code (large, and in a
/// QR code a phone can keep), what it is about and when the office will answer. Never its text.
public struct GrievanceSlip: Sendable, Hashable {
    public var office: LocalizedText
    public var title: LocalizedText
    public var codeLabel: LocalizedText
    public var code: String
    public var category: LocalizedText
    /// "The office answers by 2026-12-22."
    public var due: LocalizedText
    /// "Enter this code at the kiosk to see what the office has done."
    public var instruction: LocalizedText
    public var issued: String

    public init(
        office: LocalizedText, title: LocalizedText, codeLabel: LocalizedText, code: String, category: LocalizedText,
        due: LocalizedText, instruction: LocalizedText, issued: String
    ) {
        self.office = office
        self.title = title
        self.codeLabel = codeLabel
        self.code = code
        self.category = category
        self.due = due
        self.instruction = instruction
        self.issued = issued
    }
}

/// The first few vacancies of a list (or of a person's matches) on the receipt printer: enough
/// to take to a desk. The heading is in both languages; the vacancies in the visitor's.
public struct VacancyShortList: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var title: String
        public var employer: String
        /// Worded wage, or empty.
        public var wage: String
        public var reference: String

        public init(title: String, employer: String, wage: String, reference: String) {
            self.title = title
            self.employer = employer
            self.wage = wage
            self.reference = reference
        }
    }

    public var office: LocalizedText
    public var heading: LocalizedText
    public var entries: [Entry]
    /// Printed instead of entries when there are none.
    public var empty: LocalizedText
    /// "Quote the code at a desk to apply."
    public var instruction: LocalizedText
    public var issued: String

    public init(
        office: LocalizedText, heading: LocalizedText, entries: [Entry], empty: LocalizedText,
        instruction: LocalizedText, issued: String
    ) {
        self.office = office
        self.heading = heading
        self.entries = entries
        self.empty = empty
        self.instruction = instruction
        self.issued = issued
    }
}
