import Foundation
import Hummingbird
import KioskCore

/// Employer services for officers and the office head (`manageEmployers`): employers, vacancy
/// intake, candidates for a vacancy and referring them, outcomes, follow-ups, figures, and the
/// employer's confirmation and shortlist as A4 PDF, or printed on the office's A4 queue.
struct EmployerAPI {
    let desk: EmployerDesk?
    /// Referrals as the person's side makes them (`Referrals.refer`).
    let referrals: Referrals?
    let registrations: any RegistrationRepository
    let documents: EmployerDocuments
    let renderer: (any OfficeDocumentRenderer)?
    /// The office's printers; the documents go to its A4 queue (nil: the kiosk prints nothing).
    let printer: (any DocumentPrinter)?
    let authentication: StaffAuthentication
    let strict: StrictJSON
    let office: Office
    let now: @Sendable () -> Date

    var locales: Locales { strict.locales }

    func addRoutes(to group: RouterGroup<KioskRequestContext>) {
        let staff = group.group("staff")
        staff.get("employers") { request, _ in try await guarded { try await find(request) } }
        staff.post("employers") { request, _ in try await guarded { try await register(request) } }
        staff.get("employers/:id") { request, context in
            try await guarded { try await employer(request, context.parameters.require("id")) }
        }
        staff.post("employers/:id/vacancies") { request, context in
            try await guarded { try await recordVacancy(request, employer: context.parameters.require("id")) }
        }
        staff.get("office-vacancies/:reference") { request, context in
            try await guarded { try await vacancy(request, context.parameters.require("reference")) }
        }
        staff.put("office-vacancies/:reference") { request, context in
            try await guarded { try await edit(request, reference: context.parameters.require("reference")) }
        }
        staff.post("office-vacancies/:reference/close") { request, context in
            try await guarded { try await close(request, reference: context.parameters.require("reference")) }
        }
        staff.get("office-vacancies/:reference/candidates") { request, context in
            try await guarded { try await candidates(request, reference: context.parameters.require("reference")) }
        }
        staff.post("office-vacancies/:reference/referrals") { request, context in
            try await guarded { try await refer(request, reference: context.parameters.require("reference")) }
        }
        staff.get("office-vacancies/:reference/confirmation.pdf") { request, context in
            try await guarded { try await confirmation(request, reference: context.parameters.require("reference")) }
        }
        staff.get("office-vacancies/:reference/shortlist.pdf") { request, context in
            try await guarded { try await shortlist(request, reference: context.parameters.require("reference")) }
        }
        staff.post("office-vacancies/:reference/confirmation/print") { request, context in
            try await guarded {
                try await printA4(confirmationDocument(request, reference: context.parameters.require("reference")))
            }
        }
        staff.post("office-vacancies/:reference/shortlist/print") { request, context in
            try await guarded {
                try await printA4(shortlistDocument(request, reference: context.parameters.require("reference")))
            }
        }
        staff.post("vacancy-referrals/:id/outcome") { request, context in
            try await guarded { try await outcome(request, id: context.parameters.require("id")) }
        }
        staff.get("follow-ups") { request, _ in try await guarded { try await dueFollowUps(request) } }
        staff.post("follow-ups/:id/answer") { request, context in
            try await guarded { try await answer(request, id: context.parameters.require("id")) }
        }
        staff.get("employer-figures") { request, _ in try await guarded { try await figures(request) } }
        staff.get("employer-figures.csv") { request, _ in try await guarded { try await figuresCSV(request) } }
    }

    // MARK: - Errors

    /// Runs a handler, answering the employer desk's refusals with their statuses and messages.
    func guarded(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let failure as ValidationFailure {
            var error = APIError(
                status: .unprocessableContent, code: "invalidFields", message: locales.both("api.invalidFields"))
            error.fieldErrors = failure.errors.map {
                APIError.FieldErrorBody(field: $0.field, code: $0.code, message: message(for: $0))
            }
            throw error
        } catch let failure as EmployerError {
            let status: HTTPResponse.Status =
                switch failure.code {
                case .unknownEmployer, .unknownVacancy, .unknownReferral, .unknownFollowUp: .notFound
                default: .conflict
                }
            var error = APIError(
                status: status, code: "employer.\(failure.code.rawValue)",
                message: locales.both("employer.errors.\(failure.code.rawValue)"))
            error.existingID = failure.existingID
            throw error
        }
    }

