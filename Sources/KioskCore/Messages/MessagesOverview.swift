public import Foundation

/// What staff see of the office's text messages: the route, the modem's state (the office's own
/// route), replies waiting to be read, and messages and parts by kind since a day.
public struct MessagesOverview: Sendable, Codable, Equatable {
    public struct Modem: Sendable, Codable, Equatable {
        public var daemonRunning: Bool
        public var modemPresent: Bool
        public var simReady: Bool
        public var onNetwork: Bool
        public var signalPercent: Int?
        /// Handed to the daemon, not yet sent; and given up by it.
        public var waiting: Int
        public var errors: Int

        public init(
            daemonRunning: Bool, modemPresent: Bool, simReady: Bool, onNetwork: Bool, signalPercent: Int?,
            waiting: Int, errors: Int
        ) {
            self.daemonRunning = daemonRunning
            self.modemPresent = modemPresent
            self.simReady = simReady
            self.onNetwork = onNetwork
            self.signalPercent = signalPercent
            self.waiting = waiting
            self.errors = errors
        }
    }

    public struct Reply: Sendable, Codable, Equatable {
        public var id: String
        public var phone: String
        public var text: String
        public var receivedAt: Date

        public init(id: String, phone: String, text: String, receivedAt: Date) {
            self.id = id
            self.phone = phone
            self.text = text
            self.receivedAt = receivedAt
        }
    }

    public struct Kind: Sendable, Codable, Equatable {
        public var kind: String
        public var messages: Int
        public var parts: Int
        public var delivered: Int
        public var failed: Int

        public init(kind: String, messages: Int, parts: Int, delivered: Int, failed: Int) {
            self.kind = kind
            self.messages = messages
            self.parts = parts
            self.delivered = delivered
            self.failed = failed
        }
    }

    public var route: String
    public var modem: Modem?
    /// Messages not yet handed to the route (all kinds).
    public var queued: Int
    public var replies: [Reply]
    public var kinds: [Kind]

    public init(route: String, modem: Modem?, queued: Int, replies: [Reply], kinds: [Kind]) {
        self.route = route
        self.modem = modem
        self.queued = queued
        self.replies = replies
        self.kinds = kinds
    }
}

/// Where the overview comes from (the SQLite queue and the route).
public protocol MessagesOverviewSource: Sendable {
    func overview(since: Date) async throws -> MessagesOverview
    /// Records a number's consent to a kind of message, or its withdrawal, told to staff.
    func setConsent(phone: PhoneNumber, kind: SMSKind, granted: Bool, at: Date) async throws
}
