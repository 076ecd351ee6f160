import Foundation
import HTTPTypes
import Hummingbird
import KioskCore

/// The office's figures for officers and the head: JSON for the console, and every table as CSV
/// (UTF-8 with a byte-order mark, so spreadsheet programs read Cyrillic).
struct DashboardAPI: Sendable {
    let environment: KioskHTTPEnvironment

    var locales: Locales { environment.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("staff/dashboard") { request, _ in try await json(request) }
        group.get("staff/dashboard/:table") { request, context in
            try await csv(request, table: context.parameters.require("table"))
        }
    }

    func figures(_ request: Request) async throws -> OfficeDashboard {
        _ = try await StaffAuthentication(environment: environment).require(.readDashboard, request)
        guard let source = environment.dashboard else {
            throw APIError(status: .serviceUnavailable, code: "unavailable", message: locales.both("api.notFound"))
        }
        let today = environment.office.today(at: environment.now())
        let query = request.uri.queryParameters
        func date(_ name: String, _ fallback: CivilDate) throws -> CivilDate {
            guard let raw = query.get(name) else { return fallback }
            guard let date = CivilDate(iso8601: String(raw)) else {
                throw APIError(
                    status: .badRequest, code: "invalidDate", message: locales.both("errors.invalidDate"), field: name)
            }
            return date
        }
        // This month so far, unless asked otherwise.
        let from = try date("from", CivilDate(year: today.year, month: today.month, day: 1)!)
        let to = try date("to", today)
        guard let period = DashboardPeriod(from: from, to: to) else {
            throw APIError(
                status: .badRequest, code: "dashboard.period", message: locales.both("errors.dashboard.period"),
                field: "to")
        }
        return try await source.dashboard(period, today: today)
    }

    func json(_ request: Request) async throws -> Response {
        try JSON.response(try await figures(request))
    }

    /// `byService.csv`, `byCounter.csv`, `byStaff.csv`, `byHour.csv`, `satisfactionByService.csv`,
    /// `satisfactionByCounter.csv`.
    func csv(_ request: Request, table raw: String) async throws -> Response {
        guard raw.hasSuffix(".csv") else { throw APIError.notFound(locales) }
        let name = String(raw.dropLast(4))
        guard Self.tables.contains(name) else { throw APIError.notFound(locales) }
        let dashboard = try await figures(request)
        let text: String
        switch name {
        case "byService": text = Self.csv(dashboard.byService)
        case "byCounter": text = Self.csv(dashboard.byCounter)
        case "byStaff": text = Self.csv(dashboard.byStaff)
        case "byHour": text = Self.csv(dashboard.byHour)
        case "satisfactionByService": text = Self.csv(dashboard.satisfactionByService)
        default: text = Self.csv(dashboard.satisfactionByCounter)
        }
        let filename = "\(name)-\(dashboard.period.from)-\(dashboard.period.to).csv"
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(filename)\"",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))))
    }

    static let tables = [
        "byService", "byCounter", "byStaff", "byHour", "satisfactionByService", "satisfactionByCounter",
    ]

    static func csv(_ rows: [QueueRow]) -> String {
        func seconds(_ value: Double?) -> String { value.map { String(Int($0.rounded())) } ?? "" }
        let header = "key,issued,served,no_shows,abandonment,wait_median_s,wait_p90_s,service_median_s,service_p90_s"
        return
            ([header]
            + rows.map { row in
                [
                    field(row.key), String(row.issued), String(row.served), String(row.noShows),
                    row.abandonment.map { String(format: "%.4f", $0) } ?? "", seconds(row.wait?.median),
                    seconds(row.wait?.p90), seconds(row.service?.median), seconds(row.service?.p90),
                ].joined(separator: ",")
            }).joined(separator: "\r\n") + "\r\n"
    }

    static func csv(_ rows: [SatisfactionRow]) -> String {
        let header = "key,ratings,mean,rated_1,rated_2,rated_3,rated_4,rated_5"
        return
            ([header]
            + rows.map { row in
                ([field(row.key), String(row.ratings), String(format: "%.2f", row.mean)]
                    + row.counts.map(String.init)).joined(separator: ",")
            }).joined(separator: "\r\n") + "\r\n"
    }

    /// A CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading
    /// `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet never runs it as a formula.
    static func field(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