    /// `employer.errors.<field>.<code>` where a field words its own, else `employer.errors.<code>`.
    func message(for error: FieldError) -> LocalizedText {
        let specific = "employer.errors.\(error.field).\(error.code)"
        return locales.text(specific, .en) != specific
            ? locales.both(specific) : locales.both("employer.errors.\(error.code)")
    }

    func session(_ request: Request) async throws -> StaffSession {
        try await authentication.require(.manageEmployers, request)
    }

    func employerDesk() throws -> EmployerDesk {
        guard let desk else { throw APIError.notFound(locales) }
        return desk
    }

    func uuid(_ raw: String) throws -> UUID {
        guard let id = UUID(uuidString: raw) else { throw APIError.notFound(locales) }
        return id
    }

    static func parameters(_ request: Request) -> [String: String] { VacancyAPI.parameters(request) }

    // MARK: - Views

    struct EmployerView: Encodable {
        let id: String
        let name: String
        let registerNumber: String
        let sector: String
        let sectorName: LocalizedText
        let aimagCode: String
        let soumCode: String
        let place: LocalizedText
        let contactName: String
        let phone: String
        let createdAt: Date
    }

    func view(_ employer: Employer) -> EmployerView {
        let d = employer.details
        return EmployerView(
            id: employer.id.uuidString.lowercased(), name: d.name, registerNumber: d.registerNumber, sector: d.sector,
            sectorName: locales.both("employer.sectors.\(d.sector)"), aimagCode: d.address.aimagCode,
            soumCode: d.address.soumCode, place: place(d.address.aimagCode, d.address.soumCode),
            contactName: d.contactName, phone: d.phone.description, createdAt: employer.createdAt)
    }

    func place(_ aimag: String, _ soum: String?) -> LocalizedText {
        let names = ([aimag] + (soum.map { [$0] } ?? [])).filter { !$0.isEmpty }.map {
            documents.catalog.adminUnit($0)?.name
        }
        return LocalizedText(
            mn: names.compactMap { $0?.mn }.joined(separator: ", "),
            en: names.compactMap { $0?.en }.joined(separator: ", "))
    }

    struct VacancyView: Encodable {
        let reference: String
        let employerId: String
        let vacancy: Vacancy
        let status: String
        let posts: Int
        let filledPosts: Int
        let openPosts: Int
        let newlyCreated: Bool
        let revision: Int
        let registeredOn: String
        let endedOn: String?
        let place: LocalizedText
    }

    func view(_ v: OfficeVacancy) -> VacancyView {
        VacancyView(
            reference: v.reference, employerId: v.employerID.uuidString.lowercased(), vacancy: v.vacancy,
            status: v.status.rawValue, posts: v.vacancy.posts, filledPosts: v.filledPosts, openPosts: v.openPosts,
            newlyCreated: v.newlyCreated, revision: v.revision, registeredOn: v.registeredOn.description,
            endedOn: v.endedOn?.description, place: place(v.vacancy.aimagCode, v.vacancy.soumCode))
    }

    struct ReferralView: Encodable {
        let id: String
        let registrationId: String
        let vacancyReference: String
        let name: String
        let reference: String
        let staffId: String
        let createdAt: Date
        let outcome: String?
        let outcomeOn: String?
    }

    func view(_ r: VacancyReferral) -> ReferralView {
        ReferralView(
            id: r.referral.id.uuidString.lowercased(),
            registrationId: r.referral.registrationID.uuidString.lowercased(),
            vacancyReference: r.referral.vacancyReference, name: r.personName, reference: r.personReference,
            staffId: r.referral.staffID, createdAt: r.referral.createdAt, outcome: r.outcome?.rawValue,
            outcomeOn: r.outcomeOn?.description)
    }

    struct PlacementView: Encodable {
        let id: String
        let referralId: String
        let registrationId: String
        let vacancyReference: String
        let iscoCode: String
        let newlyCreated: Bool
        let placedOn: String
        let counsellorId: String
    }

    func view(_ p: Placement) -> PlacementView {
        PlacementView(
            id: p.id.uuidString.lowercased(), referralId: p.referralID.uuidString.lowercased(),
            registrationId: p.registrationID.uuidString.lowercased(), vacancyReference: p.vacancyReference,
            iscoCode: p.iscoCode, newlyCreated: p.newlyCreated, placedOn: p.placedOn.description,
            counsellorId: p.counsellorID)
    }

