public import Foundation
import LMISProtocol
import PostgresNIO

/// The monthly indicators that count people, broken down by sex, age group (15–24, 25–34,
/// 35–54, 55+), education, disability and time out of work (the seeds note the lack of
/// sex-disaggregated data). Vacancies and newly created posts count posts, not people: they are
/// given in `totals` only. Each dimension's groups add up to the totals.
public struct IndicatorBreakdown: Codable, Sendable, Hashable {
    public struct Label: Codable, Sendable, Hashable {
        public var mn: String
        public var en: String
    }

    public struct Group: Codable, Sendable, Hashable {
        /// `unknown`: a unit the hub cannot tie to a person (a visit without a registration).
        public var value: String
        /// Absent for an education code the hub's reference data does not name.
        public var label: Label?
        public var registeredJobseekers: Int64
        public var registeredUnemployed: Int64
        public var foundJobThroughOffice: Int64
        public var careerGuidanceBeneficiaries: Int64
    }

    public struct Dimension: Codable, Sendable, Hashable {
        public var name: String
        public var label: Label
        public var groups: [Group]
    }

    public var officeCode: String
    public var month: String
    public var totals: OfficeIndicators
    /// The indicators counted in posts, not people.
    public var notBrokenDown: [String]
    public var dimensions: [Dimension]

    /// The dimensions in order, with their groups in order (every one listed, zero or not) and
    /// their labels in Mongolian and English; education's groups come from the data.
    static let fixed: [(name: String, label: Label, groups: [(String, Label)])] = [
        (
            "sex", Label(mn: "Хүйс", en: "Sex"),
            [("female", Label(mn: "Эмэгтэй", en: "Female")), ("male", Label(mn: "Эрэгтэй", en: "Male"))]
        ),
        (
            "ageGroup", Label(mn: "Насны бүлэг", en: "Age group"),
            [
                ("15-24", Label(mn: "15–24 нас", en: "15–24 years")),
                ("25-34", Label(mn: "25–34 нас", en: "25–34 years")),
                ("35-54", Label(mn: "35–54 нас", en: "35–54 years")),
                ("55+", Label(mn: "55 ба түүнээс дээш нас", en: "55 years and over")),
            ]
        ),
        ("education", Label(mn: "Боловсрол", en: "Education"), []),
        (
            "disability", Label(mn: "Хөгжлийн бэрхшээл", en: "Disability"),
            [
                ("yes", Label(mn: "Хөгжлийн бэрхшээлтэй", en: "With a disability")),
                ("no", Label(mn: "Хөгжлийн бэрхшээлгүй", en: "Without a disability")),
            ]
        ),
        (
            "timeUnemployed", Label(mn: "Ажилгүй байсан хугацаа", en: "Time unemployed"),
            [
                ("under3m", Label(mn: "3 сараас бага", en: "Less than 3 months")),
                ("3to12m", Label(mn: "3–12 сар", en: "3 to 12 months")),
                ("1to2y", Label(mn: "1–2 жил", en: "1 to 2 years")),
                ("over2y", Label(mn: "2 жилээс удаан", en: "More than 2 years")),
                ("notProfiled", Label(mn: "Асуумж бөглөөгүй", en: "Not profiled")),
            ]
        ),
    ]

    static let otherLabels: [String: Label] = [
        "unknown": Label(mn: "Тодорхойгүй", en: "Unknown"),
        "under15": Label(mn: "15-аас доош нас", en: "Under 15 years"),
    ]
}

extension HubStore {
    /// The breakdowns of `indicators(office:month:)` (hub migration v22's `lmis_indicator_people`).
    public func indicatorBreakdown(office: String, month: String) async throws -> IndicatorBreakdown {
        let totals = try await indicators(office: office, month: month)
        var zone = "Asia/Ulaanbaatar"
        for try await value in try await client.query(
            "SELECT time_zone FROM office WHERE code = \(office)", logger: logger
        ).decode(String.self) {
            zone = value
        }
        let first = "\(month)-01"
        // dimension -> value -> indicator -> count
        var counts: [String: [String: [String: Int64]]] = [:]
        for try await (dimension, value, indicator, count) in try await client.query(
            """
            SELECT d.dimension, d.value, f.indicator, count(DISTINCT f.unit)
            FROM lmis_indicator_people(\(office), \(first)::date, \(zone)) f
            CROSS JOIN LATERAL (VALUES ('sex', f.sex), ('ageGroup', f.age_group), ('education', f.education),
                                       ('disability', f.disability), ('timeUnemployed', f.time_unemployed))
                AS d (dimension, value)
            GROUP BY 1, 2, 3
            """, logger: logger
        ).decode((String, String, String, Int64).self) {
            counts[dimension, default: [:]][value, default: [:]][indicator] = count
        }
        var educationLabels: [String: IndicatorBreakdown.Label] = [:]
        var educationOrder: [String] = []
        for try await (code, mn, en) in try await client.query(
            """
            SELECT key, data -> 'name' ->> 'mn', data -> 'name' ->> 'en' FROM reference_item
            WHERE kind = \(ReferenceKind.educationLevels.rawValue) AND NOT deleted ORDER BY position
            """, logger: logger
        ).decode((String, String?, String?).self) {
            educationOrder.append(code)
            if let mn, let en { educationLabels[code] = IndicatorBreakdown.Label(mn: mn, en: en) }
        }
        let dimensions = IndicatorBreakdown.fixed.map { fixed in
            let found = counts[fixed.name] ?? [:]
            // Education's levels in the reference data's order, those with people only.
            let listed =
                fixed.groups.isEmpty ? educationOrder.filter { found[$0] != nil } : fixed.groups.map(\.0)
            let others = found.keys.filter { !listed.contains($0) }.sorted()
            let labels = Dictionary(uniqueKeysWithValues: fixed.groups)
            return IndicatorBreakdown.Dimension(
                name: fixed.name, label: fixed.label,
                groups: (listed + others).map { value in
                    let row = found[value] ?? [:]
                    return IndicatorBreakdown.Group(
                        value: value,
                        label: labels[value] ?? educationLabels[value] ?? IndicatorBreakdown.otherLabels[value],
                        registeredJobseekers: row["registeredJobseekers"] ?? 0,
                        registeredUnemployed: row["registeredUnemployed"] ?? 0,
                        foundJobThroughOffice: row["foundJobThroughOffice"] ?? 0,
                        careerGuidanceBeneficiaries: row["careerGuidanceBeneficiaries"] ?? 0)
                })
        }
        return IndicatorBreakdown(
            officeCode: office, month: month, totals: totals,
            notBrokenDown: ["registeredVacancies", "newlyCreatedJobs"], dimensions: dimensions)
    }
}
