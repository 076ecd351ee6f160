public import HTTPTypes
public import Hummingbird
public import KioskHTTP
public import Logging
public import NIOCore
import NIOEmbedded

/// An answer of the router: its head and the whole body.
public struct TestResponse: Sendable {
    public let head: HTTPResponse
    public var status: HTTPResponse.Status { head.status }
    public var headers: HTTPFields { head.headerFields }
    public let body: ByteBuffer
    public let trailerHeaders: HTTPFields?
}

/// Calls the kiosk's router in the test's own process: a `Request` from method, path, headers and
/// body goes to the router's responder with a fresh `KioskRequestContext`, and the `Response` body
/// is collected. No socket and no HTTP client, so the unit layer builds without AsyncHTTPClient
/// or NIOSSL.
public struct RouterTestClient: Sendable {
    let responder: RouterResponder<KioskRequestContext>
    let logger: Logger

    public init(router: Router<KioskRequestContext>, logger: Logger) {
        responder = router.buildResponder()
        self.logger = logger
    }

    /// One request. A `Content-Length` header is added for a body, as a client would. An error
    /// the router does not turn into a response itself is answered 500, as the server does. An
    /// event stream's body is not read.
    public func request(
        _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: ByteBuffer? = nil
    ) async throws -> TestResponse {
        var headers = headers
        if let body { headers[.contentLength] = String(body.readableBytes) }
        let request = Request(
            head: HTTPRequest(method: method, scheme: "http", authority: "localhost", path: uri, headerFields: headers),
            body: RequestBody(buffer: body ?? ByteBuffer()))
        var logger = logger
        logger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
        let context = KioskRequestContext(
            source: ApplicationRequestContextSource(channel: NIOAsyncTestingChannel(), logger: logger))
        let response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch {
            response = Response(status: .internalServerError)
        }
        // An event stream never ends: its head alone.
        if response.headers[.contentType]?.hasPrefix("text/event-stream") == true {
            return TestResponse(head: response.head, body: ByteBuffer(), trailerHeaders: nil)
        }
        let collected = CollectedBody()
        try await response.body.write(BodyCollector(collected: collected))
        return TestResponse(head: response.head, body: collected.body, trailerHeaders: collected.trailers)
    }

    /// `request`, its answer handed to `check` (the shape the router tests are written in).
    @discardableResult
    public func execute<Return>(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
        _ check: (TestResponse) async throws -> Return = { $0 }
    ) async throws -> Return {
        try await check(request(method, uri, headers: headers, body: body))
    }
}

/// A response body as the router wrote it.
private final class CollectedBody {
    var body = ByteBuffer()
    var trailers: HTTPFields?
}

/// Gathers a response body written by the router (the writer is consumed, the box is kept).
private struct BodyCollector: ResponseBodyWriter {
    let collected: CollectedBody

    func write(_ buffer: ByteBuffer) async throws {
        collected.body.writeImmutableBuffer(buffer)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {
        collected.trailers = trailingHeaders
    }
}
