public import Foundation
public import GRDB
public import KioskCore

/// The office's rules for text messages: quiet hours in its time zone (kinds that keep them wait
/// until the morning) and a per-number daily limit.
public struct SMSRules: Sendable {
    public var timeZone: TimeZone
    /// Quiet from `quietFrom` o'clock to `quietUntil` o'clock, local time.
    public var quietFrom: Int
    public var quietUntil: Int
    /// Most messages (one-time codes aside) to one number in one local day.
    public var dailyLimit: Int

    public init(timeZone: TimeZone, quietFrom: Int = 21, quietUntil: Int = 8, dailyLimit: Int = 5) {
        self.timeZone = timeZone
        self.quietFrom = quietFrom
        self.quietUntil = quietUntil
        self.dailyLimit = dailyLimit
    }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// True when `date` falls in the quiet hours.
    public func isQuiet(_ date: Date) -> Bool {
        let hour = calendar.component(.hour, from: date)
        return quietFrom > quietUntil
            ? (hour >= quietFrom || hour < quietUntil) : (hour >= quietFrom && hour < quietUntil)
    }

    /// When a `kind` message queued at `date` may go: at once, or when the quiet hours end.
    public func dueTime(for kind: SMSKind, queuedAt date: Date) -> Date {
        guard kind.keepsQuietHours, isQuiet(date) else { return date }
        var morning = calendar.date(bySettingHour: quietUntil, minute: 0, second: 0, of: date) ?? date
        if morning <= date { morning = calendar.date(byAdding: .day, value: 1, to: morning) ?? date }
        return morning
    }

    /// The local day `date` falls in, as the UTC timestamps of its start and end.
    func day(of date: Date) -> (start: String, end: String) {
        let start = calendar.startOfDay(for: date)
        let end = calendar.date(byAdding: .day, value: 1, to: start) ?? date
        return (Outbox.utcTimestamp(start), Outbox.utcTimestamp(end))
    }
}

/// Why a message was not queued.
public enum SMSRefusal: String, Error, Sendable {
    /// The number has not agreed to this kind of message, or withdrew it.
    case noConsent
    /// The number has had the day's most messages.
    case dailyLimit
    /// The same event already queued its message (`dedupeKey`).
    case alreadyQueued
}

/// One message waiting for the route.
public struct QueuedSMS: Sendable, Hashable {
    public var id: UUID
    public var kind: SMSKind
    public var phone: PhoneNumber
    public var text: String
    public var attempts: Int

    public var outgoing: OutgoingSMS { OutgoingSMS(id: id, to: phone, text: text) }
}

/// Messages and parts of one kind, for the dashboard.
public struct SMSKindCount: Sendable, Hashable {
    public var kind: SMSKind
    public var messages: Int
    public var parts: Int
    public var delivered: Int
    public var failed: Int
}

/// A received message staff read on the console (STOP replies are handled, not listed).
public struct ReceivedSMSView: Sendable, Hashable {
    public var id: String
    public var phone: PhoneNumber
    public var text: String
    public var receivedAt: Date
}

extension Database {
    /// Queues a text message in the caller's transaction, so the message exists exactly when the
    /// event that causes it does; it is handed to the route from `notBefore` (a reminder), or at
    /// once, quiet hours allowing. Throws `SMSRefusal` when the rules forbid it (the caller's
    /// transaction should go on: the event stands without its message).
    @discardableResult
    public func queueSMS(
        kind: SMSKind, to phone: PhoneNumber, text: String, dedupeKey: String? = nil, rules: SMSRules, at now: Date,
        notBefore: Date? = nil
    ) throws -> UUID {
        if kind.needsConsent {
            let agreed =
                try Bool.fetchOne(
                    self,
                    sql: "SELECT 1 FROM sms_consent WHERE phone = ? AND kind = ? AND withdrawn_at IS NULL",
                    arguments: [phone.digits, kind.rawValue]) ?? false
            guard agreed else { throw SMSRefusal.noConsent }
        }
        if let dedupeKey,
            try Bool.fetchOne(self, sql: "SELECT 1 FROM sms_message WHERE dedupe_key = ?", arguments: [dedupeKey])
                ?? false
        {
            throw SMSRefusal.alreadyQueued
        }
        if kind != .oneTimeCode {
            let day = rules.day(of: now)
            let today =
                try Int.fetchOne(
                    self,
                    sql: """
                        SELECT count(*) FROM sms_message
                        WHERE phone = ? AND kind != ? AND created_at >= ? AND created_at < ?
                        """,
                    arguments: [phone.digits, SMSKind.oneTimeCode.rawValue, day.start, day.end]) ?? 0
            guard today < rules.dailyLimit else { throw SMSRefusal.dailyLimit }
        }
        let id = UUIDv7.make(at: now)
        try execute(
            sql: """
                INSERT INTO sms_message (id, kind, phone, text, parts, encoding, state, dedupe_key, created_at, due_at)
                VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)
                """,
            arguments: [
                id.uuidString.lowercased(), kind.rawValue, phone.digits, text, SMSText.parts(text),
                SMSText.encoding(of: text).rawValue, dedupeKey, Outbox.utcTimestamp(now),
                Outbox.utcTimestamp(rules.dueTime(for: kind, queuedAt: max(now, notBefore ?? now))),
            ])
        return id
    }

