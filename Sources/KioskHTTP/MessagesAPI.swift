import Foundation
import Hummingbird
import KioskCore

/// The office's text messages for staff (`readMessages`: officers and the head): the modem's
/// state, replies that are not STOP, and messages and parts by kind over the last 30 days.
struct MessagesAPI: Sendable {
    let source: (any MessagesOverviewSource)?
    let authentication: StaffAuthentication
    let strict: StrictJSON
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
        // A person asks at the desk to get (or stop) a kind of message: staff record it.
        group.post("staff/messages/consent") { request, _ in
            _ = try await authentication.require(.readMessages, request)
            let body = try await strict.decode(
                ConsentRequest.self, from: request, allowedKeys: ["phone", "kind", "granted"])
            let locales = authentication.locales
            let phone: PhoneNumber
            do {
                phone = try PhoneNumber(parsing: body.phone)
            } catch {
                throw APIError(
                    status: .badRequest, code: "sms.phone", message: locales.both("sms.errors.phone"), field: "phone")
            }
            guard let kind = SMSKind(rawValue: body.kind) else {
                throw APIError(
                    status: .badRequest, code: "sms.kind", message: locales.both("sms.errors.kind"), field: "kind")
            }
            guard let source else {
                throw APIError(
                    status: .serviceUnavailable, code: "sms.unavailable", message: locales.both("sms.unavailable"))
            }
            try await source.setConsent(phone: phone, kind: kind, granted: body.granted, at: now())
            return Response(status: .noContent)
        }
    }

    struct ConsentRequest: Decodable {
        let phone: String
        let kind: String
        let granted: Bool
    }
}
