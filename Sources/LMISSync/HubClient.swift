public import AsyncHTTPClient
public import Foundation
public import LMISProtocol
import NIOCore
import NIOHTTP1
import NIOSSL
public import Synchronization

/// HTTPS to the hub: gzip bodies, signatures with the device key, typed answers.
public final class HubClient: Sendable {
    public let baseURL: String
    let http: HTTPClient
    let timeout: TimeAmount
    /// Set when an answer of this hub names the dictionary coding in `Accept-Encoding` (RFC 7694);
    /// until then, and for hubs that never do, bodies go gzip-compressed.
    let dictionaryAccepted = Mutex(false)

    /// `caFile`: PEM roots to trust instead of the system's (a hub with a private CA).
    public init(baseURL: String, caFile: String? = nil, timeout: Duration = .seconds(60)) throws {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        http = Self.connectionPool(caFile: caFile)
        self.timeout = .seconds(Int64(timeout.components.seconds))
    }

    /// One connection pool per trust setting for the whole process, kept for its lifetime:
    /// sync rounds reuse connections, and no pool is ever dropped without being shut down.
    private static let pools = Mutex<[String: HTTPClient]>([:])
    /// How long a new connection (TCP and TLS) may take: a link that is down is known by then,
    /// apart from the request's own deadline (`timeout`), which covers a slow upload.
    static let connectTimeout: TimeAmount = .seconds(5)
    /// Connections to one hub at most (a kiosk needs few; the 300-kiosk benchmark raises it).
    public static let connectionsPerHost = Mutex(8)

    static func connectionPool(caFile: String?) -> HTTPClient {
        pools.withLock { pools in
            if let pool = pools[caFile ?? ""] { return pool }
            var configuration = HTTPClient.Configuration()
            if let caFile {
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.trustRoots = .file(caFile)
                configuration.tlsConfiguration = tls
            }
            // A refused connection fails the request at once, and a link that does not answer the
            // handshake within `connectTimeout` fails it then, instead of the pool trying again
            // until the request's deadline: the sync loops back off with jitter instead.
            configuration.timeout = .init(connect: connectTimeout, read: .seconds(120))
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.decompression = .disabled
            configuration.httpVersion = .http1Only
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerHost.withLock { $0 }
            let pool = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            pools[caFile ?? ""] = pool
            return pool
        }
    }

    /// A request that got no answer: `silentLink` when nothing answered in time (a connection not
    /// made within `connectTimeout`, a request past its deadline: the link is down or stalled),
    /// else `transport` (refused, reset, unresolvable: something answered, or the address is wrong).
    static func failure(_ error: any Error) -> SyncError {
        let silent: [HTTPClientError] = [.connectTimeout, .deadlineExceeded, .readTimeout]
        if let client = error as? HTTPClientError, silent.contains(client) {
            return .silentLink(String(describing: error))
        }
        if case .connectTimeout? = error as? ChannelError { return .silentLink(String(describing: error)) }
        return .transport(String(describing: error))
    }

    /// Nothing to release: connection pools live as long as the process.
    public func shutdown() async {}

    public struct Answer: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: Data

        public func decode<T: Decodable>(_ type: T.Type) throws -> T {
            do {
                return try LMISCoding.decoder.decode(T.self, from: body)
            } catch {
                throw SyncError.badAnswer("\(T.self): \(error)")
            }
        }

        public var problem: Problem? { try? LMISCoding.decoder.decode(Problem.self, from: body) }

        /// `Retry-After` in seconds, when the hub sent one.
        public var retryAfter: Duration? { headers["retry-after"].flatMap(Int.init).map { .seconds($0) } }
    }

    /// Signing material: the key, its id, and the hub-corrected clock.
    public struct Signer: Sendable {
        public let key: DeviceKey
        public let keyID: String
        public let now: @Sendable () -> Date

        public init(key: DeviceKey, keyID: String, now: @escaping @Sendable () -> Date) {
            self.key = key
            self.keyID = keyID
            self.now = now
        }
    }

    /// The coding of a request body: none up to 1 KiB, else the dictionary coding when this hub
    /// takes it, else gzip.
    func bodyCoding(for body: Data) -> String? {
        guard body.count > 1024 else { return nil }
        return dictionaryAccepted.withLock { $0 } ? UploadEncoding.dictionaryCoding : "gzip"
    }

    /// One request; bodies over 1 KiB go compressed (see `bodyCoding`). Throws `SyncError.transport` when the
    /// hub cannot be reached; any HTTP answer (also errors) comes back as an `Answer`.
    /// `timeout`: this request's deadline instead of the client's.
    public func send(
        _ method: String, _ target: String, body: Data? = nil, signer: Signer?, extraHeaders: [String: String] = [:],
        timeout: Duration? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + target)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Accept-Encoding", value: "gzip")
        request.headers.add(name: "User-Agent", value: "lswo-kiosk")
        var sent = Data()
        let coding = body.map { bodyCoding(for: $0) } ?? nil
        if let body {
            switch coding {
            case UploadEncoding.dictionaryCoding?: sent = UploadEncoding.compress(body)
            case "gzip"?: sent = Gzip.compress(body)
            default: sent = body
            }
            if let coding { request.headers.add(name: "Content-Encoding", value: coding) }
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: sent))
        }
        for (name, value) in extraHeaders { request.headers.add(name: name, value: value) }
        if let signer {
            let timestamp = Int64(signer.now().timeIntervalSince1970)
            for (name, value) in try RequestSigning.headers(
                method: method, target: target, body: sent, keyID: signer.keyID, timestamp: timestamp,
                key: signer.key.privateKey)
            {
                request.headers.add(name: name, value: value)
            }
        }
        let response: HTTPClientResponse
        var buffer: ByteBuffer
        do {
            let deadline = timeout.map { TimeAmount.milliseconds(Int64(SyncEngine.seconds($0) * 1000)) } ?? self.timeout
            response = try await http.execute(request, timeout: deadline)
            buffer = try await response.body.collect(upTo: LMISLimits.inflatedBody)
        } catch {
            throw Self.failure(error)
        }
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        if UploadEncoding.accepted(by: headers["accept-encoding"]) { dictionaryAccepted.withLock { $0 = true } }
        if response.status.code == 415, coding == UploadEncoding.dictionaryCoding {
            // A hub that no longer takes the dictionary (rolled back): gzip from now on.
            dictionaryAccepted.withLock { $0 = false }
            return try await send(
                method, target, body: body, signer: signer, extraHeaders: extraHeaders, timeout: timeout)
        }
        var data = Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        if headers["content-encoding"] == "gzip" {
            do {
                data = try Gzip.decompress(data, limit: LMISLimits.inflatedBody)
            } catch {
                throw SyncError.badAnswer("\(error)")
            }
        }
        return Answer(status: Int(response.status.code), headers: headers, body: data)
    }
}
