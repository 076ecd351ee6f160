import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTP
import KioskHTTPTestSupport
import KioskStore
import KioskTestSupport
import NIOCore
import Testing

/// Counsellors' leave days over the real router and a SQLite file: the head enters anyone's,
/// an officer their own; nobody is booked with a counsellor on leave; the appointments already
/// booked that day come back for rebooking; the booking screen's next free days skip the leave.
@Suite struct LeaveDayAPITests {
    @Test func leaveDaysBlockBookingsAndListTheAppointmentsToRebook() async throws {
        let app = try await TestApp(clock: TestClock())
        let person = try await AppointmentAndProgrammeAPITests().person(app, 1)
        try await app.test { client in
            let sign = { (id: String, role: StaffRole, counter: Int) in
                try await AppointmentAndProgrammeAPITests().signIn(client, app, id, role: role, counter: counter)
            }
            #expect(try await client.json(.post, "/api/v1/staff/appointments/leave", "{}").0.status == .unauthorized)
            let technician = try await sign("tech", .technician, 1)
            let bold = try await sign("bold", .staff, 2)
            let saraa = try await sign("saraa", .staff, 3)
            let head = try await sign("dulam", .head, 4)
            let leave = { (cookie: String, staff: String, date: String) in
                try await client.staffPost(
                    "/api/v1/staff/appointments/leave", #"{"staffId": "\#(staff)", "date": "\#(date)"}"#, cookie: cookie
                )
            }
            let book = { (date: String, time: String) in
                try await client.staffPost(
                    "/api/v1/staff/appointments",
                    #"{"registrationId": "\#(person.id.uuidString)", "serviceCode": "Б", "date": "\#(date)", "time": "\#(time)", "staffId": "bold"}"#,
                    cookie: bold)
            }
            // Tuesday 24 November, booked before the leave was known.
            let (created, appointment) = try await book("2026-11-24", "10:00")
            #expect(created.status == .created)

            #expect(try await leave(technician, "bold", "2026-11-24").1.error["code"] as? String == "staff.role")
            let (notYours, notYoursBody) = try await leave(saraa, "bold", "2026-11-24")
            #expect(
                notYours.status == .forbidden && notYoursBody.error["code"] as? String == "appointment.notYourLeave")
            let message = notYoursBody.error["message"] as? [String: String]
            #expect(message?["mn"]?.contains("дарга") == true && message?["en"]?.contains("head") == true)
            #expect(try await leave(bold, "bold", "2026-11-20").1.error["code"] as? String == "appointment.inPast")
            #expect(try await leave(bold, "bold", "24.11.2026").1.error["field"] as? String == "date")

            let (added, addedBody) = try await leave(bold, "bold", "2026-11-24")
            #expect(added.status == .created)
            let toRebook = try #require(addedBody["toRebook"] as? [[String: Any]])
            #expect(toRebook.map { $0["id"] as? String } == [appointment["id"] as? String])
            #expect(toRebook.first?["displayName"] != nil)
            #expect(
                addedBody["nextFreeDays"] as? [String]
                    == ["2026-11-22", "2026-11-23", "2026-11-25", "2026-11-27", "2026-11-28"],
                "the test office opens every day: the 24th away, Thursday 26th a public holiday")
            // The head enters another's; twice is once.
            #expect(try await leave(head, "saraa", "2026-11-25").0.status == .created)
            #expect(try await leave(head, "saraa", "2026-11-25").0.status == .created)
            #expect(
                try await leave(head, "nobody", "2026-11-25").1.error["code"] as? String
                    == "appointment.unknownCounsellor")

            // Nobody more is booked with him that day; the day and the lists say who is away.
            let (refused, refusal) = try await book("2026-11-24", "11:00")
            #expect(refused.status == .conflict && refusal.error["code"] as? String == "appointment.onLeave")
            #expect((refusal.error["message"] as? [String: String])?["mn"]?.contains("чөлөөтэй") == true)
            let (_, day) = try await client.staffGet("/api/v1/staff/appointments?date=2026-11-24", cookie: saraa)
            #expect(day["onLeave"] as? [String] == ["bold"])
            let (_, listed) = try await client.staffGet("/api/v1/staff/appointments/leave", cookie: saraa)
            #expect(
                (listed["leave"] as? [[String: Any]])?.map { "\($0["staffId"]!)/\($0["date"]!)" }
                    == ["bold/2026-11-24", "saraa/2026-11-25"])
            let (_, free) = try await client.staffGet(
                "/api/v1/staff/appointments/free-days?staffId=saraa", cookie: bold)
            #expect((free["days"] as? [String])?.prefix(4) == ["2026-11-22", "2026-11-23", "2026-11-24", "2026-11-27"])

            // Taken back by its owner: booking works again; taking back twice is refused.
            let remove = #"{"staffId": "bold", "date": "2026-11-24"}"#
            #expect(
                try await client.staffPost("/api/v1/staff/appointments/leave/remove", remove, cookie: saraa).0.status
                    == .forbidden)
            #expect(
                try await client.staffPost("/api/v1/staff/appointments/leave/remove", remove, cookie: bold).0.status
                    == .noContent)
            #expect(
                try await client.staffPost("/api/v1/staff/appointments/leave/remove", remove, cookie: bold).0.status
                    == .notFound)
            #expect(try await book("2026-11-24", "11:00").0.status == .created)
        }
    }
}
