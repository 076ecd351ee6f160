import Foundation
import Hummingbird
import KioskCore

/// Vacancies: search and detail (public: vacancies are public), a person's ranked matches,
/// printed lists, and for staff the same matches with referrals.
struct VacancyAPI {
    /// Place names of the printed lists.
    let reference: ReferenceCatalog
    /// Search, detail and matches; nil where the kiosk has no vacancies from the LMIS.
    let vacancies: VacancySearch?
    /// Nil where the kiosk keeps no referrals.
    let referrals: Referrals?
    /// Reads a typed registry number.
    let registrations: Registrations
    let authentication: StaffAuthentication
    /// A person's matches (on screen or printed): their proof at the kiosk, or staff.
    let access: PersonAccess
    let strict: StrictJSON
    let office: Office
    /// The kiosk's printers; `nil` when the kiosk prints nothing.
    let printer: (any DocumentPrinter)?
    let now: @Sendable () -> Date

    var locales: Locales { strict.locales }

    /// The longest list printed on A4, and the short list on the receipt printer.
    static let a4Limit = 500
    static let thermalLimit = VacancyPrintouts.thermalLimit

    func addRoutes(to group: RouterGroup<KioskRequestContext>) {
        group.get("vacancies") { request, _ in try await search(request) }
        group.get("vacancies/:reference") { _, context in
            try await detail(context.parameters.require("reference"))
        }
        group.post("vacancies/print") { request, _ in try await printList(request) }
        group.get("registrations/:id/matches") { request, context in
            try await matches(request, id: context.parameters.require("id"))
        }
        group.get("staff/matches") { request, _ in try await staffMatches(request) }
        group.post("referrals") { request, _ in try await refer(request) }
    }

    // MARK: - Views

    struct PageView: Encodable {
        let total: Int
        let page: Int
        let pageSize: Int
        let vacancies: [Vacancy]
        /// Names of the places on the page, by unit code, for the screen.
        let places: [String: LocalizedText]
    }

    struct ReasonView: Encodable {
        let code: String
        let text: LocalizedText
    }

    struct MatchView: Encodable {
        let vacancy: Vacancy
        let score: Int
        let reasons: [ReasonView]
    }

    struct MatchesView: Encodable {
        let total: Int
        let page: Int
        let pageSize: Int
        let matches: [MatchView]
        let places: [String: LocalizedText]
    }

    func reasonView(_ reason: MatchReason) -> ReasonView { Self.reasonView(reason, locales) }

    /// Why a vacancy and a person match, worded in both languages from the texts under `prefix`
    /// (the person's list speaks to the person, a vacancy's candidates to the officer).
    static func reasonView(_ reason: MatchReason, _ locales: Locales, prefix: String = "vacancies.reasons")
        -> ReasonView
    {
        func fill(_ key: String, _ values: [String: String]) -> LocalizedText { locales.both(key).filling(values) }
        switch reason {
        case .yourOccupation: return ReasonView(code: "yourOccupation", text: locales.both("\(prefix).yourOccupation"))
        case .relatedOccupation:
            return ReasonView(code: "relatedOccupation", text: locales.both("\(prefix).relatedOccupation"))
        case .skills(let matched, let required):
            return ReasonView(
                code: "skills",
                text: fill("\(prefix).skills", ["matched": String(matched), "required": String(required)]))
        case .inYourSoum: return ReasonView(code: "inYourSoum", text: locales.both("\(prefix).inYourSoum"))
        case .inYourAimag: return ReasonView(code: "inYourAimag", text: locales.both("\(prefix).inYourAimag"))
        case .lessExperience(let has, let required):
            return ReasonView(
                code: "lessExperience",
                text: fill("\(prefix).lessExperience", ["has": String(has), "required": String(required)]))
        }
    }

    func view(_ found: PersonMatches, page: Int?, pageSize: Int?) -> MatchesView {
        MatchesView(
            total: found.total, page: page ?? 1, pageSize: pageSize ?? 10,
            matches: found.matches.map {
                MatchView(vacancy: $0.vacancy, score: $0.match.score, reasons: $0.match.reasons.map(reasonView))
            }, places: found.places)
    }

    // MARK: - Search and detail

