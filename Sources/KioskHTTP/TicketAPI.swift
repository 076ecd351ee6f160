import Foundation
import Hummingbird
import KioskCore

/// Tickets: the services and their state, issuing a ticket (printed on request) and reading it,
/// and for officers calling the next ticket, acting on one and their counter's overview.
struct TicketAPI: Sendable {
    let desk: TicketDesk
    let authentication: StaffAuthentication
    let strict: StrictJSON
    /// The language of a ticket whose request names none.
    let defaultLanguage: Language
    /// The receipt printer for tickets; `nil` when the kiosk prints nothing.
    let printer: (any DocumentPrinter)?
    let slips: Slips
    /// Where the kiosk stands with the LMIS, for the console; nil when unknown.
    let syncStatus: @Sendable () async -> SyncStatus?
    /// Whether the database takes writes, for the console's warning.
    let storageWritable: @Sendable () async -> Bool

    var locales: Locales { strict.locales }
    var answers: PrintAnswers { PrintAnswers(locales: locales) }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("services") { _, _ in try services() }
        group.post("tickets") { request, _ in try await issue(request) }
        group.get("tickets/:id") { _, context in try await read(context.parameters.require("id")) }
        group.post("tickets/:id/:action") { request, context in
            try await act(request, id: context.parameters.require("id"), action: context.parameters.require("action"))
        }
        group.post("counters/:counter/call-next") { request, context in
            try await callNext(request, counter: context.parameters.require("counter"))
        }
        group.get("queue") { request, _ in try await overview(request) }
    }

    // MARK: - Views

    struct ServiceView: Encodable {
        let code: String
        let name: LocalizedText
        let counters: [Int]
        let requiresRegistration: Bool
        let open: Bool
        let hours: String
    }

    func services() throws -> Response {
        try JSON.response([
            "services": desk.services.map { service in
                ServiceView(
                    code: service.code, name: service.name, counters: service.counters,
                    requiresRegistration: service.requiresRegistration, open: desk.isOpen(service),
                    hours: "\(OpeningHours.clock(service.hours.opens))–\(OpeningHours.clock(service.hours.closes))")
            }
        ])
    }

    struct TicketView: Encodable {
        struct Minutes: Encodable {
            let from: Int
            let to: Int
        }
        let id: String
        let number: String
        let serviceCode: String
        let serviceName: LocalizedText
        let priority: String?
        let state: String
        let counter: Int?
        let issuedAt: Date
        let calledAt: Date?
        let peopleAhead: Int
        let estimateMinutes: Minutes?
        let statusPath: String
        /// The status page as phones reach it (`public_url`), printed in the QR code too.
        let statusURL: String
        /// Seconds until a called ticket may be marked as a no-show (the grace period), for the
        /// console's countdown; `nil` unless the ticket is called.
        var noShowInSeconds: Int? = nil
        /// What happened to the printed ticket, when the kiosk asked for one.
        var print: PrintAnswers.PrintView? = nil
        /// The code that lets only the ticket's holder rate the service: printed on the ticket and
        /// in its QR code (`statusURL`), answered once, when the ticket is issued.
        var ratingCode: String? = nil
    }

    /// A ticket as clients see it; without an estimate (staff views) it shows nobody ahead.
    func view(
        _ ticket: Ticket, _ estimate: WaitEstimate = WaitEstimate(peopleAhead: 0, minutes: nil),
        ratingCode: String? = nil
    ) -> TicketView {
        let id = ticket.id.uuidString.lowercased()
        var view = TicketView(
            id: id, number: ticket.displayNumber, serviceCode: ticket.serviceCode,
            serviceName: desk.service(ticket.serviceCode)?.name
                ?? LocalizedText(mn: ticket.serviceCode, en: ticket.serviceCode),
            priority: ticket.priority?.rawValue, state: ticket.state.rawValue, counter: ticket.counter,
            issuedAt: ticket.issuedAt, calledAt: ticket.calledAt, peopleAhead: estimate.peopleAhead,
            estimateMinutes: estimate.minutes.map { TicketView.Minutes(from: $0.lowerBound, to: $0.upperBound) },
            statusPath: "/t/\(id)", statusURL: slips.statusURL(ticket, ratingCode: ratingCode))
        view.noShowInSeconds = desk.noShowInSeconds(ticket)
        view.ratingCode = ratingCode
        return view
    }

    // MARK: - Tickets (kiosk, public)

    struct IssueRequest: Decodable {
        let serviceCode: String
        let priority: String?
        let registrationId: String?
        /// A returning visitor who has not proved who they are: their ticket, nothing shown.
        let registryNumber: String?
        let language: String?
        /// Print the ticket on the kiosk's receipt printer (the kiosk screen asks; an app would not).
        let print: Bool?
    }

    func issue(_ request: Request) async throws -> Response {
        let body = try await strict.decode(
            IssueRequest.self, from: request,
            allowedKeys: ["serviceCode", "priority", "registrationId", "registryNumber", "language", "print"])
        let issued = try await desk.issue(
            TicketRequest(
                serviceCode: body.serviceCode, priority: body.priority, registrationID: body.registrationId,
                registryNumber: body.registryNumber,
                language: body.language.flatMap(Language.init(code:)) ?? defaultLanguage,
                requestKey: request.requestKey))
        var ticketView = view(issued.ticket, issued.estimate, ratingCode: issued.ratingCode)
        if body.print == true {
            ticketView.print = await print(issued)
        }
        var response = try JSON.response(ticketView, status: .created)
        response.headers[.location] = "/api/v1/tickets/\(issued.ticket.id.uuidString.lowercased())"
        return response
    }

    /// Prints a ticket just issued; a print problem never fails the ticket.
    func print(_ issued: IssuedTicket) async -> PrintAnswers.PrintView {
        let slip = slips.ticket(issued.ticket, issued.estimate, ratingCode: issued.ratingCode)
        return await answers.print(on: printer) { await $0.print(slip) }
    }

    func read(_ raw: String) async throws -> Response {
        guard let issued = try await desk.ticket(id: try APIError.uuid(raw, locales, message: "api.invalidTicketID"))
        else {
            throw APIError.notFound(locales)
        }
        return try JSON.response(view(issued.ticket, issued.estimate))
    }

    // MARK: - Counters (staff)

    func callNext(_ request: Request, counter raw: String) async throws -> Response {
        let session = try await authentication.require(.serveQueue, request)
        guard let counter = Int(raw) else { throw TicketActionError.wrongCounter }
        return try JSON.response(view(try await desk.callNext(counter: counter, by: session)))
    }

    struct ActionRequest: Decodable {
        let backToQueue: Bool?
        let serviceCode: String?
        let outcome: String?
    }

    func act(_ request: Request, id raw: String, action name: String) async throws -> Response {
        let session = try await authentication.require(.serveQueue, request)
        let id = try APIError.uuid(raw, locales, message: "api.invalidTicketID")
        let hasBody = request.headers[.contentLength].map { $0 != "0" } ?? (request.headers[.contentType] != nil)
        let body =
            hasBody
            ? try await strict.decode(
                ActionRequest.self, from: request, allowedKeys: ["backToQueue", "serviceCode", "outcome"])
            : ActionRequest(backToQueue: nil, serviceCode: nil, outcome: nil)
        let action: TicketAction
        switch name {
        case "recall": action = .recall
        case "start": action = .start
        case "no-show": action = .noShow(backToQueue: body.backToQueue ?? false)
        case "transfer":
            guard let code = body.serviceCode else { throw fieldError("serviceCode", "required") }
            action = .transfer(toService: code)
        case "park": action = .park
        case "resume": action = .resume(counter: session.counter, staffID: session.staffID)
        case "finish":
            guard let raw = body.outcome, let outcome = ServiceOutcome(rawValue: raw) else {
                throw fieldError("outcome", "unknownCode")
            }
            action = .finish(outcome)
        default:
            throw APIError.notFound(locales)
        }
        return try JSON.response(view(try await desk.act(ticketID: id, action, by: session)))
    }

    struct Overview: Encodable {
        struct Waiting: Encodable {
            let id: String
            let number: String
            let serviceCode: String
            let priority: String?
            let waitingSeconds: Int
            /// Whether this counter serves the ticket's service (call-next can give it here); an
            /// appointment's ticket only for the officer or counter it was booked with.
            let callable: Bool
        }
        let counter: Int
        let waiting: [Waiting]
        let active: [TicketView]
        let figures: [QueueFigures]
        /// The printers' health, so the console shows paper-out and jams as they happen.
        let printers: [PrintAnswers.PrinterView]
        /// The LMIS link: last success, records waiting and their age, quarantined records.
        let sync: SyncView?
        /// Present when the database cannot be written (a full disk): what the console shows.
        let storageProblem: LocalizedText?
    }

    struct SyncView: Encodable {
        let enrolled: Bool
        let lastSuccessAt: Date?
        let lastError: String?
        let waiting: Int
        let oldestWaitingSeconds: Int?
        let quarantined: Int
        let unverified: Int
    }

    /// What a counter sees: today's waiting tickets (in calling order), its active and parked
    /// tickets, and today's figures.
    func overview(_ request: Request) async throws -> Response {
        let session = try await authentication.require(.watchQueue, request)
        let overview = try await desk.overview(counter: session.counter)
        let now = overview.at
        let served = Set(desk.services(atCounter: session.counter))
        return try JSON.response(
            Overview(
                counter: overview.counter,
                waiting: overview.waiting.map {
                    .init(
                        id: $0.id.uuidString.lowercased(), number: $0.displayNumber, serviceCode: $0.serviceCode,
                        priority: $0.priority?.rawValue, waitingSeconds: Int(now.timeIntervalSince($0.queuedAt)),
                        callable: served.contains($0.serviceCode)
                            && $0.appointment.map { $0.isFor(staffID: session.staffID, counter: session.counter) }
                                ?? true
                    )
                },
                active: overview.active.map { view($0) }, figures: overview.figures,
                printers: await answers.printers(printer),
                sync: await syncStatus().map {
                    SyncView(
                        enrolled: $0.hubURL != nil, lastSuccessAt: $0.lastSuccessAt,
                        lastError: $0.lastError, waiting: $0.waiting, oldestWaitingSeconds: $0.oldestWaitingSeconds,
                        quarantined: $0.quarantined, unverified: $0.unverified)
                },
                storageProblem: await storageWritable() ? nil : locales.both("api.staffStorageNotWritable")))
    }

    func fieldError(_ field: String, _ code: String) -> APIError {
        .invalidFields([FieldError(field: field, code: code)], locales)
    }
}
