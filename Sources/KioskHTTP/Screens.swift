import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import Mustache

/// Server-rendered screens: templates from `Kiosk/templates`, strings from `Kiosk/locales`.
struct Screens: Sendable {
    let office: Office
    let locales: Locales
    let settings: ScreenSettings
    let catalog: ReferenceCatalog
    /// Services and their hours; tickets for their status page.
    let desk: TicketDesk
    /// Ratings on a finished ticket's status page; nil where the kiosk keeps none.
    let feedback: FeedbackDesk?
    let summaries: any OfficeSummarySource
    let dashboardAPI: DashboardAPI
    /// Whether the kiosk has a printer, and a fingerprint reader (the screens offer them).
    let hasPrinter: Bool
    let hasFingerprintReader: Bool
    /// The kiosk keeps case files: the visitor is offered the profiling questions after registering.
    var hasCases = false
    /// The office's caseload now, for the dashboard; nil where the kiosk keeps no case files.
    var caseload: (@Sendable () async throws -> CaseloadFigures)?
    let consentTextVersion: String
    let now: @Sendable () -> Date
    let library: MustacheLibrary
    /// Appointments and programmes for the dashboard's figures; nil where the kiosk keeps none.
    var appointments: Appointments? = nil
    var programmes: Programmes? = nil
    /// True where the office sends text messages (a booking may then set reminders).
    var texts = false
    /// The dashboard's employer figures over a period, and its message counts; nil where the kiosk
    /// keeps none.
    var employerFigures: (@Sendable (CivilDate, CivilDate) async throws -> EmployerFigures)?
    var messageFigures: (any MessageFiguresSource)?
    /// The dashboard's indicators broken down (sex, age group, …); the panel is left out without it.
    var indicatorBreakdowns: (any IndicatorBreakdownSource)?
    /// True where a visitor may ask for texts when taking a ticket (the ticket screen offers it).
    var ticketTexts = false

    var services: [QueueService] { desk.services }

    /// Loads the templates from `kioskDirectory/templates`.
    init(
        office: Office, locales: Locales, kioskDirectory: URL, settings: ScreenSettings, catalog: ReferenceCatalog,
        desk: TicketDesk, feedback: FeedbackDesk?, summaries: any OfficeSummarySource, dashboardAPI: DashboardAPI,
        hasPrinter: Bool, hasFingerprintReader: Bool, consentTextVersion: String,
        now: @escaping @Sendable () -> Date
    ) async throws {
        self.office = office
        self.locales = locales
        self.settings = settings
        self.catalog = catalog
        self.desk = desk
        self.feedback = feedback
        self.summaries = summaries
        self.dashboardAPI = dashboardAPI
        self.hasPrinter = hasPrinter
        self.hasFingerprintReader = hasFingerprintReader
        self.consentTextVersion = consentTextVersion
        self.now = now
        library = try await MustacheLibrary(directory: kioskDirectory.appendingPathComponent("templates").path)
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/") { _, _ in Response(status: .found, headers: [.location: "/kiosk"]) }
        router.get("/kiosk") { request, _ in try attract(request) }
        router.get("/kiosk/:lang/register") { request, context in
            try register(request, language: try language(context.parameters.require("lang")))
        }
        router.get("/kiosk/:lang/grievance") { request, context in
            try grievance(request, language: try language(context.parameters.require("lang")))
        }
        router.get("/kiosk/:lang/vacancies") { request, context in
            try vacancies(request, language: try language(context.parameters.require("lang")))
        }
        router.get("/display") { request, _ in try display(request) }
        router.get("/staff") { request, _ in try await staff(request) }
        router.get("/staff/dashboard") { request, _ in try await dashboard(request) }
        router.get("/staff/appointments") { request, _ in try await caseTool(request, page: "appointments") }
        router.get("/staff/programmes") { request, _ in try await caseTool(request, page: "programmes") }
        router.get("/staff/messages") { request, _ in
            try await caseTool(request, page: "messages", permission: .readMessages, strings: "sms")
        }
        router.get("/staff/employers") { request, _ in try await employers(request) }
        router.get("/t/:id") { request, context in try await ticketStatus(request, id: context.parameters.require("id"))
        }
    }

