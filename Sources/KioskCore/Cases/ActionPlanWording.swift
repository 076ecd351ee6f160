public import Foundation

/// Words an action plan for printing, from the locale texts (`case.print.*`, `case.stepKinds.*`):
/// the whole plan on A4 in the person's language, the steps still to do on a receipt in Mongolian.
public struct ActionPlanWording: Sendable {
    let office: Office
    /// The text of a locale key in both languages.
    let text: @Sendable (String) -> LocalizedText
    let now: @Sendable () -> Date

    public init(
        office: Office, text: @escaping @Sendable (String) -> LocalizedText, now: @escaping @Sendable () -> Date
    ) {
        self.office = office
        self.text = text
        self.now = now
    }

    /// `next` is the person's next booked appointment, with the name of its counsellor.
    public func printout(
        _ plan: ActionPlan, of registration: Registration, paper: ActionPlanPrintout.Paper, language: Language,
        next: (appointment: Appointment, counsellorName: String?)? = nil
    ) -> ActionPlanPrintout {
        let language = paper == .receipt ? .mn : language
        func words(_ key: String) -> String { text(key)[language] }
        let sections = PlanHorizon.allCases.compactMap { horizon -> ActionPlanPrintout.Section? in
            let steps = plan.steps.filter { $0.horizon == horizon && (paper == .a4 || $0.status.isOpen) }
            guard !steps.isEmpty else { return nil }
            return ActionPlanPrintout.Section(
                heading: words("case.print.\(horizon.rawValue)"),
                lines: steps.sorted { $0.dueOn < $1.dueOn }.map { step in
                    var line = "\(step.dueOn) · \(words("case.stepKinds.\(step.kind.rawValue)")): \(step.text)"
                    if paper == .a4, !step.status.isOpen {
                        line += " (\(words("case.stepStatus.\(step.status.rawValue)")))"
                    }
                    return line
                })
        }
        var printout = ActionPlanPrintout(
            paper: paper, office: office.name[language], title: words("case.print.title"),
            person: "\(registration.details.displayName) · \(registration.reference)",
            counsellor: "\(words("case.print.counsellor")): \(plan.counsellorName)",
            goalsLabel: words("case.print.goals"), goals: plan.goals, sections: sections,
            footer: words("case.print.footer"), issued: office.localTimestamp(now()), page: words("case.print.page"))
        if let (appointment, name) = next {
            let parts = office.calendar.dateComponents([.hour, .minute], from: appointment.at)
            let time = OpeningHours.clock((parts.hour ?? 0) * 60 + (parts.minute ?? 0))
            let with = name ?? appointment.counter.map { "\(words("case.print.counter")) \($0)" }
            printout.nextAppointment =
                "\(words("case.print.nextAppointment")): \(appointment.officeDay) \(time)"
                + (with.map { " · \($0)" } ?? "")
        }
        return printout
    }
}
