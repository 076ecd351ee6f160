public import Foundation

/// One text message handed to a route out of the office (the office's own GSM modem through
/// `gammu-smsd`, or the hub's operator gateway). `id` is the message's own id: a transport
/// handed the same id twice sends it at most once.
public struct OutgoingSMS: Sendable, Hashable {
    public var id: UUID
    public var to: PhoneNumber
    public var text: String

    public init(id: UUID, to: PhoneNumber, text: String) {
        self.id = id
        self.to = to
        self.text = text
    }
}

/// What became of a message that was handed over.
public enum SMSDeliveryOutcome: Sendable, Hashable {
    /// The network confirmed delivery to the phone.
    case delivered
    /// The route gave up on it (the reason is the route's own words, without the number).
    case failed(reason: String)
}

public struct SMSDeliveryReport: Sendable, Hashable {
    public var messageID: UUID
    public var outcome: SMSDeliveryOutcome
    public var at: Date

    public init(messageID: UUID, outcome: SMSDeliveryOutcome, at: Date) {
        self.messageID = messageID
        self.outcome = outcome
        self.at = at
    }
}

/// A message a jobseeker sent to the office's number.
public struct IncomingSMS: Sendable, Hashable {
    /// The route's own id for it, so a message read twice is recorded once.
    public var id: String
    public var from: PhoneNumber
    public var text: String
    public var receivedAt: Date

    public init(id: String, from: PhoneNumber, text: String, receivedAt: Date) {
        self.id = id
        self.from = from
        self.text = text
        self.receivedAt = receivedAt
    }
}

/// What a route has for the office since it was last asked.
public struct SMSCollection: Sendable, Hashable {
    public var reports: [SMSDeliveryReport]
    public var received: [IncomingSMS]

    public init(reports: [SMSDeliveryReport] = [], received: [IncomingSMS] = []) {
        self.reports = reports
        self.received = received
    }
}

/// A route that sends the office's text messages and brings back delivery reports and replies.
/// Which route an office uses is configuration; the message queue in SQLite does not change.
public protocol SMSTransport: Sendable {
    /// Hands `message` to the route and returns once the route holds it durably. Handing the
    /// same id again must not send it twice. Throws when the route cannot take it now (the
    /// queue retries with back-off).
    func hand(_ message: OutgoingSMS) async throws
    /// Delivery reports and received messages not yet acknowledged.
    func collect() async throws -> SMSCollection
    /// Tells the route that `collection` is safely recorded, so it is not returned again.
    func acknowledge(_ collection: SMSCollection) async throws
}