    func language(_ code: String) throws -> Language {
        guard let language = Language(code: code) else {
            throw HTTPError(.notFound)
        }
        return language
    }

    /// Accessibility choices carried in the URL (not in browser storage) for one visitor's session.
    struct Display {
        var contrast: Bool
        var largeText: Bool
        var query: String {
            var parts: [String] = []
            if contrast { parts.append("contrast=high") }
            if largeText { parts.append("text=large") }
            return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
        }
        var bodyClasses: String {
            [contrast ? "high-contrast" : nil, largeText ? "large-text" : nil].compactMap { $0 }.joined(separator: " ")
        }
    }

    func accessibility(of request: Request) -> Display {
        Display(
            contrast: request.uri.queryParameters.get("contrast") == "high",
            largeText: request.uri.queryParameters.get("text") == "large")
    }

    func attract(_ request: Request) throws -> Response {
        let context: [String: Any] = [
            "mn": locales.templateContext(.mn),
            "en": locales.templateContext(.en),
            "officeName": ["mn": office.name.mn, "en": office.name.en],
            "bodyClasses": accessibility(of: request).bodyClasses,
            "query": accessibility(of: request).query,
            "primary": settings.defaultLanguage.rawValue,
            // The office's default language comes first, the other one beside it.
            "languages": languagesInOrder.map { language in
                [
                    "code": language.rawValue,
                    "label": locales.text("language.\(language.rawValue)", language),
                ]
            },
        ]
        return try html(render(context, "attract"))
    }

    var languagesInOrder: [Language] {
        let primary = settings.defaultLanguage
        return [primary] + Language.allCases.filter { $0 != primary }
    }

    func register(_ request: Request, language: Language) throws -> Response {
        let display = accessibility(of: request)
        let consentKey = "consent.text"
        let context: [String: Any] = [
            "lang": language.rawValue,
            "t": locales.templateContext(language),
            "officeName": office.name[language],
            "officeUnit": office.adminUnitCode,
            "bodyClasses": display.bodyClasses,
            "contrast": display.contrast,
            "largeText": display.largeText,
            "idleSeconds": settings.idleSeconds,
            "countdownSeconds": settings.countdownSeconds,
            "consentVersion": consentTextVersion,
            "consentParagraphs": locales.text(consentKey, language).components(separatedBy: "\n\n"),
            "clientStrings": locales.json(subtree: "client", language),
            "errorStrings": locales.json(subtree: "errors", language),
            "fingerprintEnabled": hasFingerprintReader,
            "profilingEnabled": hasCases,
            "ticketTextsEnabled": ticketTexts,
            "smsKioskKinds": ([SMSKind.turnNear] + TicketTexts.personKinds).map {
                [
                    "code": $0.rawValue, "name": locales.text("smsKiosk.kinds.\($0.rawValue)", language),
                    "person": $0 != .turnNear,
                ] as [String: Any]
            },
            "fingerprintStrings": locales.json(subtree: "fingerprint", language),
            "aimags": catalog.topLevelUnits.map { ["code": $0.code, "name": $0.name[language]] },
            "educationLevels": catalog.educationLevels.map { ["code": $0.code, "name": $0.name[language]] },
            "statuses": JobseekerStatus.allCases.map {
                ["code": $0.rawValue, "name": locales.text("status.\($0.rawValue)", language)]
            },
            "keyboardRows": Keyboard.rows(language),
            "licences": Licence.codes.map { code in
                [
                    "code": code, "letter": code.split(separator: "-").last.map { $0.uppercased() } ?? code,
                    "name": locales.text("vacancies.licences.\(code)", language),
                ]
            },
            "services": services.map { service in
                [
                    "code": service.code, "name": service.name[language], "requires": service.requiresRegistration,
                    "open": desk.isOpen(service),
                ] as [String: Any]
            },
            "priorities": PriorityCategory.allCases.map {
                ["code": $0.rawValue, "name": locales.text("priority.\($0.rawValue)", language)]
            },
        ]
        return try html(render(context, "register"))
    }

