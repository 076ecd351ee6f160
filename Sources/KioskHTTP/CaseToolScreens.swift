import Foundation
import Hummingbird
import KioskCore

/// The console pages for appointments (`/staff/appointments`), programmes (`/staff/programmes`)
/// and text messages (`/staff/messages`, `readMessages`): the page is drawn with its strings; the data comes from the JSON API
/// the page's script calls with the officer's session. Officers and the head (`readCases`);
/// anyone else is sent to sign in.
extension Screens {
    func caseTool(
        _ request: Request, page: String, permission: StaffPermission = .readCases, strings subtree: String? = nil
    ) async throws -> Response {
        let language = request.uri.queryParameters.get("lang").flatMap { Language(code: String($0)) } ?? .mn
        do {
            _ = try await dashboardAPI.authentication.require(permission, request)
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
            "texts": texts,
            "strings": locales.json(
                subtree: subtree ?? (page == "appointments" ? "appointment" : "programme"), language),
            // The kinds of message a person may agree to at the desk (a one-time code needs none).
            "kinds": SMSKind.allCases.filter(\.needsConsent).map {
                ["value": $0.rawValue, "name": locales.text("sms.page.kindNames.\($0.rawValue)", language)]
            },
        ]
        return try html(render(context, "staff-\(page)"))
    }
}

extension Screens {
    /// The dashboard's appointments kept and missed in the period, and the programme places used
    /// against the office's quota; nil (no section) where the kiosk keeps neither.
    func caseFigures(_ period: DashboardPeriod, _ language: Language) async throws -> [String: Any]? {
        guard let appointments, let programmes else { return nil }
        let figures = try await appointments.figures(from: period.from, through: period.to)
        let cards: [[String: Any]] = [
            ("kept", "appointment.state.checkedIn", figures.kept),
            ("missed", "appointment.state.missed", figures.missed),
            ("booked", "appointment.state.booked", figures.booked),
            ("cancelled", "appointment.state.cancelled", figures.cancelled),
        ].map { ["key": $0.0, "name": locales.text($0.1, language), "value": $0.2] }
        let places: [[String: Any]] = try await programmes.places().map {
            [
                "code": $0.code, "name": $0.name[language], "quota": $0.quota, "used": $0.used, "free": $0.free,
                "completed": $0.completed, "droppedOut": $0.droppedOut, "didNotGo": $0.didNotGo,
                "full": $0.used >= $0.quota,
            ]
        }
        return ["appointmentCards": cards, "places": places]
    }
}
