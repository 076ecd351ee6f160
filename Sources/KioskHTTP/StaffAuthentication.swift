import Foundation
import HTTPTypes
import Hummingbird
import KioskCore

/// Finds the signed-in staff member of a request: the session cookie, or an
/// `Authorization: Bearer` token for API clients. Every staff-only endpoint goes through it.
struct StaffAuthentication: Sendable {
    static let cookie = "kiosk_staff"
    let sessions: StaffSessions
    let locales: Locales

    /// A signed-in member of staff whose role allows `permission` (401 when nobody is signed
    /// in, 403 `staff.role` when the role does not allow it).
    func require(_ permission: StaffPermission, _ request: Request) async throws -> StaffSession {
        let session = try await requireStaff(request)
        guard session.role.allows(permission) else {
            throw APIError(status: .forbidden, code: "staff.role", message: locales.both("errors.staff.role"))
        }
        return session
    }

    func requireStaff(_ request: Request) async throws -> StaffSession {
        var token: String?
        if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") {
            token = String(authorization.dropFirst(7))
        } else {
            token = Self.cookieToken(request.headers)
        }
        guard let token, !token.isEmpty, let session = try await sessions.session(token: token) else {
            throw APIError(
                status: .unauthorized, code: "staff.signInRequired",
                message: locales.both("errors.staff.signInRequired"))
        }
        return session
    }

    /// The session cookie's value, if the request carries one.
    static func cookieToken(_ headers: HTTPFields) -> String? {
        guard let cookies = headers[.cookie] else { return nil }
        // `a=1; kiosk_staff=…`: cookies are ASCII, so spaces are trimmed without Foundation
        // (which bridged every part through NSString, on every staff request).
        var token: String?
        let prefix = "\(Self.cookie)="
        for part in cookies.split(separator: ";") {
            let pair = part.drop { $0 == " " || $0 == "\t" }
            if pair.hasPrefix(prefix) {
                var value = pair.dropFirst(prefix.count)
                while let last = value.last, last == " " || last == "\t" { value = value.dropLast() }
                token = String(value)
            }
        }
        return token
    }
}
