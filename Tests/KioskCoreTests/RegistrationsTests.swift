import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// The registration use case over the in-memory store and a hand-moved clock.
@Suite struct RegistrationsTests {
    let clock = TestClock()
    let store = InMemoryRegistrationRepository()

    func desk() throws -> Registrations {
        Registrations(
            repository: store,
            validator: RegistrationValidator(catalog: try Fixtures.catalog(), consentTextVersion: "2026-1"),
            office: Fixtures.office, now: clock.now)
    }

    @Test func anUpdateKeepsTheStoredPhoneWhenAskedAndRecordsTheClocksTime() async throws {
        let desk = try desk()
        let person = try await desk.register(Fixtures.form(), by: .kiosk)
        #expect(person.createdAt == Fixtures.now)
        clock.advance(days: 2)
        var form = Fixtures.form()
        form.phone = nil
        form.keepPhone = true
        form.experienceYears = 9
        let updated = try await desk.update(id: person.id, with: form, by: .kiosk)
        #expect(updated.details.phone.digits == "99112233")
        #expect(updated.updatedAt == Fixtures.now.addingTimeInterval(2 * 86_400))
        let revisions = try await desk.revisions(of: person.id)
        #expect(revisions.map(\.changedFields) == [RegistrationDetails.allStoredFields, [.experienceYears]])
    }

    @Test func refusedFieldsAndUnknownPeopleAreTheirOwnErrors() async throws {
        let desk = try desk()
        var form = Fixtures.form()
        form.phone = "70112233"
        await #expect(throws: ValidationFailure(errors: [FieldError(field: .phone, code: .notMobile)])) {
            try await desk.register(form, by: .kiosk)
        }
        await #expect(throws: RegistrationStoreError.notFound) {
            try await desk.update(id: UUID(), with: Fixtures.form(), by: .kiosk)
        }
        await #expect(throws: RegistrationStoreError.notFound) { try await desk.revisions(of: UUID()) }
        #expect(throws: ValidationFailure.self) { try desk.registryNumber("УБ123") }
        #expect(try desk.registryNumber("уб90051223").value == "УБ90051223")
    }
}
