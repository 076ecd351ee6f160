import Foundation
import Hummingbird
import KioskCore

/// Printing from the screens: a ticket (again), the registration receipt, and the printers'
/// health for the staff console. A print problem never fails the ticket or registration it is
/// about: the answer says what happened, in both languages, and the number stays on screen.
struct PrintAPI: Sendable {
    let desk: TicketDesk
    let registrations: Registrations
    /// The kiosk's printers; `nil` when the kiosk prints nothing.
    let printer: (any DocumentPrinter)?
    let slips: Slips
    let authentication: StaffAuthentication
    let locales: Locales

    var answers: PrintAnswers { PrintAnswers(locales: locales) }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.post("tickets/:id/print") { _, context in try await printTicket(context.parameters.require("id")) }
        group.post("registrations/:id/receipt") { _, context in
            try await printReceipt(context.parameters.require("id"))
        }
        group.get("printers") { request, _ in
            _ = try await authentication.require(.checkDevices, request)
            return try JSON.response(["printers": await answers.printers(printer)])
        }
    }

    /// Prints a waiting (or parked) ticket again, after a failure.
    func printTicket(_ raw: String) async throws -> Response {
        let issued = try await desk.ticketToPrint(id: try APIError.uuid(raw, locales, message: "api.invalidTicketID"))
        let slip = slips.ticket(issued.ticket, issued.estimate)
        return try JSON.response(await answers.print(on: printer) { await $0.print(slip) })
    }

    func printReceipt(_ raw: String) async throws -> Response {
        guard let registration = try await registrations.registration(id: try APIError.uuid(raw, locales)) else {
            throw APIError.notFound(locales)
        }
        let receipt = slips.receipt(registration)
        return try JSON.response(await answers.print(on: printer) { await $0.print(receipt) })
    }
}
