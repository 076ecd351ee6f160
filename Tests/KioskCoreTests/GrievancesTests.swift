import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// The grievance use case over the in-memory store and a hand-moved clock.
@Suite struct GrievancesTests {
    let clock = TestClock()
    let grievances: Grievances
    let officer = StaffSession(
        token: "t", staffID: "bold", displayName: "Болд", role: .staff, counter: 1, expiresAt: .distantFuture)
    let head = StaffSession(
        token: "h", staffID: "dulmaa", displayName: "Дулмаа", role: .head, counter: 2, expiresAt: .distantFuture)

    init() {
        grievances = Grievances(repository: InMemoryGrievanceRepository(), office: Fixtures.office, now: clock.now)
    }

    @Test func aGrievanceIsFiledCheckedAndFoundByItsCodeAsTyped() async throws {
        await #expect(throws: ValidationFailure.self) {
            try await grievances.file(GrievanceForm(category: "nope", text: ""), language: .mn)
        }
        let filed = try await grievances.file(
            GrievanceForm(category: "serviceQuality", text: "  Дараалал удаан  "), language: .en)
        #expect(filed.text == "Дараалал удаан")
        #expect(filed.dueOn == Fixtures.office.today(at: Fixtures.now).adding(days: 30))
        #expect(try await grievances.grievance(trackingCode: filed.trackingCode.lowercased())?.id == filed.id)
        #expect(try await grievances.grievance(trackingCode: "?") == nil)
    }

    @Test func staffConductIsForTheHeadAlone() async throws {
        let filed = try await grievances.file(GrievanceForm(category: "staffConduct", text: "Бүдүүлэг"), language: .mn)
        await #expect(throws: GrievanceError.forbidden) {
            try await grievances.grievance(trackingCode: filed.trackingCode, for: officer)
        }
        #expect(try await grievances.grievances(openOnly: true, for: officer).isEmpty)
        #expect(try await grievances.grievances(openOnly: true, for: head).map(\.id) == [filed.id])
        await #expect(throws: GrievanceError.forbidden) {
            try await grievances.step(trackingCode: filed.trackingCode, .init(action: "acknowledge"), by: officer)
        }
    }

    @Test func aStepIsCheckedAgainstTheDayItIsTaken() async throws {
        let filed = try await grievances.file(GrievanceForm(category: "other", text: "Хаалга"), language: .mn)
        let tomorrow = Fixtures.office.today(at: Fixtures.now).adding(days: 1).description
        clock.advance(days: 2)
        await #expect(
            throws: ValidationFailure(errors: [
                FieldError(field: "action", code: "unknownCode"), FieldError(field: "dueOn", code: "outOfRange"),
            ])
        ) {
            try await grievances.step(
                trackingCode: filed.trackingCode, .init(action: "close", dueOn: tomorrow), by: head)
        }
        await #expect(throws: ValidationFailure(errors: [FieldError(field: "assignee", code: "required")])) {
            try await grievances.step(
                trackingCode: filed.trackingCode, .init(action: "assign", assignee: " "), by: head)
        }
        let assigned = try await grievances.step(
            trackingCode: filed.trackingCode, .init(action: "assign", note: "Шалга", assignee: " Бат "), by: officer)
        #expect(assigned?.state == .assigned && assigned?.assignee == "Бат")
        #expect(assigned?.steps.last?.at == Fixtures.now.addingTimeInterval(2 * 86_400))
        _ = try await grievances.step(trackingCode: filed.trackingCode, .init(action: "resolve"), by: officer)
        await #expect(throws: GrievanceError.closed) {
            try await grievances.step(trackingCode: filed.trackingCode, .init(action: "refer"), by: officer)
        }
        #expect(try await grievances.step(trackingCode: "GZZZZZZZ", .init(action: "resolve"), by: officer) == nil)
    }
}