    /// What every touchscreen page beside the journey shows: language, texts, office, the
    /// visitor's display choices, the idle time and the "more time?" countdown after it.
    func touchscreenContext(_ request: Request, _ language: Language) -> [String: Any] {
        let display = accessibility(of: request)
        return [
            "lang": language.rawValue,
            "t": locales.templateContext(language),
            "officeName": office.name[language],
            "bodyClasses": display.bodyClasses,
            "contrast": display.contrast,
            "largeText": display.largeText,
            "idleSeconds": settings.idleSeconds,
            "countdownSeconds": settings.countdownSeconds,
        ]
    }

    /// Filing a grievance (category, text on the on-screen keyboard, optional area and contact
    /// details) and following one by its tracking code.
    func grievance(_ request: Request, language: Language) throws -> Response {
        let numberRows: [[String: [String]]] = [["keys": services.map(\.code)], ["keys": Keyboard.digits]]
        let faces = self.faces(language)
        let context = touchscreenContext(request, language).merging([
            "categories": GrievanceCategory.allCases.map {
                ["code": $0.rawValue, "name": locales.text("grievance.categories.\($0.rawValue)", language)]
            },
            "areas": ["entrance", "waitingHall", "counters", "kiosk", "toilets"].map {
                ["code": $0, "name": locales.text("grievance.areas.\($0)", language)]
            },
            "strings": locales.json(subtree: "grievance", language),
            "keyboardRows": Keyboard.rows(language),
            // Latin keys too, for a grievance or a comment written in English.
            "latinRows": Keyboard.latinKeyRows,
            // Tracking codes use only these (no letter that reads as a digit).
            // Rating at the kiosk: the ticket's number on a keypad of the services' letters and digits.
            "numberRows": numberRows,
            "faces": faces,
            "feedbackStrings": locales.json(subtree: "feedback", language),
            "codeRows": stride(from: 0, to: Grievance.codeAlphabet.count, by: 9).map { start in
                ["keys": Grievance.codeAlphabet[start..<min(start + 9, Grievance.codeAlphabet.count)].map(String.init)]
            },
        ]) { _, new in new }
        return try html(render(context, "grievance"))
    }

    /// Vacancy search, detail and printing; with `?for=ID` (a registration the kiosk has just
    /// made or identified) the person's matches come first.
    func vacancies(_ request: Request, language: Language) throws -> Response {
        let person = request.uri.queryParameters.get("for").flatMap { UUID(uuidString: String($0)) }
        let context = touchscreenContext(request, language).merging([
            "person": person?.uuidString.lowercased() ?? "",
            "hasPrinter": hasPrinter,
            "strings": locales.json(subtree: "vacancies", language),
            "aimags": catalog.topLevelUnits.map { ["code": $0.code, "name": $0.name[language]] },
            "groups": catalog.majorGroups.map { ["code": $0.code, "name": $0.name[language]] },
            "hours": VacancyQuery.hoursValues.sorted().map {
                ["code": $0, "name": locales.text("vacancies.hours.\($0)", language)]
            },
            "educationNames": scriptJSON(
                Dictionary(
                    catalog.educationLevels.map { ($0.code, $0.name[language]) }, uniquingKeysWith: { a, _ in a })
            ) ?? "{}",
            "keyboardRows": Keyboard.rows(language),
            "latinRows": Keyboard.latinKeyRows,
        ]) { _, new in new }
        return try html(render(context, "vacancies"))
    }

    func display(_ request: Request) throws -> Response {
        let context: [String: Any] = [
            "mn": locales.templateContext(.mn),
            "en": locales.templateContext(.en),
            "officeName": ["mn": office.name.mn, "en": office.name.en],
            "timeZone": office.timeZone.identifier,
        ]
        return try html(render(context, "display"))
    }

