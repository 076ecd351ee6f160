public import Foundation
public import KioskCore
import LMISProtocol

/// The SMS route for an office without a GSM modem: messages go to the LMIS hub, which forwards
/// them to the operator's gateway; delivery reports and replies come back from the hub. Every
/// request is signed with the kiosk's device key, as the sync rounds' are.
///
/// The hub takes a message once by its id, so handing it again (after a lost answer, a restart)
/// sends nothing twice; it holds what it took in PostgreSQL before it answers.
public struct HubSMSTransport: SMSTransport {
    let engine: SyncEngine

    public init(engine: SyncEngine) { self.engine = engine }

    public func hand(_ message: OutgoingSMS) async throws {
        try await hand([message])
    }

    /// Hands up to `LMISLimits.smsBatch` messages in one request; returns once the hub holds all.
    public func hand(_ messages: [OutgoingSMS]) async throws {
        guard !messages.isEmpty else { return }
        for start in stride(from: 0, to: messages.count, by: LMISLimits.smsBatch) {
            let batch = messages[start..<min(start + LMISLimits.smsBatch, messages.count)]
            let ids = batch.map { $0.id.uuidString.lowercased() }
            let body = SMSRelayBatch(
                messages: batch.map {
                    SMSRelayMessage(id: $0.id.uuidString.lowercased(), to: $0.to.digits, text: $0.text)
                })
            let answer = try await engine.session().send(
                "POST", LMISPath.sms, body: try LMISCoding.encoder.encode(body))
            guard answer.status == 200 else { throw SyncEngine.failure(answer) }
            let taken = Set(try answer.decode(SMSRelayAccepted.self).results.map(\.id))
            guard taken == Set(ids) else {
                throw SyncError.badAnswer("the hub answered for \(taken.count) of \(ids.count) messages")
            }
        }
    }

    public func collect() async throws -> SMSCollection {
        let answer = try await engine.session().send("GET", LMISPath.smsUpdates)
        guard answer.status == 200 else { throw SyncEngine.failure(answer) }
        let updates = try answer.decode(SMSRelayUpdates.self)
        var collection = SMSCollection()
        for report in updates.reports {
            guard let id = UUID(uuidString: report.messageID), let at = LMISTime.parse(report.at) else {
                throw SyncError.badAnswer("a delivery report without a message id or time")
            }
            let outcome: SMSDeliveryOutcome =
                report.outcome == .delivered ? .delivered : .failed(reason: report.reason ?? "failed")
            collection.reports.append(SMSDeliveryReport(messageID: id, outcome: outcome, at: at))
        }
        for incoming in updates.received {
            guard let at = LMISTime.parse(incoming.receivedAt) else {
                throw SyncError.badAnswer("a reply without a time")
            }
            // The hub routes a reply only to the device that wrote to its number, a mobile number.
            guard let from = try? PhoneNumber(parsing: incoming.from) else {
                throw SyncError.badAnswer("a reply from a number that is no mobile number")
            }
            collection.received.append(IncomingSMS(id: incoming.id, from: from, text: incoming.text, receivedAt: at))
        }
        return collection
    }

    public func acknowledge(_ collection: SMSCollection) async throws {
        if collection.reports.isEmpty, collection.received.isEmpty { return }
        let acknowledgement = SMSRelayAcknowledgement(
            reports: collection.reports.map { $0.messageID.uuidString.lowercased() },
            received: collection.received.map(\.id))
        let answer = try await engine.session().send(
            "POST", LMISPath.smsAcknowledge, body: try LMISCoding.encoder.encode(acknowledgement))
        guard answer.status == 200 else { throw SyncEngine.failure(answer) }
    }
}
