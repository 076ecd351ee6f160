import Foundation
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

/// Screen sessions and proofs kept in SQLite (`proof_state`): a restart of the service, played by a
/// new `IdentityProofs` over the same database file, keeps a proof for its remaining minutes and
/// an officer's release for the screen; "Finish", time and a new proof still end them; no secret
/// is written, only digests.
@Suite("Identity proofs across a restart")
struct ProofStateTests {
    let clock = TestClock()
    let people = InMemoryRegistrationRepository()

    func proofs(_ database: AppDatabase) throws -> IdentityProofs {
        IdentityProofs(
            registrations: Registrations(
                repository: people,
                validator: RegistrationValidator(catalog: try Fixtures.catalog(), consentTextVersion: "2026-1"),
                office: Fixtures.office, now: clock.now),
            fingerprints: nil, readerPresent: { false },
            settings: ProofSettings(tokenLifetime: 300, tokenMaximumLifetime: 1800, sessionLifetime: 1800),
            stateStore: SQLiteProofStateStore(database: database), now: clock.now)
    }

    /// The service stops (its last change written) and starts again on the same file.
    func restart(_ proofs: IdentityProofs, _ temp: TemporaryDatabase) async throws -> IdentityProofs {
        await proofs.save()
        let restarted = try self.proofs(try AppDatabase(directory: temp.directory))
        try await restarted.restore()
        return restarted
    }

    @Test func aProofOutlivesARestartButNotFinishOrItsTime() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let person = try await people.register(try Fixtures.details(), at: clock.now())
        let other = try await people.register(
            try Fixtures.details(Fixtures.form(registryNumber: "ТА85061512")), at: clock.now())
        let before = try proofs(temp.database)
        let screen = await before.startSession()
        let proof = try await before.proveNewRegistration(session: screen.id, registrationID: person.id)
        let waiting = await before.startSession()
        _ = try await before.release(sessionCode: waiting.code, registryNumber: "ТА85061512")

        clock.advance(by: 120)
        var after = try await restart(before, temp)
        try await after.authorize(proof.token, for: person.id)
        await #expect(throws: ProofError.otherPerson) { try await after.authorize(proof.token, for: other.id) }
        // The officer's release waits for its screen across the restart.
        let released = try #require(try await after.collectReleased(waiting.id))
        #expect(released.registrationID == other.id && released.method == .staff)
        // Only digests are written: neither the session id nor the token.
        let written = try await temp.database.testSQL("SELECT CAST(state AS TEXT) FROM proof_state")[0][0] ?? ""
        #expect(written.contains(Secret.digest(proof.token)))
        #expect(!written.contains(proof.token) && !written.contains(screen.id) && !written.contains(released.token))

        // "Finish" ends the proof, and it stays ended after another restart.
        await after.endSession(screen.id)
        after = try await restart(after, temp)
        await #expect(throws: ProofError.invalid) { try await after.authorize(proof.token, for: person.id) }
        // Unused for longer than its lifetime, a proof is gone after a restart too.
        try await after.authorize(released.token, for: other.id)
        clock.advance(by: 301)
        after = try await restart(after, temp)
        await #expect(throws: ProofError.invalid) { try await after.authorize(released.token, for: other.id) }
    }
}