    /// Records that `phone` agrees (or no longer agrees) to `kind` messages.
    public func setSMSConsent(
        phone: PhoneNumber, kind: SMSKind, granted: Bool, source: SMSConsentSource, at now: Date
    ) throws {
        let time = Outbox.utcTimestamp(now)
        if granted {
            try execute(
                sql: """
                    INSERT INTO sms_consent (phone, kind, granted_at, withdrawn_at, source) VALUES (?, ?, ?, NULL, ?)
                    ON CONFLICT (phone, kind) DO UPDATE SET granted_at = excluded.granted_at, withdrawn_at = NULL,
                        source = excluded.source
                    """,
                arguments: [phone.digits, kind.rawValue, time, source.rawValue])
        } else {
            try execute(
                sql:
                    "UPDATE sms_consent SET withdrawn_at = ?, source = ? WHERE phone = ? AND kind = ? AND withdrawn_at IS NULL",
                arguments: [time, source.rawValue, phone.digits, kind.rawValue])
        }
    }
}

/// The text-message queue in SQLite: what is due, what was handed, reports and replies.
public struct SQLiteSMSQueue: Sendable {
    let database: AppDatabase
    public let rules: SMSRules
    /// Replies of 1, 2 or 3 to "are you working?" answer the follow-up, where the office asks.
    public var followUps: FollowUpTexts?

    public init(database: AppDatabase, rules: SMSRules, followUps: FollowUpTexts? = nil) {
        self.database = database
        self.rules = rules
        self.followUps = followUps
    }

    /// Queues one message in a transaction of its own (for events that write nothing else).
    @discardableResult
    public func queue(kind: SMSKind, to phone: PhoneNumber, text: String, dedupeKey: String? = nil, at now: Date)
        async throws -> UUID
    {
        let rules = rules
        return try await database.write { db in
            try db.queueSMS(kind: kind, to: phone, text: text, dedupeKey: dedupeKey, rules: rules, at: now)
        }
    }

    public func setConsent(phone: PhoneNumber, kind: SMSKind, granted: Bool, source: SMSConsentSource, at now: Date)
        async throws
    {
        try await database.write { db in
            try db.setSMSConsent(phone: phone, kind: kind, granted: granted, source: source, at: now)
        }
    }

