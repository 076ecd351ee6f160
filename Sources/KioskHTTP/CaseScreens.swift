import Foundation
import Hummingbird
import KioskCore
import Mustache

/// The case screens: the profiling questions on the touchscreen (a person just registered or
/// identified, with their proof handed over in the fragment) and the case page of the staff
/// console. Neither page holds personal data: their scripts ask the API, which checks the caller;
/// the case page, like every console page, is served only to staff allowed to read cases (whoever
/// is not signed in is sent to the sign-in page).
struct CaseScreens: Sendable {
    let office: Office
    let authentication: StaffAuthentication
    let locales: Locales
    let settings: ScreenSettings
    let hasCases: Bool
    let hasPrinter: Bool
    let library: MustacheLibrary

    init(
        office: Office, authentication: StaffAuthentication, locales: Locales, kioskDirectory: URL,
        settings: ScreenSettings, hasCases: Bool, hasPrinter: Bool
    ) async throws {
        self.office = office
        self.authentication = authentication
        self.locales = locales
        self.settings = settings
        self.hasCases = hasCases
        self.hasPrinter = hasPrinter
        library = try await MustacheLibrary(directory: kioskDirectory.appendingPathComponent("templates").path)
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/kiosk/:lang/profiling") { request, context in
            guard let language = Language(code: try context.parameters.require("lang")) else {
                throw HTTPError(.notFound)
            }
            return try profiling(request, language: language)
        }
        router.get("/staff/cases") { request, _ in try await casePage(request, person: nil) }
        router.get("/staff/cases/:id") { request, context in
            try await casePage(request, person: UUID(uuidString: try context.parameters.require("id")))
        }
    }

    func render(_ context: [String: Any], _ template: String) throws -> Response {
        guard let text = library.render(context, withTemplate: template) else {
            throw HTTPError(.internalServerError, message: "template \(template) is missing")
        }
        return Screens.html(text)
    }

    /// `?for=ID`: the person whose proof the kiosk page handed over.
    func profiling(_ request: Request, language: Language) throws -> Response {
        guard hasCases,
            let person = request.uri.queryParameters.get("for").flatMap({ UUID(uuidString: String($0)) })
        else { throw HTTPError(.notFound) }
        let query = request.uri.queryParameters
        let contrast = query.get("contrast") == "high"
        let largeText = query.get("text") == "large"
        return try render(
            [
                "lang": language.rawValue,
                "t": locales.templateContext(language),
                "officeName": office.name[language],
                "bodyClasses": [contrast ? "high-contrast" : nil, largeText ? "large-text" : nil].compactMap { $0 }
                    .joined(separator: " "),
                "contrast": contrast,
                "largeText": largeText,
                "idleSeconds": settings.idleSeconds,
                "countdownSeconds": settings.countdownSeconds,
                "person": person.uuidString.lowercased(),
                "strings": locales.json(subtree: "case", language),
            ], "profiling")
    }

    /// The console's case page: a search, or one person's case (`/staff/cases/ID`).
    func casePage(_ request: Request, person: UUID?) async throws -> Response {
        let language = request.uri.queryParameters.get("lang").flatMap { Language(code: String($0)) } ?? .mn
        do {
            _ = try await authentication.require(.readCases, request)
        } catch let error as APIError where error.status == .unauthorized {
            return Response(status: .seeOther, headers: [.location: "/staff?lang=\(language.rawValue)"])
        }
        let other: Language = language == .mn ? .en : .mn
        let path = person.map { "/staff/cases/\($0.uuidString.lowercased())" } ?? "/staff/cases"
        return try render(
            [
                "lang": language.rawValue,
                "t": locales.templateContext(language),
                "officeName": office.name[language],
                "officeCode": office.code,
                "person": person?.uuidString.lowercased() ?? "",
                "ticket": request.uri.queryParameters.get("ticket").flatMap { UUID(uuidString: String($0)) }?
                    .uuidString.lowercased() ?? "",
                "otherLanguageLink": "\(path)?lang=\(other.rawValue)",
                "otherLanguageName": locales.text("language.\(other.rawValue)", language),
                "hasPrinter": hasPrinter,
                "strings": locales.json(subtree: "case", language),
            ], "case")
    }
}
