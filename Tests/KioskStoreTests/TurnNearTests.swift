import Foundation
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite("Your turn is near")
struct TurnNearTests {
    @Test func theCallThatLeavesThreeAheadQueuesOneMessageInItsTransactionAndOnlyWithConsent() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let rules = SMSRules(timeZone: Fixtures.office.timeZone)
        let wording = SMSWording(
            templates: [
                "turnNear": LocalizedText(
                    mn: "{ticket}: өмнө {ahead} хүн. {link}", en: "{ticket}: {ahead} ahead. {link}"),
                "turnCalled": LocalizedText(mn: "{ticket} called. {link}", en: "{ticket} called. {link}"),
            ])
        let queue = SQLiteQueueRepository(
            database: temp.database, office: Fixtures.office, services: QueueService.demo, policy: QueuePolicy(),
            turnNear: TurnNearNotices(ahead: 3, rules: rules, wording: wording, publicURL: "https://office.example"))
        let person = try await SQLiteRegistrationRepository(database: temp.database, officeCode: "UB-SB").register(
            try Fixtures.details(), at: Fixtures.now, by: .kiosk, requestKey: nil)
        var otherForm = Fixtures.form(registryNumber: Fixtures.registryNumber(7))
        otherForm.phone = "88112233"
        let other = try await SQLiteRegistrationRepository(database: temp.database, officeCode: "UB-SB").register(
            try Fixtures.details(otherForm), at: Fixtures.now, by: .kiosk, requestKey: nil)
        let sms = SQLiteSMSQueue(database: temp.database, rules: rules)
        try await sms.setConsent(
            phone: person.details.phone, kind: .turnNear, granted: true, source: .kiosk, at: Fixtures.now)
        let service = QueueService.demo[0]
        var tickets: [Ticket] = []
        for index in 0..<6 {
            // The fifth is the person's; the sixth is someone who has not agreed.
            let holder = index == 4 ? person.id : index == 5 ? other.id : nil
            tickets.append(
                try await queue.issue(
                    service: service, priority: nil, registrationID: holder, language: .mn, ratingDigest: nil,
                    requestKey: nil, at: Fixtures.now.addingTimeInterval(Double(index))
                ).ticket)
        }
        #expect(try await temp.database.testSQL("SELECT count(*) FROM sms_message") == [["0"]])
        // The first call leaves the fifth ticket with three ahead.
        let counters = service.counters
        _ = try await queue.callNext(
            counter: counters[0], staffID: "ajiltan1", services: [service.code], at: Fixtures.now.addingTimeInterval(60)
        )
        let messages = try await temp.database.testSQL("SELECT kind, phone, text FROM sms_message")
        let link = "https://office.example/t/" + tickets[4].id.uuidString.lowercased()
        #expect(
            messages == [
                ["turn_near", person.details.phone.digits, "\(tickets[4].displayNumber): өмнө 3 хүн. \(link)"]
            ])
        // Further calls: none again for the fifth, nothing for the sixth (its number has not agreed).
        for minute in 2...4 {
            _ = try await queue.callNext(
                counter: counters[0], staffID: "ajiltan1", services: [service.code],
                at: Fixtures.now.addingTimeInterval(Double(minute) * 60))
        }
        #expect(try await temp.database.testSQL("SELECT count(*) FROM sms_message") == [["1"]])
        #expect(!messages[0][2]!.contains(person.details.registryNumber.description))
        // The fifth is called, and called again when its holder has not come: one more message.
        let fifth = try #require(
            try await queue.callNext(
                counter: counters[0], staffID: "ajiltan1", services: [service.code],
                at: Fixtures.now.addingTimeInterval(400)))
        #expect(fifth.id == tickets[4].id)
        _ = try await queue.act(ticketID: fifth.id, .recall, by: counters[0], at: Fixtures.now.addingTimeInterval(500))
        let recalled = try await temp.database.testSQL(
            "SELECT text FROM sms_message WHERE dedupe_key = 'turn_called:' || ?",
            arguments: [fifth.id.uuidString.lowercased()])
        #expect(recalled == [["\(fifth.displayNumber) called. \(link)"]])
    }
}
