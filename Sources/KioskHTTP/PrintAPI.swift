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
    /// The receipt names the person: their proof at the kiosk, or staff.
    let access: PersonAccess
    /// Whether a rating code is a ticket's (printed again only then); nil where there are no ratings.
    let feedback: FeedbackDesk?
    let strict: StrictJSON
    var locales: Locales { strict.locales }

    var answers: PrintAnswers { PrintAnswers(locales: locales) }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.post("tickets/:id/print") { request, context in
            try await printTicket(request, context.parameters.require("id"))
        }
        group.post("registrations/:id/receipt") { request, context in
            try await printReceipt(request, context.parameters.require("id"))
        }
        group.get("printers") { request, _ in
            _ = try await authentication.require(.checkDevices, request)
            return try JSON.response(["printers": await answers.printers(printer)])
        }
    }

    struct ReprintRequest: Decodable {
        /// The rating code the kiosk got with the ticket: printed again when it is the ticket's.
        let ratingCode: String?
    }

    /// Prints a waiting (or parked) ticket again, after a failure; with its rating code when the
    /// request shows it (the office keeps only its digest).
    func printTicket(_ request: Request, _ raw: String) async throws -> Response {
        let id = try APIError.uuid(raw, locales, message: "api.invalidTicketID")
        // The body is optional (older screens and scripts send none, or an empty one).
        let hasBody = request.headers[.contentLength].map { $0 != "0" } ?? false
        let body =
            hasBody
            ? try await strict.decode(ReprintRequest.self, from: request, allowedKeys: ["ratingCode"])
            : ReprintRequest(ratingCode: nil)
        let issued = try await desk.ticketToPrint(id: id)
        var code: String?
        if let shown = body.ratingCode, try await feedback?.holds(ticketID: id, code: shown) == true { code = shown }
        let slip = slips.ticket(issued.ticket, issued.estimate, ratingCode: code)
        return try JSON.response(await answers.print(on: printer) { await $0.print(slip) })
    }

    func printReceipt(_ request: Request, _ raw: String) async throws -> Response {
        let id = try APIError.uuid(raw, locales)
        _ = try await access.require(.readPeople, for: id, request)
        guard let registration = try await registrations.registration(id: id) else {
            throw APIError.notFound(locales)
        }
        let receipt = slips.receipt(registration)
        return try JSON.response(await answers.print(on: printer) { await $0.print(receipt) })
    }
}