    struct FollowUpView: Encodable {
        let id: String
        let placementId: String
        let months: Int
        let dueOn: String
        let counsellorId: String
        let answer: String?
        let channel: String?
        let answeredOn: String?
        let name: String?
        let reference: String?
        let employer: String?
        let vacancyTitle: String?
    }

    func view(_ f: FollowUp, due: DueFollowUp? = nil) -> FollowUpView {
        FollowUpView(
            id: f.id.uuidString.lowercased(), placementId: f.placementID.uuidString.lowercased(), months: f.months,
            dueOn: f.dueOn.description, counsellorId: f.counsellorID, answer: f.answer?.rawValue,
            channel: f.channel?.rawValue, answeredOn: f.answeredOn?.description, name: due?.personName,
            reference: due?.personReference, employer: due?.employerName, vacancyTitle: due?.vacancyTitle)
    }

    // MARK: - Employers

    func find(_ request: Request) async throws -> Response {
        _ = try await session(request)
        let found = try await employerDesk().find(Self.parameters(request)["q"] ?? "")
        return try JSON.response(["employers": found.map(view)])
    }

    func register(_ request: Request) async throws -> Response {
        let session = try await session(request)
        let form = try await strict.decode(
            EmployerForm.self, from: request,
            allowedKeys: ["name", "registerNumber", "sector", "aimagCode", "soumCode", "contactName", "phone"])
        let employer = try await employerDesk().register(form, by: session)
        return try JSON.response(view(employer), status: .created)
    }

    struct EmployerRecordView: Encodable {
        let employer: EmployerView
        let vacancies: [VacancyView]
        let referrals: [ReferralView]
        let placements: [PlacementView]
    }

    func employer(_ request: Request, _ raw: String) async throws -> Response {
        _ = try await session(request)
        let record = try await employerDesk().employer(id: try uuid(raw))
        return try JSON.response(
            EmployerRecordView(
                employer: view(record.employer), vacancies: record.vacancies.map(view),
                referrals: record.referrals.map(view), placements: record.placements.map(view)))
    }

    // MARK: - Vacancies

    static let vacancyKeys: Set<String> = [
        "title", "titleEn", "iscoCode", "skills", "education", "licences", "experienceYears", "aimagCode", "soumCode",
        "hours", "wageMin", "wageMax", "posts", "closesOn", "howToApply", "newlyCreated",
    ]

    func recordVacancy(_ request: Request, employer raw: String) async throws -> Response {
        let session = try await session(request)
        let id = try uuid(raw)
        let form = try await strict.decode(VacancyForm.self, from: request, allowedKeys: Self.vacancyKeys)
        let vacancy = try await employerDesk().recordVacancy(form, employerID: id, by: session)
        return try JSON.response(view(vacancy), status: .created)
    }

    func vacancy(_ request: Request, _ reference: String) async throws -> Response {
        _ = try await session(request)
        return try JSON.response(view(try await employerDesk().vacancy(reference: reference)))
    }

    func edit(_ request: Request, reference: String) async throws -> Response {
        let session = try await session(request)
        let form = try await strict.decode(VacancyForm.self, from: request, allowedKeys: Self.vacancyKeys)
        return try JSON.response(
            view(try await employerDesk().editVacancy(reference: reference, form: form, by: session)))
    }

    func close(_ request: Request, reference: String) async throws -> Response {
        let session = try await session(request)
        return try JSON.response(view(try await employerDesk().closeVacancy(reference: reference, by: session)))
    }

    // MARK: - Candidates

    struct CandidateView: Encodable {
        let registrationId: String
        let name: String
        let reference: String
        let score: Int
        let reasons: [VacancyAPI.ReasonView]
        let status: String
        let place: LocalizedText
        let educationCode: String
        let experienceYears: Int
        let skills: [String]
    }

    struct CandidatesView: Encodable {
        let total: Int
        let page: Int
        let pageSize: Int
        let candidates: [CandidateView]
    }

    func filter(_ parameters: [String: String]) throws -> CandidateFilter {
        var filter = CandidateFilter()
        func value(_ name: String) -> String? { parameters[name].flatMap { $0.isEmpty ? nil : $0 } }
        filter.aimagCode = value("aimag")
        filter.soumCode = value("soum")
        if let raw = value("status") {
            var statuses = Set<JobseekerStatus>()
            for part in raw.split(separator: ",") {
                guard let status = JobseekerStatus(rawValue: String(part)) else {
                    throw ValidationFailure(errors: [FieldError(field: "status", code: "unknownCode")])
                }
                statuses.insert(status)
            }
            filter.statuses = statuses
        }
        return filter
    }

