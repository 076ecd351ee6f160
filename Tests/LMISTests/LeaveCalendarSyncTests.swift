import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISProtocol
import LMISSync
import Testing

/// Counsellors' leave days reach the office's other devices through the hub (issue 23): a day
/// entered on one kiosk is on the second kiosk of the same office after a round, taking it back
/// frees it there, a kiosk of another office never receives it, and the last change of a day by
/// its own time wins whatever order the devices upload in. Real SQLite, real PostgreSQL.
@Suite(.serialized) struct LeaveCalendarSyncTests {
    static let day = CivilDate(year: 2026, month: 3, day: 3)!

    /// The leave days a kiosk holds, as `staff/day`.
    func leave(_ kiosk: KioskHarness) async throws -> [String] {
        try await SQLiteAppointmentRepository(database: kiosk.temp.database)
            .leaveDays(staffID: nil, from: CivilDate(year: 2026, month: 1, day: 1)!, through: Self.day.adding(days: 30))
            .map { "\($0.staffID)/\($0.date)" }
    }

    func add(_ kiosk: KioskHarness, _ staffID: String, _ day: CivilDate, at instant: Date) async throws {
        try await SQLiteAppointmentRepository(database: kiosk.temp.database).addLeave(
            LeaveDay(staffID: staffID, date: day, enteredBy: "darga", enteredAt: instant),
            officeCode: kiosk.office.code, counter: 4)
    }

    func remove(_ kiosk: KioskHarness, _ staffID: String, _ day: CivilDate, at instant: Date) async throws -> Bool {
        try await SQLiteAppointmentRepository(database: kiosk.temp.database).removeLeave(
            staffID: staffID, date: day, by: "darga", officeCode: kiosk.office.code, counter: 4, at: instant)
    }

