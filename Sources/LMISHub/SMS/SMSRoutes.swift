import Foundation
import Hummingbird
import LMISProtocol
import Logging

/// The SMS route's endpoints. Devices (signed, as the sync endpoints): `POST /v1/sms`,
/// `GET /v1/sms/updates`, `POST /v1/sms/updates/acknowledge`; each device sees and acknowledges
/// only its own messages and replies. Operators (admin token): the simulated gateway's controls.
struct SMSRoutes {
    let hub: HubRouter

    func add(to router: Router<BasicRequestContext>) {
        router.post(RouterPath(LMISPath.sms)) { request, _ in
            try await hub.guarded {
                let (sent, inflated) = try await HubRouter.body(request)
                let device = try await hub.authenticate(request, body: sent)
                let relay = try relay()
                let batch = try HubRouter.decode(SMSRelayBatch.self, inflated)
                let accepted: SMSRelayAccepted
                do {
                    accepted = try await relay.accept(batch, device: device.id, office: device.officeCode)
                } catch let refusal as SMSRelay.Refusal {
                    if case .foreignID = refusal {
                        throw HubRouter.Failure(status: .conflict, code: .badRequest, message: refusal.description)
                    }
                    throw HubRouter.Failure(status: .badRequest, code: .badRequest, message: refusal.description)
                }
                let taken = accepted.results.filter { $0.status == .accepted }.count
                hub.logger.info(
                    "SMS handed over",
                    metadata: [
                        "hub.device": "\(device.id)", "hub.sms_accepted": "\(taken)",
                        "hub.sms_duplicate": "\(accepted.results.count - taken)",
                    ])
                return HubRouter.json(accepted, gzip: false)
            }
        }
        router.get(RouterPath(LMISPath.smsUpdates)) { request, _ in
            try await hub.guarded {
                let device = try await hub.authenticate(request, body: Data())
                let updates = try await relay().updates(device: device.id)
                return HubRouter.json(updates, gzip: HubRouter.acceptsGzip(request))
            }
        }
        router.post(RouterPath(LMISPath.smsAcknowledge)) { request, _ in
            try await hub.guarded {
                let (sent, inflated) = try await HubRouter.body(request)
                let device = try await hub.authenticate(request, body: sent)
                let relay = try relay()
                let acknowledgement = try HubRouter.decode(SMSRelayAcknowledgement.self, inflated)
                do {
                    try await relay.acknowledge(acknowledgement, device: device.id)
                } catch let refusal as SMSRelay.Refusal {
                    throw HubRouter.Failure(status: .badRequest, code: .badRequest, message: refusal.description)
                }
                return HubRouter.json(acknowledgement, gzip: false)
            }
        }
        addSimulatedGateway(to: router)
    }

    func relay() throws -> SMSRelay {
        guard let relay = hub.sms else {
            throw HubRouter.Failure(
                status: .serviceUnavailable, code: .notFound,
                message: "this hub forwards no SMS (sms_gateway = none); the office needs its own modem")
        }
        return relay
    }

    struct Control: Codable {
        var refuseNext: Int
        var unreachable: [String]?
    }

    struct Reply: Codable {
        var from: String
        var text: String
    }

    struct ReplyID: Codable { var id: String }

    func addSimulatedGateway(to router: Router<BasicRequestContext>) {
        let admin = AdminRoutes(hub: hub)
        let group = router.group("admin/simulated-sms-gateway")
        group.put { request, _ in
            try await admin.run(request) {
                let control = try HubRouter.decode(Control.self, try await HubRouter.body(request).inflated)
                guard (0...1000).contains(control.refuseNext) else {
                    throw HubRouter.Failure(
                        status: .badRequest, code: .badRequest, message: "refuseNext must be 0–1000")
                }
                try await simulated().control(refuseNext: control.refuseNext, unreachable: control.unreachable ?? [])
                return HubRouter.json(control, gzip: false)
            }
        }
        group.post("replies") { request, _ in
            try await admin.run(request) {
                let reply = try HubRouter.decode(Reply.self, try await HubRouter.body(request).inflated)
                guard !reply.from.isEmpty, !reply.text.isEmpty, reply.text.count <= LMISLimits.smsText else {
                    throw HubRouter.Failure(
                        status: .badRequest, code: .badRequest,
                        message: "from and a text of 1–670 characters are required")
                }
                return HubRouter.json(
                    ReplyID(id: try await simulated().reply(from: reply.from, text: reply.text)), gzip: false)
            }
        }
        group.get("submissions") { request, _ in
            try await admin.run(request) {
                HubRouter.json(try await simulated().submissions(), gzip: HubRouter.acceptsGzip(request))
            }
        }
    }

    func simulated() throws -> SimulatedSMSGateway {
        guard let gateway = hub.sms?.gateway as? SimulatedSMSGateway else {
            throw HubRouter.Failure(
                status: .notFound, code: .notFound, message: "this hub does not use the simulated SMS gateway")
        }
        return gateway
    }
}
