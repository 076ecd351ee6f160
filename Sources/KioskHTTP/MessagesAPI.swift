import Foundation
import Hummingbird
import KioskCore

/// The office's text messages for staff (`readMessages`: officers and the head): the modem's
/// state, replies that are not STOP, and messages and parts by kind over the last 30 days.
struct MessagesAPI: Sendable {
    let source: (any MessagesOverviewSource)?
    let authentication: StaffAuthentication
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("staff/messages") { request, _ in
            _ = try await authentication.require(.readMessages, request)
            guard let source else {
                throw APIError(
                    status: .serviceUnavailable, code: "sms.unavailable",
                    message: authentication.locales.both("sms.unavailable"))
            }
            return try JSON.response(try await source.overview(since: now().addingTimeInterval(-30 * 86_400)))
        }
    }
}
