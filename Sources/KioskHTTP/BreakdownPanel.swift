import KioskCore

/// The dashboard's panel of the indicators broken down (issue 23): one table per dimension, a
/// row per group, a column per person-counting indicator, in the page's language.
extension Screens {
    func breakdownPanel(_ figures: OfficeIndicatorBreakdown, _ language: Language) -> [String: Any] {
        let indicators = OfficeIndicatorBreakdown.indicators
        return [
            "indicators": indicators.map { ["name": locales.text("breakdown.indicator.\($0)", language)] },
            "totals": indicators.map { ["value": String(figures.totals[$0] ?? 0)] },
            "dimensions": figures.dimensions.map { dimension in
                [
                    "name": dimension.name,
                    "title": locales.text("breakdown.dimension.\(dimension.name)", language),
                    "groups": dimension.groups.map { group in
                        [
                            "value": group.value,
                            "name": IndicatorBreakdownAPI.label(dimension.name, group.value, catalog, locales)[
                                language],
                            "counts": indicators.map { ["value": String(group.counts[$0] ?? 0)] },
                        ] as [String: Any]
                    },
                ] as [String: Any]
            },
        ]
    }
}
