import Foundation
import KioskCore

/// The dashboard's employers panel (issue 27: vacancies and posts the office took in, filled,
/// placements, in the period shown) and messages panel (issue 22: by kind today and this week,
/// replies by what they did), on the office head's page itself.
extension Screens {
    func dashboardPanels(_ period: DashboardPeriod, _ language: Language) async throws -> [String: Any] {
        func text(_ key: String) -> String { locales.text("dashboardPanels.\(key)", language) }
        var context: [String: Any] = [:]
        if let employerFigures {
            let figures = try await employerFigures(period.from, period.to)
            let decimal = { (value: Double?) in value.map { String(format: "%.1f", $0) } ?? "–" }
            context["employerPanel"] =
                [
                    "cards": [
                        ("vacanciesRegistered", String(figures.vacanciesRegistered)),
                        ("postsRegistered", String(figures.postsRegistered)),
                        ("newlyCreated", String(figures.newlyCreatedPosts)),
                        ("vacanciesFilled", String(figures.vacanciesFilled)),
                        ("placements", String(figures.postsFilled)),
                        ("medianDaysToFill", decimal(figures.medianDaysToFill)),
                        ("referralsPerVacancy", decimal(figures.referralsPerVacancy)),
                    ].map { ["key": $0.0, "name": text($0.0), "value": $0.1] },
                    "hasEmployers": !figures.employers.isEmpty,
                    "employers": figures.employers.map {
                        [
                            "name": $0.name,
                            "sector": "\($0.sector) · \(locales.text("employer.sectors.\($0.sector)", language))",
                            "vacancies": String($0.vacancies), "placements": String($0.placements),
                        ]
                    },
                ] as [String: Any]
        }
        if let messageFigures {
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = office.timeZone
            let instant = now()
            let today = calendar.startOfDay(for: instant)
            let week = calendar.dateInterval(of: .weekOfYear, for: instant)?.start ?? today
            var periods: [[String: Any]] = []
            for (key, since) in [("today", today), ("week", week)] {
                let figures = try await messageFigures.figures(since: since, until: instant)
                periods.append([
                    "key": key, "title": text(key), "empty": figures.kinds.isEmpty,
                    "stop": String(figures.stopReplies), "followUp": String(figures.followUpAnswers),
                    "forStaff": String(figures.repliesForStaff),
                    "kinds": figures.kinds.map {
                        [
                            "kind": $0.kind.rawValue,
                            "name": locales.text("sms.page.kindNames.\($0.kind.rawValue)", language),
                            "queued": String($0.queued), "sent": String($0.sent), "delivered": String($0.delivered),
                            "failed": String($0.failed), "parts": String($0.parts),
                        ]
                    },
                ])
            }
            context["smsPanel"] = ["periods": periods]
        }
        return context
    }
}
