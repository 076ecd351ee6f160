public import Foundation
import GRDB
public import KioskCore

extension AppDatabase {
    /// Registrations written straight into their tables (row and skills) in one transaction, for
    /// benchmarks of what reads many people: no revisions, identity checks or outbox records.
    public func insertRegistrations(_ registrations: [Registration]) async throws {
        try await writer.write { db in
            for registration in registrations {
                try RegistrationRow(registration).insert(db)
                try SQLiteRegistrationRepository.insertSkills(of: registration, db)
            }
        }
    }
}
