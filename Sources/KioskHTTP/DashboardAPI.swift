import Foundation
import HTTPTypes
import Hummingbird
import KioskCore

/// The office's figures for officers and the head: JSON for the console, and every table as CSV
/// (UTF-8 with a byte-order mark, so spreadsheet programs read Cyrillic).
struct DashboardAPI: Sendable {
    /// The office's figures for a period; nil where the kiosk keeps none.
    let dashboard: Dashboard?
    let authentication: StaffAuthentication
    let office: Office
    let now: @Sendable () -> Date

    var locales: Locales { authentication.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("staff/dashboard") { request, _ in try await json(request) }
        group.get("staff/dashboard/:table") { request, context in
            try await csv(request, table: context.parameters.require("table"))
        }
    }

    func figures(_ request: Request) async throws -> OfficeDashboard {
        _ = try await authentication.require(.readDashboard, request)
        return try await figures(try period(request))
    }

    func figures(_ period: DashboardPeriod) async throws -> OfficeDashboard {
        guard let dashboard else {
            throw APIError(status: .serviceUnavailable, code: "unavailable", message: locales.both("api.notFound"))
        }
        return try await dashboard.figures(period)
    }

    /// `from` and `to` (office-local days, both included); `Dashboard` fills in what is not asked.
    func period(_ request: Request) throws -> DashboardPeriod {
        let query = request.uri.queryParameters
        func date(_ name: String) throws -> CivilDate? {
            guard let raw = query.get(name), !raw.isEmpty else { return nil }
            guard let date = CivilDate(iso8601: String(raw)) else {
                throw APIError(
                    status: .badRequest, code: "invalidDate", message: locales.both("errors.invalidDate"), field: name)
            }
            return date
        }
        let from = try date("from")
        let to = try date("to")
        guard let period = Dashboard.period(from: from, to: to, today: office.today(at: now())) else {
            throw APIError(
                status: .badRequest, code: "dashboard.period", message: locales.both("errors.dashboard.period"),
                field: "to")
        }
        return period
    }

    func json(_ request: Request) async throws -> Response {
        try JSON.response(try await figures(request))
    }

    /// `byService.csv`, `byCounter.csv`, `byStaff.csv`, `byHour.csv`, `byDay.csv`,
    /// `satisfactionByService.csv`, `satisfactionByCounter.csv`, `indicators.csv`,
    /// `distributions.csv`, `grievances.csv`.
    func csv(_ request: Request, table raw: String) async throws -> Response {
        guard raw.hasSuffix(".csv") else { throw APIError.notFound(locales) }
        let name = String(raw.dropLast(4))
        guard Self.tables.contains(name) else { throw APIError.notFound(locales) }
        let dashboard = try await figures(request)
        let text = Self.csv(dashboard, table: name, locales: locales)
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
        "byService", "byCounter", "byStaff", "byHour", "byDay", "satisfactionByService", "satisfactionByCounter",
        "indicators", "distributions", "grievances",
    ]

    static func csv(_ dashboard: OfficeDashboard, table name: String, locales: Locales) -> String {
        switch name {
        case "byService": return csv(dashboard.byService)
        case "byCounter": return csv(dashboard.byCounter)
        case "byStaff": return csv(dashboard.byStaff)
        case "byHour": return csv(dashboard.byHour)
        case "byDay": return csv(dashboard.byDay)
        case "satisfactionByService": return csv(dashboard.satisfactionByService)
        case "satisfactionByCounter": return csv(dashboard.satisfactionByCounter)
        case "indicators":
            // One row per figure, named in both languages, so the sheet reads without this program.
            return lines(
                ["indicator", "name_mn", "name_en", "value"],
                indicatorRows(dashboard.indicators).map { key, value in
                    [
                        key, locales.text("dashboard.indicators.\(key)", .mn),
                        locales.text("dashboard.indicators.\(key)", .en), value,
                    ]
                })
        case "distributions":
            return lines(
                ["band_minutes", "waits", "services"],
                DurationHistogram.labels.indices.map { band in
                    [
                        DurationHistogram.labels[band].replacingOccurrences(of: "–", with: "-"),
                        String(dashboard.waitDistribution.counts[band]),
                        String(dashboard.serviceDistribution.counts[band]),
                    ]
                })
        default:
            let figures = dashboard.grievances
            return lines(
                ["category", "filed"],
                GrievanceCategory.allCases.map { [$0.rawValue, String(figures.byCategory[$0.rawValue] ?? 0)] }
                    + [["open", String(figures.open)], ["overdue", String(figures.overdue)]])
        }
    }

    /// The indicators in the order of `DOMAIN.md`, then the recommended additions; figures as
    /// text (an empty field where there is nothing to divide by).
    static func indicatorRows(_ indicators: LMISIndicators) -> [(String, String)] {
        func decimal(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "" }
        return [
            ("registeredJobseekers", String(indicators.registeredJobseekers)),
            ("newRegistrations", String(indicators.newRegistrations)),
            ("registeredUnemployed", String(indicators.registeredUnemployed)),
            ("registeredVacancies", String(indicators.registeredVacancies)),
            ("vacancyPosts", String(indicators.vacancyPosts)),
            ("foundJob", String(indicators.foundJob)),
            ("newlyCreatedJobs", String(indicators.newlyCreatedJobs)),
            ("careerGuidance", String(indicators.careerGuidance)),
            ("officers", String(indicators.officers)),
            ("jobseekersPerOfficer", decimal(indicators.jobseekersPerOfficer)),
            ("serviceMinutesPerPerson", decimal(indicators.serviceMinutesPerPerson)),
            ("satisfaction", indicators.satisfaction.map { String(format: "%.2f", $0) } ?? ""),
        ]
    }

    static func lines(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

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