    func candidates(_ request: Request, reference: String) async throws -> Response {
        _ = try await session(request)
        let parameters = Self.parameters(request)
        let page = Int(parameters["page"] ?? "1") ?? 0
        let pageSize = Int(parameters["pageSize"] ?? "20") ?? 0
        guard (1...10_000).contains(page), (1...100).contains(pageSize) else {
            throw ValidationFailure(errors: [FieldError(field: "page", code: "outOfRange")])
        }
        let ranked = try await employerDesk().candidates(for: reference, filter: try filter(parameters))
        let start = min(ranked.count, (page - 1) * pageSize)
        var views: [CandidateView] = []
        for candidate in ranked[start..<min(ranked.count, start + pageSize)] {
            guard let person = try await registrations.registration(id: candidate.registrationID) else { continue }
            views.append(candidateView(candidate, person))
        }
        return try JSON.response(CandidatesView(total: ranked.count, page: page, pageSize: pageSize, candidates: views))
    }

    func candidateView(_ candidate: RankedCandidate, _ person: Registration) -> CandidateView {
        let d = person.details
        return CandidateView(
            registrationId: person.id.uuidString.lowercased(), name: d.displayName, reference: person.reference,
            score: candidate.match.score,
            reasons: candidate.match.reasons.map { VacancyAPI.reasonView($0, locales, prefix: "employer.reasons") },
            status: d.status.rawValue, place: place(d.address.aimagCode, d.address.soumCode),
            educationCode: d.educationCode, experienceYears: d.experienceYears, skills: d.skills)
    }

    struct ReferRequest: Decodable {
        let registrationIds: [String]
        let note: String?
    }

    /// Refers chosen candidates, each a referral as the person's side makes it.
    func refer(_ request: Request, reference: String) async throws -> Response {
        // Both: a referral (`referPeople`) from the employer desk (`manageEmployers`).
        let session = try await self.session(request)
        _ = try await authentication.require(.referPeople, request)
        let body = try await strict.decode(ReferRequest.self, from: request, allowedKeys: ["registrationIds", "note"])
        guard (1...50).contains(body.registrationIds.count) else {
            throw ValidationFailure(errors: [FieldError(field: "registrationIds", code: "outOfRange")])
        }
        let vacancy = try await employerDesk().vacancy(reference: reference)
        guard vacancy.status == .open else { throw EmployerError(.vacancyNotOpen) }
        guard let referrals else { throw APIError.notFound(locales) }
        var made: [VacancyAPI.ReferralView] = []
        for id in body.registrationIds {
            made.append(
                VacancyAPI.ReferralView(
                    try await referrals.refer(
                        registrationID: id, vacancyReference: reference, note: body.note, by: session)))
        }
        return try JSON.response(["referrals": made], status: .created)
    }

    // MARK: - Outcomes and follow-ups

    struct OutcomeRequest: Decodable {
        let outcome: String
        let on: String?
        let newlyCreated: Bool?
    }

    struct OutcomeView: Encodable {
        let referralId: String
        let outcome: String
        let placement: PlacementView?
        let followUps: [FollowUpView]
        let vacancy: VacancyView
    }

    func outcome(_ request: Request, id raw: String) async throws -> Response {
        let session = try await session(request)
        let id = try uuid(raw)
        let body = try await strict.decode(
            OutcomeRequest.self, from: request, allowedKeys: ["outcome", "on", "newlyCreated"])
        guard let outcome = ReferralOutcome(rawValue: body.outcome) else {
            throw ValidationFailure(errors: [FieldError(field: "outcome", code: "unknownCode")])
        }
        let recorded = try await employerDesk().recordOutcome(
            referralID: id, outcome: outcome, on: body.on, newlyCreated: body.newlyCreated, by: session)
        return try JSON.response(
            OutcomeView(
                referralId: raw.lowercased(), outcome: recorded.outcome.rawValue,
                placement: recorded.placement.map(view),
                followUps: recorded.followUps.map { view($0) }, vacancy: view(recorded.vacancy)),
            status: .created)
    }

