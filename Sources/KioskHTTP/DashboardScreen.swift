import Foundation
import HTTPTypes
import Hummingbird
import KioskCore

/// The office figures page of the staff console (`/staff/dashboard?from=&to=&lang=`): drawn on
/// the server, charts as SVG, every table with its CSV; a plain form picks the period, so it
/// works without JavaScript. Officers and the office head (`readDashboard`).
extension Screens {
    func dashboard(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let language = query.get("lang").flatMap { Language(code: String($0)) } ?? .mn
        do {
            _ = try await dashboardAPI.authentication.require(.readDashboard, request)
        } catch let error as APIError where error.status == .unauthorized {
            return Response(status: .seeOther, headers: [.location: "/staff?lang=\(language.rawValue)"])
        }
        let api = dashboardAPI
        var problem: String?
        let period: DashboardPeriod
        do {
            period = try api.period(request)
        } catch let error as APIError {
            // A period that cannot be shown: say why, and show this month instead.
            problem = error.message[language]
            let today = office.today(at: now())
            period = Dashboard.period(from: nil, to: nil, today: today)!
        }
        let dashboard = try await api.figures(period)
        var context = DashboardView(
            dashboard: dashboard, language: language, locales: locales, services: services,
            today: office.today(at: now())
        ).context
        context["lang"] = language.rawValue
        context["t"] = locales.templateContext(language)
        context["officeName"] = office.name[language]
        context["officeCode"] = office.code
        context["timeZone"] = office.timeZone.identifier
        context["problem"] = problem ?? ""
        context["caseFigures"] = try await caseFigures(period, language)
        let other: Language = language == .mn ? .en : .mn
        context["otherLanguageLink"] = "/staff/dashboard?lang=\(other.rawValue)&from=\(period.from)&to=\(period.to)"
        context["otherLanguageName"] = locales.text("language.\(other.rawValue)", language)
        context.merge(try await dashboardPanels(period, language)) { _, panel in panel }
        if let indicatorBreakdowns {
            context["breakdown"] = try await breakdownPanel(indicatorBreakdowns.breakdown(period), language)
        }
        if let caseload {
            context["caseload"] = CaseloadView(try await caseload()).context(groups: locales, language)
        }
        return try html(render(context, "dashboard"))
    }
}

/// What the dashboard template shows, worked out from the figures: texts in the page's
/// language, figures formatted, charts drawn.
struct DashboardView {
    let dashboard: OfficeDashboard
    let language: Language
    let locales: Locales
    let services: [QueueService]
    let today: CivilDate

    func text(_ key: String) -> String { locales.text("dashboard.\(key)", language) }

    func minutes(_ seconds: Double?) -> String {
        guard let seconds else { return "–" }
        return String(format: "%.1f", seconds / 60) + " " + text("minutes")
    }

    func percent(_ share: Double?) -> String {
        share.map { String(format: "%.1f %%", $0 * 100) } ?? "–"
    }

    func serviceName(_ code: String) -> String {
        services.first { $0.code == code }.map { "\(code) · \($0.name[language])" } ?? code
    }

    var context: [String: Any] {
        let period = dashboard.period
        return [
            "from": period.from.description, "to": period.to.description,
            "presets": presets.map { name, from, to in
                [
                    "name": text(name),
                    "link": "/staff/dashboard?lang=\(language.rawValue)&from=\(from)&to=\(to)",
                ]
            },
            "indicators": indicatorCards,
            "indicatorsCSV": csv("indicators"),
            "office": summaryCards,
            "queueTables": [
                table("byService", dashboard.byService, name: serviceName),
                table("byCounter", dashboard.byCounter, name: { "\(text("counter")) \($0)" }),
                table("byStaff", dashboard.byStaff, name: { $0 }),
                table("byHour", dashboard.byHour, name: { "\($0):00" }),
                table("byDay", dashboard.byDay, name: { $0 }),
            ],
            "daysChart": daysChart,
            "hoursChart": SVGChart.columns(
                title: text("chartHours"), labels: dashboard.byHour.map(\.key),
                series: [
                    .init(name: text("issued"), values: dashboard.byHour.map { Double($0.issued) }, style: "series-0"),
                    .init(name: text("served"), values: dashboard.byHour.map { Double($0.served) }, style: "series-1"),
                ], format: count),
            "distributionChart": SVGChart.columns(
                title: text("chartDistribution"), labels: DurationHistogram.labels,
                series: [
                    .init(
                        name: text("waits"), values: dashboard.waitDistribution.counts.map(Double.init),
                        style: "series-0"),
                    .init(
                        name: text("services"), values: dashboard.serviceDistribution.counts.map(Double.init),
                        style: "series-1"),
                ], format: count),
            "distributionCSV": csv("distributions"),
            "hasTickets": dashboard.office.issued > 0,
            "satisfaction": [
                satisfaction("satisfactionByService", dashboard.satisfactionByService, name: serviceName),
                satisfaction(
                    "satisfactionByCounter", dashboard.satisfactionByCounter, name: { "\(text("counter")) \($0)" }),
            ],
            "grievanceCards": [
                ["name": text("filed"), "value": String(dashboard.grievances.filed)],
                ["name": text("openNow"), "value": String(dashboard.grievances.open)],
                ["name": text("overdue"), "value": String(dashboard.grievances.overdue)],
            ],
            "grievanceChart": SVGChart.bars(
                title: text("chartCategories"),
                labels: GrievanceCategory.allCases.map {
                    locales.text("grievance.categories.\($0.rawValue)", language)
                },
                values: GrievanceCategory.allCases.map { Double(dashboard.grievances.byCategory[$0.rawValue] ?? 0) },
                style: "series-0", format: count),
            "grievancesCSV": csv("grievances"),
        ]
    }

