import Foundation
public import Logging
public import PostgresNIO

/// An operator gateway backed by the hub's `simulated_sms_*` tables: for tests and demos only,
/// never for real people. Like an operator it takes each submission it is given (and bills it: a
/// copy handed twice is two submissions), answers with its own id, reports delivery (or failure
/// for a number set unreachable), passes on replies phones send, and can be told to refuse the
/// next submissions as if it were down. Driven through `/admin/simulated-sms-gateway`.
public struct SimulatedSMSGateway: SMSGateway {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func submit(_ message: SMSGatewayMessage) async throws(SMSGatewayError) -> String {
        let id = "SIM-" + UUID().uuidString.prefix(13).replacingOccurrences(of: "-", with: "")
        do {
            for try await _ in try await client.query(
                "UPDATE simulated_sms_control SET refuse_next = refuse_next - 1 WHERE id = 1 AND refuse_next > 0 RETURNING 1",
                logger: logger
            ).decode(Int.self) {
                throw SMSGatewayError.unavailable("the simulated gateway was told to refuse (HTTP 503)")
            }
            // The submission and the network's answer, in one statement: the answer comes at once
            // here, where a real network takes seconds to days.
            try await client.query(
                """
                WITH submitted AS (
                    INSERT INTO simulated_sms_submission (gateway_id, reference, to_number, body)
                    VALUES (\(id), \(message.reference), \(message.to), \(message.text))
                    RETURNING gateway_id, to_number)
                INSERT INTO simulated_sms_event (kind, gateway_id, outcome, reason)
                SELECT 'report', s.gateway_id,
                       CASE WHEN s.to_number = ANY(c.unreachable) THEN 'failed' ELSE 'delivered' END,
                       CASE WHEN s.to_number = ANY(c.unreachable) THEN 'absent subscriber' END
                FROM submitted s, simulated_sms_control c WHERE c.id = 1
                """, logger: logger)
            return id
        } catch let error as SMSGatewayError {
            throw error
        } catch {
            throw .unavailable("the simulated gateway's database: \(String(reflecting: error))")
        }
    }

    public func events(after position: String?, limit: Int) async throws -> [SMSGatewayEvent] {
        let start = position.flatMap(Int64.init) ?? 0
        var events: [SMSGatewayEvent] = []
        for try await (at, kind, gatewayID, outcome, reason, from, body, time) in try await client.query(
            """
            SELECT position, kind, gateway_id, outcome, reason, from_number, body, at
            FROM simulated_sms_event WHERE position > \(start) ORDER BY position LIMIT \(limit)
            """, logger: logger
        ).decode((Int64, String, String, String?, String?, String?, String?, Date).self) {
            let event: SMSGatewayEvent.Kind =
                kind == "reply"
                ? .reply(gatewayID: gatewayID, from: from ?? "", text: body ?? "")
                : .report(gatewayID: gatewayID, delivered: outcome == "delivered", reason: reason)
            events.append(SMSGatewayEvent(position: String(at), kind: event, at: time))
        }
        return events
    }

    // MARK: Driving it (admin endpoints, tests)

    /// Refuses the next `count` submissions; numbers in `unreachable` are reported failed.
    public func control(refuseNext count: Int, unreachable: [String]) async throws {
        try await client.query(
            "UPDATE simulated_sms_control SET refuse_next = \(count), unreachable = \(unreachable) WHERE id = 1",
            logger: logger)
    }

    /// A phone's message to the office's number; the gateway's id for it.
    public func reply(from number: String, text: String) async throws -> String {
        let id = "SIM-R" + UUID().uuidString.prefix(13).replacingOccurrences(of: "-", with: "")
        try await client.query(
            """
            INSERT INTO simulated_sms_event (kind, gateway_id, from_number, body)
            VALUES ('reply', \(id), \(number), \(text))
            """, logger: logger)
        return id
    }

    public struct Submission: Codable, Sendable, Hashable {
        public var gatewayID: String
        public var reference: String
        public var to: String
        public var text: String
    }

    /// Everything it was given, oldest first.
    public func submissions() async throws -> [Submission] {
        var found: [Submission] = []
        for try await (id, reference, to, body) in try await client.query(
            """
            SELECT gateway_id, reference, to_number, body FROM simulated_sms_submission
            ORDER BY submitted_at, gateway_id
            """, logger: logger
        ).decode((String, String, String, String).self) {
            found.append(Submission(gatewayID: id, reference: reference, to: to, text: body))
        }
        return found
    }
}