    /// The staff overview of the office day: figures only, nothing about a person.
    func staff(_ request: Request) async throws -> Response {
        let language = request.uri.queryParameters.get("lang").flatMap { Language(code: String($0)) } ?? .mn
        let now = now()
        let summary = try await summaries.summary(of: office.day(containing: now))
        let context: [String: Any] = [
            "lang": language.rawValue,
            "t": locales.templateContext(language),
            "officeName": office.name[language],
            "officeCode": office.code,
            "timeZone": office.timeZone.identifier,
            "today": office.today(at: now).description,
            "registrationsToday": summary.registrationsToday,
            "updatesToday": summary.updatesToday,
            "registrationsTotal": summary.registrationsTotal,
            "outboxRecords": summary.outboxRecords,
            "otherLanguage": language == .mn ? "en" : "mn",
            "otherLanguageName": locales.text("language.\(language == .mn ? "en" : "mn")", language),
            "counters": Array(Set(services.flatMap(\.counters))).sorted(),
            "consoleStrings": locales.json(subtree: "console", language),
            "grievanceStrings": locales.json(subtree: "grievance", language),
            "queueErrorStrings": locales.json(subtree: "errors", language),
            "servicesJSON": servicesJSON(language),
            "aimags": catalog.topLevelUnits.map { ["code": $0.code, "name": $0.name[language]] },
            "officeUnit": office.adminUnitCode,
        ]
        return try html(render(context, "staff"))
    }

    /// A ticket's status page, reached from the QR code on the ticket: position and estimate,
    /// or the counter once it is called. Nothing about the person.
    func ticketStatus(_ request: Request, id raw: String) async throws -> Response {
        guard let id = UUID(uuidString: raw), let issued = try await desk.ticket(id: id) else {
            throw HTTPError(.notFound)
        }
        let (ticket, estimate) = (issued.ticket, issued.estimate)
        let requested = request.uri.queryParameters.get("lang").flatMap { Language(code: String($0)) }
        let language = requested ?? ticket.language
        let waitText =
            estimate.minutes.map { "\($0.lowerBound)–\($0.upperBound) \(locales.text("client.minutes", language))" }
            ?? locales.text("client.noEstimate", language)
        let other: Language = language == .mn ? .en : .mn
        var context: [String: Any] = [
            "lang": language.rawValue,
            "t": locales.templateContext(language),
            "id": ticket.id.uuidString.lowercased(),
            "officeName": office.name[language],
            "number": ticket.displayNumber,
            "serviceName": services.first { $0.code == ticket.serviceCode }?.name[language]
                ?? ticket.serviceCode,
            "stateText": locales.text("ticketStatus.\(ticket.state.rawValue)", language),
            "waiting": ticket.state == .waiting,
            "peopleAhead": estimate.peopleAhead,
            "waitText": waitText,
            "otherLanguage": other.rawValue,
            "otherLanguageName": locales.text("language.\(other.rawValue)", other),
        ]
        if ticket.state == .called, let counter = ticket.counter { context["counter"] = counter }
        if ticket.state == .finished, let feedback {
            // The rating form once the service is over (the page stops refreshing itself then).
            context["finished"] = true
            let query = request.uri.queryParameters
            if let given = try await feedback.feedback(ticketID: id) {
                context["given"] = [
                    "face": Self.face(given.rating), "label": locales.text("feedback.r\(given.rating)", language),
                    "thanks": query.get("rated") != nil,
                ]
            } else {
                context["canRate"] = true
                // The rating code from the ticket's QR code (`?k=`): the form carries it, hidden;
                // without it (a typed address) the form asks for the code printed on the ticket.
                let code = (query.get("k").map { String($0) } ?? "").filter { $0.isLetter || $0.isNumber }
                if try await feedback.holds(ticketID: id, code: code) {
                    context["code"] = code
                } else {
                    context["askCode"] = true
                }
                context["faces"] = faces(language)
                context["comment"] = query.get("comment").map { String($0) } ?? ""
                context["maxComment"] = Feedback.maxCommentLength
                if let problem = query.get("problem").map({ String($0) }) {
                    // `feedback.alreadyGiven`, `rating.required`, `comment.tooLong`, …
                    let parts = problem.split(separator: ".", maxSplits: 1).map(String.init)
                    let key =
                        switch parts.first {
                        case "feedback": "errors.\(problem)"
                        case "throttled": "api.throttled"
                        case "comment" where parts.count == 2: "errors.\(parts[1])"
                        default: "feedback.choose"
                        }
                    context["problem"] = locales.text(key, language)
                }
            }
        }
        return try html(render(context, "ticket-status"))
    }

