import Foundation
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

/// The dashboard's message counts go by when a message is due, not when it was queued: the
/// "are you working?" question a hire queues for three months later is not today's (issue 22).
struct MessageFiguresTests {
    @Test func aMessageCountsInThePeriodItIsDueIn() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let now = Fixtures.now
        func insert(_ id: String, kind: SMSKind, state: String, due: Date) async throws {
            try await temp.database.testSQL(
                """
                INSERT INTO sms_message (id, kind, phone, text, parts, encoding, state, created_at, due_at)
                VALUES (?, ?, '88001122', 'Сайн байна уу', 1, 'ucs2', ?, ?, ?)
                """,
                arguments: [id, kind.rawValue, state, Outbox.utcTimestamp(now), Outbox.utcTimestamp(due)])
        }
        try await insert("a", kind: .oneTimeCode, state: "delivered", due: now)
        try await insert("b", kind: .followUp, state: "queued", due: now.addingTimeInterval(90 * 86_400))
        try await insert("c", kind: .appointmentReminder, state: "queued", due: now.addingTimeInterval(-3600))
        let figures = SQLiteMessageFigures(database: temp.database)
        let today = try await figures.figures(since: now.addingTimeInterval(-2 * 3600), until: now)
        #expect(today.kinds.map(\.kind) == [.appointmentReminder, .oneTimeCode])
        #expect(today.kinds.first { $0.kind == .oneTimeCode }?.delivered == 1)
        #expect(today.kinds.first { $0.kind == .appointmentReminder }?.queued == 1)
        // Three months on, the follow-up question is that day's.
        let later = now.addingTimeInterval(90 * 86_400)
        let then = try await figures.figures(since: later.addingTimeInterval(-3600), until: later)
        #expect(then.kinds.map(\.kind) == [.followUp])
    }
}
