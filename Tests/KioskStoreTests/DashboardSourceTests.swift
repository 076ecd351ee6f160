import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite("The dashboard's reading of the ticket table")
struct DashboardSourceTests {
    /// Tickets written as the queue writes them, and a few as another writer might (a time
    /// without milliseconds, no counter): the figures the
    /// database gives equal the figures of the same tickets handed to the domain directly.
    @Test func theSourceReadsEveryColumnAsTheDomainWouldBeGivenIt() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let office = Fixtures.office
        let person = UUID()
        let base = try Outbox.parseUTCTimestamp("2026-06-01T01:00:00.000Z")
        let rows: [(String, String, Date, Date?, Date?, Date?, Int?, String?, String?, String?, String)] = [
            (
                "А", "finished", base, base + 300, base + 360, base + 960, 1, "staff1", "placedInJob",
                person.uuidString.lowercased(), "2026-06-01"
            ),
            (
                "А", "finished", base + 60, base + 400, base + 420, base + 1000, 2, "staff2", "counselled",
                person.uuidString.lowercased(), "2026-06-01"
            ),
            ("Б", "noShow", base + 90, base + 700, nil, nil, 2, "staff2", nil, nil, "2026-06-01"),
            ("Б", "waiting", base + 86_400, nil, nil, nil, nil, nil, nil, nil, "2026-06-02"),
        ]
        try await temp.database.writer.write { db in
            try BareRegistration.insert(
                db, id: person.uuidString.lowercased(), number: 1, officeCode: office.code, status: "unemployed",
                at: base)
            for (index, row) in rows.enumerated() {
                let issued = index == 1 ? "2026-06-01T01:01:00Z" : Outbox.utcTimestamp(row.2)
                try db.execute(
                    sql: """
                        INSERT INTO ticket (id, office_code, office_day, service_code, printed_code, number, language,
                            state, issued_at, queued_at, called_at, serving_started_at, finished_at, counter, staff_id,
                            outcome, registration_id)
                        VALUES (?, ?, ?, ?, ?, ?, 'mn', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        UUID().uuidString.lowercased(), office.code, row.10, row.0, "\(row.0)-\(index)", index + 1,
                        row.1, issued, issued, row.3.map(Outbox.utcTimestamp), row.4.map(Outbox.utcTimestamp),
                        row.5.map(Outbox.utcTimestamp), row.6, row.7, row.8, row.9,
                    ])
            }
        }
        let period = DashboardPeriod(
            from: CivilDate(year: 2026, month: 6, day: 1)!, to: CivilDate(year: 2026, month: 6, day: 30)!)!
        let today = CivilDate(year: 2026, month: 6, day: 30)!
        let read = try await SQLiteDashboardSource(database: temp.database, office: office).dashboard(
            period, today: today)
        let given = OfficeDashboard(
            period: period,
            tickets: rows.map { row in
                DashboardTicket(
                    serviceCode: row.0, state: TicketState(rawValue: row.1)!, issuedAt: row.2, calledAt: row.3,
                    servingStartedAt: row.4, finishedAt: row.5, counter: row.6, staffID: row.7,
                    outcome: row.8.flatMap(ServiceOutcome.init(rawValue:)), registrationID: row.9.map { _ in person },
                    officeDay: CivilDate(iso8601: row.10))
            }, ratings: [], grievances: [],
            registrations: [DashboardRegistration(createdAt: base, status: .unemployed)],
            today: today, calendar: office.calendar)
        #expect(read == given)
        #expect(read.indicators.foundJob == 1 && read.indicators.careerGuidance == 1)
        #expect(read.byCounter.map(\.key) == ["1", "2"])
        #expect(read.byDay.map(\.key) == ["2026-06-01", "2026-06-02"])
    }

    @Test(arguments: [
        ("2026-06-01", CivilDate(year: 2026, month: 6, day: 1)), ("2026-02-29", nil), ("2026-6-01", nil),
        ("2026-06-0x", nil), ("", nil),
    ])
    func officeDays(_ text: String, _ expected: CivilDate?) {
        var text = text
        #expect(text.withUTF8(SQLiteDashboardSource.civilDate) == expected)
    }

    @Test(arguments: [
        "0190a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b", "0190A3C4-5B6D-7E8F-9A0B-1C2D3E4F5A6B",
        "0190a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6",
        "0190a3c4x5b6d-7e8f-9a0b-1c2d3e4f5a6b", "0190a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6g",
    ])
    func registrationIDs(_ text: String) {
        var bytes = text
        #expect(bytes.withUTF8(SQLiteDashboardSource.uuid) == UUID(uuidString: text))
    }

    @Test func timesFromBytesEqualTimesFromStrings() throws {
        for text in ["2026-06-01T01:02:03.456Z", "2024-02-29T23:59:59.999Z", "2026-06-01T01:02:03Z"] {
            var copy = text
            #expect(try copy.withUTF8 { try Outbox.parseUTCTimestamp(utf8: $0) } == Outbox.parseUTCTimestamp(text))
        }
        var bad = "2026-02-30T00:00:00.000Z"
        #expect(throws: (any Error).self) { try bad.withUTF8 { try Outbox.parseUTCTimestamp(utf8: $0) } }
    }
}
