import Foundation
import Hummingbird
import KioskCore

/// The jobseeker's case file: profiling (the visitor at the kiosk with their proof, or an
/// officer), and for officers and the head the case page: details, visits, profile and the
/// decision on it, notes, the action plan and its printing. Technicians get 403; every read and
/// change is recorded by the store.
struct CaseAPI: Sendable {
    /// Nil where the kiosk keeps no case files.
    let cases: Cases?
    let registrations: Registrations
    let referrals: (any ReferralRepository)?
    let queue: any QueueRepository
    let authentication: StaffAuthentication
    let access: PersonAccess
    let strict: StrictJSON
    let wording: ActionPlanWording
    let printer: (any DocumentPrinter)?
    /// The hub's case summaries; nil where the kiosk has no hub.
    let summaries: (any CaseSummaryLookup)?
    /// The office's appointments: the printed plan names the next one.
    var appointments: Appointments? = nil

    var locales: Locales { strict.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("profiling/questionnaire") { _, _ in try await questionnaire() }
        group.post("profiling") { request, _ in try await profile(request) }
        group.get("staff/cases") { request, _ in try await search(request) }
        group.get("staff/caseload") { request, _ in try await caseload(request) }
        group.get("staff/cases/:id") { request, context in try await read(request, context.parameters.require("id")) }
        group.post("staff/cases/:id/profile") { request, context in
            try await staffProfile(request, context.parameters.require("id"))
        }
        group.post("staff/cases/:id/decision") { request, context in
            try await decide(request, context.parameters.require("id"))
        }
        group.post("staff/cases/:id/notes") { request, context in
            try await note(request, context.parameters.require("id"))
        }
        group.put("staff/cases/:id/plan") { request, context in
            try await plan(request, context.parameters.require("id"))
        }
        group.post("staff/cases/:id/plan/steps") { request, context in
            try await step(request, context.parameters.require("id"))
        }
        group.post("staff/cases/:id/plan/steps/:step") { request, context in
            try await stepStatus(
                request, context.parameters.require("id"), step: context.parameters.require("step"))
        }
        group.post("staff/cases/:id/plan/print") { request, context in
            try await printPlan(request, context.parameters.require("id"))
        }
        group.get("staff/cases/:id/elsewhere") { request, context in
            try await elsewhere(request, context.parameters.require("id"))
        }
        group.get("staff/cases/:id/access") { request, context in
            try await accessLog(request, context.parameters.require("id"))
        }
    }

    func desk() throws -> Cases {
        guard let cases else {
            throw APIError(status: .serviceUnavailable, code: "unavailable", message: locales.both("api.notFound"))
        }
        return cases
    }

    /// A case error as the API answers it.
    func answer(_ error: CaseError) -> APIError {
        if error == .unknownQuestionnaire {
            return APIError(
                status: .unprocessableContent, code: "case.unknownQuestionnaire",
                message: locales.both("questionnaire.unknownVersion"), field: "version")
        }
        let status: HTTPResponse.Status =
            switch error {
            case .unknownPerson, .unknownStep: .notFound
            case .unknownNote, .unknownCounsellor: .unprocessableContent
            default: .conflict
            }
        var answer = APIError(
            status: status, code: "case.\(error.identifier)", message: locales.both("case.errors.\(error.identifier)"))
        if error == .unknownNote { answer.field = "corrects" }
        return answer
    }

