public import Foundation
public import KioskCore

/// The staff overview from the SQLite queue and, on the office's own route, gammu-smsd's state.
public struct SQLiteMessagesOverview: MessagesOverviewSource {
    let queue: SQLiteSMSQueue
    let route: String
    /// gammu-smsd's config and spool, on the `gammu` route.
    let gammu: (smsdrc: String, spool: URL)?

    public init(queue: SQLiteSMSQueue, route: String, gammu: (smsdrc: String, spool: URL)?) {
        self.queue = queue
        self.route = route
        self.gammu = gammu
    }

    public func overview(since: Date) async throws -> MessagesOverview {
        var modem: MessagesOverview.Modem?
        if let gammu {
            let status = await GammuModemStatus.read(smsdrc: gammu.smsdrc, spool: gammu.spool)
            modem = MessagesOverview.Modem(
                daemonRunning: status.daemonRunning, modemPresent: status.modemPresent, simReady: status.simReady,
                onNetwork: status.onNetwork, signalPercent: status.signalPercent, waiting: status.waiting,
                errors: status.errors)
        }
        return MessagesOverview(
            route: route, modem: modem, queued: try await queue.states()["queued"] ?? 0,
            replies: try await queue.replies().map {
                MessagesOverview.Reply(id: $0.id, phone: $0.phone.digits, text: $0.text, receivedAt: $0.receivedAt)
            },
            kinds: try await queue.counts(since: since).map {
                MessagesOverview.Kind(
                    kind: $0.kind.rawValue, messages: $0.messages, parts: $0.parts, delivered: $0.delivered,
                    failed: $0.failed)
            })
    }

    public func setConsent(phone: PhoneNumber, kind: SMSKind, granted: Bool, at: Date) async throws {
        try await queue.setConsent(phone: phone, kind: kind, granted: granted, source: .staff, at: at)
    }
}
