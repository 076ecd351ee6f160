public import Foundation
import GRDB
public import KioskCore

/// "Are you working?" by SMS for the follow-ups of a placement: one question a follow-up, queued
/// in the placement's own transaction and due on the follow-up's day at `hour` office time, to
/// the person's phone on file if it agreed to `follow_up` messages. A reply of 1, 2 or 3 to the
/// last question a number was sent answers that follow-up (channel SMS), in the reply's own
/// transaction with its outbox record; any other reply is left for staff.
public struct FollowUpTexts: Sendable {
    public var rules: SMSRules
    public var wording: SMSWording
    public var officeCode: String
    public var hour: Int

    public init(rules: SMSRules, wording: SMSWording, officeCode: String, hour: Int = 10) {
        self.rules = rules
        self.wording = wording
        self.officeCode = officeCode
        self.hour = hour
    }

    static let keyPrefix = "follow_up:"

    /// The answer a reply gives: its first digit 1, 2 or 3 (anything around it ignored).
    public static func answer(in text: String) -> FollowUpAnswer? {
        switch text.first(where: { $0.isNumber }) {
        case "1": .stillInJob
        case "2": .otherJob
        case "3": .notWorking
        default: nil
        }
    }

    /// When the question for a follow-up due on `day` goes out.
    public func dueTime(of day: CivilDate) -> Date? {
        rules.calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour))
    }

    func queue(_ followUps: [FollowUp], registrationID: UUID, at now: Date, _ db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT phone, language FROM registration WHERE id = ?",
                arguments: [registrationID.uuidString.lowercased()]),
            let phoneText: String = row["phone"], let phone = try? PhoneNumber(parsing: phoneText)
        else { return }
        let language = Language(code: row["language"]) ?? .mn
        for followUp in followUps {
            guard let due = dueTime(of: followUp.dueOn) else { continue }
            do {
                try db.queueSMS(
                    kind: .followUp, to: phone, text: wording.text("followUpQuestion", kind: .followUp, language, [:]),
                    dedupeKey: Self.keyPrefix + followUp.id.uuidString.lowercased(), rules: rules, at: now,
                    notBefore: due)
            } catch is SMSRefusal {
                continue
            }
        }
    }

    /// Answers the follow-up whose question `message`'s number was sent last, if the reply is an
    /// answer and the follow-up is still open. Returns the follow-up answered.
    func answer(_ message: IncomingSMS, at now: Date, _ db: Database) throws -> UUID? {
        guard let answer = Self.answer(in: message.text),
            let key = try String.fetchOne(
                db,
                sql: """
                    SELECT dedupe_key FROM sms_message
                    WHERE phone = ? AND kind = ? AND state IN ('handed', 'delivered')
                    ORDER BY handed_at DESC LIMIT 1
                    """, arguments: [message.from.digits, SMSKind.followUp.rawValue]),
            let id = UUID(uuidString: String(key.dropFirst(Self.keyPrefix.count)))
        else { return nil }
        let open =
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM follow_up WHERE id = ? AND answer IS NULL",
                arguments: [id.uuidString.lowercased()]) ?? false
        guard open else { return nil }
        _ = try SQLiteEmployerRepository.recordFollowUpAnswer(
            db, officeCode: officeCode, id: id, answer: answer, channel: .sms,
            on: CivilDate(message.receivedAt, calendar: rules.calendar), staffID: nil, at: now)
        return id
    }
}
