public import Foundation
public import KioskStore
public import Logging
public import ServiceLifecycle

/// When the next backup is due: at `hour` o'clock in the office's time zone, or soon after the
/// start when the newest backup is more than a day old (the kiosk was off that night).
public struct BackupSchedule: Sendable, Equatable {
    public var timeZone: TimeZone
    public var hour: Int
    /// How long after the start a missed backup is made (the morning's first visitors first).
    public var catchUpDelay: TimeInterval

    public init(timeZone: TimeZone, hour: Int = 2, catchUpDelay: TimeInterval = 600) {
        self.timeZone = timeZone
        self.hour = hour
        self.catchUpDelay = catchUpDelay
    }

    /// The next backup after `now`, the newest one having been made at `last`: the first
    /// `hour` o'clock after both now and an hour past the last.
    public func next(after now: Date, last: Date?) -> Date {
        guard let last, now.timeIntervalSince(last) <= 26 * 3600 else { return now.addingTimeInterval(catchUpDelay) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = max(now, last.addingTimeInterval(3600))
        return calendar.nextDate(
            after: start, matching: DateComponents(hour: hour, minute: 0, second: 0), matchingPolicy: .nextTime)!
    }
}

/// Backs the office database up every night into `DATA/backups` (14 days kept), while serving.
public struct NightlyBackup: Service {
    let database: AppDatabase
    let dataDirectory: URL
    let officeCode: String
    let softwareVersion: String
    let schedule: BackupSchedule
    let logger: Logger

    public init(
        database: AppDatabase, dataDirectory: URL, officeCode: String, softwareVersion: String,
        schedule: BackupSchedule, logger: Logger
    ) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.officeCode = officeCode
        self.softwareVersion = softwareVersion
        self.schedule = schedule
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.loop() }
        } catch is CancellationError {
            return
        }
    }

    func loop() async throws {
        let directory = DatabaseBackup.directory(inDataDirectory: dataDirectory)
        while !Task.isCancelled {
            let due = schedule.next(after: Date(), last: DatabaseBackup.latest(directory))
            // Wall-clock waits of at most a minute: a clock set right by NTP is followed.
            while Date() < due {
                try await Task.sleep(for: .seconds(min(60, max(1, due.timeIntervalSinceNow))))
            }
            do {
                let file = try await DatabaseBackup.make(
                    of: database, officeCode: officeCode, softwareVersion: softwareVersion, into: directory, at: Date())
                let pruned = try DatabaseBackup.prune(directory, now: Date())
                logger.notice(
                    "office database backed up",
                    metadata: [
                        "kiosk.backup.file": "\(file.url.lastPathComponent)", "kiosk.backup.bytes": "\(file.bytes)",
                        "kiosk.backup.pruned": "\(pruned.count)",
                    ])
            } catch {
                logger.error("nightly backup failed", metadata: ["kiosk.error": "\(error)"])
                // Tried again in an hour, not in a tight loop.
                try await Task.sleep(for: .seconds(3600))
            }
        }
    }
}