    /// Queued messages whose time has come, oldest first.
    public func due(limit: Int, at now: Date) async throws -> [QueuedSMS] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, kind, phone, text, attempts FROM sms_message
                    WHERE state = 'queued' AND due_at <= ? ORDER BY due_at, id LIMIT ?
                    """,
                arguments: [Outbox.utcTimestamp(now), limit]
            ).compactMap { row in
                guard let id = UUID(uuidString: row["id"]), let kind = SMSKind(rawValue: row["kind"]),
                    let phone = try? PhoneNumber(parsing: row["phone"])
                else { return nil }
                return QueuedSMS(id: id, kind: kind, phone: phone, text: row["text"], attempts: row["attempts"])
            }
        }
    }

    /// The route holds these messages: they are not handed again.
    public func markHanded(_ ids: [UUID], at now: Date) async throws {
        guard !ids.isEmpty else { return }
        try await database.write { db in
            for id in ids {
                try db.execute(
                    sql: "UPDATE sms_message SET state = 'handed', handed_at = ? WHERE id = ? AND state = 'queued'",
                    arguments: [Outbox.utcTimestamp(now), id.uuidString.lowercased()])
            }
        }
    }

    /// The route refused `id` now: it stays queued until `retryAt`.
    public func markRetry(_ id: UUID, error: String, retryAt: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE sms_message SET attempts = attempts + 1, last_error = ?, due_at = ?
                    WHERE id = ? AND state = 'queued'
                    """,
                arguments: [error, Outbox.utcTimestamp(retryAt), id.uuidString.lowercased()])
        }
    }

    /// Records delivery reports and received messages (each once). A `ЗОГС`/`STOP` reply
    /// withdraws the consent to the kind of the last message sent to that number; other replies
    /// are kept for staff. Returns how many replies were new.
    @discardableResult
    public func record(_ collection: SMSCollection, at now: Date) async throws -> Int {
        try await database.write { db in
            for report in collection.reports {
                let (state, outcome): (String, String) =
                    switch report.outcome {
                    case .delivered: ("delivered", "delivered")
                    case .failed(let reason): ("failed", reason)
                    }
                try db.execute(
                    sql: """
                        UPDATE sms_message SET state = ?, outcome = ?, reported_at = ?
                        WHERE id = ? AND state IN ('queued', 'handed')
                        """,
                    arguments: [
                        state, outcome, Outbox.utcTimestamp(report.at), report.messageID.uuidString.lowercased(),
                    ])
            }
            var new = 0
            for message in collection.received {
                let known =
                    try Bool.fetchOne(
                        db, sql: "SELECT 1 FROM sms_received WHERE id = ?", arguments: [message.id]) ?? false
                guard !known else { continue }
                new += 1
                var stopped: String?
                if SMSText.isStop(message.text) {
                    stopped = try String.fetchOne(
                        db,
                        sql: """
                            SELECT kind FROM sms_message WHERE phone = ? AND kind != ? AND state != 'queued'
                            ORDER BY handed_at DESC LIMIT 1
                            """,
                        arguments: [message.from.digits, SMSKind.oneTimeCode.rawValue])
                    if let kind = stopped.flatMap(SMSKind.init(rawValue:)) {
                        try db.setSMSConsent(phone: message.from, kind: kind, granted: false, source: .reply, at: now)
                        // What is still queued of that kind for the number is not sent either.
                        try db.execute(
                            sql: """
                                UPDATE sms_message SET state = 'failed', outcome = 'stopped by reply', reported_at = ?
                                WHERE phone = ? AND kind = ? AND state = 'queued'
                                """,
                            arguments: [Outbox.utcTimestamp(now), message.from.digits, kind.rawValue])
                    }
                }
                let answered = stopped == nil ? try followUps?.answer(message, at: now, db) : nil
                try db.execute(
                    sql: """
                        INSERT INTO sms_received (id, phone, text, received_at, stopped_kind, follow_up_id, recorded_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        message.id, message.from.digits, message.text, Outbox.utcTimestamp(message.receivedAt),
                        stopped, answered?.uuidString.lowercased(), Outbox.utcTimestamp(now),
                    ])
            }
            return new
        }
    }

    /// Replies for staff (not STOP replies), newest first.
    public func replies(limit: Int = 200) async throws -> [ReceivedSMSView] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, phone, text, received_at FROM sms_received WHERE stopped_kind IS NULL AND follow_up_id IS NULL
                    ORDER BY received_at DESC LIMIT ?
                    """,
                arguments: [limit]
            ).compactMap { row in
                guard let phone = try? PhoneNumber(parsing: row["phone"]),
                    let at = try? Outbox.parseUTCTimestamp(row["received_at"])
                else { return nil }
                return ReceivedSMSView(id: row["id"], phone: phone, text: row["text"], receivedAt: at)
            }
        }
    }

    /// Messages, parts and outcomes by kind since `since` (the dashboard's counts).
    public func counts(since: Date) async throws -> [SMSKindCount] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, count(*) AS messages, sum(parts) AS parts,
                        sum(state = 'delivered') AS delivered, sum(state = 'failed') AS failed
                    FROM sms_message WHERE created_at >= ? GROUP BY kind ORDER BY kind
                    """,
                arguments: [Outbox.utcTimestamp(since)]
            ).compactMap { row in
                guard let kind = SMSKind(rawValue: row["kind"]) else { return nil }
                return SMSKindCount(
                    kind: kind, messages: row["messages"], parts: row["parts"], delivered: row["delivered"],
                    failed: row["failed"])
            }
        }
    }

    /// How many messages are in each state (for `kiosk doctor` and the console).
    public func states() async throws -> [String: Int] {
        try await database.writer.read { db in
            var states: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM sms_message GROUP BY state") {
                states[row["state"]] = row["n"]
            }
            return states
        }
    }
}
