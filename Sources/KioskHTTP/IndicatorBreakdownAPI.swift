import Foundation
import Hummingbird
import KioskCore

/// `GET staff/indicator-breakdown?from=&to=`: the office's person-counting indicators for the
/// dashboard's period, broken down by sex, age group, education, disability and time out of work,
/// with every label in Mongolian and English. Callers: officers and the head (`readDashboard`, as
/// the dashboard); technicians 403, strangers 401.
struct IndicatorBreakdownAPI: Sendable {
    let source: (any IndicatorBreakdownSource)?
    let dashboard: DashboardAPI
    let catalog: ReferenceCatalog

    var locales: Locales { dashboard.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("staff/indicator-breakdown") { request, _ in try await breakdown(request) }
    }

    struct GroupView: Encodable {
        let value: String
        let label: LocalizedText
        let counts: [String: Int]
    }

    struct DimensionView: Encodable {
        let name: String
        let label: LocalizedText
        let groups: [GroupView]
    }

    struct View: Encodable {
        let from: String
        let to: String
        let indicators: [String]
        let indicatorLabels: [String: LocalizedText]
        let totals: [String: Int]
        let dimensions: [DimensionView]
    }

    func breakdown(_ request: Request) async throws -> Response {
        _ = try await dashboard.authentication.require(.readDashboard, request)
        let period = try dashboard.period(request)
        guard let source else {
            throw APIError(status: .serviceUnavailable, code: "unavailable", message: locales.both("api.notFound"))
        }
        let figures = try await source.breakdown(period)
        return try JSON.response(
            View(
                from: period.from.description, to: period.to.description,
                indicators: OfficeIndicatorBreakdown.indicators,
                indicatorLabels: Dictionary(
                    uniqueKeysWithValues: OfficeIndicatorBreakdown.indicators.map {
                        ($0, locales.both("breakdown.indicator.\($0)"))
                    }),
                totals: figures.totals,
                dimensions: figures.dimensions.map { dimension in
                    DimensionView(
                        name: dimension.name, label: locales.both("breakdown.dimension.\(dimension.name)"),
                        groups: dimension.groups.map {
                            GroupView(
                                value: $0.value, label: Self.label(dimension.name, $0.value, catalog, locales),
                                counts: $0.counts)
                        })
                }))
    }

    /// A group's name: an education level's from the reference data, the others from the locales
    /// (`breakdown.group.*`; a `+` in a value is `plus` in its key, which stays a well-formed
    /// phrase key), else the value itself.
    static func label(_ dimension: String, _ value: String, _ catalog: ReferenceCatalog, _ locales: Locales)
        -> LocalizedText
    {
        if dimension == "education", let level = catalog.educationLevel(value) { return level.name }
        let key = "breakdown.group.\(value.replacingOccurrences(of: "+", with: "plus"))"
        let text = locales.both(key)
        return text.mn == key ? LocalizedText(mn: value, en: value) : text
    }
}
