public import Foundation
import GRDB
public import KioskCore

extension SQLiteDashboardSource: IndicatorBreakdownSource {
    /// The units the dashboard's four person indicators count for `period`, as `OfficeDashboard`
    /// counts them: registrations made by the period's end (and of them the unemployed), and the
    /// services of the period's office days that ended "placed in a job" or "counselled" (a visit
    /// without a registration is a unit of its own, `unknown` in every dimension).
    public func breakdown(_ period: DashboardPeriod) async throws -> OfficeIndicatorBreakdown {
        let calendar = office.calendar
        let next = period.to.adding(days: 1)
        let end = Outbox.utcTimestamp(
            calendar.date(from: DateComponents(year: next.year, month: next.month, day: next.day))!)
        let arguments: StatementArguments = [end, office.code, end]
        let ticketArguments: StatementArguments = [end, office.code, period.from.description, period.to.description]
        let (rows, order) = try await database.writer.read { db in
            let profiled = """
                (SELECT json_extract(cp.answers, '$.timeOutOfWork') FROM case_profile cp
                 WHERE cp.registration_id = r.id AND cp.answered_at < ? ORDER BY cp.answered_at DESC LIMIT 1)
                """
            let people = try Row.fetchAll(
                db,
                sql: """
                    SELECT 'registered' AS kind, r.id AS unit, r.status, r.sex, r.birth_date, r.education_code,
                           r.has_disability, \(profiled) AS time_unemployed
                    FROM registration r WHERE r.office_code = ? AND r.created_at < ?
                    """, arguments: arguments)
            let served = try Row.fetchAll(
                db,
                sql: """
                    SELECT t.outcome AS kind, coalesce(t.registration_id, 'visit:' || t.id) AS unit, r.status, r.sex,
                           r.birth_date, r.education_code, r.has_disability, \(profiled) AS time_unemployed
                    FROM ticket t LEFT JOIN registration r ON r.id = t.registration_id
                    WHERE t.office_code = ? AND t.office_day BETWEEN ? AND ? AND t.state = 'finished'
                      AND t.outcome IN ('placedInJob', 'counselled')
                    """, arguments: ticketArguments)
            let order = try String.fetchAll(db, sql: "SELECT code FROM education_level ORDER BY rank, code")
            return (people + served, order)
        }
        var units: [BreakdownUnit] = []
        for row in rows {
            let kind: String = row["kind"]
            let unit: String = row["unit"]
            let birth = (row["birth_date"] as String?).flatMap(CivilDate.init(iso8601:))
            let known = birth != nil
            func make(_ indicator: String) -> BreakdownUnit {
                BreakdownUnit(
                    indicator: indicator, unit: unit, sex: known ? row["sex"] : "unknown",
                    ageGroup: birth.map { BreakdownUnit.ageGroup(born: $0, on: period.to) } ?? "unknown",
                    education: known ? row["education_code"] : "unknown",
                    disability: known ? ((row["has_disability"] as Int) == 1 ? "yes" : "no") : "unknown",
                    timeUnemployed: known ? (row["time_unemployed"] as String?) ?? "notProfiled" : "unknown")
            }
            switch kind {
            case "registered":
                units.append(make("registeredJobseekers"))
                if (row["status"] as String?) == JobseekerStatus.unemployed.rawValue {
                    units.append(make("registeredUnemployed"))
                }
            case "placedInJob": units.append(make("foundJobThroughOffice"))
            case "counselled": units.append(make("careerGuidanceBeneficiaries"))
            default: break
            }
        }
        return OfficeIndicatorBreakdown(period: period, units: units, educationOrder: order)
    }
}
