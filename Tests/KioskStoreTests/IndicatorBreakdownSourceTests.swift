import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

/// The office's indicator breakdowns against a small history counted by hand (June 2026, office
/// UB-SB in Asia/Ulaanbaatar, UTC+8):
/// - A: woman born 2005-03-01 (21 on 30 June), secondary, with a disability, unemployed,
///   registered in May; profiled "over2y" on 5 June (a later "under3m" on 2 July is after the
///   period); placed in a job on 12 June, counselled on 3 and 15 June (one person);
/// - B: man born 1990-07-15 (35 on 30 June), higher, employed, registered 10 June, not profiled;
/// - C: woman born 1970-06-30 (56 on 30 June), vocational, unemployed, registered 20 June,
///   profiled "3to12m"; placed on 1 July (after the period);
/// - D: registered 30 June 16:30 UTC, which is 1 July in the office: not counted;
/// - a visitor without a registration counselled on 16 June: `unknown` throughout.
@Suite("The dashboard's indicator breakdowns, counted by hand")
struct IndicatorBreakdownSourceTests {
    func register(
        _ db: Database, _ id: String, born: String, sex: String, education: String, disability: Int, status: String,
        at created: String
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO registration (id, reference, office_code, revision, registry_number, family_name,
                    given_name, birth_date, sex, phone, aimag_code, soum_code, education_code,
                    experience_years, desired_occupation_code, has_disability, status, consent_text_version,
                    consent_accepted_at, language, created_at, updated_at)
                VALUES (?, ?, 'UB-SB', 1, ?, 'БАТ', 'ДОРЖ', ?, ?, '99112233', 'UB', 'UB-SB', ?, 2, '7112', ?, ?, 'v1',
                    ?, 'mn', ?, ?)
                """,
            arguments: [id, "R-\(id)", "УБ\(id)", born, sex, education, disability, status, created, created, created])
    }

    func profile(_ db: Database, _ registration: String, timeOutOfWork: String, at answered: String) throws {
        try db.execute(
            sql: """
                INSERT INTO case_profile (id, registration_id, questionnaire_version, answers, score, suggested_group,
                    reasons, raised_by_answer, answered_at)
                VALUES (?, ?, 'test', ?, 0, 'ready', '[]', 0, ?)
                """,
            arguments: [
                UUID().uuidString.lowercased(), registration, #"{"timeOutOfWork": "\#(timeOutOfWork)"}"#, answered,
            ])
    }

    func ticket(_ db: Database, _ number: Int, day: String, outcome: String, registration: String?) throws {
        let at = "\(day)T03:00:00.000Z"
        try db.execute(
            sql: """
                INSERT INTO ticket (id, office_code, office_day, service_code, printed_code, number, language, state,
                    issued_at, queued_at, called_at, serving_started_at, finished_at, counter, staff_id, outcome,
                    registration_id)
                VALUES (?, 'UB-SB', ?, 'А', 'А', ?, 'mn', 'finished', ?, ?, ?, ?, ?, 1, 'staff1', ?, ?)
                """,
            arguments: [UUID().uuidString.lowercased(), day, number, at, at, at, at, at, outcome, registration])
    }

    @Test("each dimension's groups hold the units counted by hand and add up to the totals")
    func handCounted() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        try await temp.database.writer.write { db in
            try register(
                db, "10000001", born: "2005-03-01", sex: "female", education: "secondary", disability: 1,
                status: "unemployed", at: "2026-05-10T02:00:00.000Z")
            try register(
                db, "10000002", born: "1990-07-15", sex: "male", education: "higher", disability: 0,
                status: "employed", at: "2026-06-10T02:00:00.000Z")
            try register(
                db, "10000003", born: "1970-06-30", sex: "female", education: "vocational", disability: 0,
                status: "unemployed", at: "2026-06-20T02:00:00.000Z")
            try register(
                db, "10000004", born: "2000-01-01", sex: "male", education: "higher", disability: 0,
                status: "unemployed", at: "2026-06-30T16:30:00.000Z")
            try profile(db, "10000001", timeOutOfWork: "over2y", at: "2026-06-05T02:00:00.000Z")
            try profile(db, "10000001", timeOutOfWork: "under3m", at: "2026-07-02T02:00:00.000Z")
            try profile(db, "10000003", timeOutOfWork: "3to12m", at: "2026-06-21T02:00:00.000Z")
            try ticket(db, 1, day: "2026-06-12", outcome: "placedInJob", registration: "10000001")
            try ticket(db, 2, day: "2026-06-03", outcome: "counselled", registration: "10000001")
            try ticket(db, 3, day: "2026-06-15", outcome: "counselled", registration: "10000001")
            try ticket(db, 4, day: "2026-06-16", outcome: "counselled", registration: nil)
            try ticket(db, 5, day: "2026-07-01", outcome: "placedInJob", registration: "10000003")
        }
        let period = DashboardPeriod(
            from: CivilDate(year: 2026, month: 6, day: 1)!, to: CivilDate(year: 2026, month: 6, day: 30)!)!
        let figures = try await SQLiteDashboardSource(database: temp.database, office: Fixtures.office).breakdown(
            period)
        let order = OfficeIndicatorBreakdown.indicators
        #expect(order.map { figures.totals[$0] } == [3, 2, 1, 2])
        func counts(_ dimension: String) -> [String: [Int]] {
            let groups = figures.dimensions.first { $0.name == dimension }?.groups ?? []
            return Dictionary(
                uniqueKeysWithValues: groups.map { group in (group.value, order.map { group.counts[$0] ?? -1 }) })
        }
        #expect(counts("sex") == ["female": [2, 2, 1, 1], "male": [1, 0, 0, 0], "unknown": [0, 0, 0, 1]])
        #expect(
            counts("ageGroup") == [
                "15-24": [1, 1, 1, 1], "25-34": [0, 0, 0, 0], "35-54": [1, 0, 0, 0], "55+": [1, 1, 0, 0],
                "unknown": [0, 0, 0, 1],
            ])
        #expect(
            counts("education") == [
                "secondary": [1, 1, 1, 1], "higher": [1, 0, 0, 0], "vocational": [1, 1, 0, 0], "unknown": [0, 0, 0, 1],
            ])
        #expect(counts("disability") == ["yes": [1, 1, 1, 1], "no": [2, 1, 0, 0], "unknown": [0, 0, 0, 1]])
        #expect(
            counts("timeUnemployed") == [
                "under3m": [0, 0, 0, 0], "3to12m": [1, 1, 0, 0], "1to2y": [0, 0, 0, 0], "over2y": [1, 1, 1, 1],
                "notProfiled": [1, 0, 0, 0], "unknown": [0, 0, 0, 1],
            ])
        // The fixed groups in their order, every one listed; others after them.
        #expect(figures.dimensions.map(\.name) == ["sex", "ageGroup", "education", "disability", "timeUnemployed"])
        #expect(figures.dimensions[1].groups.map(\.value) == ["15-24", "25-34", "35-54", "55+", "unknown"])
        for dimension in figures.dimensions {
            for indicator in order {
                #expect(
                    dimension.groups.reduce(0) { $0 + ($1.counts[indicator] ?? 0) } == figures.totals[indicator],
                    "\(dimension.name) \(indicator)")
            }
        }
    }
}
