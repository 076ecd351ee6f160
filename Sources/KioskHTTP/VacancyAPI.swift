import Foundation
import Hummingbird
import KioskCore

/// Vacancy search and detail for the kiosk's vacancy screen (public: vacancies are public).
struct VacancyAPI {
    let environment: KioskHTTPEnvironment

    func addRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.get("vacancies") { request, _ in try await search(request) }
        group.get("vacancies/:reference") { _, context in
            try await detail(context.parameters.require("reference"))
        }
    }

    struct PageView: Encodable {
        let total: Int
        let page: Int
        let pageSize: Int
        let vacancies: [Vacancy]
    }

    func search(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        var query = VacancyQuery()
        func text(_ name: String) -> String? {
            parameters.get(name).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func number(_ name: String) throws -> Int? {
            guard let raw = text(name) else { return nil }
            guard let value = Int(raw) else { throw invalid("\(name): a whole number") }
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
        if let problem = query.problems.first { throw invalid(problem) }
        let found = try await catalog().search(query, today: environment.office.today(at: environment.now()))
        return try JSON.response(
            PageView(total: found.total, page: query.page, pageSize: query.pageSize, vacancies: found.vacancies))
    }

    func detail(_ reference: String) async throws -> Response {
        guard
            let vacancy = try await catalog().vacancy(
                reference: reference, today: environment.office.today(at: environment.now()))
        else { throw APIError.notFound(environment.locales) }
        return try JSON.response(vacancy)
    }

    func catalog() throws -> any VacancyCatalog {
        guard let catalog = environment.vacancies else { throw APIError.notFound(environment.locales) }
        return catalog
    }

    func invalid(_ problem: String) -> APIError {
        let field = String(problem.prefix { $0 != ":" })
        return APIError(
            status: .badRequest, code: "invalidQuery", message: environment.locales.both("api.invalidQuery"),
            field: field)
    }
}