    func count(_ value: Double) -> String { String(Int(value.rounded())) }

    /// A table's CSV for the period shown.
    func csv(_ table: String) -> String {
        "/api/v1/staff/dashboard/\(table).csv?from=\(dashboard.period.from)&to=\(dashboard.period.to)"
    }

    /// This month, last month, the last 30 days and this year (to today).
    var presets: [(String, CivilDate, CivilDate)] {
        let monthStart = Dashboard.monthStart(today)
        let lastMonthEnd = monthStart.adding(days: -1)
        return [
            ("thisMonth", monthStart, today),
            ("lastMonth", Dashboard.monthStart(lastMonthEnd), lastMonthEnd),
            ("last30", today.adding(days: -29), today),
            ("thisYear", CivilDate(year: today.year, month: 1, day: 1)!, today),
        ]
    }

    var indicatorCards: [[String: String]] {
        DashboardAPI.indicatorRows(dashboard.indicators).map { key, value in
            ["key": key, "name": text("indicators.\(key)"), "value": value.isEmpty ? "–" : value]
        }
    }

    var summaryCards: [[String: String]] {
        let office = dashboard.office
        return [
            ["name": text("issued"), "value": String(office.issued)],
            ["name": text("served"), "value": String(office.served)],
            ["name": text("noShows"), "value": String(office.noShows)],
            ["name": text("abandonment"), "value": percent(office.abandonment)],
            ["name": text("medianWait"), "value": minutes(office.wait?.median)],
            ["name": text("p90Wait"), "value": minutes(office.wait?.p90)],
            ["name": text("medianService"), "value": minutes(office.service?.median)],
            ["name": text("p90Service"), "value": minutes(office.service?.p90)],
        ]
    }

    func table(_ key: String, _ rows: [QueueRow], name: (String) -> String) -> [String: Any] {
        [
            "title": text(key),
            "csv": csv(key),
            "empty": rows.isEmpty,
            "rows": rows.map { row in
                [
                    "name": name(row.key), "issued": String(row.issued), "served": String(row.served),
                    "noShows": String(row.noShows), "abandonment": percent(row.abandonment),
                    "medianWait": minutes(row.wait?.median), "p90Wait": minutes(row.wait?.p90),
                    "medianService": minutes(row.service?.median), "p90Service": minutes(row.service?.p90),
                ]
            },
        ]
    }

    /// Tickets per day; per month when the period is longer than two months (a year of daily
    /// columns would be too thin to read).
    var daysChart: String {
        let days = dashboard.byDay
        let span = dashboard.period.from.adding(days: 62) < dashboard.period.to
        guard span else {
            return SVGChart.columns(
                title: text("chartDays"), labels: days.map { String($0.key.suffix(5)) },
                series: [.init(name: text("issued"), values: days.map { Double($0.issued) }, style: "series-0")],
                format: count)
        }
        var months: [(String, Int)] = []
        for day in days {
            let month = String(day.key.prefix(7))
            if months.last?.0 == month {
                months[months.count - 1].1 += day.issued
            } else {
                months.append((month, day.issued))
            }
        }
        return SVGChart.columns(
            title: text("chartMonths"), labels: months.map(\.0),
            series: [.init(name: text("issued"), values: months.map { Double($0.1) }, style: "series-0")],
            format: count)
    }

    func satisfaction(_ key: String, _ rows: [SatisfactionRow], name: (String) -> String) -> [String: Any] {
        [
            "title": text(key), "csv": csv(key), "empty": rows.isEmpty,
            "chart": rows.isEmpty
                ? ""
                : SVGChart.stacked(
                    title: text(key), labels: rows.map { name($0.key) }, parts: rows.map(\.counts),
                    partNames: (1...5).map { locales.text("feedback.r\($0)", language) },
                    partStyles: (1...5).map { "rating-\($0)" },
                    notes: rows.map { "\(text("mean")) \(String(format: "%.2f", $0.mean)) · \($0.ratings)" }),
            "rows": rows.map { row in
                ["name": name(row.key), "ratings": String(row.ratings), "mean": String(format: "%.2f", row.mean)]
                    .merging(zip((1...5).map { "r\($0)" }, row.counts.map(String.init)).map { $0 }) { a, _ in a }
            },
        ]
    }
}
