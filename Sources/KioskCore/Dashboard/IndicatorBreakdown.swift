/// One unit an indicator counts (a person, or a visit without a registration) with what the
/// breakdowns group it by. A visit the office cannot tie to a person is `unknown` throughout.
public struct BreakdownUnit: Sendable, Hashable {
    /// `registeredJobseekers`, `registeredUnemployed`, `foundJobThroughOffice`, `careerGuidanceBeneficiaries`.
    public var indicator: String
    public var unit: String
    public var sex: String
    public var ageGroup: String
    public var education: String
    public var disability: String
    public var timeUnemployed: String

    public init(
        indicator: String, unit: String, sex: String, ageGroup: String, education: String, disability: String,
        timeUnemployed: String
    ) {
        self.indicator = indicator
        self.unit = unit
        self.sex = sex
        self.ageGroup = ageGroup
        self.education = education
        self.disability = disability
        self.timeUnemployed = timeUnemployed
    }

    /// The age group on `day` of someone born on `birth`, as the hub's breakdown groups it.
    public static func ageGroup(born birth: CivilDate, on day: CivilDate) -> String {
        switch birth.age(on: day) {
        case ..<15: "under15"
        case ..<25: "15-24"
        case ..<35: "25-34"
        case ..<55: "35-54"
        default: "55+"
        }
    }
}

/// The office's indicators that count people, for the dashboard's period, broken down as the
/// hub's are (hub v22): by sex, age group on the period's last day, education, disability and
/// time out of work from the newest profile. Each dimension's groups add up to the totals.
public struct OfficeIndicatorBreakdown: Sendable, Equatable, Codable {
    public static let indicators = [
        "registeredJobseekers", "registeredUnemployed", "foundJobThroughOffice", "careerGuidanceBeneficiaries",
    ]

    public struct Group: Sendable, Equatable, Codable {
        public var value: String
        /// Indicator → units counted.
        public var counts: [String: Int]
    }

    public struct Dimension: Sendable, Equatable, Codable {
        public var name: String
        public var groups: [Group]
    }

    public var period: DashboardPeriod
    public var totals: [String: Int]
    public var dimensions: [Dimension]

    /// The dimensions and their groups in order; every fixed group is listed, zero or not;
    /// education lists the codes found, in `educationOrder` (the reference data's) then by code.
    static let fixed: [(name: String, groups: [String])] = [
        ("sex", ["female", "male"]),
        ("ageGroup", ["15-24", "25-34", "35-54", "55+"]),
        ("education", []),
        ("disability", ["yes", "no"]),
        ("timeUnemployed", ["under3m", "3to12m", "1to2y", "over2y", "notProfiled"]),
    ]

    public init(period: DashboardPeriod, units: [BreakdownUnit], educationOrder: [String]) {
        self.period = period
        let unique = Array(Set(units))
        totals = Dictionary(
            uniqueKeysWithValues: Self.indicators.map { indicator in
                (indicator, Set(unique.filter { $0.indicator == indicator }.map(\.unit)).count)
            })
        let values: [String: (BreakdownUnit) -> String] = [
            "sex": \.sex, "ageGroup": \.ageGroup, "education": \.education, "disability": \.disability,
            "timeUnemployed": \.timeUnemployed,
        ]
        dimensions = Self.fixed.map { fixed in
            let value = values[fixed.name]!
            let found = Set(unique.map(value))
            let listed = fixed.groups.isEmpty ? educationOrder.filter(found.contains) : fixed.groups
            let others = found.subtracting(listed).sorted()
            return Dimension(
                name: fixed.name,
                groups: (listed + others).map { group in
                    Group(
                        value: group,
                        counts: Dictionary(
                            uniqueKeysWithValues: Self.indicators.map { indicator in
                                (
                                    indicator,
                                    Set(
                                        unique.filter { $0.indicator == indicator && value($0) == group }.map(\.unit)
                                    ).count
                                )
                            }))
                })
        }
    }
}

/// The units behind the office's person-counting indicators for a period.
public protocol IndicatorBreakdownSource: Sendable {
    func breakdown(_ period: DashboardPeriod) async throws -> OfficeIndicatorBreakdown
}
