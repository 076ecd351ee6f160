import Foundation
import Hummingbird
import KioskCore

/// Finds the signed-in staff member of a request: the session cookie, or an
/// `Authorization: Bearer` token for API clients. Every staff-only endpoint goes through it.
struct StaffAuthentication: Sendable {
    static let cookie = "kiosk_staff"
    let environment: KioskHTTPEnvironment

    func requireStaff(_ request: Request) async throws -> StaffSession {
        var token: String?
        if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") {
            token = String(authorization.dropFirst(7))
        } else if let cookies = request.headers[.cookie] {
            // `a=1; kiosk_staff=…`: cookies are ASCII, so spaces are trimmed without Foundation
            // (which bridged every part through NSString, on every staff request).
            let prefix = "\(Self.cookie)="
            for part in cookies.split(separator: ";") {
                let pair = part.drop { $0 == " " || $0 == "\t" }
                if pair.hasPrefix(prefix) {
                    var value = pair.dropFirst(prefix.count)
                    while let last = value.last, last == " " || last == "\t" { value = value.dropLast() }
                    token = String(value)
                }
            }
        }
        guard let token, !token.isEmpty,
            let session = try await environment.staff.session(token: token, at: environment.now())
        else {
            throw APIError(
                status: .unauthorized, code: "staff.signInRequired",
                message: environment.locales.both("errors.staff.signInRequired"))
        }
        return session
    }
}
