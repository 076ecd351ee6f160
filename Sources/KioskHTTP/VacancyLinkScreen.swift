import Foundation
import Hummingbird
import KioskCore
import Mustache

/// `/v/:token`: the page the weekly digest's link opens on a phone (issue 22). Anyone holding the
/// link may read it (the token is the caller's proof, random and expiring); it lists the open
/// vacancies matching the person and shows nothing about them, not even their name. An unknown or
/// expired token gets 410 with a page saying so in both languages; the page exists only where the
/// office sends texts.
struct VacancyLinkScreen: Sendable {
    let links: (any VacancyLinkSource)?
    let vacancies: VacancySearch?
    let locales: Locales
    let office: Office
    let defaultLanguage: Language
    let now: @Sendable () -> Date
    let library: MustacheLibrary

    /// The most vacancies the page lists (the best matches first).
    static let pageSize = 50

    init(_ dependencies: KioskHTTPDependencies) async throws {
        links = dependencies.vacancyLinks
        vacancies = dependencies.vacancySearch
        locales = dependencies.locales
        office = dependencies.office
        defaultLanguage = dependencies.settings.defaultLanguage
        now = dependencies.now
        library = try await MustacheLibrary(
            directory: dependencies.kioskDirectory.appendingPathComponent("templates").path)
    }

    func addRoutes(to router: Router<some RequestContext>) {
        guard links != nil else { return }
        router.get("/v/:token") { request, context in
            try await page(request, token: context.parameters.require("token"))
        }
    }

    func page(_ request: Request, token: String) async throws -> Response {
        let requested = request.uri.queryParameters.get("lang").flatMap { Language(code: String($0)) }
        guard let links, let vacancies, let person = try await links.registration(token: token, at: now()) else {
            let language = requested ?? defaultLanguage
            return try render(language, token: token, ["expired": true], status: .gone)
        }
        let found = try await vacancies.matches(of: person, page: 1, pageSize: Self.pageSize)
        let language = requested ?? found.person.details.language
        let wording = VacancyWording(language: language) { [locales] in locales.text($0, language) }
        let list: [[String: Any]] = found.matches.map { matched in
            let vacancy = matched.vacancy
            return [
                "title": wording.title(vacancy), "employer": vacancy.employer, "wage": wording.wage(vacancy),
                "place": found.places[vacancy.soumCode ?? vacancy.aimagCode]?[language]
                    ?? found.places[vacancy.aimagCode]?[language] ?? "",
                "closesOn": vacancy.closesOn, "reference": vacancy.reference, "howToApply": vacancy.howToApply,
            ]
        }
        return try render(
            language, token: token,
            [
                "vacancies": list, "none": list.isEmpty,
                "intro": locales.text("vacancyLink.intro", language).replacingOccurrences(
                    of: "{days}", with: "\(Int(VacancyLink.lifetime / 86400))"),
            ], status: .ok)
    }

    func render(_ language: Language, token: String, _ values: [String: Any], status: HTTPResponse.Status) throws
        -> Response
    {
        let other: Language = language == .mn ? .en : .mn
        var context: [String: Any] = [
            "lang": language.rawValue, "t": locales.templateContext(language), "officeName": office.name[language],
            "otherLanguage": other.rawValue, "otherLanguageName": locales.text("language.\(other.rawValue)", other),
            // Only a well-formed token is put back into the page's own link.
            "token": VacancyLink.isWellFormed(token) ? token : "",
        ]
        context.merge(values) { $1 }
        guard let text = library.render(context, withTemplate: "vacancy-link") else {
            throw HTTPError(.internalServerError, message: "missing template vacancy-link")
        }
        var response = Screens.html(text)
        response.status = status
        return response
    }
}
