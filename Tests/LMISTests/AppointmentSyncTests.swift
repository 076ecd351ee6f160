import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISProtocol
import LMISSync
import Testing

/// Appointments and programme referrals reach the hub once each, as they stand; programmes the
/// hub lists reach the kiosk.
@Suite(.serialized) struct AppointmentSyncTests {
    @Test func appointmentsAndProgrammeReferralsReachTheHubOnce() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        try await ReferenceStore(database: kiosk.temp.database).installBundled(
            try Fixtures.bundledReferenceData(), at: Date())
        let person = try await kiosk.register(0)
        let now = Date()
        let appointments = SQLiteAppointmentRepository(database: kiosk.temp.database)
        let today = kiosk.office.today(at: now)
        let kept = try await appointments.book(
            Appointment(
                id: UUIDv7.make(at: now), officeCode: "UB-SB", registrationID: person.id, serviceCode: "Б",
                at: now.addingTimeInterval(3600), officeDay: today, staffID: "ajiltan1", counter: nil,
                bookedBy: "ajiltan1", bookedAt: now), slotMinutes: 20, counter: 3)
        let missed = try await appointments.book(
            Appointment(
                id: UUIDv7.make(at: now), officeCode: "UB-SB", registrationID: person.id, serviceCode: "Б",
                at: now.addingTimeInterval(7200), officeDay: today, staffID: nil, counter: 3,
                bookedBy: "ajiltan1", bookedAt: now), slotMinutes: 20, counter: 3)
        // A second booking of the counsellor ten minutes from the first is refused.
        await #expect(throws: AppointmentError.slotTaken) {
            try await appointments.book(
                Appointment(
                    id: UUIDv7.make(at: now), officeCode: "UB-SB", registrationID: person.id, serviceCode: "Б",
                    at: now.addingTimeInterval(4200), officeDay: today, staffID: "ajiltan1", counter: nil,
                    bookedBy: "ajiltan1", bookedAt: now), slotMinutes: 20, counter: 3)
        }
        _ = try await appointments.change(id: kept.id, to: .checkedIn, ticketID: UUID(), at: now.addingTimeInterval(1))
        let marked = try await appointments.markMissed(
            bookedBefore: now.addingTimeInterval(7201), at: now.addingTimeInterval(2))
        #expect(marked.map(\.id) == [missed.id])

        let programmes = SQLiteProgrammeRepository(database: kiosk.temp.database)
        let youth = try #require(try await programmes.programmes().first { $0.code == "youth" })
        let referral = try await programmes.refer(
            ProgrammeReferral(
                id: UUIDv7.make(at: now), officeCode: "UB-SB", registrationID: person.id, programmeCode: "youth",
                staffID: "ajiltan1", referredAt: now, referredOn: today),
            programme: youth, quota: 1, counter: 3)
        _ = try await programmes.recordOutcome(
            id: referral.id, .completed, on: today, by: "ajiltan1", counter: 3, at: now.addingTimeInterval(3))

        // registration, 2 bookings, a check-in, a missed mark, a referral and its outcome.
        #expect(await kiosk.engine.round().uploaded[.applied] == 7)
        let id = { (uuid: UUID) in uuid.uuidString.lowercased() }
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM appointment WHERE id = '\(id(kept.id))' AND state = 'checkedIn'
                AND staff_id = 'ajiltan1' AND registration_id = '\(id(person.id))'
                """) == 1)
        #expect(
            try hub.count(
                "SELECT count(*) FROM appointment WHERE id = '\(id(missed.id))' AND state = 'missed' AND counter = 3")
                == 1)
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM programme_referral WHERE id = '\(id(referral.id))' AND programme_code = 'youth'
                AND outcome = 'completed' AND outcome_on = '\(today)'
                """) == 1)
        #expect(try hub.count("SELECT sum(kept + missed) FROM appointment_figures WHERE office_code = 'UB-SB'") == 2)
        #expect(
            try hub.count("SELECT used FROM programme_places WHERE office_code = 'UB-SB' AND programme_code = 'youth'")
                == 1)
        // A late copy of an older state changes nothing; the same records sent again are duplicates.
        #expect(await kiosk.engine.round().uploaded.values.reduce(0, +) == 0)
        #expect(try hub.count("SELECT count(*) FROM appointment") == 2)
        #expect(try hub.count("SELECT count(*) FROM programme_referral") == 1)

        // Programmes the hub lists replace the kiosk's (its quota for this office).
        var changed = youth
        changed.quotas = ["UB-SB": 2, "*": 5]
        let document = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(changed))
        let (status, _) = try await hub.call("PUT", "/admin/reference/programmes", [document])
        #expect(status == 200)
        _ = await kiosk.engine.round()
        let youthNow = try #require(try await programmes.programmes().first { $0.code == "youth" })
        #expect(youthNow.quota(office: "UB-SB") == 2)
        await hub.stop()
    }
}