    /// Reads a search from query parameters (`q`, `aimag`, `soum`, `occupation`, `hours`,
    /// `minWage`, `postedWithinDays`, `page`, `pageSize`); `VacancySearch` checks the values.
    func query(_ parameters: [String: String]) throws -> VacancyQuery {
        var query = VacancyQuery()
        func text(_ name: String) -> String? {
            parameters[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func number(_ name: String) throws -> Int? {
            guard let raw = text(name) else { return nil }
            guard let value = Int(raw) else {
                throw VacancySearchError.invalidQuery(problem: "\(name): a whole number")
            }
            return value
        }
        query.text = text("q") ?? ""
        query.aimagCode = text("aimag")
        query.soumCode = text("soum")
        query.occupationGroup = text("occupation")
        query.hours = text("hours")
        query.minimumWage = try number("minWage")
        query.postedWithinDays = try number("postedWithinDays")
        query.page = try number("page") ?? 1
        query.pageSize = try number("pageSize") ?? 10
        return query
    }

    /// `q=%D0%B6+x&aimag=UB-SB` as the browser's URLSearchParams writes it (`+` for a space);
    /// nil when a part is not well-formed percent-encoding.
    static func formDecoded(_ text: String) -> [String: String]? {
        var parameters: [String: String] = [:]
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ part: Substring) -> String? {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decoded(parts[0]), let value = parts.count > 1 ? decoded(parts[1]) : "" else {
                return nil
            }
            parameters[name] = value
        }
        return parameters
    }

    static func parameters(_ request: Request) -> [String: String] {
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { parameters[String(name)] = String(value) }
        return parameters
    }

    func search(_ request: Request) async throws -> Response {
        let query = try query(Self.parameters(request))
        let found = try await vacancyDesk().search(query)
        return try JSON.response(
            PageView(
                total: found.total, page: query.page, pageSize: query.pageSize, vacancies: found.vacancies,
                places: found.places))
    }

    func detail(_ reference: String) async throws -> Response {
        try JSON.response(try await vacancyDesk().vacancy(reference: reference))
    }

    // MARK: - Matches

    /// `page` and `pageSize` as given (a value that is no number is out of range).
    static func paging(_ parameters: [String: String]) -> (page: Int?, pageSize: Int?) {
        (parameters["page"].map { Int($0) ?? 0 }, parameters["pageSize"].map { Int($0) ?? 0 })
    }

    /// The ranked matches of a jobseeker the kiosk has just registered or identified (with their
    /// proof), or staff.
    func matches(_ request: Request, id: String) async throws -> Response {
        let person = try APIError.uuid(id, locales)
        _ = try await access.require(.readPeople, for: person, request)
        let (page, pageSize) = Self.paging(Self.parameters(request))
        let found = try await vacancyDesk().matches(of: person, page: page, pageSize: pageSize)
        return try JSON.response(view(found, page: page, pageSize: pageSize))
    }

    struct StaffMatchesView: Encodable {
        struct Jobseeker: Encodable {
            let id: String
            let reference: String
            let name: String
        }
        let jobseeker: Jobseeker
        let results: MatchesView
        /// Vacancies this person was already referred to.
        let referred: [String]
    }

    /// The same ranked list for staff, found by registration id or registry number.
    func staffMatches(_ request: Request) async throws -> Response {
        _ = try await authentication.require(.readPeople, request)
        let parameters = Self.parameters(request)
        let (page, pageSize) = Self.paging(parameters)
        let key: JobseekerKey
        if let id = parameters["registrationId"] {
            key = .id(try APIError.uuid(id, locales))
        } else if let raw = parameters["registryNumber"] {
            do {
                key = .registryNumber(try registrations.registryNumber(raw))
            } catch {
                // `registryNumber.<reason>`, the key under `errors` of the number's refusal.
                throw APIError(
                    status: .badRequest, code: "invalidRegistryNumber",
                    message: locales.both("errors.\(error.errors[0].code)"), field: "registryNumber")
            }
        } else {
            throw VacancySearchError.invalidQuery(problem: "registryNumber: a registry number or a registrationId")
        }
        let found = try await vacancyDesk().staffMatches(of: key, page: page, pageSize: pageSize)
        let person = found.person
        return try JSON.response(
            StaffMatchesView(
                jobseeker: .init(
                    id: person.id.uuidString.lowercased(), reference: person.reference,
                    name: person.details.displayName),
                results: view(found, page: page, pageSize: pageSize), referred: found.referred))
    }

    // MARK: - Referrals

    struct ReferralRequest: Decodable {
        let registrationId: String
        let vacancyReference: String
        let note: String?
    }

    struct ReferralView: Encodable {
        let id: String
        let registrationId: String
        let vacancyReference: String
        let staffId: String
        let counter: Int
        let note: String?
        let createdAt: Date

        init(_ referral: Referral) {
            id = referral.id.uuidString.lowercased()
            registrationId = referral.registrationID.uuidString.lowercased()
            vacancyReference = referral.vacancyReference
            staffId = referral.staffID
            counter = referral.counter
            note = referral.note
            createdAt = referral.createdAt
        }
    }

    func refer(_ request: Request) async throws -> Response {
        let session = try await authentication.require(.referPeople, request)
        let body = try await strict.decode(
            ReferralRequest.self, from: request, allowedKeys: ["registrationId", "vacancyReference", "note"])
        let referral = try await referralDesk().refer(
            registrationID: body.registrationId, vacancyReference: body.vacancyReference, note: body.note,
            by: session)
        return try JSON.response(ReferralView(referral), status: .created)
    }

    // MARK: - Printing

    struct PrintRequest: Decodable {
        /// `a4` (the whole list, up to 500) or `thermal` (the first five).
        let printer: String
        let language: String?
        /// The search as on the screen, in query-string form (`q=жолооч&aimag=UB-SB`).
        let search: String?
        /// Print this person's matches instead of a search.
        let registrationId: String?
    }

    func printList(_ request: Request) async throws -> Response {
        let body = try await strict.decode(
            PrintRequest.self, from: request, allowedKeys: ["printer", "language", "search", "registrationId"])
        guard let role = PrinterRole(rawValue: body.printer) else {
            throw VacancySearchError.invalidQuery(problem: "printer: a4 or thermal")
        }
        let person = try body.registrationId.map { try APIError.uuid($0, locales) }
        if let person { _ = try await access.require(.readPeople, for: person, request) }
        let language = body.language.flatMap { Language(code: $0) } ?? .mn
        let limit = role == .a4 ? Self.a4Limit : Self.thermalLimit
        guard let printer else {
            return try JSON.response(PrintAnswers(locales: locales).noPrinter(role, messages: "vacancies.print"))
        }
        var vacancies: [Vacancy] = []
        var filters: [String] = []
        var forPerson = false
        if let person {
            vacancies = try await vacancyDesk().matchList(of: person, limit: limit)
            filters = [locales.text("vacancies.list.forYou", language)]
            forPerson = true
        } else {
            guard let parameters = Self.formDecoded(body.search ?? "") else {
                throw VacancySearchError.invalidQuery(problem: "search: a query string (q=…&aimag=…)")
            }
            let query = try query(parameters)
            // The whole list at once (the screen's pages of at most 50 are for screens).
            vacancies = try await vacancyDesk().list(query, limit: limit)
            filters = printouts.worded(query, language)
        }
        let outcome: PrintOutcome
        switch role {
        case .a4:
            outcome = await printer.print(printouts.list(vacancies, filters: filters, language))
        case .thermal:
            outcome = await printer.print(printouts.shortList(vacancies, forPerson: forPerson, language))
        }
        return try JSON.response(view(outcome))
    }

    /// The printing answer, worded for a list rather than a ticket.
    func view(_ outcome: PrintOutcome) -> PrintAnswers.PrintView {
        PrintAnswers(locales: locales).view(outcome, messages: "vacancies.print")
    }

    var printouts: VacancyPrintouts {
        VacancyPrintouts(reference: reference, office: office, text: { [locales] in locales.text($0, $1) }, now: now)
    }

    // MARK: - Helpers

    /// A locale text with its `{name}` fields filled, in both languages.
    func fill(_ key: String, _ values: [String: String]) -> LocalizedText {
        locales.both(key).filling(values)
    }

    func vacancyDesk() throws -> VacancySearch {
        guard let vacancies else { throw VacancySearchError.notFound }
        return vacancies
    }

    func referralDesk() throws -> Referrals {
        guard let referrals else { throw APIError.notFound(locales) }
        return referrals
    }
}
