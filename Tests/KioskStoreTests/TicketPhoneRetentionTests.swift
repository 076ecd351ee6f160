import Foundation
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

/// A phone typed at the kiosk for one ticket's "turn near" texts is kept only while that ticket
/// is open and only on its office day (issue 22: collect only what the service needs).
@Suite("Phones typed for a ticket are forgotten once it is over")
struct TicketPhoneRetentionTests {
    @Test func aTypedPhoneAndItsConsentGoWhenTheTicketIsOverOrTheDayEnds() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let queue = SQLiteQueueRepository(
            database: temp.database, office: Fixtures.office, services: QueueService.demo, policy: QueuePolicy())
        let person = try await SQLiteRegistrationRepository(database: temp.database, officeCode: "UB-SB").register(
            try Fixtures.details(), at: Fixtures.now, by: .kiosk, requestKey: nil)
        let texts = SQLiteTicketTexts(database: temp.database)
        let service = QueueService.demo[0]
        var tickets: [Ticket] = []
        for index in 0..<3 {
            tickets.append(
                try await queue.issue(
                    service: service, priority: nil, registrationID: index == 2 ? person.id : nil, language: .mn,
                    ratingDigest: nil, requestKey: nil, at: Fixtures.now.addingTimeInterval(Double(index))
                ).ticket)
        }
        // Two visitors type numbers; the registered person uses the phone on file.
        let first = try PhoneNumber(parsing: "88001122")
        let second = try PhoneNumber(parsing: "99001133")
        try await texts.record(
            ticketID: tickets[0].id, .init(phone: first, turnNear: true), onFile: nil, at: Fixtures.now)
        try await texts.record(
            ticketID: tickets[1].id, .init(phone: second, turnNear: true), onFile: nil, at: Fixtures.now)
        try await texts.record(
            ticketID: tickets[2].id, .init(phone: nil, turnNear: true), onFile: person.details.phone, at: Fixtures.now)
        let today = CivilDate(Fixtures.now, in: Fixtures.office.timeZone)
        #expect(try await texts.forgetTicketPhones(today: today) == 0)

        // The first ticket is served and finished: its number and consent go; the rest stay.
        _ = try await queue.callNext(
            counter: service.counters[0], staffID: "ajiltan1", services: [service.code],
            at: Fixtures.now.addingTimeInterval(60))
        try await temp.database.testSQL(
            "UPDATE ticket SET state = 'finished' WHERE id = '\(tickets[0].id.uuidString.lowercased())'")
        #expect(try await texts.forgetTicketPhones(today: today) == 1)
        #expect(try await temp.database.testSQL("SELECT phone FROM ticket_phone") == [[second.digits]])
        let kept = [person.details.phone.digits, second.digits].sorted()
        #expect(
            try await temp.database.testSQL("SELECT phone FROM sms_consent WHERE kind = 'turn_near' ORDER BY phone")
                == kept.map { [$0] })

        // The next office day: the still-waiting ticket's number goes too; the phone on file keeps its consent.
        let tomorrow = CivilDate(Fixtures.now.addingTimeInterval(86_400), in: Fixtures.office.timeZone)
        #expect(try await texts.forgetTicketPhones(today: tomorrow) == 1)
        #expect(try await temp.database.testSQL("SELECT count(*) FROM ticket_phone") == [["0"]])
        #expect(
            try await temp.database.testSQL("SELECT phone FROM sms_consent WHERE kind = 'turn_near'")
                == [[person.details.phone.digits]])
    }
}
