import Foundation
import Hummingbird
import KioskCore

/// Grievances: filed at the kiosk by anyone (anonymously or with contact details), followed by
/// their tracking code, triaged by staff on the console. Staff-conduct grievances are for the
/// office head alone; technicians see none.
struct GrievanceAPI: Sendable {
    /// Nil where the kiosk keeps no grievances.
    let grievances: Grievances?
    let authentication: StaffAuthentication
    let strict: StrictJSON
    /// The receipt printer for acknowledgements; `nil` when the kiosk prints nothing.
    let printer: (any DocumentPrinter)?
    let slips: Slips

    var locales: Locales { strict.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.post("grievances") { request, _ in try await file(request) }
        group.get("grievances/:code") { _, context in try await track(context.parameters.require("code")) }
        group.post("grievances/:code/print") { _, context in try await printSlip(context.parameters.require("code")) }
        group.get("staff/grievances") { request, _ in try await list(request) }
        group.get("staff/grievances/:code") { request, context in
            try await read(request, code: context.parameters.require("code"))
        }
        group.post("staff/grievances/:code/steps") { request, context in
            try await step(request, code: context.parameters.require("code"))
        }
    }

    struct FileRequest: Decodable {
        let category: String?
        let text: String?
        let area: String?
        let contactName: String?
        let contactPhone: String?
        let language: String?
    }

    /// What the visitor is told (and the kiosk prints): the code to follow it with.
    struct FiledView: Encodable {
        let trackingCode: String
        let state: String
        let filedAt: Date
        let dueOn: String
        let acknowledgement: LocalizedText
    }

    /// What anyone holding the code may see: where it stands, never its text or who handles it.
    struct TrackView: Encodable {
        struct Step: Encodable {
            let action: String
            let at: Date
        }
        let trackingCode: String
        let category: String
        let state: String
        let filedAt: Date
        let dueOn: String
        let steps: [Step]
    }

    /// The whole grievance, for staff allowed to see it.
    struct StaffView: Encodable {
        struct Step: Encodable {
            let action: String
            let note: String?
            let assignee: String?
            let dueOn: String
            let staffId: String
            let at: Date
        }
        struct Contact: Encodable {
            let name: String
            let phone: String
        }
        let id: String
        let trackingCode: String
        let category: String
        let text: String
        let area: String?
        let contact: Contact?
        let language: String
        let state: String
        let filedAt: Date
        let dueOn: String
        let overdue: Bool
        let assignee: String?
        let steps: [Step]

        init(_ grievance: Grievance, today: CivilDate) {
            id = grievance.id.uuidString.lowercased()
            trackingCode = grievance.trackingCode
            category = grievance.category.rawValue
            text = grievance.text
            area = grievance.area
            contact = grievance.contact.map { Contact(name: $0.name, phone: $0.phone.digits) }
            language = grievance.language.rawValue
            state = grievance.state.rawValue
            filedAt = grievance.filedAt
            dueOn = grievance.dueOn.description
            overdue = grievance.isOverdue(today: today)
            assignee = grievance.assignee
            steps = grievance.steps.map {
                Step(
                    action: $0.action.rawValue, note: $0.note, assignee: $0.assignee, dueOn: $0.dueOn.description,
                    staffId: $0.staffID, at: $0.at)
            }
        }
    }

    func desk() throws -> Grievances {
        guard let grievances else {
            throw APIError(status: .serviceUnavailable, code: "unavailable", message: locales.both("api.notFound"))
        }
        return grievances
    }

    var notFound: APIError {
        APIError(status: .notFound, code: "grievance.notFound", message: locales.both("errors.grievance.notFound"))
    }

    func file(_ request: Request) async throws -> Response {
        let body = try await strict.decode(
            FileRequest.self, from: request,
            allowedKeys: ["category", "text", "area", "contactName", "contactPhone", "language"])
        let grievance = try await desk().file(
            GrievanceForm(
                category: body.category, text: body.text, area: body.area, contactName: body.contactName,
                contactPhone: body.contactPhone),
            language: body.language.flatMap { Language(code: $0) } ?? .mn,
            requestKey: request.requestKey)
        return try JSON.response(
            FiledView(
                trackingCode: grievance.trackingCode, state: grievance.state.rawValue, filedAt: grievance.filedAt,
                dueOn: grievance.dueOn.description, acknowledgement: slips.acknowledgement(of: grievance)),
            status: .created)
    }

    func track(_ raw: String) async throws -> Response {
        guard let grievance = try await desk().grievance(trackingCode: raw) else { throw notFound }
        return try JSON.response(
            TrackView(
                trackingCode: grievance.trackingCode, category: grievance.category.rawValue,
                state: grievance.state.rawValue, filedAt: grievance.filedAt, dueOn: grievance.dueOn.description,
                steps: grievance.steps.map { TrackView.Step(action: $0.action.rawValue, at: $0.at) }))
    }

    /// Prints the acknowledgement on the receipt printer (the kiosk asks right after filing).
    func printSlip(_ raw: String) async throws -> Response {
        guard let grievance = try await desk().grievance(trackingCode: raw) else { throw notFound }
        let slip = slips.grievance(grievance)
        return try JSON.response(
            await PrintAnswers(locales: locales).print(on: printer, messages: "grievance.print") {
                await $0.print(slip)
            })
    }

    /// Staff and the office head; a technician looks after the hardware and reads no grievance.
    func requireTriage(_ request: Request) async throws -> StaffSession {
        try await authentication.require(.triageGrievances, request)
    }

    func list(_ request: Request) async throws -> Response {
        let session = try await requireTriage(request)
        let openOnly = request.uri.queryParameters.get("state") != "all"
        let desk = try desk()
        let visible = try await desk.grievances(openOnly: openOnly, for: session)
        let today = desk.today
        return try JSON.response(["grievances": visible.map { StaffView($0, today: today) }])
    }

    func read(_ request: Request, code raw: String) async throws -> Response {
        let session = try await requireTriage(request)
        let desk = try desk()
        guard let grievance = try await desk.grievance(trackingCode: raw, for: session) else { throw notFound }
        return try JSON.response(StaffView(grievance, today: desk.today))
    }

    struct StepRequest: Decodable {
        let action: String
        let note: String?
        let assignee: String?
        let dueOn: String?
    }

    func step(_ request: Request, code raw: String) async throws -> Response {
        let session = try await requireTriage(request)
        let body = try await strict.decode(
            StepRequest.self, from: request, allowedKeys: ["action", "note", "assignee", "dueOn"])
        let desk = try desk()
        guard
            let updated = try await desk.step(
                trackingCode: raw,
                GrievanceStepRequest(action: body.action, note: body.note, assignee: body.assignee, dueOn: body.dueOn),
                by: session)
        else { throw notFound }
        return try JSON.response(StaffView(updated, today: desk.today))
    }
}
