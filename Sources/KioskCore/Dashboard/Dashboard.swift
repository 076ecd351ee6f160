public import Foundation

/// The office's figures for officers and the head: a period's dashboard, this month so far
/// unless another period is asked for.
public struct Dashboard: Sendable {
    let source: any DashboardSource
    let office: Office
    let now: @Sendable () -> Date

    public init(source: any DashboardSource, office: Office, now: @escaping @Sendable () -> Date) {
        self.source = source
        self.office = office
        self.now = now
    }

    /// The office-local day.
    public var today: CivilDate { office.today(at: now()) }

    /// The first day of `day`'s month.
    public static func monthStart(_ day: CivilDate) -> CivilDate {
        CivilDate(year: day.year, month: day.month, day: 1)!
    }

    /// From `from` to `to`, office-local days both included; without `from` the first day of
    /// `today`'s month, without `to` today: this month so far unless asked otherwise. Nil when
    /// the period cannot be shown (`DashboardPeriod`).
    public static func period(from: CivilDate?, to: CivilDate?, today: CivilDate) -> DashboardPeriod? {
        DashboardPeriod(from: from ?? monthStart(today), to: to ?? today)
    }

    /// The figures of `period`, as they stand today.
    public func figures(_ period: DashboardPeriod) async throws -> OfficeDashboard {
        try await source.dashboard(period, today: today)
    }
}
