public import HTTPTypes
public import KioskCore
import KioskHTTP
import KioskTestSupport
import NIOCore

extension TestApp {
    /// A session cookie (`kiosk_staff=…`) for a new member of staff with `role`, signed in at
    /// `counter` with the demo PIN.
    public func staffCookie(
        _ client: RouterTestClient, _ id: String, _ role: StaffRole, displayName: String? = nil, counter: Int = 1
    ) async throws -> String {
        try await environment.staff.addStaff(
            id: id, displayName: displayName ?? id, role: role, pin: "2468", at: Fixtures.now)
        let response = try await client.execute(
            uri: "/api/v1/staff/sessions", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"username": "\#(id)", "pin": "2468", "counter": \#(counter)}"#)
        ) { $0 }
        guard response.status == .created else { throw SignInFailed(status: response.status) }
        return String((response.headers[.setCookie] ?? "").split(separator: ";")[0])
    }
}

/// The test's staff sign-in was refused.
public struct SignInFailed: Error {
    public let status: HTTPResponse.Status
}
