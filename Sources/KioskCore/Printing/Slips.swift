public import Foundation

/// Words the kiosk's slips (ticket, registration receipt, grievance acknowledgement) from the
/// office's settings and its locale texts; the `Printing` module lays them out.
public struct Slips: Sendable {
    let office: Office
    let services: [QueueService]
    /// Where phones reach the service, without a trailing slash.
    let publicURL: String
    /// A locale text by key, in both languages.
    let text: @Sendable (String) -> LocalizedText
    let now: @Sendable () -> Date

    public init(
        office: Office, services: [QueueService], publicURL: String,
        text: @escaping @Sendable (String) -> LocalizedText, now: @escaping @Sendable () -> Date
    ) {
        self.office = office
        self.services = services
        self.publicURL = publicURL
        self.text = text
        self.now = now
    }

    /// A locale text with its `{name}` fields filled, in both languages.
    public func fill(_ key: String, _ values: [String: String]) -> LocalizedText {
        text(key).filling(values)
    }

    /// The status page of a ticket, as phones reach it (and its QR code says); with the rating
    /// code (`?k=`) when it is known, so whoever scans the printed ticket can rate the service.
    public func statusURL(_ ticket: Ticket, ratingCode: String? = nil) -> String {
        publicURL + "/t/" + ticket.id.uuidString.lowercased()
            + (ratingCode.map { "?k=" + $0.filter { $0.isLetter || $0.isNumber } } ?? "")
    }

    public func ticket(_ ticket: Ticket, _ estimate: WaitEstimate, ratingCode: String? = nil) -> TicketSlip {
        let service = services.first { $0.code == ticket.serviceCode }
        return TicketSlip(
            office: office.name, number: ticket.displayNumber,
            service: service?.name ?? LocalizedText(mn: ticket.serviceCode, en: ticket.serviceCode),
            priority: ticket.priority.map { text("priority.\($0.rawValue)") },
            peopleAhead: fill("print.ticket.peopleAhead", ["n": String(estimate.peopleAhead)]),
            wait: estimate.minutes.map {
                fill("print.ticket.wait", ["from": String($0.lowerBound), "to": String($0.upperBound)])
            },
            issued: office.localTimestamp(ticket.issuedAt), statusURL: statusURL(ticket, ratingCode: ratingCode),
            scanHint: text("print.ticket.scan"), instruction: text("print.ticket.instruction"),
            ratingCode: ratingCode.map { fill("print.ticket.ratingCode", ["code": $0]) })
    }

    /// The receipt after registering: the reference, next steps and the office's hours (the
    /// widest of its services').
    public func receipt(_ registration: Registration) -> RegistrationReceipt {
        let opens = services.map(\.hours.opens).min() ?? OpeningHours.standard.opens
        let closes = services.map(\.hours.closes).max() ?? OpeningHours.standard.closes
        let weekdays = services.reduce(into: Set<Int>()) { $0.formUnion($1.hours.weekdays) }
        let days = weekdays == [1, 2, 3, 4, 5] ? "print.receipt.weekdays" : "print.receipt.everyDay"
        let clock = "\(OpeningHours.clock(opens))–\(OpeningHours.clock(closes))"
        return RegistrationReceipt(
            office: office.name, title: text("print.receipt.title"),
            reference: registration.reference, referenceLabel: text("print.receipt.reference"),
            name: registration.details.displayName,
            nextSteps: (1...3).map { text("print.receipt.next\($0)") },
            hoursLabel: text("print.receipt.hours"), hours: fill(days, ["hours": clock]),
            issued: office.localTimestamp(now()))
    }

    /// What the visitor is told on filing: when the office answers.
    public func acknowledgement(of grievance: Grievance) -> LocalizedText {
        fill("grievance.acknowledgement", ["date": grievance.dueOn.description])
    }

    public func grievance(_ grievance: Grievance) -> GrievanceSlip {
        GrievanceSlip(
            office: office.name, title: text("grievance.print.title"), codeLabel: text("grievance.codeLabel"),
            code: grievance.trackingCode, category: text("grievance.categories.\(grievance.category.rawValue)"),
            due: fill("grievance.print.due", ["date": grievance.dueOn.description]),
            instruction: text("grievance.print.instruction"), issued: office.localTimestamp(now()))
    }
}

extension LocalizedText {
    /// The text with its `{name}` fields filled, in both languages.
    public func filling(_ values: [String: String]) -> LocalizedText {
        var filled = self
        for (name, value) in values {
            filled.mn = filled.mn.replacingOccurrences(of: "{\(name)}", with: value)
            filled.en = filled.en.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return filled
    }
}
