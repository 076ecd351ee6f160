import Foundation
import Hummingbird
import KioskCore

/// Grievances: filed at the kiosk by anyone (anonymously or with contact details), followed by
/// their tracking code, triaged by staff on the console. Staff-conduct grievances are for the
/// office head alone; technicians see none.
struct GrievanceAPI: Sendable {
    let environment: KioskHTTPEnvironment

    var locales: Locales { environment.locales }
    var strict: StrictJSON { StrictJSON(locales: locales, maxBodyBytes: environment.maxBodyBytes) }

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

    func repository() throws -> any GrievanceRepository {
        guard let grievances = environment.grievances else {
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
        let checked: (category: GrievanceCategory, text: String, area: String?, contact: GrievanceContact?)
        do {
            checked = try GrievanceForm(
                category: body.category, text: body.text, area: body.area, contactName: body.contactName,
                contactPhone: body.contactPhone
            ).validated()
        } catch {
            throw APIError.invalidFields(error.errors, locales)
        }
        let grievance = try await repository().file(
            category: checked.category, text: checked.text, area: checked.area, contact: checked.contact,
            language: body.language.flatMap { Language(code: $0) } ?? .mn, at: environment.now())
        let acknowledgement = PrintAPI(environment: environment).fill(
            "grievance.acknowledgement", ["date": grievance.dueOn.description])
        return try JSON.response(
            FiledView(
                trackingCode: grievance.trackingCode, state: grievance.state.rawValue, filedAt: grievance.filedAt,
                dueOn: grievance.dueOn.description, acknowledgement: acknowledgement),
            status: .created)
    }

    func track(_ raw: String) async throws -> Response {
        guard let code = Grievance.normalizedTrackingCode(raw),
            let grievance = try await repository().grievance(trackingCode: code)
        else { throw notFound }
        return try JSON.response(
            TrackView(
                trackingCode: grievance.trackingCode, category: grievance.category.rawValue,
                state: grievance.state.rawValue, filedAt: grievance.filedAt, dueOn: grievance.dueOn.description,
                steps: grievance.steps.map { TrackView.Step(action: $0.action.rawValue, at: $0.at) }))
    }

    /// Prints the acknowledgement on the receipt printer (the kiosk asks right after filing).
    func printSlip(_ raw: String) async throws -> Response {
        guard let code = Grievance.normalizedTrackingCode(raw),
            let grievance = try await repository().grievance(trackingCode: code)
        else { throw notFound }
        let printing = PrintAPI(environment: environment)
        guard let printer = environment.printer else { return try JSON.response(printing.noPrinter) }
        let slip = GrievanceSlip(
            office: environment.office.name, title: locales.both("grievance.print.title"),
            codeLabel: locales.both("grievance.codeLabel"), code: grievance.trackingCode,
            category: locales.both("grievance.categories.\(grievance.category.rawValue)"),
            due: printing.fill("grievance.print.due", ["date": grievance.dueOn.description]),
            instruction: locales.both("grievance.print.instruction"),
            issued: environment.office.localTimestamp(environment.now()))
        return try JSON.response(printing.view(await printer.print(slip), messages: "grievance.print"))
    }

    /// Staff and the office head; a technician looks after the hardware and reads no grievance.
    func requireTriage(_ request: Request) async throws -> StaffSession {
        try await StaffAuthentication(environment: environment).require(.triageGrievances, request)
    }

    var today: CivilDate { environment.office.today(at: environment.now()) }

    func list(_ request: Request) async throws -> Response {
        let session = try await requireTriage(request)
        let openOnly = request.uri.queryParameters.get("state") != "all"
        let visible = try await repository().grievances(openOnly: openOnly).filter { $0.isVisible(to: session.role) }
        let today = today
        return try JSON.response(["grievances": visible.map { StaffView($0, today: today) }])
    }

    func visibleGrievance(_ raw: String, to session: StaffSession) async throws -> Grievance {
        guard let code = Grievance.normalizedTrackingCode(raw),
            let grievance = try await repository().grievance(trackingCode: code)
        else { throw notFound }
        guard grievance.isVisible(to: session.role) else { throw GrievanceError.forbidden }
        return grievance
    }

    func read(_ request: Request, code raw: String) async throws -> Response {
        let session = try await requireTriage(request)
        return try JSON.response(StaffView(try await visibleGrievance(raw, to: session), today: today))
    }

    struct StepRequest: Decodable {
        let action: String
        let note: String?
        let assignee: String?
        let dueOn: String?
    }

    func step(_ request: Request, code raw: String) async throws -> Response {
        let session = try await requireTriage(request)
        let grievance = try await visibleGrievance(raw, to: session)
        let body = try await strict.decode(
            StepRequest.self, from: request, allowedKeys: ["action", "note", "assignee", "dueOn"])
        var errors: [FieldError] = []
        let action = GrievanceAction(rawValue: body.action)
        if action == nil { errors.append(FieldError(field: "action", code: "unknownCode")) }
        var note: String?
        switch FreeText.checked(body.note, field: "note", limit: Grievance.maxNoteLength, required: false, lines: true)
        {
        case .success(let value): note = value
        case .failure(let error): errors.append(error)
        }
        var dueOn: CivilDate?
        if let raw = body.dueOn {
            dueOn = CivilDate(iso8601: raw)
            if let date = dueOn, date < today { errors.append(FieldError(field: "dueOn", code: "outOfRange")) }
            if dueOn == nil { errors.append(FieldError(field: "dueOn", code: "invalidDate")) }
        }
        let assignee = body.assignee?.trimmingCharacters(in: .whitespaces)
        if action == .assign, assignee?.isEmpty ?? true {
            errors.append(FieldError(field: "assignee", code: "required"))
        }
        guard errors.isEmpty, let action else { throw APIError.invalidFields(errors, locales) }
        let updated = try await repository().act(
            trackingCode: grievance.trackingCode, action: action, note: note, assignee: assignee, dueOn: dueOn,
            by: session, at: environment.now())
        return try JSON.response(StaffView(updated, today: today))
    }
}
