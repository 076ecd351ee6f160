import Foundation
import Hummingbird
import KioskCore

/// The employer-services page of the staff console (`/staff/employers`): the page and its
/// choices are rendered here, the work goes through `EmployerAPI` from `employers.js`.
/// Officers and the office head (`manageEmployers`); anyone else is sent to the sign-in.
extension Screens {
    func employers(_ request: Request) async throws -> Response {
        let language = request.uri.queryParameters.get("lang").flatMap { Language(code: String($0)) } ?? .mn
        do {
            _ = try await dashboardAPI.authentication.require(.manageEmployers, request)
        } catch let error as APIError where error.status == .unauthorized || error.status == .forbidden {
            return Response(status: .seeOther, headers: [.location: "/staff?lang=\(language.rawValue)"])
        }
        let other: Language = language == .mn ? .en : .mn
        let choices: [String: Any] = [
            "aimags": catalog.topLevelUnits.map { ["code": $0.code, "name": $0.name[language]] },
            "sectors": EmployerSector.codes.map {
                ["code": $0, "name": "\($0) · \(locales.text("employer.sectors.\($0)", language))"]
            },
            "education": catalog.educationLevels.map { ["code": $0.code, "name": $0.name[language]] },
            "hours": VacancyQuery.hoursValues.sorted().map {
                ["code": $0, "name": locales.text("vacancies.hours.\($0)", language)]
            },
            "licences": Licence.codes.map { ["code": $0, "name": locales.text("employer.licences.\($0)", language)] },
            "statuses": JobseekerStatus.allCases.map {
                ["code": $0.rawValue, "name": locales.text("status.\($0.rawValue)", language)]
            },
        ]
        var context = choices
        context["lang"] = language.rawValue
        context["t"] = locales.templateContext(language)
        context["officeName"] = office.name[language]
        context["officeCode"] = office.code
        context["officeUnit"] = office.adminUnitCode
        context["today"] = office.today(at: now()).description
        context["otherLanguage"] = other.rawValue
        context["otherLanguageName"] = locales.text("language.\(other.rawValue)", language)
        context["employerStrings"] = locales.json(subtree: "employer", language)
        return try html(render(context, "employers"))
    }
}
