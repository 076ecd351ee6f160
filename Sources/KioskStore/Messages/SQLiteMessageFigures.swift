public import Foundation
import GRDB
public import KioskCore

/// The dashboard's message counts from `sms_message` and `sms_received`.
public struct SQLiteMessageFigures: MessageFiguresSource {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func figures(since: Date, until: Date) async throws -> MessageFigures {
        let (since, until) = (Outbox.utcTimestamp(since), Outbox.utcTimestamp(until))
        return try await database.writer.read { db in
            let kinds = try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, sum(state = 'queued') AS queued, sum(state IN ('handed', 'delivered')) AS sent,
                        sum(state = 'delivered') AS delivered, sum(state = 'failed') AS failed, sum(parts) AS parts
                    FROM sms_message WHERE due_at >= ? AND due_at <= ? GROUP BY kind ORDER BY kind
                    """, arguments: [since, until]
            ).compactMap { row -> MessageFigures.Kind? in
                guard let kind = SMSKind(rawValue: row["kind"]) else { return nil }
                return MessageFigures.Kind(
                    kind: kind, queued: row["queued"], sent: row["sent"], delivered: row["delivered"],
                    failed: row["failed"], parts: row["parts"])
            }
            let replies = try Row.fetchOne(
                db,
                sql: """
                    SELECT coalesce(sum(stopped_kind IS NOT NULL), 0) AS stop,
                        coalesce(sum(follow_up_id IS NOT NULL), 0) AS answers,
                        coalesce(sum(stopped_kind IS NULL AND follow_up_id IS NULL), 0) AS staff
                    FROM sms_received WHERE received_at >= ?
                    """, arguments: [since])
            return MessageFigures(
                kinds: kinds, stopReplies: replies?["stop"] ?? 0, followUpAnswers: replies?["answers"] ?? 0,
                repliesForStaff: replies?["staff"] ?? 0)
        }
    }
}
