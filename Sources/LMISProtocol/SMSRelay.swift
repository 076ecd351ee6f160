public import Foundation

/// The hub's SMS route for offices without a GSM modem: the kiosk hands its messages to the hub
/// (`POST /v1/sms`), which forwards them to an operator gateway; delivery reports and replies come
/// back per device (`GET /v1/sms/updates`) until the kiosk acknowledges them
/// (`POST /v1/sms/updates/acknowledge`). All three are signed like the sync endpoints.
extension LMISPath {
    public static let sms = "/v1/sms"
    public static let smsUpdates = "/v1/sms/updates"
    public static let smsAcknowledge = "/v1/sms/updates/acknowledge"
}

extension LMISLimits {
    /// The most messages one `POST /v1/sms` carries.
    public static let smsBatch = 100
    /// The most characters of one message's text (a long concatenated SMS of 10 UCS-2 parts).
    public static let smsText = 670
    /// The most reports and replies one `GET /v1/sms/updates` answers with.
    public static let smsUpdates = 500
}

/// One message a kiosk hands to the hub. `id` is the kiosk's own message id: the hub takes a
/// message once by it, however often it is handed.
public struct SMSRelayMessage: Codable, Sendable, Hashable {
    /// UUID, lower case.
    public var id: String
    /// Mongolian mobile number, eight digits.
    public var to: String
    public var text: String

    public init(id: String, to: String, text: String) {
        self.id = id
        self.to = to
        self.text = text
    }
}

public struct SMSRelayBatch: Codable, Sendable, Hashable {
    public var messages: [SMSRelayMessage]

    public init(messages: [SMSRelayMessage]) { self.messages = messages }
}

/// What the hub made of each message of a batch.
public struct SMSRelayAccepted: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable, Hashable {
        /// Taken now; the hub forwards it.
        case accepted
        /// Taken before (same id from this device): nothing taken again.
        case duplicate
    }

    public struct Result: Codable, Sendable, Hashable {
        public var id: String
        public var status: Status

        public init(id: String, status: Status) {
            self.id = id
            self.status = status
        }
    }

    public var results: [Result]

    public init(results: [Result]) { self.results = results }
}

/// The final word on one message the device handed over.
public struct SMSRelayReport: Codable, Sendable, Hashable {
    public enum Outcome: String, Codable, Sendable, Hashable {
        case delivered, failed
    }

    public var messageID: String
    public var outcome: Outcome
    /// The gateway's or the hub's words when it failed (never the number).
    public var reason: String?
    /// UTC with milliseconds (`LMISTime`).
    public var at: String

    public init(messageID: String, outcome: Outcome, reason: String?, at: String) {
        self.messageID = messageID
        self.outcome = outcome
        self.reason = reason
        self.at = at
    }
}

/// A message a jobseeker sent, routed to the device that last wrote to their number.
public struct SMSRelayIncoming: Codable, Sendable, Hashable {
    /// The gateway's id of the message.
    public var id: String
    public var from: String
    public var text: String
    public var receivedAt: String

    public init(id: String, from: String, text: String, receivedAt: String) {
        self.id = id
        self.from = from
        self.text = text
        self.receivedAt = receivedAt
    }
}

/// Reports and replies the device has not acknowledged yet, oldest first.
public struct SMSRelayUpdates: Codable, Sendable, Hashable {
    public var reports: [SMSRelayReport]
    public var received: [SMSRelayIncoming]

    public init(reports: [SMSRelayReport], received: [SMSRelayIncoming]) {
        self.reports = reports
        self.received = received
    }
}

/// What the device has recorded: the reports' message ids and the replies' ids.
public struct SMSRelayAcknowledgement: Codable, Sendable, Hashable {
    public var reports: [String]
    public var received: [String]

    public init(reports: [String], received: [String]) {
        self.reports = reports
        self.received = received
    }
}
