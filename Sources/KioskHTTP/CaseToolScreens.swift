import Foundation
import Hummingbird
import KioskCore

/// The console pages for appointments (`/staff/appointments`) and programmes
/// (`/staff/programmes`): the page is drawn with its strings; the data comes from the JSON API
/// the page's script calls with the officer's session. Officers and the head (`readCases`);
/// anyone else is sent to sign in.
extension Screens {
    func caseTool(_ request: Request, page: String) async throws -> Response {
        let language = request.uri.queryParameters.get("lang").flatMap { Language(code: String($0)) } ?? .mn
        do {
            _ = try await dashboardAPI.authentication.require(.readCases, request)
        } catch let error as APIError where error.status == .unauthorized {
            return Response(status: .seeOther, headers: [.location: "/staff?lang=\(language.rawValue)"])
        }
        let other: Language = language == .mn ? .en : .mn
        let today = office.today(at: now())
        let context: [String: Any] = [
            "lang": language.rawValue,
            "t": locales.templateContext(language),
            "officeName": office.name[language],
            "officeCode": office.code,
            "timeZone": office.timeZone.identifier,
            "today": today.description,
            "tomorrow": today.adding(days: 1).description,
            "otherLanguageLink": "/staff/\(page)?lang=\(other.rawValue)",
            "otherLanguageName": locales.text("language.\(other.rawValue)", language),
            "services": services.filter(\.requiresRegistration).map {
                [
                    "code": $0.code, "name": $0.name[language],
                    "counters": $0.counters.map(String.init).joined(separator: ", "),
                ]
            },
            "counters": Array(Set(services.flatMap(\.counters))).sorted(),
            "strings": locales.json(subtree: page == "appointments" ? "appointment" : "programme", language),
        ]
        return try html(render(context, "staff-\(page)"))
    }
}
