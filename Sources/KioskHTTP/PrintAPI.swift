import Foundation
import Hummingbird
import KioskCore

/// Printing from the screens: a ticket (again), the registration receipt, and the printers'
/// health for the staff console. A print problem never fails the ticket or registration it is
/// about: the answer says what happened, in both languages, and the number stays on screen.
struct PrintAPI: Sendable {
    let environment: KioskHTTPEnvironment

    var locales: Locales { environment.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.post("tickets/:id/print") { _, context in try await printTicket(context.parameters.require("id")) }
        group.post("registrations/:id/receipt") { _, context in
            try await printReceipt(context.parameters.require("id"))
        }
        group.get("printers") { request, _ in try await printers(request) }
    }

    // MARK: - Views

    struct FaultView: Encodable {
        let code: String
        let blocksPrinting: Bool
        let message: LocalizedText
    }

    struct PrintView: Encodable {
        let status: String
        let job: Int32?
        let faults: [FaultView]
        let message: LocalizedText
    }

    struct PrinterView: Encodable {
        let role: String
        let name: LocalizedText
        let queue: String
        let ready: Bool
        let faults: [FaultView]
        let detail: String
        let checkedAt: Date?
    }

    func faultView(_ fault: PrinterFault) -> FaultView {
        FaultView(
            code: fault.rawValue, blocksPrinting: fault.blocksPrinting,
            message: locales.both("printer.faults.\(fault.rawValue)"))
    }

    /// The answer to a print, worded from the locale texts under `messages` (`print` for a
    /// ticket or receipt, `vacancies.print` for a list): `sentThermal`, `sentA4`, `failed`,
    /// `unavailable`.
    func view(_ outcome: PrintOutcome, messages: String = "print") -> PrintView {
        let key =
            switch (outcome.status, outcome.role) {
            case (.sent, .thermal): "sentThermal"
            case (.sent, .a4): "sentA4"
            case (.failed, _): "failed"
            case (.unavailable, _): "unavailable"
            }
        return PrintView(
            status: outcome.status.rawValue, job: outcome.job, faults: outcome.faults.map(faultView),
            message: locales.both("\(messages).\(key)"))
    }

    func view(_ health: PrinterHealth) -> PrinterView {
        PrinterView(
            role: health.role.rawValue, name: locales.both("printer.roles.\(health.role.rawValue)"),
            queue: health.queue, ready: health.isReady, faults: health.faults.map(faultView),
            detail: health.detail, checkedAt: health.checkedAt == .distantPast ? nil : health.checkedAt)
    }

    // MARK: - Documents

    /// A locale text with its `{name}` fields filled, in both languages.
    func fill(_ key: String, _ values: [String: String]) -> LocalizedText {
        var text = locales.both(key)
        for (name, value) in values {
            text.mn = text.mn.replacingOccurrences(of: "{\(name)}", with: value)
            text.en = text.en.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }

    func slip(_ ticket: Ticket, _ estimate: WaitEstimate) -> TicketSlip {
        let service = environment.services.first { $0.code == ticket.serviceCode }
        return TicketSlip(
            office: environment.office.name, number: ticket.displayNumber,
            service: service?.name ?? LocalizedText(mn: ticket.serviceCode, en: ticket.serviceCode),
            priority: ticket.priority.map { locales.both("priority.\($0.rawValue)") },
            peopleAhead: fill("print.ticket.peopleAhead", ["n": String(estimate.peopleAhead)]),
            wait: estimate.minutes.map {
                fill("print.ticket.wait", ["from": String($0.lowerBound), "to": String($0.upperBound)])
            },
            issued: environment.office.localTimestamp(ticket.issuedAt),
            statusURL: environment.publicURL + "/t/" + ticket.id.uuidString.lowercased(),
            scanHint: locales.both("print.ticket.scan"), instruction: locales.both("print.ticket.instruction"))
    }

    func receipt(_ registration: Registration) -> RegistrationReceipt {
        let opens = environment.services.map(\.hours.opens).min() ?? OpeningHours.standard.opens
        let closes = environment.services.map(\.hours.closes).max() ?? OpeningHours.standard.closes
        let weekdays = environment.services.reduce(into: Set<Int>()) { $0.formUnion($1.hours.weekdays) }
        let days = weekdays == [1, 2, 3, 4, 5] ? "print.receipt.weekdays" : "print.receipt.everyDay"
        let clock = "\(OpeningHours.clock(opens))–\(OpeningHours.clock(closes))"
        return RegistrationReceipt(
            office: environment.office.name, title: locales.both("print.receipt.title"),
            reference: registration.reference, referenceLabel: locales.both("print.receipt.reference"),
            name: registration.details.displayName,
            nextSteps: (1...3).map { locales.both("print.receipt.next\($0)") },
            hoursLabel: locales.both("print.receipt.hours"), hours: fill(days, ["hours": clock]),
            issued: environment.office.localTimestamp(environment.now()))
    }

    /// Prints a ticket for a ticket just issued, or again after a failure.
    func print(_ ticket: Ticket, _ estimate: WaitEstimate) async -> PrintView {
        guard let printer = environment.printer else {
            return view(
                PrintOutcome(status: .unavailable, role: .thermal, queue: nil, job: nil, faults: [], detail: ""))
        }
        return view(await printer.print(slip(ticket, estimate)))
    }

    /// The answer of a kiosk that has no printer configured.
    var noPrinter: PrintView {
        view(PrintOutcome(status: .unavailable, role: .thermal, queue: nil, job: nil, faults: [], detail: ""))
    }

    // MARK: - Handlers

    func printTicket(_ raw: String) async throws -> Response {
        let id = try APIError.uuid(raw, locales)
        guard let ticket = try await environment.queue.ticket(id: id) else { throw APIError.notFound(locales) }
        guard ticket.state == .waiting || ticket.state == .parked else {
            throw APIError(
                status: .conflict, code: "print.ticketNotWaiting",
                message: locales.both("errors.print.ticketNotWaiting"))
        }
        let estimate = try await environment.queue.estimate(for: ticket, at: environment.now())
        return try JSON.response(await print(ticket, estimate))
    }

    func printReceipt(_ raw: String) async throws -> Response {
        let id = try APIError.uuid(raw, locales)
        guard let registration = try await environment.registrations.registration(id: id) else {
            throw APIError.notFound(locales)
        }
        guard let printer = environment.printer else { return try JSON.response(noPrinter) }
        return try JSON.response(view(await printer.print(receipt(registration))))
    }

    func printers(_ request: Request) async throws -> Response {
        _ = try await StaffAuthentication(environment: environment).require(.checkDevices, request)
        return try JSON.response(["printers": await printerViews()])
    }

    func printerViews() async -> [PrinterView] {
        await environment.printer?.printerHealth().map(view) ?? []
    }
}
