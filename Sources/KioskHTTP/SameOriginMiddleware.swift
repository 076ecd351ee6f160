import Foundation
import Hummingbird
import KioskCore
import NIOCore

/// Refuses cross-site state changes made with the staff cookie: a POST, PUT, PATCH or DELETE
/// under `/api/` that carries the session cookie (and no `Authorization: Bearer`, which a page
/// on another site cannot send) must come from the kiosk's own origin (`Origin`, else
/// `Referer`: the request's own host, or the configured public addresses) and, when it has a
/// body, send it as `application/json`, which no plain HTML form can.
struct SameOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    let locales: Locales
    /// `scheme://host[:port]` of the addresses the kiosk is reached at (`public_url`, the TLS one).
    let origins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard [.post, .put, .patch, .delete].contains(request.method), request.uri.path.hasPrefix("/api/"),
            StaffAuthentication.cookieToken(request.headers) != nil,
            request.headers[.authorization]?.hasPrefix("Bearer ") != true
        else { return try await next(request, context) }
        guard let origin = Self.origin(of: request), allowed(origin, request) else {
            throw APIError(
                status: .forbidden, code: "staff.crossOrigin", message: locales.both("errors.staff.crossOrigin"))
        }
        let hasBody =
            (request.headers[.contentLength].flatMap { Int($0) } ?? 0) > 0 || request.headers[.transferEncoding] != nil
        if hasBody,
            request.headers[.contentType]?.lowercased().split(separator: ";").first?
                .trimmingCharacters(in: .whitespaces) != "application/json"
        {
            throw APIError(
                status: .unsupportedMediaType, code: "staff.jsonRequired",
                message: locales.both("errors.staff.jsonRequired"))
        }
        return try await next(request, context)
    }

    /// `Origin`, else the origin of `Referer`; nil when neither says.
    static func origin(of request: Request) -> String? {
        if let origin = request.headers[.origin], origin != "null" { return origin.lowercased() }
        guard let referer = request.headers[.referer] else { return nil }
        return Self.origin(ofURL: referer)
    }

    /// `scheme://host[:port]` of an address.
    static func origin(ofURL text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased()
        else { return nil }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed)\(url.port.map { ":\($0)" } ?? "")"
    }

    func allowed(_ origin: String, _ request: Request) -> Bool {
        if origins.contains(origin) { return true }
        // The host the browser asked for (`Host`), over plain HTTP or TLS.
        guard let authority = request.head.authority?.lowercased() else { return false }
        return origin == "http://\(authority)" || origin == "https://\(authority)"
    }
}
