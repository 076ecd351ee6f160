import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

/// Updates are `UPDATE`s that keep every revision: the returning-visitor defect (an update after a
/// ticket failed on the ticket's foreign key) and the history staff read.
@Suite("Registration revisions")
struct RegistrationRevisionTests {
    let temp: TemporaryDatabase
    let registrations: SQLiteRegistrationRepository
    let queue: SQLiteQueueRepository

    init() throws {
        temp = try TemporaryDatabase()
        registrations = SQLiteRegistrationRepository(database: temp.database, officeCode: Fixtures.office.code)
        queue = SQLiteQueueRepository(
            database: temp.database, office: Fixtures.office, services: QueueService.demo, policy: QueuePolicy())
    }

    @Test func anUpdateAfterATicketOnALaterDayKeepsTheTicketAndEveryRevision() async throws {
        defer { temp.remove() }
        let person = try await registrations.register(try Fixtures.details(), at: Fixtures.now)
        let placement = try #require(QueueService.demo.first { $0.code == "В" })
        let ticket = try await queue.issue(
            service: placement, priority: nil, registrationID: person.id, language: .mn, at: Fixtures.now)
        var form = Fixtures.form()
        form.phone = "88001122"
        let nextDay = Fixtures.now.addingTimeInterval(86_400)
        let updated = try await registrations.update(
            id: person.id, with: try Fixtures.details(form), at: nextDay,
            by: .staff(id: "ajiltan1", name: "Ажилтан", counter: 3))
        #expect(updated.id == person.id && updated.reference == person.reference && updated.revision == 2)
        let ticketOwner = try await temp.database.writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT registration_id FROM ticket WHERE id = ?",
                arguments: [ticket.ticket.id.uuidString.lowercased()])
        }
        #expect(ticketOwner == person.id.uuidString.lowercased())

        let revisions = try await registrations.revisions(of: person.id)
        #expect(revisions.map(\.revision) == [1, 2])
        #expect(revisions.map(\.channel) == [.kiosk, .staff(id: "ajiltan1", name: "Ажилтан", counter: 3)])
        #expect(revisions[0].changedFields == RegistrationDetails.allStoredFields)
        #expect(revisions[1].changedFields == [.phone])
        #expect(revisions[1].at == nextDay)
        #expect(revisions[0].snapshot.phone == "99112233" && revisions[1].snapshot.phone == "88001122")
        #expect(revisions[1].snapshot == RegistrationSnapshot(updated))
        #expect(try await registrations.revisions(of: UUID()).isEmpty)
    }

    @Test func anUpdateThatFailsKeepsNoRevision() async throws {
        defer { temp.remove() }
        let person = try await registrations.register(try Fixtures.details(), at: Fixtures.now)
        await #expect(throws: RegistrationStoreError.registryNumberChanged) {
            try await registrations.update(
                id: person.id, with: try Fixtures.details(Fixtures.form(registryNumber: "ЧЕ05231414")),
                at: Fixtures.now)
        }
        #expect(try await registrations.revisions(of: person.id).count == 1)
    }

    /// A database from before revisions were kept: each registration's present state becomes its
    /// first kept revision, marked as such, and the next update follows it.
    @Test func registrationsFromBeforeRevisionsGetTheirStateAsAKeptRevision() async throws {
        defer { temp.remove() }
        var form = Fixtures.form()
        let person = try await registrations.register(try Fixtures.details(), at: Fixtures.now)
        form.phone = "88001122"
        _ = try await registrations.update(id: person.id, with: try Fixtures.details(form), at: Fixtures.now)
        try await temp.database.writer.write { db in
            try db.execute(
                sql: """
                    DROP TABLE registration_revision;
                    DELETE FROM grdb_migrations WHERE identifier LIKE 'v13:%';
                    """)
        }
        try temp.database.close()
        let reopened = try AppDatabase(directory: temp.directory)
        let again = SQLiteRegistrationRepository(database: reopened, officeCode: Fixtures.office.code)
        let kept = try await again.revisions(of: person.id)
        #expect(kept.map(\.revision) == [2])
        #expect(kept.first?.channel == .migrated && kept.first?.changedFields == [])
        #expect(kept.first?.snapshot.phone == "88001122")
        form.givenName = "Сараа"
        _ = try await again.update(id: person.id, with: try Fixtures.details(form), at: Fixtures.now)
        #expect(try await again.revisions(of: person.id).map(\.changedFields) == [[], [.givenName]])
        try reopened.close()
    }
}