    func dueFollowUps(_ request: Request) async throws -> Response {
        let session = try await session(request)
        let parameters = Self.parameters(request)
        let everyone = parameters["scope"] == "all"
        let days = Int(parameters["withinDays"] ?? "0") ?? -1
        guard (0...366).contains(days) else {
            throw ValidationFailure(errors: [FieldError(field: "withinDays", code: "outOfRange")])
        }
        let due = try await employerDesk().dueFollowUps(
            counsellorID: everyone ? nil : session.staffID, withinDays: days)
        return try JSON.response(["followUps": due.map { view($0.followUp, due: $0) }])
    }

    struct AnswerRequest: Decodable {
        let answer: String
        let channel: String
    }

    func answer(_ request: Request, id raw: String) async throws -> Response {
        let session = try await session(request)
        let id = try uuid(raw)
        let body = try await strict.decode(AnswerRequest.self, from: request, allowedKeys: ["answer", "channel"])
        var errors: [FieldError] = []
        let answer = FollowUpAnswer(rawValue: body.answer)
        if answer == nil { errors.append(FieldError(field: "answer", code: "unknownCode")) }
        let channel = FollowUpChannel(rawValue: body.channel)
        if channel == nil || channel == .sms { errors.append(FieldError(field: "channel", code: "unknownCode")) }
        guard errors.isEmpty, let answer, let channel else { throw ValidationFailure(errors: errors) }
        let followUp = try await employerDesk().recordFollowUpAnswer(
            followUpID: id, answer: answer, channel: channel, staffID: session.staffID)
        return try JSON.response(view(followUp))
    }

    // MARK: - Figures

    func period(_ parameters: [String: String]) throws -> (CivilDate, CivilDate) {
        let today = office.today(at: now())
        var errors: [FieldError] = []
        func date(_ name: String, _ fallback: CivilDate) -> CivilDate {
            guard let raw = parameters[name], !raw.isEmpty else { return fallback }
            guard let parsed = CivilDate(iso8601: raw) else {
                errors.append(FieldError(field: name, code: "notADate"))
                return fallback
            }
            return parsed
        }
        let from = date("from", CivilDate(year: today.year, month: today.month, day: 1)!)
        let to = date("to", today)
        if errors.isEmpty, from > to { errors.append(FieldError(field: "to", code: "beforeFrom")) }
        guard errors.isEmpty else { throw ValidationFailure(errors: errors) }
        return (from, to)
    }

    struct FiguresView: Encodable {
        struct Row: Encodable {
            let employerId: String
            let name: String
            let sector: String
            let vacancies: Int
            let placements: Int
        }
        struct Sector: Encodable {
            let sector: String
            let name: LocalizedText
            let vacancies: Int
            let posts: Int
            let postsFilled: Int
            let placements: Int
        }
        let from: String
        let to: String
        let vacanciesRegistered: Int
        let postsRegistered: Int
        let newlyCreatedPosts: Int
        let vacanciesFilled: Int
        let postsFilled: Int
        let medianDaysToFill: Double?
        let referralsPerVacancy: Double?
        let employers: [Row]
        let sectors: [Sector]
    }

    func figuresView(_ request: Request) async throws -> FiguresView {
        _ = try await authentication.require(.readDashboard, request)
        let (from, to) = try period(Self.parameters(request))
        let f = try await employerDesk().figures(from: from, to: to)
        return FiguresView(
            from: from.description, to: to.description, vacanciesRegistered: f.vacanciesRegistered,
            postsRegistered: f.postsRegistered, newlyCreatedPosts: f.newlyCreatedPosts,
            vacanciesFilled: f.vacanciesFilled, postsFilled: f.postsFilled, medianDaysToFill: f.medianDaysToFill,
            referralsPerVacancy: f.referralsPerVacancy.map { ($0 * 100).rounded() / 100 },
            employers: f.employers.map {
                .init(
                    employerId: $0.employerID, name: $0.name, sector: $0.sector, vacancies: $0.vacancies,
                    placements: $0.placements)
            },
            sectors: f.sectors.map {
                .init(
                    sector: $0.sector, name: locales.both("employer.sectors.\($0.sector)"), vacancies: $0.vacancies,
                    posts: $0.posts, postsFilled: $0.postsFilled, placements: $0.placements)
            })
    }

    func figures(_ request: Request) async throws -> Response { try JSON.response(try await figuresView(request)) }