    /// The five faces of a rating, worst first, with their words.
    func faces(_ language: Language) -> [[String: Any]] {
        Feedback.ratings.map { rating in
            [
                "rating": rating, "face": Self.face(rating),
                "label": locales.text("feedback.r\(rating)", language),
            ]
        }
    }

    /// A face for a rating, drawn (no emoji font needed): the mouth bends from a frown at 1 to a
    /// broad smile at 5, and the colour goes from red to green.
    static func face(_ rating: Int) -> String {
        let colours = ["#d64545", "#e8833a", "#e2b714", "#8cbf3f", "#3a9d4f"]
        let index = max(0, min(4, rating - 1))
        let bend = (index - 2) * 7  // control point below (smile) or above (frown) the mouth
        return """
            <svg viewBox="0 0 64 64" width="64" height="64" focusable="false"><circle cx="32" cy="32" r="30" \
            fill="\(colours[index])"/><circle cx="22" cy="25" r="4" fill="#222"/><circle cx="42" cy="25" r="4" \
            fill="#222"/><path d="M18 \(42 - bend / 2) Q32 \(42 + bend) 46 \(42 - bend / 2)" stroke="#222" \
            stroke-width="4" fill="none" stroke-linecap="round"/></svg>
            """
    }

    /// Code and name of each service, for scripts.
    func servicesJSON(_ language: Language) -> String {
        scriptJSON(services.map { ["code": $0.code, "name": $0.name[language]] }) ?? "[]"
    }

    func render(_ context: [String: Any], _ template: String) throws -> String {
        guard let text = library.render(context, withTemplate: template) else {
            throw HTTPError(.internalServerError, message: "missing template \(template)")
        }
        return text
    }

    /// Screens are never cached: a reset must not be undone by the back button or a cache.
    func html(_ text: String) -> Response { Self.html(text) }

    /// A page with the screens' headers (no caching, no referrer, a strict content policy).
    static func html(_ text: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .cacheControl: "no-store",
                HTTPField.Name("Referrer-Policy")!: "no-referrer",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                HTTPField.Name("Content-Security-Policy")!:
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The on-screen keyboard: the standard Mongolian Cyrillic layout (all 35 letters) and digits.
enum Keyboard {
    static let letterRows: [[String]] = [
        ["Ф", "Ц", "У", "Ж", "Э", "Н", "Г", "Ш", "Ү", "З", "К", "Ъ"],
        ["Й", "Ы", "Б", "Ө", "А", "Х", "Р", "О", "Л", "Д", "П", "Е"],
        ["Я", "Ч", "Ё", "С", "М", "И", "Т", "Ь", "В", "Ю", "Щ"],
    ]
    static let digits = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]
    /// For searching English titles.
    static let latinRows: [[String]] = [
        ["Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"],
        ["A", "S", "D", "F", "G", "H", "J", "K", "L"],
        ["Z", "X", "C", "V", "B", "N", "M"],
    ]

    /// The Latin rows as the templates take them.
    static var latinKeyRows: [[String: Any]] {
        latinRows.map { row in ["keys": row.map { ["key": $0] }] }
    }

    static func rows(_ language: Language) -> [[String: Any]] {
        ([digits] + letterRows).map { row in ["keys": row.map { ["key": $0] }] }
    }
}
