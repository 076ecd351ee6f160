/// The individual action plan worded for the person: on A4 (the whole plan) or as a short
/// receipt in Mongolian (the steps still to do).
public struct ActionPlanPrintout: Sendable, Hashable {
    public enum Paper: String, Sendable, Hashable {
        case a4
        case receipt
    }

    public struct Section: Sendable, Hashable {
        public var heading: String
        /// One line a step: `2026-12-20 · Ажлын байранд өргөдөл гаргах: …`.
        public var lines: [String]

        public init(heading: String, lines: [String]) {
            self.heading = heading
            self.lines = lines
        }
    }

    public var paper: Paper
    public var office: String
    public var title: String
    /// `Name · UB-SB-000042`.
    public var person: String
    /// `Key counsellor: …`.
    public var counsellor: String
    public var goalsLabel: String
    public var goals: String
    public var sections: [Section]
    /// What to do when something cannot be done (call the counsellor, come to the office).
    public var footer: String
    /// The local date and time it was printed.
    public var issued: String
    /// `Хуудас %d / %d`.
    public var page: String
    /// `Дараагийн уулзалт: 2026-12-08 10:30 · Оюунчимэг`, when one is booked.
    public var nextAppointment: String? = nil

    public init(
        paper: Paper, office: String, title: String, person: String, counsellor: String, goalsLabel: String,
        goals: String, sections: [Section], footer: String, issued: String, page: String
    ) {
        self.paper = paper
        self.office = office
        self.title = title
        self.person = person
        self.counsellor = counsellor
        self.goalsLabel = goalsLabel
        self.goals = goals
        self.sections = sections
        self.footer = footer
        self.issued = issued
        self.page = page
    }
}