    @Test func aLeaveDayReachesTheOfficesOtherDeviceOnlyAndItsRemovalFreesIt() async throws {
        let hub = try await HubHarness.start()
        let first = try KioskHarness()
        let second = try KioskHarness()
        let elsewhere = try KioskHarness(officeCode: "UB-BZ")
        defer { [first, second, elsewhere].forEach { $0.temp.remove() } }
        for kiosk in [first, second, elsewhere] { try await kiosk.enrol(hub) }
        let now = Date()

        try await add(first, "ajiltan2", Self.day, at: now)
        // Entering the same day again changes nothing and sends nothing.
        try await add(first, "ajiltan2", Self.day, at: now.addingTimeInterval(1))
        #expect(try await first.scalar("SELECT count(*) FROM outbox WHERE record_type = 'calendar.changed'") == 1)
        // A registration in the same round still applies under the wrapped record function.
        let person = try await first.register(1)
        #expect(await first.engine.round().uploaded[.applied] == 2)
        #expect(
            try hub.count(
                "SELECT count(*) FROM person WHERE first_office = 'UB-SB' AND id IN "
                    + "(SELECT person_id FROM registration WHERE id = '\(person.id.uuidString.lowercased())')") == 1)
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM office_calendar_day WHERE office_code = 'UB-SB' AND staff_id = 'ajiltan2'
                AND day = '2026-03-03' AND NOT removed AND changed_by = 'darga'
                """) == 1)
        _ = await second.engine.round()
        _ = await elsewhere.engine.round()
        #expect(try await leave(second) == ["ajiltan2/2026-03-03"])
        #expect(try await leave(elsewhere) == [])
        // The second kiosk does not send back what it received.
        #expect(try await second.scalar("SELECT count(*) FROM outbox WHERE record_type = 'calendar.changed'") == 0)

        // Taken back on the second kiosk: freed on the first after its round; sent once.
        #expect(try await remove(second, "ajiltan2", Self.day, at: now.addingTimeInterval(5)))
        #expect(await second.engine.round().uploaded[.applied] == 1)
        _ = await first.engine.round()
        #expect(try await leave(first) == [])
        #expect(try hub.count("SELECT count(*) FROM office_calendar_day WHERE removed") == 1)
        // Another round moves nothing.
        #expect(await first.engine.round().uploaded.values.reduce(0, +) == 0)
        #expect(try await leave(first) == [])
        #expect(try await leave(second) == [])
        #expect(try await leave(elsewhere) == [])
        await hub.stop()
    }

    @Test func theLastChangeByItsOwnTimeWinsWhateverOrderTheyArrive() async throws {
        let hub = try await HubHarness.start()
        let first = try KioskHarness()
        let second = try KioskHarness()
        defer { [first, second].forEach { $0.temp.remove() } }
        for kiosk in [first, second] { try await kiosk.enrol(hub) }
        let now = Date()
        // Both offline: the first enters the day at t+30; the second enters it at t+40 and takes
        // it back at t+50. The second uploads first; the first's older entry arrives last.
        try await add(first, "ajiltan1", Self.day, at: now.addingTimeInterval(30))
        try await add(second, "ajiltan1", Self.day, at: now.addingTimeInterval(40))
        #expect(try await remove(second, "ajiltan1", Self.day, at: now.addingTimeInterval(50)))
        #expect(await second.engine.round().uploaded[.applied] == 2)
        #expect(await first.engine.round().uploaded[.applied] == 1)
        // The hub keeps the removal; the first kiosk, holding its older entry, gives it up.
        #expect(try hub.count("SELECT count(*) FROM office_calendar_day WHERE removed") == 1)
        #expect(try hub.count("SELECT count(*) FROM office_calendar_day WHERE NOT removed") == 0)
        _ = await first.engine.round()
        _ = await second.engine.round()
        #expect(try await leave(first) == [])
        #expect(try await leave(second) == [])

        // A later entry on the first kiosk wins over the removal everywhere.
        try await add(first, "ajiltan1", Self.day, at: now.addingTimeInterval(60))
        _ = await first.engine.round()
        _ = await second.engine.round()
        #expect(try await leave(second) == ["ajiltan1/2026-03-03"])
        await hub.stop()
    }

    /// A change sent by a device of one office for another office is refused and quarantined.
    @Test func aChangeForAnotherOfficeIsRefused() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        let now = Date()
        let id = UUIDv7.make(at: now).uuidString.lowercased()
        let change = CalendarChanged(
            change: .init(
                id: id, officeCode: "UB-BZ", kind: "leave", staffID: "ajiltan1", day: "2026-03-03", action: "added",
                by: "darga", at: now))
        let payload = String(decoding: try OutboxPayload.encoder.encode(change), as: UTF8.self)
        _ = try await kiosk.temp.database.testSQL(
            """
            INSERT INTO outbox (id, office_code, seq, record_type, payload, created_at)
            VALUES (?, 'UB-SB', 1, 'calendar.changed', ?, ?)
            """, arguments: [id, payload, LMISTime.timestamp(now)])
        #expect(await kiosk.engine.round().uploaded[.rejected] == 1)
        #expect(try hub.count("SELECT count(*) FROM office_calendar_day") == 0)
        #expect(
            try hub.count(
                "SELECT count(*) FROM quarantine WHERE record_type = 'calendar.changed' AND reason LIKE '%office UB-BZ%'"
            )
                == 1)
        await hub.stop()
    }

    /// An office in Asia/Hovd (UTC+7) at 00:30 on Tuesday 3 March, still Monday 2 March in UTC:
    /// the head enters leave for "today", the office's Tuesday (Monday is past there). On the
    /// office's second kiosk, after a round, booking that counsellor on Tuesday is refused and
    /// Wednesday is free; the leave day is the office's civil day, not shifted by the UTC one.
    @Test func aHovdOfficeDayAcrossTheUTCDateLine() async throws {
        let hub = try await HubHarness.start()
        let first = try KioskHarness(officeCode: "MN-043")
        let second = try KioskHarness(officeCode: "MN-043")
        defer { [first, second].forEach { $0.temp.remove() } }
        for kiosk in [first, second] { try await kiosk.enrol(hub) }
        // 2026-03-02T17:30Z is 00:30 on 3 March in Hovd.
        let instant = Date(timeIntervalSince1970: 1_772_472_600)
        let hovd = Office(
            code: "MN-043", name: LocalizedText(mn: "Ховд", en: "Khovd"), adminUnitCode: "MN-043",
            timeZone: TimeZone(identifier: "Asia/Hovd")!)
        #expect(hovd.today(at: instant) == Self.day)
        let head = StaffSession(
            token: "t", staffID: "darga", displayName: "Дарга", role: .head, counter: 4, expiresAt: .distantFuture)
        func desk(_ kiosk: KioskHarness) async throws -> Appointments {
            let staff = SQLiteStaffRepository(
                database: kiosk.temp.database, hasher: YescryptPINHasher(), counters: [1, 2, 3, 4])
            if try await staff.staffCount() == 0 {
                try await staff.addStaff(id: "darga", displayName: "Дарга", role: .head, pin: "482913", at: instant)
                try await staff.addStaff(
                    id: "ajiltan2", displayName: "Сарангэрэл", role: .staff, pin: "482914", at: instant)
            }
            let registrations = SQLiteRegistrationRepository(database: kiosk.temp.database, officeCode: hovd.code)
            let queue = SQLiteQueueRepository(
                database: kiosk.temp.database, office: hovd, services: QueueService.demo, policy: QueuePolicy())
            return Appointments(
                repository: SQLiteAppointmentRepository(database: kiosk.temp.database), registrations: registrations,
                desk: TicketDesk(
                    queue: queue, registrations: registrations, services: QueueService.demo, office: hovd,
                    now: { instant }),
                office: hovd, calendar: OfficeCalendar(), counsellors: staff, now: { instant })
        }
        let onFirst = try await desk(first)
        let onSecond = try await desk(second)
        let monday = CivilDate(year: 2026, month: 3, day: 2)!
        await #expect(throws: AppointmentError.inPast) {
            _ = try await onFirst.addLeave(staffID: "ajiltan2", date: monday, by: head)
        }
        _ = try await onFirst.addLeave(staffID: "ajiltan2", date: Self.day, by: head)
        _ = await first.engine.round()
        _ = await second.engine.round()
        #expect(try await leave(second) == ["ajiltan2/2026-03-03"])

        let person = try await second.register(7)
        let booking = { (day: CivilDate) in
            AppointmentBooking(
                registrationID: person.id, serviceCode: "Б", date: day, minute: 10 * 60, staffID: "ajiltan2",
                counter: nil)
        }
        await #expect(throws: AppointmentError.onLeave) { _ = try await onSecond.book(booking(Self.day), by: head) }
        let wednesday = try await onSecond.book(booking(Self.day.adding(days: 1)), by: head)
        #expect(wednesday.officeDay == Self.day.adding(days: 1))
        #expect(try await onSecond.freeDays(staffID: "ajiltan2", after: monday, count: 1) == [Self.day.adding(days: 1)])
        await hub.stop()
    }
}
