public import Foundation
public import LMISProtocol
public import Logging
public import PostgresNIO

/// The SMS route through the hub: messages kiosks hand over (`sms_message`, once by id), handed
/// on to the operator gateway with back-off, and the gateway's delivery reports and replies kept
/// per device until the device acknowledges them. Every step is a committed PostgreSQL write, so a
/// hub stopped at any point loses nothing: the forwarder picks up where the table says.
///
/// Sending is at least once towards the gateway in one narrow case: a hub stopped after the
/// gateway took a message and before its id was written hands it again after `reclaimAfter`
/// (with the same reference, which an operator that keeps client references refuses).
///
/// A message's text is kept only until its final report; its number stays `retention` longer, to
/// route replies, and is then blanked by `purge` (a reply from the number after that reaches the
/// device of a newer message to it, or nobody). Replies keep their number and text as long.
public struct SMSRelay: Sendable {
    let client: PostgresClient
    public let gateway: any SMSGateway
    let logger: Logger
    /// The first retry's wait; each later one doubles, up to five minutes.
    let retryBase: Duration
    /// Attempts before a message the gateway never takes is reported failed.
    let maximumAttempts: Int
    /// How long a message may stay "being handed over" before another round hands it again.
    let reclaimAfter: Duration
    /// How long numbers and reply texts are kept after the final report (or the reply's arrival).
    public let retention: Duration

    public init(
        client: PostgresClient, gateway: any SMSGateway, logger: Logger, retryBase: Duration = .seconds(1),
        maximumAttempts: Int = 12, reclaimAfter: Duration = .seconds(120), retention: Duration = .seconds(30 * 86_400)
    ) {
        self.retention = retention
        self.client = client
        self.gateway = gateway
        self.logger = logger
        self.retryBase = retryBase
        self.maximumAttempts = maximumAttempts
        self.reclaimAfter = reclaimAfter
    }

    // MARK: From the kiosks

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case invalid(String)
        /// The id was handed over by another device.
        case foreignID(String)