    /// Runs a use case call, answering its `CaseError` here (the other domain errors go to `APIError(domain:)`).
    func run<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let error as CaseError {
            throw answer(error)
        }
    }

    func person(_ raw: String) throws -> UUID { try APIError.uuid(raw, locales) }

    // MARK: - Profiling

    struct QuestionnaireView: Encodable {
        let version: String
        let questions: [ProfilingQuestionnaire.Question]
    }

    /// The questions and answers in both languages (no weights: the visitor answers, the officer decides).
    func questionnaire() async throws -> Response {
        let current = try await desk().currentQuestionnaire()
        let questions = current.questions.map { question in
            var question = question
            question.answers = question.answers.map {
                ProfilingQuestionnaire.Answer(id: $0.id, text: $0.text, weight: 0)
            }
            return question
        }
        return try JSON.response(QuestionnaireView(version: current.version, questions: questions))
    }

    struct ProfileRequest: Decodable {
        let registrationId: String
        let answers: [String: String]
        /// The version the questions were asked from (`GET profiling/questionnaire`); absent: the current one.
        let version: String?
    }

    struct ProfiledView: Encodable {
        let id: String
        let message: LocalizedText
    }

    /// The visitor's own answers (with their proof) or an officer's at the counter. The visitor
    /// is thanked and told an officer will talk it over; the suggestion is for the officer.
    func profile(_ request: Request) async throws -> Response {
        try await access.requireCaller(.writeCases, request)
        let body = try await strict.decode(
            ProfileRequest.self, from: request, allowedKeys: ["registrationId", "answers", "version"])
        let id = try APIError.uuid(body.registrationId, locales)
        let holder = try await access.require(.writeCases, for: id, request)
        var staff: StaffSession?
        if case .staff(let session) = holder { staff = session }
        let profile = try await run {
            try await desk().profile(registrationID: id, answers: body.answers, version: body.version, by: staff)
        }
        return try JSON.response(
            ProfiledView(id: profile.id.uuidString.lowercased(), message: locales.both("case.profiling.thanks")),
            status: .created)
    }

    func staffProfile(_ request: Request, _ raw: String) async throws -> Response {
        let session = try await authentication.require(.writeCases, request)
        let id = try person(raw)
        struct Body: Decodable {
            let answers: [String: String]
            let version: String?
        }
        let body = try await strict.decode(Body.self, from: request, allowedKeys: ["answers", "version"])
        _ = try await run {
            try await desk().profile(registrationID: id, answers: body.answers, version: body.version, by: session)
        }
        return try await caseView(id, for: session, status: .created)
    }

    // MARK: - Reading

    struct PersonView: Encodable {
        let id: String
        let reference: String
        let registryNumber: String
        let displayName: String
        let birthDate: String
    }

    /// `?q=` a registry number, reference or part of a name; `?ticket=` the ticket being served.
    func search(_ request: Request) async throws -> Response {
        _ = try await authentication.require(.readCases, request)
        let query = request.uri.queryParameters
        var people: [CasePerson] = []
        if let raw = query.get("ticket") {
            let ticketID = try APIError.uuid(String(raw), locales)
            guard let ticket = try await queue.ticket(id: ticketID) else { throw APIError.notFound(locales) }
            guard let registrationID = ticket.registrationID,
                let registration = try await registrations.registration(id: registrationID)
            else {
                throw APIError(
                    status: .notFound, code: "case.ticketWithoutPerson",
                    message: locales.both("case.errors.ticketWithoutPerson"))
            }
            let d = registration.details
            people = [
                CasePerson(
                    registrationID: registration.id, reference: registration.reference,
                    registryNumber: d.registryNumber.value, displayName: d.displayName,
                    birthDate: d.birthDate.description)
            ]
        } else {
            guard let found = try await desk().search(String(query.get("q") ?? "")) else {
                throw APIError(
                    status: .badRequest, code: "case.query", message: locales.both("case.errors.query"), field: "q")
            }
            people = found
        }
        return try JSON.response([
            "people": people.map {
                PersonView(
                    id: $0.registrationID.uuidString.lowercased(), reference: $0.reference,
                    registryNumber: $0.registryNumber, displayName: $0.displayName, birthDate: $0.birthDate)
            }
        ])
    }

    func read(_ request: Request, _ raw: String) async throws -> Response {
        let session = try await authentication.require(.readCases, request)
        return try await caseView(try person(raw), for: session)
    }

    func caseView(_ id: UUID, for session: StaffSession, status: HTTPResponse.Status = .ok) async throws -> Response {
        let desk = try desk()
        guard let file = try await desk.caseFile(of: id, for: session) else { throw APIError.notFound(locales) }
        let referrals = try await referrals?.referrals(registrationID: id) ?? []
        let counsellors = try await desk.counsellors()
        // The answers read under the version they were given in.
        let questionnaire =
            if let version = file.records.profile?.suggestion.version {
                try await desk.questionnaire(of: version)
            } else { try await desk.currentQuestionnaire() }
        return try JSON.response(
            CaseView(
                file, referrals: referrals, counsellors: counsellors, questionnaire: questionnaire, today: desk.today),
            status: status)
    }

    func accessLog(_ request: Request, _ raw: String) async throws -> Response {
        _ = try await authentication.require(.readCases, request)
        let entries = try await desk().accessLog(of: try person(raw))
        struct Entry: Encodable {
            let staffId: String
            let action: String
            let at: Date
        }
        return try JSON.response(["access": entries.map { Entry(staffId: $0.staffID, action: $0.action, at: $0.at) }])
    }

    /// The person's case at every office, from the hub; offline, a 503 that says it could not ask.
    func elsewhere(_ request: Request, _ raw: String) async throws -> Response {
        let session = try await authentication.require(.readCases, request)
        let id = try person(raw)
        let unreachable = APIError(
            status: .serviceUnavailable, code: "case.hubUnreachable",
            message: locales.both("case.errors.hubUnreachable"))
        guard let summaries else { throw unreachable }
        let summary: RemoteCaseSummary?
        do {
            summary = try await desk().elsewhere(of: id, for: session, lookup: summaries)
        } catch let error as APIError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if let mapped = APIError(domain: error, locales: locales) { throw mapped }
            throw unreachable
        }
        guard let summary else { throw APIError.notFound(locales) }
        return try JSON.response(summary)
    }

    func caseload(_ request: Request) async throws -> Response {
        _ = try await authentication.require(.readDashboard, request)
        return try JSON.response(CaseloadView(try await desk().caseload()))
    }

    // MARK: - Changes

    func decide(_ request: Request, _ raw: String) async throws -> Response {
        let session = try await authentication.require(.writeCases, request)
        let id = try person(raw)
        struct Body: Decodable {
            let group: String?
            let reason: String?
        }
        let body = try await strict.decode(Body.self, from: request, allowedKeys: ["group", "reason"])
        _ = try await run {
            try await desk().decide(registrationID: id, group: body.group, reason: body.reason, by: session)
        }
        return try await caseView(id, for: session)
    }

    func note(_ request: Request, _ raw: String) async throws -> Response {
        let session = try await authentication.require(.writeCases, request)
        let id = try person(raw)
        struct Body: Decodable {
            let kind: String?
            let text: String?
            let corrects: String?
        }
        let body = try await strict.decode(Body.self, from: request, allowedKeys: ["kind", "text", "corrects"])
        _ = try await run {
            try await desk().addNote(
                registrationID: id, kind: body.kind, text: body.text, corrects: body.corrects, by: session)
        }
        return try await caseView(id, for: session, status: .created)
    }

    func plan(_ request: Request, _ raw: String) async throws -> Response {
        let session = try await authentication.require(.writeCases, request)
        let id = try person(raw)
        struct Body: Decodable {
            let counsellorId: String?
            let goals: String?
        }
        let body = try await strict.decode(Body.self, from: request, allowedKeys: ["counsellorId", "goals"])
        _ = try await run {
            try await desk().writePlan(
                registrationID: id, counsellorID: body.counsellorId, goals: body.goals, by: session)
        }
        return try await caseView(id, for: session)
    }

    func step(_ request: Request, _ raw: String) async throws -> Response {
        let session = try await authentication.require(.writeCases, request)
        let id = try person(raw)
        struct Body: Decodable {
            let horizon: String?
            let kind: String?
            let text: String?
            let dueOn: String?
        }
        let body = try await strict.decode(Body.self, from: request, allowedKeys: ["horizon", "kind", "text", "dueOn"])
        _ = try await run {
            try await desk().addStep(
                registrationID: id,
                PlanStepRequest(horizon: body.horizon, kind: body.kind, text: body.text, dueOn: body.dueOn),
                by: session)
        }
        return try await caseView(id, for: session, status: .created)
    }

    func stepStatus(_ request: Request, _ raw: String, step rawStep: String) async throws -> Response {
        let session = try await authentication.require(.writeCases, request)
        let id = try person(raw)
        let stepID = try APIError.uuid(rawStep, locales)
        struct Body: Decodable { let status: String? }
        let body = try await strict.decode(Body.self, from: request, allowedKeys: ["status"])
        _ = try await run {
            try await desk().setStep(registrationID: id, stepID: stepID, status: body.status, by: session)
        }
        return try await caseView(id, for: session)
    }

    /// Prints the plan for the person: `a4` (the whole plan, in `language`) or `receipt` (the
    /// steps to do, in Mongolian).
    func printPlan(_ request: Request, _ raw: String) async throws -> Response {
        let session = try await authentication.require(.readCases, request)
        let id = try person(raw)
        struct Body: Decodable {
            let paper: String?
            let language: String?
        }
        let body = try await strict.decode(Body.self, from: request, allowedKeys: ["paper", "language"])
        guard let paper = ActionPlanPrintout.Paper(rawValue: body.paper ?? "a4") else {
            throw APIError.invalidFields([FieldError(field: "paper", code: "unknownCode")], locales)
        }
        let desk = try desk()
        guard let file = try await desk.caseFile(of: id, for: session) else { throw APIError.notFound(locales) }
        guard let plan = file.records.plan else { throw answer(.noPlan) }
        var next: (Appointment, String?)?
        if let appointments {
            let instant = appointments.now()
            if let coming = try await appointments.appointments(registrationID: id)
                .filter({ $0.state == .booked && $0.at > instant }).min(by: { $0.at < $1.at })
            {
                let names = try await appointments.counsellors.counsellors()
                next = (coming, coming.staffID.flatMap { staff in names.first { $0.staffID == staff }?.displayName })
            }
        }
        let printout = wording.printout(
            plan, of: file.registration, paper: paper,
            language: body.language.flatMap { Language(code: $0) } ?? .mn, next: next)
        let role: PrinterRole = paper == .a4 ? .a4 : .thermal
        guard let printer else {
            return try JSON.response(PrintAnswers(locales: locales).noPrinter(role, messages: "case.print"))
        }
        return try JSON.response(
            PrintAnswers(locales: locales).view(await printer.print(printout), messages: "case.print"))
    }
}
