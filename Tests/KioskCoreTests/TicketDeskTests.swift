import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// The queue use case over in-memory stores and a hand-moved clock.
@Suite struct TicketDeskTests {
    let clock = TestClock()
    let queue = InMemoryQueueRepository(services: QueueService.demo)
    let people = InMemoryRegistrationRepository()

    func desk(_ services: [QueueService] = QueueService.demo) -> TicketDesk {
        TicketDesk(queue: queue, registrations: people, services: services, office: Fixtures.office, now: clock.now)
    }

    func officer(_ counter: Int, _ id: String = "bold") -> StaffSession {
        StaffSession(
            token: id, staffID: id, displayName: id, role: .staff, counter: counter,
            expiresAt: clock.now().addingTimeInterval(3600))
    }

    func refusal(_ field: String, _ code: String) -> ValidationFailure {
        ValidationFailure(errors: [FieldError(field: field, code: code)])
    }

    @Test func aClosedServiceIssuesNoTicketUntilItsNextWorkingDay() async throws {
        // Fixtures.now is a Sunday, 14:00; the standard hours are Monday to Friday.
        var service = QueueService.demo[0]
        service.hours = .standard
        let desk = desk([service])
        #expect(!desk.isOpen(service))
        await #expect(throws: TicketDeskError.closed) { try await desk.issue(TicketRequest(serviceCode: "А")) }
        clock.advance(days: 1)
        #expect(desk.isOpen(service))
        let issued = try await desk.issue(TicketRequest(serviceCode: "А"))
        #expect(issued.ticket.displayNumber == "А-001")
        #expect(issued.ticket.issuedAt == Fixtures.now.addingTimeInterval(86_400))
    }

    @Test func numbersStartAgainEachOfficeDay() async throws {
        let desk = desk()
        _ = try await desk.issue(TicketRequest(serviceCode: "А"))
        #expect(try await desk.issue(TicketRequest(serviceCode: "А")).ticket.number == 2)
        clock.advance(days: 1)
        #expect(try await desk.issue(TicketRequest(serviceCode: "А")).ticket.number == 1)
    }

    @Test func aServiceThatNeedsARegistrationTakesOnlyAKnownOne() async throws {
        let desk = desk()
        await #expect(throws: refusal("serviceCode", "queue.unknownService")) {
            try await desk.issue(TicketRequest(serviceCode: "Я"))
        }
        await #expect(throws: refusal("priority", "unknownCode")) {
            try await desk.issue(TicketRequest(serviceCode: "А", priority: "vip"))
        }
        await #expect(throws: refusal("registrationId", "queue.registrationRequired")) {
            try await desk.issue(TicketRequest(serviceCode: "В"))
        }
        await #expect(throws: refusal("registrationId", "queue.unknownRegistration")) {
            try await desk.issue(TicketRequest(serviceCode: "В", registrationID: UUID().uuidString))
        }
        let person = try await people.register(try Fixtures.details(), at: clock.now(), by: .kiosk)
        let issued = try await desk.issue(
            TicketRequest(serviceCode: "В", priority: "elderly", registrationID: person.id.uuidString, language: .en))
        #expect(issued.ticket.registrationID == person.id)
        #expect(issued.ticket.priority == .elderly)
        #expect(issued.ticket.language == .en)
    }

    @Test func aCounterCallsOnlyItsOwnServices() async throws {
        let desk = desk()
        #expect(desk.services(atCounter: 3) == ["Б", "В"])
        #expect(desk.services(atCounter: 1) == ["А", "В"])
        let general = try await desk.issue(TicketRequest(serviceCode: "А"))
        clock.advance(by: 60)
        await #expect(throws: TicketActionError.noTicketWaiting) { try await desk.callNext(counter: 3, by: officer(3)) }
        await #expect(throws: TicketActionError.wrongCounter) { try await desk.callNext(counter: 2, by: officer(3)) }
        let called = try await desk.callNext(counter: 1, by: officer(1))
        #expect(called.id == general.ticket.id)
        #expect(called.counter == 1)
        #expect(desk.noShowInSeconds(called) == 120)
    }

    @Test func officersRecallTransferAndFinishTheirTicketsOnly() async throws {
        let desk = desk()
        let issued = try await desk.issue(TicketRequest(serviceCode: "А"))
        let called = try await desk.callNext(counter: 1, by: officer(1))
        #expect(try await desk.act(ticketID: called.id, .recall, by: officer(1)).recalls == 1)
        await #expect(throws: TicketActionError.wrongCounter) {
            try await desk.act(ticketID: called.id, .start, by: officer(2, "saraa"))
        }
        await #expect(throws: TicketActionError.graceNotOver) {
            try await desk.act(ticketID: called.id, .noShow(backToQueue: true), by: officer(1))
        }
        clock.advance(by: 121)
        #expect(desk.noShowInSeconds(called) == 0)
        let requeued = try await desk.act(ticketID: called.id, .noShow(backToQueue: true), by: officer(1))
        #expect(requeued.state == .waiting)
        #expect(try await desk.callNext(counter: 1, by: officer(1)).id == issued.ticket.id)
        let transferred = try await desk.act(ticketID: issued.ticket.id, .transfer(toService: "Д"), by: officer(1))
        #expect(transferred.serviceCode == "Д")
        #expect(transferred.displayNumber == "А-001")
        await #expect(throws: TicketActionError.unknownService) {
            try await desk.act(ticketID: issued.ticket.id, .transfer(toService: "Я"), by: officer(1))
        }
        let again = try await desk.callNext(counter: 5, by: officer(5))
        _ = try await desk.act(ticketID: again.id, .start, by: officer(5))
        let finished = try await desk.act(ticketID: again.id, .finish(.counselled), by: officer(5))
        #expect(finished.state == .finished)
        await #expect(throws: QueueStoreError.ticketNotFound) {
            try await desk.act(ticketID: UUID(), .recall, by: officer(1))
        }
    }

    @Test func aTicketIsPrintedAgainOnlyWhileItWaits() async throws {
        let desk = desk()
        let issued = try await desk.issue(TicketRequest(serviceCode: "А"))
        #expect(try await desk.ticketToPrint(id: issued.ticket.id).ticket == issued.ticket)
        _ = try await desk.callNext(counter: 1, by: officer(1))
        await #expect(throws: TicketDeskError.notWaitingToPrint) { try await desk.ticketToPrint(id: issued.ticket.id) }
        await #expect(throws: QueueStoreError.ticketNotFound) { try await desk.ticketToPrint(id: UUID()) }
    }

    @Test func theOverviewShowsTodaysQueueInCallingOrderAndThisCountersTickets() async throws {
        let desk = desk()
        let first = try await desk.issue(TicketRequest(serviceCode: "А"))
        clock.advance(by: 60)
        let priority = try await desk.issue(TicketRequest(serviceCode: "Д", priority: "disability"))
        clock.advance(by: 60)
        _ = try await desk.issue(TicketRequest(serviceCode: "Е"))
        let called = try await desk.callNext(counter: 4, by: officer(4))
        let overview = try await desk.overview(counter: 1)
        #expect(overview.waiting.map(\.id) == [priority.ticket.id, first.ticket.id])
        #expect(overview.active.isEmpty)
        #expect(try await desk.overview(counter: 4).active.map(\.id) == [called.id])
        #expect(overview.figures.first?.issued == 3)
        clock.advance(days: 1)
        #expect(try await desk.overview(counter: 1).waiting.isEmpty)
    }
}
