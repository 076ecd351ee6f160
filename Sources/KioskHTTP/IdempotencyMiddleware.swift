import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import Logging
import NIOCore

/// "Take a ticket", registering and filing a grievance are done once per `Idempotency-Key` (a
/// UUID the screen makes for each tap's intent), in two layers:
/// - the handler hands the key to its use case (`Request.requestKey`), whose store records it in the
///   transaction that creates the ticket, registration or grievance; the same key again finds
///   that record and is answered from it. This holds even when the process died between that
///   commit and keeping the answer below;
/// - the first successful answer is kept for a day (`StoredAnswerRepository`) and a request that
///   comes again with the same key, on the same route, gets those very bytes (with
///   `Idempotent-Replayed: true`).
/// Two requests with one key at the same moment are taken one after the other. A request
/// without the header is served as before; a key that is not a UUID is refused with 400.
struct IdempotencyMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes (method and path) answered once per key.
    static var routes: Set<String> {
        [
            "POST /api/v1/tickets", "POST /api/v1/registrations", "POST /api/v1/grievances",
            "POST /api/v1/appointments/check-in", "POST /api/v1/profiling",
        ]
    }
    static var header: HTTPField.Name { Request.idempotencyKey }
    static var replayed: HTTPField.Name { HTTPField.Name("Idempotent-Replayed")! }

    let answers: any StoredAnswerRepository
    let locales: Locales
    let now: @Sendable () -> Date
    let gate = KeyGate()

    init(answers: any StoredAnswerRepository, locales: Locales, now: @escaping @Sendable () -> Date) {
        self.answers = answers
        self.locales = locales
        self.now = now
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let route = "\(request.method.rawValue) \(request.uri.path)"
        guard let raw = request.headers[Self.header], Self.routes.contains(route) else {
            return try await next(request, context)
        }
        guard let uuid = UUID(uuidString: raw) else {
            throw APIError(
                status: .badRequest, code: "invalidIdempotencyKey", message: locales.both("api.invalidIdempotencyKey"),
                field: "Idempotency-Key")
        }
        let key = uuid.uuidString.lowercased()
        await gate.enter(key)
        do {
            let response = try await once(request, context: context, key: key, route: route, next: next)
            await gate.leave(key)
            return response
        } catch {
            await gate.leave(key)
            throw error
        }
    }

    func once(
        _ request: Request, context: Context, key: String, route: String,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let kept = try await answers.answer(key: key, route: route, now: now()) {
            return Response(
                status: HTTPResponse.Status(code: kept.status),
                headers: [.contentType: kept.contentType, .cacheControl: "no-store", Self.replayed: "true"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: kept.body)))
        }
        var response = try await next(request, context)
        // Only a success is kept: a refusal wrote nothing, and the visitor may correct and send again.
        guard (200..<300).contains(response.status.code) else { return response }
        let collected = CollectedBody()
        try await response.body.write(CollectingWriter(collected: collected))
        let body = Data(collected.buffer.readableBytesView)
        do {
            try await answers.keep(
                StoredAnswer(
                    status: response.status.code, contentType: response.headers[.contentType] ?? "application/json",
                    body: body), key: key, route: route, at: now())
        } catch {
            // The work is done and committed: its answer goes out even when it cannot be kept.
            context.logger.warning(
                "answer not kept under its idempotency key",
                metadata: [
                    "kiosk.error.type": "\(String(reflecting: type(of: error)))", "kiosk.request.route": "\(route)",
                ])
        }
        response.body = ResponseBody(byteBuffer: collected.buffer)
        return response
    }
}

extension Request {
    static var idempotencyKey: HTTPField.Name { HTTPField.Name("Idempotency-Key")! }

    /// The request's `Idempotency-Key`, for its use case to record with what it creates; nil without one.
    var requestKey: RequestKey? { headers[Self.idempotencyKey].flatMap { RequestKey($0) } }
}

/// Requests with the same key, one at a time.
actor KeyGate {
    private var busy: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    func enter(_ key: String) async {
        while busy.contains(key) {
            await withCheckedContinuation { waiting[key, default: []].append($0) }
        }
        busy.insert(key)
    }

    func leave(_ key: String) {
        busy.remove(key)
        for waiter in waiting.removeValue(forKey: key) ?? [] { waiter.resume() }
    }
}

/// The bytes a response body writes, kept to be stored and sent.
final class CollectedBody {
    var buffer = ByteBuffer()
}

struct CollectingWriter: ResponseBodyWriter {
    let collected: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        collected.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
