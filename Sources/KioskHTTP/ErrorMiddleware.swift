import Foundation
import HTTPTypes
public import Hummingbird
import KioskCore
import Logging

/// The one place where a failure becomes an answer. Errors that already are answers
/// (`APIError`, Hummingbird's own) pass through; domain errors are mapped by
/// `APIError.init?(domain:locales:)`; anything else is unexpected: it is logged (error type,
/// request id, method, route; never the body, never personal data) and answered 500 with a JSON
/// body in both languages carrying a short reference to give to staff, which the log line holds
/// too. A browser asking for a page gets the same words as a page.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let locales: Locales

    public init(locales: Locales) {
        self.locales = locales
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            if error.status.code >= 500 { log(error, request, context) }
            throw error
        } catch {
            if let mapped = APIError(domain: error, locales: locales) {
                // A full disk and the like: answered plainly, and logged (the error type, never data).
                if mapped.status.code >= 500 { log(error, request, context) }
                throw mapped
            }
            let reference = log(error, request, context)
            return try unexpected(reference: reference, request: request, context: context)
        }
    }

    /// Logs the failure and returns the reference the visitor is shown: the last eight hex digits
    /// of the request id (unique among the process's last four billion requests).
    @discardableResult
    func log(_ error: any Error, _ request: Request, _ context: Context) -> String {
        let id = context.id
        let reference = String(id.suffix(8)).uppercased()
        context.logger.error(
            "request failed",
            metadata: [
                "kiosk.error.type": "\(String(reflecting: type(of: error)))",
                "kiosk.request.id": "\(id)",
                "kiosk.request.reference": "\(reference)",
                "kiosk.request.method": "\(request.method.rawValue)",
                "kiosk.request.route": "\(context.endpointPath ?? "unmatched")",
            ])
        return reference
    }

    func unexpected(reference: String, request: Request, context: Context) throws -> Response {
        var message = locales.both("api.unexpected")
        message.mn = message.mn.replacingOccurrences(of: "{reference}", with: reference)
        message.en = message.en.replacingOccurrences(of: "{reference}", with: reference)
        if request.uri.path.hasPrefix("/api/") || !(request.headers[.accept] ?? "").contains("text/html") {
            var error = APIError(status: .internalServerError, code: "unexpected", message: message)
            error.requestID = reference
            return try error.response(from: request, context: context)
        }
        let page = """
            <!doctype html><html lang="mn"><head><meta charset="utf-8"><title>500</title></head>
            <body><main><p lang="mn">\(message.mn.xmlEscaped)</p><p lang="en">\(message.en.xmlEscaped)</p>
            <p><a href="/kiosk">/kiosk</a></p></main></body></html>
            """
        return Response(
            status: .internalServerError,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }
}
