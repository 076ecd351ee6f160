public import Foundation
public import Hummingbird
import HummingbirdTLS
public import Logging
import NIOSSL
public import PostgresNIO

/// The simulated operator serving the operator HTTPS protocol (`OperatorHTTPSGateway`'s contract)
/// over TLS, backed by `SimulatedSMSGateway`'s tables: for tests and demos only. A test makes the
/// certificate, starts this on port 0, and points a hub's `sms_gateway = https` at it, so the hub's
/// messages, reports and replies cross real TLS; `/admin/simulated-sms-gateway` on the hub still
/// drives it and lists what it was given.
public enum SimulatedOperatorServer {
    /// The longest text the simulated operator takes (ten concatenated parts).
    static let maximumText = 1600

    /// The application: `token` is the bearer token it accepts; `certificate` and `key` are PEM files.
    public static func application(
        gateway: SimulatedSMSGateway, token: String, certificate: String, key: String, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) throws -> some ApplicationProtocol {
        let router = Router()
        let expected = "Bearer \(token)"
        @Sendable func authorised(_ request: Request) -> Bool { request.headers[.authorization] == expected }
        router.post("/v1/messages") { request, _ -> Response in
            guard authorised(request) else { return try Self.problem("unauthorized", .unauthorized) }
            let body = try await request.body.collect(upTo: 64 * 1024)
            guard
                let submission = try? JSONDecoder().decode(
                    OperatorSMSWire.Submission.self, from: Data(body.readableBytesView))
            else { return try Self.problem("the body must be {reference, to, text}", .badRequest) }
            let digits = submission.to.dropFirst(4)
            guard submission.to.hasPrefix("+976"), digits.count == 8, digits.allSatisfy({ $0.isASCII && $0.isNumber })
            else { return try Self.problem("to must be +976 and eight digits", .unprocessableContent) }
            guard !submission.text.isEmpty, submission.text.count <= maximumText, !submission.reference.isEmpty else {
                return try Self.problem(
                    "text must hold 1 to \(maximumText) characters, with a reference", .unprocessableContent)
            }
            do {
                let id = try await gateway.submit(
                    SMSGatewayMessage(reference: submission.reference, to: String(digits), text: submission.text))
                return try Self.json(OperatorSMSWire.Answer(id: id, error: nil), .accepted)
            } catch {
                return try Self.problem("\(error)", .serviceUnavailable)
            }
        }
        router.get("/v1/events") { request, _ -> Response in
            guard authorised(request) else { return try Self.problem("unauthorized", .unauthorized) }
            let after = request.uri.queryParameters.get("after")
            let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 100
            guard (1...1000).contains(limit) else { return try Self.problem("limit must be 1–1000", .badRequest) }
            let events = try await gateway.events(after: after, limit: limit).map { event in
                switch event.kind {
                case .report(let id, let delivered, let reason):
                    OperatorSMSWire.Event(
                        position: event.position, type: "report", id: id, status: delivered ? "delivered" : "failed",
                        reason: reason, from: nil, text: nil, at: OperatorSMSWire.text(event.at))
                case .reply(let id, let from, let text):
                    OperatorSMSWire.Event(
                        position: event.position, type: "reply", id: id, status: nil, reason: nil,
                        from: from.hasPrefix("+") ? from : "+976" + from, text: text, at: OperatorSMSWire.text(event.at)
                    )
                }
            }
            return try Self.json(OperatorSMSWire.Events(events: events), .ok)
        }
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        return Application(
            router: router, server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "simulated-sms-operator"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    static func json(_ value: some Encodable, _ status: HTTPResponse.Status) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(value))))
    }

    static func problem(_ text: String, _ status: HTTPResponse.Status) throws -> Response {
        try json(OperatorSMSWire.Answer(id: nil, error: text), status)
    }
}
