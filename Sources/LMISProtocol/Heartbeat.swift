public import Foundation

/// What a kiosk tells its hub of its own state, signed, in each sync round (after the upload): what a
/// technician would otherwise learn only by standing at it. Holds no personal data.
public struct Heartbeat: Codable, Sendable, Hashable {
    public var softwareVersion: String
    /// The kiosk's clock when it sent this (UTC, `LMISTime`).
    public var sentAt: String
    /// The highest outbox sequence the kiosk has given, sent or not: the hub reports the numbers
    /// below it that never arrive (a disk lost with records on it) as a gap.
    public var lastSequence: Int64
    /// Records waiting for the hub, and when the oldest of them was made.
    public var waiting: Int
    public var oldestWaitingAt: String?
    /// Hub minus kiosk, seconds, as the kiosk last learnt it.
    public var clockOffsetSeconds: Double
    public var lastBackupAt: String?
    /// Free bytes on the data folder's file system.
    public var diskFreeBytes: Int64?
    /// The ticket printer: `ready`, or what is wrong (`no_paper`, `offline`, …); nil when unknown.
    public var printer: String?
    /// The fingerprint reader: `ready`, `absent`, `fault`; nil when unknown.
    public var reader: String?
    /// Each check's verdict, as `kiosk doctor` words them: `ok`, `warning` or `fault`.
    public var checks: [Check]
    /// When the office database was last restored from a backup, if ever.
    public var restoredAt: String?
    /// The update channel the kiosk follows (`update_channel`): the answer names the bundle the hub
    /// publishes for it.
    public var updateChannel: String?

    public struct Check: Codable, Sendable, Hashable {
        public var name: String
        public var verdict: String
        public var detail: String?
        public init(name: String, verdict: String, detail: String? = nil) {
            self.name = name
            self.verdict = verdict
            self.detail = detail
        }
    }

    public init(
        softwareVersion: String, sentAt: String, lastSequence: Int64, waiting: Int, oldestWaitingAt: String?,
        clockOffsetSeconds: Double, lastBackupAt: String?, diskFreeBytes: Int64?, printer: String?, reader: String?,
        checks: [Check], restoredAt: String?, updateChannel: String? = nil
    ) {
        self.softwareVersion = softwareVersion
        self.sentAt = sentAt
        self.lastSequence = lastSequence
        self.waiting = waiting
        self.oldestWaitingAt = oldestWaitingAt
        self.clockOffsetSeconds = clockOffsetSeconds
        self.lastBackupAt = lastBackupAt
        self.diskFreeBytes = diskFreeBytes
        self.printer = printer
        self.reader = reader
        self.checks = checks
        self.restoredAt = restoredAt
        self.updateChannel = updateChannel
    }
}

/// The hub's answer to a heartbeat.
public struct HeartbeatAnswer: Codable, Sendable, Hashable {
    /// The highest sequence the hub knows this device gave: received, or reported by any
    /// heartbeat. A kiosk restored from a backup numbers its new records above it.
    public var highestSequence: Int64
    public var serverTime: String
    /// The bundle published for the heartbeat's `updateChannel`; nil when none is (or none asked).
    public var update: UpdateOffer?

    public init(highestSequence: Int64, serverTime: String, update: UpdateOffer? = nil) {
        self.highestSequence = highestSequence
        self.serverTime = serverTime
        self.update = update
    }
}
