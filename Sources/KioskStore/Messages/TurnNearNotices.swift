public import Foundation
import GRDB
public import KioskCore

/// "Your turn is near": when a call leaves a waiting ticket with `ahead` people before it (in its
/// service, in order of arrival), and its holder's phone (typed for the ticket at the kiosk, else
/// the one on file) agreed to `turn_near` messages, one message is queued in the call's own transaction (once a ticket: its id is the
/// message's dedupe key). Nothing in it but the ticket number, the count and the status link.
public struct TurnNearNotices: Sendable {
    public var ahead: Int
    public var rules: SMSRules
    public var wording: SMSWording
    /// The office's address phones reach (`public_url`), for the ticket's status link.
    public var publicURL: String

    public init(ahead: Int, rules: SMSRules, wording: SMSWording, publicURL: String) {
        self.ahead = ahead
        self.rules = rules
        self.wording = wording
        self.publicURL = publicURL
    }

    /// Queues the message for the ticket now `ahead` places from the front of `serviceCode`'s
    /// queue, if its holder agreed; a refusal (no consent, the day's limit) leaves the call as it is.
    func queue(afterCallIn serviceCode: String, officeCode: String, day: String, at now: Date, _ db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT t.id, t.printed_code, t.number, t.language, coalesce(tp.phone, r.phone) AS phone
                    FROM ticket t
                    LEFT JOIN ticket_phone tp ON tp.ticket_id = t.id
                    LEFT JOIN registration r ON r.id = t.registration_id
                    WHERE t.office_code = ? AND t.office_day = ? AND t.state = 'waiting' AND t.service_code = ?
                    ORDER BY t.queued_at, t.number LIMIT 1 OFFSET ?
                    """, arguments: [officeCode, day, serviceCode, ahead]),
            let phoneText: String = row["phone"], let phone = try? PhoneNumber(parsing: phoneText)
        else { return }
        let id: String = row["id"]
        let language = Language(code: row["language"]) ?? .mn
        let text = wording.text(
            "turnNear", kind: .turnNear, language,
            [
                "ticket": Ticket.displayNumber(serviceCode: row["printed_code"], number: row["number"]),
                "ahead": "\(ahead)", "link": publicURL + "/t/" + id,
            ])
        do {
            try db.queueSMS(kind: .turnNear, to: phone, text: text, dedupeKey: "turn_near:" + id, rules: rules, at: now)
        } catch is SMSRefusal {
            return
        }
    }

    /// "Your number was called": queued when an officer calls `ticket` again because its holder
    /// has not come (once a ticket), to a consenting phone on file.
    func queueRecall(of ticket: Ticket, at now: Date, _ db: Database) throws {
        let id = ticket.id.uuidString.lowercased()
        guard
            let phoneText = try String.fetchOne(
                db,
                sql: """
                    SELECT coalesce(
                        (SELECT phone FROM ticket_phone WHERE ticket_id = ?),
                        (SELECT phone FROM registration WHERE id = ?))
                    """,
                arguments: [id, ticket.registrationID?.uuidString.lowercased()]),
            let phone = try? PhoneNumber(parsing: phoneText)
        else { return }
        let text = wording.text(
            "turnCalled", kind: .turnNear, ticket.language,
            ["ticket": ticket.displayNumber, "link": publicURL + "/t/" + id])
        do {
            try db.queueSMS(
                kind: .turnNear, to: phone, text: text, dedupeKey: "turn_called:" + id, rules: rules, at: now)
        } catch is SMSRefusal {
            return
        }
    }
}
