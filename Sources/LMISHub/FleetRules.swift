import Foundation
import LMISProtocol

/// What in a device's state needs a technician, as the operations page and `GET /admin/devices`
/// list it. Pure: the time and the fleet's newest version are given.
enum FleetRules {
    /// The needs, by code; the operations page words them.
    enum Need: String, CaseIterable {
        case offline = "offline"
        case printerFault = "printer-fault"
        case backlogGrowing = "backlog-growing"
        case clockOff = "clock-off"
        case versionBehind = "version-behind"
        case noBackup = "no-backup"
        case recordsLost = "records-lost"

        /// The same in Mongolian.
        var wordsMN: String {
            switch self {
            case .offline: "нэг өдрөөс дээш холбогдоогүй"
            case .printerFault: "тасалбарын принтер гэмтэлтэй"
            case .backlogGrowing: "илгээгээгүй бичлэг хуримтлагдаж байна"
            case .clockOff: "цаг 2 минутаас илүү зөрүүтэй"
            case .versionBehind: "програм хангамж хуучин"
            case .noBackup: "2 өдөр нөөцлөөгүй"
            case .recordsLost: "бичлэг алдагдсан (дарааллын цоорхой)"
            }
        }

        var words: String {
            switch self {
            case .offline: "not heard from for a day"
            case .printerFault: "ticket printer fault"
            case .backlogGrowing: "records piling up"
            case .clockOff: "clock off by more than 2 minutes"
            case .versionBehind: "older software than the rest of the fleet"
            case .noBackup: "no backup for 2 days"
            case .recordsLost: "records lost (a gap in the sequence)"
            }
        }
    }

    static let offlineAfter: TimeInterval = 86_400
    static let backupWithin: TimeInterval = 2 * 86_400
    static let clockTolerance: Double = 120
    static let oldestWaitingLimit: TimeInterval = 6 * 3600

    static func needs(_ device: HubStore.DeviceSummary, now: Date, newestVersion: String?) -> [Need] {
        guard !device.revoked else { return [] }
        var needs: [Need] = []
        let seen = device.lastSeenAt.flatMap(LMISTime.parse)
        if seen.map({ now.timeIntervalSince($0) > offlineAfter }) ?? true { needs.append(.offline) }
        guard let beat = device.heartbeat else {
            return device.missing > 0 ? needs + [.recordsLost] : needs
        }
        if let printer = beat.printer, printer != "ready" { needs.append(.printerFault) }
        let oldest = beat.oldestWaitingAt.flatMap(LMISTime.parse)
        let heardAt = device.heartbeatAt.flatMap(LMISTime.parse) ?? now
        if oldest.map({ heardAt.timeIntervalSince($0) > oldestWaitingLimit }) == true
            || (device.waitingDayBefore.map { beat.waiting > $0 && $0 > 0 } ?? false)
        {
            needs.append(.backlogGrowing)
        }
        if abs(beat.clockOffsetSeconds) > clockTolerance { needs.append(.clockOff) }
        if let newestVersion, versionOrder(beat.softwareVersion, newestVersion) < 0 { needs.append(.versionBehind) }
        if beat.lastBackupAt.flatMap(LMISTime.parse).map({ now.timeIntervalSince($0) > backupWithin }) ?? true {
            needs.append(.noBackup)
        }
        // More numbers missing than the device has on the way: some will never come.
        if device.missing > Int64(beat.waiting) { needs.append(.recordsLost) }
        return needs
    }

    /// Negative when `a` is an older version than `b` (numeric parts compared in turn).
    static func versionOrder(_ a: String, _ b: String) -> Int { UpdateOffer.compareVersions(a, b) }

    /// The newest version any device's latest heartbeat reports.
    static func newestVersion(_ devices: [HubStore.DeviceSummary]) -> String? {
        devices.compactMap(\.heartbeat?.softwareVersion).max { versionOrder($0, $1) < 0 }
    }

    /// The devices with their needs filled in.
    static func assess(_ devices: [HubStore.DeviceSummary], now: Date) -> [HubStore.DeviceSummary] {
        let newest = newestVersion(devices)
        return devices.map { device in
            var device = device
            device.needs = needs(device, now: now, newestVersion: newest).map(\.rawValue)
            return device
        }
    }
}
