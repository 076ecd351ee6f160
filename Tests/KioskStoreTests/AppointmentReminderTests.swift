import Foundation
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

/// Appointment reminders by SMS: queued with the booking, due the evening before and on the day in
/// the office's time zone, only to a phone that agreed, taken back by a cancellation or a check-in.
@Suite("Appointment reminders by SMS")
struct AppointmentReminderTests {
    static let wording = SMSWording(
        templates: [
            "appointmentTomorrow": LocalizedText(mn: "Маргааш {time}", en: "Tomorrow {time}"),
            "appointmentToday": LocalizedText(mn: "Өнөөдөр {time}", en: "Today {time}"),
        ])

    /// A person with consent (or without), booked for Monday 2026-11-23 at 10:30 office time, booked
    /// on Sunday afternoon (`Fixtures.now`, 14:00 in Ulaanbaatar).
    func book(zone: String, consent: Bool) async throws -> (TemporaryDatabase, SQLiteAppointmentRepository, Appointment)
    {
        let temp = try TemporaryDatabase()
        let timeZone = try #require(TimeZone(identifier: zone))
        let rules = SMSRules(timeZone: timeZone)
        let repository = SQLiteAppointmentRepository(
            database: temp.database, reminders: AppointmentReminders(rules: rules, wording: Self.wording))
        let person = try await SQLiteRegistrationRepository(database: temp.database, officeCode: "UB-SB").register(
            try Fixtures.details(), at: Fixtures.now, by: .kiosk, requestKey: nil)
        if consent {
            try await SQLiteSMSQueue(database: temp.database, rules: rules).setConsent(
                phone: person.details.phone, kind: .appointmentReminder, granted: true, source: .staff,
                at: Fixtures.now)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let at = try #require(calendar.date(from: DateComponents(year: 2026, month: 11, day: 23, hour: 10, minute: 30)))
        let appointment = try await repository.book(
            Appointment(
                id: UUIDv7.make(at: Fixtures.now), officeCode: "UB-SB", registrationID: person.id, serviceCode: "Б",
                at: at, officeDay: CivilDate(at, in: timeZone), staffID: "ajiltan1", counter: nil,
                bookedBy: "ajiltan1", bookedAt: Fixtures.now),
            slotMinutes: 20, counter: 1)
        return (temp, repository, appointment)
    }

    @Test(arguments: [
        ("Asia/Ulaanbaatar", "2026-11-22T10:00:00.000Z", "2026-11-23T00:30:00.000Z"),
        ("Asia/Hovd", "2026-11-22T11:00:00.000Z", "2026-11-23T01:30:00.000Z"),
    ])
    func theEveningBeforeAndTwoHoursBeforeInTheOfficesTime(zone: String, evening: String, day: String) async throws {
        let (temp, _, _) = try await book(zone: zone, consent: true)
        defer { temp.remove() }
        let rows = try await temp.database.testSQL(
            "SELECT kind, text, state, due_at FROM sms_message ORDER BY due_at")
        #expect(
            rows == [
                ["appointment_reminder", "Маргааш 10:30", "queued", evening],
                ["appointment_reminder", "Өнөөдөр 10:30", "queued", day],
            ])
    }

    @Test func nothingGoesToAPhoneThatHasNotAgreed() async throws {
        let (temp, _, _) = try await book(zone: "Asia/Ulaanbaatar", consent: false)
        defer { temp.remove() }
        #expect(try await temp.database.testSQL("SELECT count(*) FROM sms_message") == [["0"]])
    }

    @Test(arguments: [AppointmentState.cancelled, .checkedIn])
    func aCancellationOrACheckInTakesBackWhatHasNotGone(state: AppointmentState) async throws {
        let (temp, repository, appointment) = try await book(zone: "Asia/Ulaanbaatar", consent: true)
        defer { temp.remove() }
        // The evening's reminder has gone to the route; the day's has not.
        _ = try await temp.database.testSQL(
            "UPDATE sms_message SET state = 'handed' WHERE dedupe_key LIKE 'appointment_eve:%'")
        _ = try await repository.change(
            id: appointment.id, to: state, ticketID: state == .checkedIn ? UUID() : nil,
            at: Fixtures.now.addingTimeInterval(3600))
        #expect(
            try await temp.database.testSQL("SELECT state, text FROM sms_message") == [["handed", "Маргааш 10:30"]])
    }

    @Test func bookedOnTheDayItselfNoReminderIsQueued() async throws {
        let rules = SMSRules(timeZone: try #require(TimeZone(identifier: "Asia/Ulaanbaatar")))
        let reminders = AppointmentReminders(rules: rules, wording: Self.wording)
        let at = Fixtures.now.addingTimeInterval(3 * 3600)
        let appointment = Appointment(
            id: UUID(), officeCode: "UB-SB", registrationID: UUID(), serviceCode: "Б", at: at,
            officeDay: CivilDate(at, in: rules.timeZone), staffID: nil, counter: 2, bookedBy: "ajiltan1",
            bookedAt: Fixtures.now)
        let due = reminders.dueTimes(for: appointment, bookedAt: Fixtures.now)
        #expect(due.evening == nil && due.day == nil)
    }
}