        public var description: String {
            switch self {
            case .invalid(let reason): reason
            case .foreignID(let id): "message \(id) was handed over by another device"
            }
        }
    }

    /// Checks a batch before anything is written: ids, numbers and texts.
    public static func check(_ batch: SMSRelayBatch) throws(Refusal) {
        guard !batch.messages.isEmpty, batch.messages.count <= LMISLimits.smsBatch else {
            throw .invalid("a batch holds 1 to \(LMISLimits.smsBatch) messages")
        }
        for (index, message) in batch.messages.enumerated() {
            guard UUID(uuidString: message.id) != nil else { throw .invalid("messages[\(index)].id must be a UUID") }
            guard message.to.count == 8, message.to.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw .invalid("messages[\(index)].to must be a mobile number of eight digits")
            }
            guard !message.text.isEmpty, message.text.count <= LMISLimits.smsText else {
                throw .invalid("messages[\(index)].text must hold 1 to \(LMISLimits.smsText) characters")
            }
        }
    }

    /// Takes the batch for `device`, each message once by its id.
    public func accept(_ batch: SMSRelayBatch, device: String, office: String) async throws -> SMSRelayAccepted {
        try Self.check(batch)
        var results: [SMSRelayAccepted.Result] = []
        for message in batch.messages {
            let id = UUID(uuidString: message.id)!
            var inserted = false
            for try await _ in try await client.query(
                """
                INSERT INTO sms_message (id, device_id, office_code, to_number, body)
                VALUES (\(id), \(device), \(office), \(message.to), \(message.text))
                ON CONFLICT (id) DO NOTHING RETURNING 1
                """, logger: logger
            ).decode(Int.self) {
                inserted = true
            }
            if !inserted {
                var owner: String?
                for try await found in try await client.query(
                    "SELECT device_id FROM sms_message WHERE id = \(id)", logger: logger
                ).decode(String.self) {
                    owner = found
                }
                guard owner == device else { throw Refusal.foreignID(message.id) }
            }
            results.append(.init(id: id.uuidString.lowercased(), status: inserted ? .accepted : .duplicate))
        }
        return SMSRelayAccepted(results: results)
    }

    /// The device's final reports and replies not acknowledged yet, oldest first.
    public func updates(device: String) async throws -> SMSRelayUpdates {
        var reports: [SMSRelayReport] = []
        for try await (id, state, reason, at) in try await client.query(
            """
            SELECT id, state, outcome_reason, outcome_at FROM sms_message
            WHERE device_id = \(device) AND state IN ('delivered', 'failed') AND report_acknowledged_at IS NULL
            ORDER BY outcome_at, id LIMIT \(LMISLimits.smsUpdates)
            """, logger: logger
        ).decode((UUID, String, String?, Date).self) {
            reports.append(
                SMSRelayReport(
                    messageID: id.uuidString.lowercased(), outcome: state == "delivered" ? .delivered : .failed,
                    reason: reason, at: LMISTime.format(at)))
        }
        var received: [SMSRelayIncoming] = []
        for try await (id, from, body, at) in try await client.query(
            """
            SELECT gateway_id, from_number, body, received_at FROM sms_reply
            WHERE device_id = \(device) AND acknowledged_at IS NULL
            ORDER BY received_at, gateway_id LIMIT \(LMISLimits.smsUpdates)
            """, logger: logger
        ).decode((String, String, String, Date).self) {
            received.append(SMSRelayIncoming(id: id, from: from, text: body, receivedAt: LMISTime.format(at)))
        }
        return SMSRelayUpdates(reports: reports, received: received)
    }

    /// Marks what the device has recorded; ids of other devices are left alone. Returns how many
    /// reports and replies were newly acknowledged.
    @discardableResult
    public func acknowledge(_ acknowledgement: SMSRelayAcknowledgement, device: String) async throws -> Int {
        let messages = acknowledgement.reports.compactMap(UUID.init(uuidString:))
        guard messages.count == acknowledgement.reports.count,
            acknowledgement.reports.count + acknowledgement.received.count <= 2 * LMISLimits.smsUpdates
        else { throw Refusal.invalid("reports must be message ids (UUIDs), at most \(2 * LMISLimits.smsUpdates) ids") }
        var count = 0
        for try await n in try await client.query(
            """
            WITH reports AS (
                UPDATE sms_message SET report_acknowledged_at = now()
                WHERE device_id = \(device) AND id = ANY(\(messages)) AND state IN ('delivered', 'failed')
                  AND report_acknowledged_at IS NULL RETURNING 1),
            replies AS (
                UPDATE sms_reply SET acknowledged_at = now()
                WHERE device_id = \(device) AND gateway_id = ANY(\(acknowledgement.received))
                  AND acknowledged_at IS NULL RETURNING 1)
            SELECT (SELECT count(*) FROM reports) + (SELECT count(*) FROM replies)
            """, logger: logger
        ).decode(Int.self) {
            count = n
        }
        return count
    }

    // MARK: To the gateway

    public struct Round: Sendable, Equatable {
        public var sent = 0
        public var retried = 0
        public var failed = 0
        public var events = 0
    }

    /// One round of the forwarder: every message due goes to the gateway, then the gateway's new
    /// events are recorded.
    public func round() async throws -> Round {
        var round = Round()
        while true {
            let due = try await claimDue(limit: 50)
            if due.isEmpty { break }
            for message in due { try await forward(message, &round) }
        }
        while true {
            let read = try await readEvents(limit: 200)
            round.events += read
            if read < 200 { break }
        }
        return round
    }

    struct Due {
        let id: UUID
        let to: String
        let text: String
        let attempts: Int
    }

    /// Claims the messages due (and those a stopped hub left half handed over), committing the
    /// claim before the gateway is asked. `SKIP LOCKED`: several hubs may share the database.
    func claimDue(limit: Int) async throws -> [Due] {
        let reclaim = Double(reclaimAfter.components.seconds)
        var due: [Due] = []
        for try await (id, to, text, attempts) in try await client.query(
            """
            WITH due AS (
                SELECT id FROM sms_message
                WHERE (state = 'queued' AND next_attempt_at <= now())
                   OR (state = 'sending' AND claimed_at < now() - make_interval(secs => \(reclaim)))
                ORDER BY next_attempt_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            UPDATE sms_message m SET state = 'sending', claimed_at = now(), attempts = m.attempts + 1
            FROM due WHERE m.id = due.id
            RETURNING m.id, m.to_number, m.body, m.attempts
            """, logger: logger
        ).decode((UUID, String, String, Int).self) {
            due.append(Due(id: id, to: to, text: text, attempts: attempts))
        }
        return due
    }

    func forward(_ message: Due, _ round: inout Round) async throws {
        let reference = message.id.uuidString.lowercased()
        let gatewayID: String
        do {
            gatewayID = try await gateway.submit(.init(reference: reference, to: message.to, text: message.text))
        } catch .refused(let reason) {
            try await fail(message.id, reason: reason)
            round.failed += 1
            return
        } catch .unavailable(let reason) {
            logger.warning(
                "SMS gateway did not take a message",
                metadata: ["hub.sms": "\(reference)", "hub.attempt": "\(message.attempts)", "hub.error": "\(reason)"])
            if message.attempts >= maximumAttempts {
                try await fail(
                    message.id, reason: "the operator gateway did not take it in \(message.attempts) attempts")
                round.failed += 1
                return
            }
            let base = Double(retryBase.components.seconds) + Double(retryBase.components.attoseconds) / 1e18
            let wait = min(300, base * pow(2, Double(message.attempts - 1)))
            try await client.query(
                """
                UPDATE sms_message SET state = 'queued', last_error = \(reason),
                    next_attempt_at = now() + make_interval(secs => \(wait))
                WHERE id = \(message.id) AND state = 'sending'
                """, logger: logger)
            round.retried += 1
            return
        }
        try await client.query(
            """
            UPDATE sms_message SET state = 'sent', gateway_id = \(gatewayID), sent_at = now(), last_error = NULL
            WHERE id = \(message.id) AND state = 'sending'
            """, logger: logger)
        round.sent += 1
    }

    func fail(_ id: UUID, reason: String) async throws {
        try await client.query(
            """
            UPDATE sms_message SET state = 'failed', outcome_at = now(), outcome_reason = \(reason), body = ''
            WHERE id = \(id) AND state = 'sending'
            """, logger: logger)
    }

    /// Records the gateway's events after the hub's cursor, and the cursor with them, in one
    /// transaction: each report and reply is recorded once.
    func readEvents(limit: Int) async throws -> Int {
        var position: String?
        for try await found in try await client.query(
            "SELECT position FROM sms_gateway_cursor WHERE id = 1", logger: logger
        ).decode(String.self) {
            position = found
        }
        let events = try await gateway.events(after: position, limit: limit)
        guard let last = events.last else { return 0 }
        let logger = self.logger
        try await client.withTransaction(logger: logger) { connection in
            for event in events {
                switch event.kind {
                case .report(let gatewayID, let delivered, let reason):
                    let state = delivered ? "delivered" : "failed"
                    try await connection.query(
                        """
                        UPDATE sms_message SET state = \(state), outcome_at = \(event.at), outcome_reason = \(reason),
                            body = ''
                        WHERE gateway_id = \(gatewayID) AND state = 'sent'
                        """, logger: logger)
                case .reply(let gatewayID, let from, let text):
                    // A reply belongs to the device that last wrote to the number.
                    let number = from.hasPrefix("+976") ? String(from.dropFirst(4)) : from
                    try await connection.query(
                        """
                        INSERT INTO sms_reply (gateway_id, device_id, from_number, body, received_at)
                        VALUES (\(gatewayID),
                                (SELECT device_id FROM sms_message WHERE to_number = \(number)
                                 ORDER BY handed_at DESC LIMIT 1),
                                \(number), \(text), \(event.at))
                        ON CONFLICT (gateway_id) DO NOTHING
                        """, logger: logger)
                }
            }
            try await connection.query(
                """
                INSERT INTO sms_gateway_cursor (id, position) VALUES (1, \(last.position))
                ON CONFLICT (id) DO UPDATE SET position = EXCLUDED.position
                """, logger: logger)
        }
        return events.count
    }

    // MARK: Retention

    public struct Purged: Sendable, Equatable {
        public var messages = 0
        public var replies = 0
    }

    /// Blanks the numbers of messages whose final report is older than `retention` (their texts
    /// went at the report), and the numbers and texts of replies older than that, as of `now`.
    /// The rows, their states, offices, devices and times stay: the counts do not change.
    @discardableResult
    public func purge(now: Date = Date()) async throws -> Purged {
        let cutoff = now.addingTimeInterval(-Double(retention.components.seconds))
        var purged = Purged()
        for try await (messages, replies) in try await client.query(
            """
            WITH messages AS (
                UPDATE sms_message SET to_number = NULL, body = '', purged_at = \(now)
                WHERE purged_at IS NULL AND state IN ('delivered', 'failed') AND outcome_at < \(cutoff)
                RETURNING 1),
            replies AS (
                UPDATE sms_reply SET from_number = NULL, body = '', purged_at = \(now)
                WHERE purged_at IS NULL AND received_at < \(cutoff)
                RETURNING 1)
            SELECT (SELECT count(*) FROM messages)::int, (SELECT count(*) FROM replies)::int
            """, logger: logger
        ).decode((Int, Int).self) {
            purged = Purged(messages: messages, replies: replies)
        }
        return purged
    }
}
