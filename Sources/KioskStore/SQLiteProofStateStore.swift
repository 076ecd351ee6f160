public import Foundation
import GRDB
public import KioskCore

/// The identity proofs' state (`proof_state`, one row): the live screen sessions and proof
/// tokens under the digests of their secrets, as JSON, replaced on each change.
public struct SQLiteProofStateStore: ProofStateStore {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func load() async throws -> ProofState? {
        let data = try await database.writer.read { db in
            try Data.fetchOne(db, sql: "SELECT state FROM proof_state WHERE id = 1")
        }
        return try data.map { try JSONDecoder().decode(ProofState.self, from: $0) }
    }

    public func save(_ state: ProofState) async throws {
        let data = try JSONEncoder().encode(state)
        try await database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO proof_state (id, state) VALUES (1, ?)", arguments: [data])
        }
    }
}
