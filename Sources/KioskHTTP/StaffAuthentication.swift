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
            for part in cookies.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix("\(Self.cookie)=") { token = String(pair.dropFirst(Self.cookie.count + 1)) }
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
