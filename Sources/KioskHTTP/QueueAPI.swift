import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import NIOCore
import ServiceLifecycle

/// Tickets, staff sessions, counters and the display board's event stream.
struct QueueAPI: Sendable {
    let environment: KioskHTTPEnvironment

    var strict: StrictJSON { StrictJSON(locales: environment.locales, maxBodyBytes: environment.maxBodyBytes) }
    var locales: Locales { environment.locales }
    static let cookie = StaffAuthentication.cookie

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
        group.post("sync") { request, _ in
            _ = try await require(.syncNow, request)
            environment.requestSync()
            return try JSON.response(["requested": true], status: .accepted)
        }
        group.post("staff/sessions") { request, _ in try await signIn(request) }
        group.get("staff/session") { request, _ in try await currentSession(request) }
        group.delete("staff/sessions") { request, _ in try await signOut(request) }
        group.get("display/events") { request, _ in try await events(request) }
        group.get("display/voices") { _, _ in try voices() }
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
        let now = environment.now()
        return try JSON.response(
            [
                "services": environment.services.map { service in
                    ServiceView(
                        code: service.code, name: service.name, counters: service.counters,
                        requiresRegistration: service.requiresRegistration,
                        open: service.hours.issuesTickets(at: now, calendar: environment.office.calendar),
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
        var print: PrintAPI.PrintView? = nil
    }

    /// A ticket as clients see it; without an estimate (staff views) it shows nobody ahead.
    func view(_ ticket: Ticket, _ estimate: WaitEstimate = WaitEstimate(peopleAhead: 0, minutes: nil)) -> TicketView {
        let id = ticket.id.uuidString.lowercased()
        var view = TicketView(
            id: id, number: ticket.displayNumber, serviceCode: ticket.serviceCode,
            serviceName: service(ticket.serviceCode)?.name
                ?? LocalizedText(mn: ticket.serviceCode, en: ticket.serviceCode),
            priority: ticket.priority?.rawValue, state: ticket.state.rawValue, counter: ticket.counter,
            issuedAt: ticket.issuedAt, calledAt: ticket.calledAt, peopleAhead: estimate.peopleAhead,
            estimateMinutes: estimate.minutes.map { TicketView.Minutes(from: $0.lowerBound, to: $0.upperBound) },
            statusPath: "/t/\(id)", statusURL: environment.publicURL + "/t/\(id)")
        if ticket.state == .called, let calledAt = ticket.calledAt {
            let elapsed = environment.now().timeIntervalSince(calledAt)
            view.noShowInSeconds = max(0, Int((environment.queue.policy.noShowGrace - elapsed).rounded(.up)))
        }
        return view
    }

    func service(_ code: String) -> QueueService? { environment.services.first { $0.code == code } }

    // MARK: - Tickets (kiosk, public)

    struct IssueRequest: Decodable {
        let serviceCode: String
        let priority: String?
        let registrationId: String?
        let language: String?
        /// Print the ticket on the kiosk's receipt printer (the kiosk screen asks; an app would not).
        let print: Bool?
    }

    func issue(_ request: Request) async throws -> Response {
        let body = try await strict.decode(
            IssueRequest.self, from: request,
            allowedKeys: ["serviceCode", "priority", "registrationId", "language", "print"])
        guard let service = service(body.serviceCode) else {
            throw fieldError("serviceCode", "queue.unknownService")
        }
        var priority: PriorityCategory?
        if let raw = body.priority {
            guard let parsed = PriorityCategory(rawValue: raw) else { throw fieldError("priority", "unknownCode") }
            priority = parsed
        }
        var registrationID: UUID?
        if let raw = body.registrationId {
            guard let id = UUID(uuidString: raw), try await environment.registrations.registration(id: id) != nil else {
                throw fieldError("registrationId", "queue.unknownRegistration")
            }
            registrationID = id
        }
        if service.requiresRegistration && registrationID == nil {
            throw fieldError("registrationId", "queue.registrationRequired")
        }
        let language = body.language.flatMap(Language.init(code:)) ?? environment.settings.defaultLanguage
        let now = environment.now()
        guard service.hours.issuesTickets(at: now, calendar: environment.office.calendar) else {
            throw APIError(status: .conflict, code: "queue.closed", message: locales.both("errors.queue.closed"))
        }
        let issued = try await environment.queue.issue(
            service: service, priority: priority, registrationID: registrationID, language: language, at: now)
        var ticketView = view(issued.ticket, issued.estimate)
        if body.print == true {
            ticketView.print = await PrintAPI(environment: environment).print(issued.ticket, issued.estimate)
        }
        var response = try JSON.response(ticketView, status: .created)
        response.headers[.location] = "/api/v1/tickets/\(issued.ticket.id.uuidString.lowercased())"
        return response
    }

    func read(_ raw: String) async throws -> Response {
        let id = try APIError.uuid(raw, locales)
        guard let ticket = try await environment.queue.ticket(id: id) else { throw notFound }
        let estimate = try await environment.queue.estimate(for: ticket, at: environment.now())
        return try JSON.response(view(ticket, estimate))
    }

    // MARK: - Staff

    struct SignInRequest: Decodable {
        let username: String
        let pin: String
        let counter: Int
    }

    struct SessionView: Encodable {
        let staffId: String
        let displayName: String
        let role: String
        let counter: Int
        let expiresAt: Date
        let services: [String]
    }

    func sessionView(_ session: StaffSession) -> SessionView {
        SessionView(
            staffId: session.staffID, displayName: session.displayName, role: session.role.rawValue,
            counter: session.counter, expiresAt: session.expiresAt,
            services: environment.services.filter { $0.counters.contains(session.counter) }.map(\.code))
    }

    func signIn(_ request: Request) async throws -> Response {
        let body = try await strict.decode(
            SignInRequest.self, from: request, allowedKeys: ["username", "pin", "counter"])
        do {
            let session = try await environment.staff.signIn(
                username: body.username, pin: body.pin, counter: body.counter, at: environment.now())
            var response = try JSON.response(sessionView(session), status: .created)
            let maxAge = Int(session.expiresAt.timeIntervalSince(environment.now()))
            response.headers[.setCookie] =
                "\(Self.cookie)=\(session.token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)"
            return response
        } catch let error as SignInError {
            switch error.identifier {
            case "locked":
                var apiError = APIError(
                    status: .tooManyRequests, code: "staff.locked", message: locales.both("errors.staff.locked"))
                apiError.retryAfterSeconds = error.lockedUntil.map {
                    max(1, Int($0.timeIntervalSince(environment.now()).rounded(.up)))
                }
                throw apiError
            case "unknownCounter":
                throw fieldError("counter", "staff.unknownCounter")
            default:
                throw APIError(
                    status: .unauthorized, code: "staff.wrongUsernameOrPIN",
                    message: locales.both("errors.staff.wrongUsernameOrPIN"))
            }
        }
    }

    func currentSession(_ request: Request) async throws -> Response {
        try JSON.response(sessionView(try await requireStaff(request)))
    }

    func signOut(_ request: Request) async throws -> Response {
        let session = try await requireStaff(request)
        try await environment.staff.signOut(token: session.token, at: environment.now())
        return Response(
            status: .noContent, headers: [.setCookie: "\(Self.cookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"])
    }

    func requireStaff(_ request: Request) async throws -> StaffSession {
        try await StaffAuthentication(environment: environment).requireStaff(request)
    }

    func require(_ permission: StaffPermission, _ request: Request) async throws -> StaffSession {
        try await StaffAuthentication(environment: environment).require(permission, request)
    }

    func callNext(_ request: Request, counter raw: String) async throws -> Response {
        let session = try await require(.serveQueue, request)
        guard let counter = Int(raw), counter == session.counter else {
            throw APIError(
                status: .forbidden, code: "queue.wrongCounter", message: locales.both("errors.queue.wrongCounter"))
        }
        let codes = environment.services.filter { $0.counters.contains(counter) }.map(\.code)
        let now = environment.now()
        guard
            let ticket = try await environment.queue.callNext(
                counter: counter, staffID: session.staffID, services: codes, at: now)
        else {
            throw APIError(
                status: .notFound, code: "queue.noTicketWaiting", message: locales.both("errors.queue.noTicketWaiting"))
        }
        return try JSON.response(view(ticket))
    }

    struct ActionRequest: Decodable {
        let backToQueue: Bool?
        let serviceCode: String?
        let outcome: String?
    }

    func act(_ request: Request, id raw: String, action name: String) async throws -> Response {
        let session = try await require(.serveQueue, request)
        let id = try APIError.uuid(raw, locales)
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
            throw notFound
        }
        let ticket = try await environment.queue.act(ticketID: id, action, by: session.counter, at: environment.now())
        return try JSON.response(view(ticket))
    }

    struct Overview: Encodable {
        struct Waiting: Encodable {
            let id: String
            let number: String
            let serviceCode: String
            let priority: String?
            let waitingSeconds: Int
        }
        let counter: Int
        let waiting: [Waiting]
        let active: [TicketView]
        let figures: [QueueFigures]
        /// The printers' health, so the console shows paper-out and jams as they happen.
        let printers: [PrintAPI.PrinterView]
        /// The LMIS link: last success, records waiting and their age, quarantined records.
        let sync: SyncView?
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
        let session = try await require(.watchQueue, request)
        let now = environment.now()
        let waiting = try await environment.queue.waiting(at: now)
        let policy = environment.queue.policy
        let ordered = waiting.sorted { policy.precedes($0, $1, now: now) }
        let active = try await environment.queue.active(at: now)
        return try JSON.response(
            Overview(
                counter: session.counter,
                waiting: ordered.map {
                    .init(
                        id: $0.id.uuidString.lowercased(), number: $0.displayNumber, serviceCode: $0.serviceCode,
                        priority: $0.priority?.rawValue, waitingSeconds: Int(now.timeIntervalSince($0.queuedAt)))
                },
                active: active.filter { $0.counter == session.counter || $0.state == .parked }
                    .map { view($0) },
                figures: try await environment.queue.figures(at: now),
                printers: await PrintAPI(environment: environment).printerViews(),
                sync: await environment.syncStatus().map {
                    SyncView(
                        enrolled: $0.hubURL != nil, lastSuccessAt: $0.lastSuccessAt,
                        lastError: $0.lastError, waiting: $0.waiting, oldestWaitingSeconds: $0.oldestWaitingSeconds,
                        quarantined: $0.quarantined, unverified: $0.unverified)
                }))
    }

    // MARK: - Display board

    /// Server-Sent Events: each call and recall as `event: call` with its sequence as `id`,
    /// and `event: waiting` when the number waiting changes. A reconnecting board sends
    /// `Last-Event-ID` and receives exactly the calls it missed.
    func events(_ request: Request) async throws -> Response {
        let queue = environment.queue
        let now = environment.now
        var after: Int64
        if let last = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap({ Int64($0) }) {
            after = last
        } else {
            // A new board starts with the latest few calls, for its history column.
            let latest = try await queue.lastCallSequence()
            let recent = try await queue.calls(after: max(0, latest - 50), limit: 50)
            after = recent.dropLast(6).last?.sequence ?? max(0, latest - 50)
        }
        let start = after
        let changes = queue.changes
        return EventStream.response { writer in
            var sequence = start
            var waitingShown = -1
            var lastWrite = ContinuousClock.now
            var lastWaitingCheck = ContinuousClock.now - .seconds(5)
            /// A queue write since the count was last read.
            var countDue = true
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                // Read before the queries: a write committed while they run wakes the wait below at once.
                let seen = changes.version
                // Calls before the waiting count: a new board takes calls that arrive before
                // its first count as history (no flash, no announcement).
                for call in try await queue.calls(after: sequence, limit: 50) {
                    try await writer.write(
                        EventStream.event(
                            "call", id: String(call.sequence),
                            DisplayCall(
                                number: call.displayNumber, counter: call.counter, kind: call.kind.rawValue,
                                serviceCode: call.serviceCode, at: call.at)))
                    sequence = call.sequence
                    lastWrite = .now
                }
                // The count follows a change within a quarter of a second, and is read at least every second.
                let sinceCheck = ContinuousClock.now - lastWaitingCheck
                if sinceCheck >= .seconds(1) || (countDue && sinceCheck >= .milliseconds(250)) {
                    lastWaitingCheck = .now
                    countDue = false
                    let waiting = try await queue.waitingCount(at: now())
                    if waiting != waitingShown {
                        waitingShown = waiting
                        try await writer.write(EventStream.event("waiting", ["waiting": waiting]))
                        lastWrite = .now
                    }
                }
                if ContinuousClock.now - lastWrite >= .seconds(15) {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    lastWrite = .now
                }
                // Woken by the next committed queue write, or when the count is due; once a
                // second regardless (for a write by another process, and keep-alives).
                let wait =
                    countDue
                    ? max(.zero, .milliseconds(250) - (ContinuousClock.now - lastWaitingCheck)) : Duration.seconds(1)
                if await changes.wait(after: seen, upTo: wait) != seen { countDue = true }
            }
        }
    }

    struct DisplayCall: Encodable {
        let number: String
        let counter: Int
        let kind: String
        let serviceCode: String
        let at: Date
    }

    struct VoiceSet: Encodable {
        let complete: Bool
        let missing: Int
    }

    /// Which announcement clip sets are complete in `Kiosk/assets/audio/<language>/`. The board
    /// speaks only with a complete set, and otherwise chimes and flashes; the console says so.
    func voices() throws -> Response {
        let audio = environment.kioskDirectory.appendingPathComponent("assets/audio")
        guard let data = try? Data(contentsOf: audio.appendingPathComponent("phrases.json")),
            let phrases = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return try JSON.response([String: VoiceSet]()) }
        var sets: [String: VoiceSet] = [:]
        for language in Language.allCases {
            let keys = (phrases[language.rawValue] as? [String: Any])?.keys.map { $0 } ?? []
            let missing = keys.filter { key in
                !FileManager.default.fileExists(
                    atPath: audio.appendingPathComponent("\(language.rawValue)/\(key).wav").path)
            }.count
            sets[language.rawValue] = VoiceSet(complete: !keys.isEmpty && missing == 0, missing: missing)
        }
        return try JSON.response(sets)
    }

    // MARK: - Errors

    func fieldError(_ field: String, _ code: String) -> APIError {
        .invalidFields([FieldError(field: field, code: code)], locales)
    }

    var notFound: APIError { .notFound(locales) }
}
