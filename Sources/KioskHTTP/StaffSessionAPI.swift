import Foundation
import Hummingbird
import KioskCore

/// `/api/v1/staff/session(s)`: signing in at a counter (the session cookie), the current
/// session, signing out; `/api/v1/staff/accounts/{username}/unlock`: the office head lifts a
/// sign-in lock.
struct StaffSessionAPI: Sendable {
    let sessions: StaffSessions
    let authentication: StaffAuthentication
    let strict: StrictJSON
    static let cookie = StaffAuthentication.cookie

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.post("staff/sessions") { request, context in try await signIn(request, source: Self.source(context)) }
        group.get("staff/session") { request, _ in
            try JSON.response(view(try await authentication.requireStaff(request)))
        }
        group.delete("staff/sessions") { request, _ in try await signOut(request) }
        group.post("staff/accounts/:username/unlock") { request, context in
            try await unlock(request, username: context.parameters.require("username"))
        }
    }

    /// The address a request comes from (wrong PINs are counted per username and source).
    static func source(_ context: some RequestContext) -> String {
        guard let address = (context as? any RemoteAddressRequestContext)?.remoteAddress else { return "unknown" }
        return address.ipAddress ?? address.description
    }

    struct SignInRequest: Decodable {
        let username: String
        let pin: String
        let counter: Int
    }

    struct SessionView: Encodable {
        let staffId: String
        let displayName: String
        let role: String
        let counter: Int
        let expiresAt: Date
        let services: [String]
    }

    func view(_ session: StaffSession) -> SessionView {
        SessionView(
            staffId: session.staffID, displayName: session.displayName, role: session.role.rawValue,
            counter: session.counter, expiresAt: session.expiresAt, services: sessions.services(of: session))
    }

    func signIn(_ request: Request, source: String) async throws -> Response {
        let body = try await strict.decode(
            SignInRequest.self, from: request, allowedKeys: ["username", "pin", "counter"])
        let session: StaffSession
        do {
            session = try await sessions.signIn(
                username: body.username, pin: body.pin, counter: body.counter, source: source)
        } catch let error as SignInError {
            // A locked account is told when to try again.
            var answer = APIError(domain: error, locales: strict.locales)
            answer?.retryAfterSeconds = sessions.retryAfterSeconds(error)
            throw answer ?? error
        }
        var response = try JSON.response(view(session), status: .created)
        response.headers[.setCookie] =
            "\(Self.cookie)=\(session.token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(sessions.secondsLeft(in: session))"
        return response
    }

    /// The head lifts `username`'s sign-in locks (every source); recorded in the audit.
    func unlock(_ request: Request, username: String) async throws -> Response {
        let head = try await authentication.require(.manageStaff, request)
        guard try await sessions.unlock(username: username, by: head) else { throw APIError.notFound(strict.locales) }
        return Response(status: .noContent)
    }

    func signOut(_ request: Request) async throws -> Response {
        try await sessions.signOut(try await authentication.requireStaff(request))
        return Response(
            status: .noContent, headers: [.setCookie: "\(Self.cookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"])
    }
}
