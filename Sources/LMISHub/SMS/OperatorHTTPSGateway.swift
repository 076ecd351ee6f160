public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// The operator adapter behind `SMSGateway` (issue 22): HTTP over TLS to the operator's endpoint
/// (`sms_gateway_url`), a bearer token (`sms_gateway_token`), JSON both ways, delivery reports and
/// replies read by polling. The wire format is the project's own (see README, "Operator SMS
/// gateway", and `OperatorSMSWire`) until an operator's real specification is available: an
/// operator whose API differs gets its own adapter beside this one, chosen by `sms_gateway`.
///
/// - `POST {url}/v1/messages` `{"reference", "to": "+976…", "text"}` → `202 {"id"}` (or `200`, or
///   `409 {"id"}` for a reference it already took: taken, not again). `400`/`422` refuse the
///   message for good; `401`/`403`, `429`, `5xx` and a connection that fails are tried again.
/// - `GET {url}/v1/events?after={position}&limit={n}` → `200 {"events": [...]}`, oldest first.
public struct OperatorHTTPSGateway: SMSGateway {
    let baseURL: String
    let token: String
    let client: HTTPClient
    let timeout: TimeAmount

    public enum SetupError: Error, CustomStringConvertible {
        case notHTTPS(String)
        case noToken

        public var description: String {
            switch self {
            case .notHTTPS(let url): "sms_gateway_url must be an https:// address, not \(url)"
            case .noToken: "sms_gateway_token is required for the https gateway"
            }
        }
    }

    /// `caFile`: PEM roots to trust instead of the system's (a test's own CA, or an operator's).
    public init(baseURL: String, token: String, caFile: String? = nil, timeout: Duration = .seconds(15)) throws {
        guard baseURL.lowercased().hasPrefix("https://") else { throw SetupError.notHTTPS(baseURL) }
        guard !token.isEmpty else { throw SetupError.noToken }
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.timeout = .seconds(timeout.components.seconds)
        client = Self.pool(caFile: caFile)
    }

    /// One client per trust store for the life of the process (as `HubClient` keeps its pools).
    static let pools = Mutex<[String: HTTPClient]>([:])

    static func pool(caFile: String?) -> HTTPClient {
        pools.withLock { pools in
            if let pool = pools[caFile ?? ""] { return pool }
            var configuration = HTTPClient.Configuration()
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.minimumTLSVersion = .tlsv12
            if let caFile { tls.trustRoots = .file(caFile) }
            configuration.tlsConfiguration = tls
            configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.redirectConfiguration = .disallow
            let pool = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            pools[caFile ?? ""] = pool
            return pool
        }
    }

    func request(_ method: HTTPMethod, _ path: String, body: Data? = nil) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }

    public func submit(_ message: SMSGatewayMessage) async throws(SMSGatewayError) -> String {
        let status: UInt
        let answer: Data
        do {
            let body = try JSONEncoder().encode(
                OperatorSMSWire.Submission(reference: message.reference, to: "+976" + message.to, text: message.text))
            let response = try await client.execute(request(.POST, "/v1/messages", body: body), timeout: timeout)
            status = response.status.code
            answer = Data((try await response.body.collect(upTo: 64 * 1024)).readableBytesView)
        } catch {
            throw .unavailable("the operator gateway could not be reached: \(String(reflecting: error))")
        }
        let decoded = try? JSONDecoder().decode(OperatorSMSWire.Answer.self, from: answer)
        switch status {
        case 200, 202, 409:
            guard let id = decoded?.id, !id.isEmpty else {
                throw .unavailable("the operator gateway answered \(status) without an id")
            }
            return id
        case 400, 422:
            throw .refused(decoded?.error ?? "HTTP \(status)")
        case 401, 403:
            throw .unavailable("the operator gateway refused the credentials (HTTP \(status))")
        default:
            throw .unavailable("the operator gateway answered HTTP \(status)")
        }
    }

    public func events(after position: String?, limit: Int) async throws -> [SMSGatewayEvent] {
        var query = "limit=\(limit)"
        if let position {
            query += "&after=" + (position.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? position)
        }
        let response = try await client.execute(request(.GET, "/v1/events?" + query), timeout: timeout)
        let body = Data((try await response.body.collect(upTo: 4 * 1024 * 1024)).readableBytesView)
        guard response.status == .ok else {
            throw SMSGatewayError.unavailable("the operator gateway's events answered HTTP \(response.status.code)")
        }
        return try JSONDecoder().decode(OperatorSMSWire.Events.self, from: body).events.map { try $0.event() }
    }
}

/// The JSON of the operator HTTPS protocol (`OperatorHTTPSGateway`), shared with the simulated
/// operator that serves it in tests (`SimulatedOperatorServer`).
public enum OperatorSMSWire {
    public struct Submission: Codable, Sendable {
        /// The hub's id of the message (a UUID); the operator may refuse a second one with 409.
        public var reference: String
        /// `+976` and eight digits.
        public var to: String
        public var text: String
    }

    public struct Answer: Codable, Sendable {
        public var id: String?
        public var error: String?
    }

    public struct Event: Codable, Sendable {
        /// Opaque to the hub, increasing; the next poll asks for events after the last one read.
        public var position: String
        /// `report` or `reply`.
        public var type: String
        /// The operator's id: of the message reported on, or of the reply.
        public var id: String
        /// For a report: `delivered` or `failed`, and why it failed.
        public var status: String?
        public var reason: String?
        /// For a reply: who sent it (`+976…`) and what.
        public var from: String?
        public var text: String?
        /// RFC 3339 in UTC with milliseconds, `2026-12-07T02:00:00.000Z`.
        public var at: String

        func event() throws -> SMSGatewayEvent {
            guard let time = OperatorSMSWire.date(at) else { throw OperatorSMSWire.Malformed("bad time \(at)") }
            switch type {
            case "report":
                guard let status, ["delivered", "failed"].contains(status) else {
                    throw OperatorSMSWire.Malformed("a report's status must be delivered or failed")
                }
                return SMSGatewayEvent(
                    position: position, kind: .report(gatewayID: id, delivered: status == "delivered", reason: reason),
                    at: time)
            case "reply":
                guard let from, let text else { throw OperatorSMSWire.Malformed("a reply needs from and text") }
                return SMSGatewayEvent(
                    position: position, kind: .reply(gatewayID: id, from: from, text: text), at: time)
            default:
                throw OperatorSMSWire.Malformed("unknown event type \(type)")
            }
        }
    }

    public struct Events: Codable, Sendable {
        public var events: [Event]
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
