public import Foundation

/// Figures of one office day for the staff overview; counts only, no personal data.
public struct OfficeSummary: Sendable, Equatable {
    public var registrationsToday: Int
    public var updatesToday: Int
    public var registrationsTotal: Int
    /// Records written for the LMIS (the sync feature uploads them).
    public var outboxRecords: Int

    public init(registrationsToday: Int, updatesToday: Int, registrationsTotal: Int, outboxRecords: Int) {
        self.registrationsToday = registrationsToday
        self.updatesToday = updatesToday
        self.registrationsTotal = registrationsTotal
        self.outboxRecords = outboxRecords
    }
}

/// Where the overview's figures come from.
public protocol OfficeSummarySource: Sendable {
    func summary(of day: DateInterval) async throws -> OfficeSummary
}

extension Office {
    /// The office-local day containing `instant`, as an interval of instants (midnight to midnight
    /// in the office's zone).
    public func day(containing instant: Date) -> DateInterval {
        calendar.dateInterval(of: .day, for: instant)!
    }
}
