import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// Slips and vacancy wording, with locale keys standing in for the texts.
@Suite struct SlipsTests {
    let clock = TestClock()

    var slips: Slips {
        Slips(
            office: Fixtures.office, services: QueueService.demo, publicURL: "http://kiosk.example",
            text: { LocalizedText(mn: "\($0) {n}", en: $0) }, now: clock.now)
    }

    @Test func aTicketSlipCarriesTheNumberTheServiceAndTheStatusPage() throws {
        var ticket = Ticket(
            id: UUID(), officeCode: "UB-SB", officeDay: Fixtures.office.today(at: Fixtures.now), serviceCode: "Б",
            number: 7, priority: .elderly, registrationID: nil, language: .mn, issuedAt: Fixtures.now)
        ticket.serviceCode = "Б"
        let slip = slips.ticket(ticket, WaitEstimate(peopleAhead: 3, minutes: nil))
        #expect(slip.number == "Б-007")
        #expect(slip.service.en == "Career counselling")
        #expect(slip.peopleAhead.mn == "print.ticket.peopleAhead 3")
        #expect(slip.priority?.en == "priority.elderly")
        #expect(slip.wait == nil)
        #expect(slip.statusURL == "http://kiosk.example/t/\(ticket.id.uuidString.lowercased())")
    }

    @Test func theReceiptIsDatedByTheClock() throws {
        clock.advance(days: 1)
        let person = Registration(
            id: UUID(), reference: "UB-SB-000001", officeCode: "UB-SB", revision: 1, details: try Fixtures.details(),
            createdAt: Fixtures.now, updatedAt: Fixtures.now)
        let receipt = slips.receipt(person)
        #expect(receipt.issued == Fixtures.office.localTimestamp(Fixtures.now.addingTimeInterval(86_400)))
        #expect(receipt.hours.en == "print.receipt.everyDay")
        #expect(receipt.nextSteps.count == 3)
    }

    @Test(
        arguments: [
            ((1_200_000, 1_200_000), "1\u{00A0}200\u{00A0}000\u{00A0}₮"),
            ((800_000, 1_200_000), "800\u{00A0}000–1\u{00A0}200\u{00A0}000\u{00A0}₮"),
            ((nil, 900), "up to 900\u{00A0}₮"),
            ((nil, nil), ""),
        ] as [((Int?, Int?), String)])
    func wagesAreWrittenInTugrik(wage: (Int?, Int?), expected: String) {
        let wording = VacancyWording(language: .en) { $0 == "vacancies.wage.upTo" ? "up to {value}" : $0 }
        #expect(wording.wage(VacancyFixtures.vacancy("V-1", "Жолооч", wage: wage)) == expected)
    }
}
