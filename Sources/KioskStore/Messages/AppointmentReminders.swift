public import Foundation
import GRDB
public import KioskCore

/// Reminders of a booked appointment by SMS: one the evening before (at `eveningHour`, office
/// time) and one on the day (`hoursBefore` the time, not before the quiet hours end), queued in
/// the booking's own transaction with their due times, to the person's phone on file if it agreed
/// to `appointment_reminder` messages. A check-in, a cancellation or a missed mark takes back
/// what has not gone yet. The text says only the time: no name, no counsellor, no service.
public struct AppointmentReminders: Sendable {
    public var rules: SMSRules
    public var wording: SMSWording
    public var eveningHour: Int
    public var hoursBefore: Int

    public init(rules: SMSRules, wording: SMSWording, eveningHour: Int = 18, hoursBefore: Int = 2) {
        self.rules = rules
        self.wording = wording
        self.eveningHour = eveningHour
        self.hoursBefore = hoursBefore
    }

    static func keys(_ id: UUID) -> [String] {
        let id = id.uuidString.lowercased()
        return ["appointment_eve:" + id, "appointment_day:" + id]
    }

    /// When each reminder is due for `appointment` booked at `now`: the evening before while it is
    /// still ahead; on the day only when the booking was made on an earlier day.
    public func dueTimes(for appointment: Appointment, bookedAt now: Date) -> (evening: Date?, day: Date?) {
        let calendar = rules.calendar
        let dayStart = calendar.startOfDay(for: appointment.at)
        let evening = calendar.date(byAdding: .hour, value: eveningHour - 24, to: dayStart)
        let morning = calendar.date(byAdding: .hour, value: rules.quietUntil, to: dayStart) ?? dayStart
        let onTheDay = max(morning, appointment.at.addingTimeInterval(-TimeInterval(hoursBefore * 3600)))
        let bookedEarlier = calendar.startOfDay(for: now) < dayStart
        return (
            evening.flatMap { $0 > now ? $0 : nil },
            bookedEarlier && onTheDay < appointment.at ? onTheDay : nil
        )
    }

    func queue(for appointment: Appointment, at now: Date, _ db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT phone, language FROM registration WHERE id = ?",
                arguments: [appointment.registrationID.uuidString.lowercased()]),
            let phoneText: String = row["phone"], let phone = try? PhoneNumber(parsing: phoneText)
        else { return }
        let language = Language(code: row["language"]) ?? .mn
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = rules.timeZone
        formatter.dateFormat = "HH:mm"
        let time = formatter.string(from: appointment.at)
        let due = dueTimes(for: appointment, bookedAt: now)
        let keys = Self.keys(appointment.id)
        for (name, key, notBefore) in [
            ("appointmentTomorrow", keys[0], due.evening), ("appointmentToday", keys[1], due.day),
        ] {
            guard let notBefore else { continue }
            do {
                try db.queueSMS(
                    kind: .appointmentReminder, to: phone,
                    text: wording.text(name, kind: .appointmentReminder, language, ["time": time]),
                    dedupeKey: key, rules: rules, at: now, notBefore: notBefore)
            } catch is SMSRefusal {
                continue
            }
        }
    }

    /// Takes back the reminders of `id` not yet handed to the route.
    func withdraw(appointmentID id: UUID, _ db: Database) throws {
        let keys = Self.keys(id)
        try db.execute(
            sql: "DELETE FROM sms_message WHERE state = 'queued' AND dedupe_key IN (?, ?)",
            arguments: [keys[0], keys[1]])
    }
}