    /// One CSV of the period: the figures, then placements per employer, then per sector. UTF-8
    /// with a byte-order mark, so that a spreadsheet reads the Cyrillic names.
    func figuresCSV(_ request: Request) async throws -> Response {
        let f = try await figuresView(request)
        func cell(_ value: String) -> String {
            var text = value
            // A cell a spreadsheet would run as a formula starts with a quote instead.
            if let first = text.first, "=+-@".contains(first) { text = "'" + text }
            return "\"\(text.replacingOccurrences(of: "\"", with: "\"\""))\""
        }
        func number(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "" }
        var lines = [
            "figure,value",
            "from,\(f.from)", "to,\(f.to)",
            "vacanciesRegistered,\(f.vacanciesRegistered)", "postsRegistered,\(f.postsRegistered)",
            "newlyCreatedPosts,\(f.newlyCreatedPosts)", "vacanciesFilled,\(f.vacanciesFilled)",
            "postsFilled,\(f.postsFilled)", "medianDaysToFill,\(number(f.medianDaysToFill))",
            "referralsPerVacancy,\(number(f.referralsPerVacancy))",
            "",
            "employer,sector,vacancies,placements",
        ]
        lines += f.employers.map { "\(cell($0.name)),\($0.sector),\($0.vacancies),\($0.placements)" }
        lines += ["", "sector,vacancies,posts,postsFilled,placements"]
        lines += f.sectors.map { "\($0.sector),\($0.vacancies),\($0.posts),\($0.postsFilled),\($0.placements)" }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"employer-figures-\(f.from)-\(f.to).csv\"",
                .cacheControl: "no-store",
            ], body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n")))
    }

    // MARK: - Documents

    func language(_ request: Request) -> Language {
        Self.parameters(request)["lang"].flatMap { Language(code: $0) } ?? .mn
    }

    func pdf(_ document: OfficeDocument, name: String) throws -> Response {
        guard let renderer else { throw APIError.notFound(locales) }
        let data = try renderer.pdf(document)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/pdf", .contentDisposition: "inline; filename=\"\(name).pdf\"",
                .cacheControl: "no-store",
            ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Sends an employer's document to the office's A4 queue; the answer says what became of it
    /// (`employerPrint.*`), and an office without an A4 printer is told so, never a 500.
    func printA4(_ document: OfficeDocument) async throws -> Response {
        let answers = PrintAnswers(locales: locales)
        guard let printer else { return try JSON.response(answers.noPrinter(.a4, messages: "employerPrint")) }
        return try JSON.response(answers.view(await printer.print(document), messages: "employerPrint"))
    }

    func confirmation(_ request: Request, reference: String) async throws -> Response {
        try pdf(try await confirmationDocument(request, reference: reference), name: reference)
    }

    func confirmationDocument(_ request: Request, reference: String) async throws -> OfficeDocument {
        _ = try await session(request)
        let desk = try employerDesk()
        let vacancy = try await desk.vacancy(reference: reference)
        let record = try await desk.employer(id: vacancy.employerID)
        return documents.confirmation(vacancy, employer: record.employer, language: language(request))
    }

    func shortlist(_ request: Request, reference: String) async throws -> Response {
        try pdf(try await shortlistDocument(request, reference: reference), name: "\(reference)-shortlist")
    }

    /// The candidates referred to the vacancy and waiting for the employer's answer, with their
    /// match as it stands.
    func shortlistDocument(_ request: Request, reference: String) async throws -> OfficeDocument {
        _ = try await session(request)
        let desk = try employerDesk()
        let language = language(request)
        let vacancy = try await desk.vacancy(reference: reference)
        let record = try await desk.employer(id: vacancy.employerID)
        let matcher = JobMatcher(reference: documents.catalog)
        var entries: [EmployerDocuments.ShortlistEntry] = []
        for referral in try await desk.referrals(of: reference) where referral.outcome == nil {
            guard let person = try await registrations.registration(id: referral.referral.registrationID) else {
                continue
            }
            let match = matcher.match(JobseekerProfile(person.details), VacancyFacts(vacancy.vacancy))
            let reasons = (match?.reasons ?? []).map {
                VacancyAPI.reasonView($0, locales, prefix: "employer.reasons").text[language]
            }
            entries.append(
                .init(
                    name: person.details.displayName, reference: person.reference,
                    educationCode: person.details.educationCode, experienceYears: person.details.experienceYears,
                    skills: person.details.skills, score: match?.score ?? 0, reasons: reasons))
        }
        return documents.shortlist(vacancy, employer: record.employer, entries: entries, language: language)
    }
}
