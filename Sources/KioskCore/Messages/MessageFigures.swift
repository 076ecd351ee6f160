public import Foundation

/// Text messages counted for the office head's dashboard since a moment (today, this week): per
/// kind what waits, went, arrived and failed, with its parts; and the replies by what they did.
public struct MessageFigures: Sendable, Equatable {
    public struct Kind: Sendable, Equatable {
        public var kind: SMSKind
        /// Queued, not yet handed to the route.
        public var queued: Int
        /// Handed to the route (delivered or not yet reported), or delivered.
        public var sent: Int
        public var delivered: Int
        public var failed: Int
        public var parts: Int

        public init(kind: SMSKind, queued: Int, sent: Int, delivered: Int, failed: Int, parts: Int) {
            self.kind = kind
            self.queued = queued
            self.sent = sent
            self.delivered = delivered
            self.failed = failed
            self.parts = parts
        }
    }

    public var kinds: [Kind]
    /// STOP replies, answers to follow-up questions, and the other replies (for staff).
    public var stopReplies: Int
    public var followUpAnswers: Int
    public var repliesForStaff: Int

    public init(kinds: [Kind], stopReplies: Int, followUpAnswers: Int, repliesForStaff: Int) {
        self.kinds = kinds
        self.stopReplies = stopReplies
        self.followUpAnswers = followUpAnswers
        self.repliesForStaff = repliesForStaff
    }
}

/// Where the dashboard's message counts come from (the SQLite queue).
public protocol MessageFiguresSource: Sendable {
    /// Messages due (to be sent) from `since` until `until`, and replies received from `since`: a
    /// question queued today for a follow-up months ahead counts in the period it is sent in.
    func figures(since: Date, until: Date) async throws -> MessageFigures
}
