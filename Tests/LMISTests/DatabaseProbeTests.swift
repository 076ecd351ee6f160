import Foundation
import Hummingbird
import Synchronization
import Testing

@testable import LMISHub

/// The hub's database probe (issue 25: fail fast, tell the truth): a request let in while the
/// database still answered, which then hangs on a database that went away, is answered 503 within
/// about a second instead of after PostgreSQL's client gives up a minute later.
struct DatabaseProbeTests {
    final class Database: Sendable {
        let down = Mutex(false)
    }

    /// A ping that answers until `down` is set, then hangs as a dead PostgreSQL connection does.
    static func probe(_ database: Database) -> DatabaseProbe {
        DatabaseProbe {
            if database.down.withLock({ $0 }) { try await Task.sleep(for: .seconds(60)) }
        }
    }

    @Test func aRequestWaitingOnADatabaseThatWentAwayIsAnswered503() async throws {
        let postgres = Database()
        let database = Self.probe(postgres)
        #expect(await database.isUp())
        postgres.down.withLock { $0 = true }
        let started = ContinuousClock.now
        let response = try await database.answer(
            {
                try await Task.sleep(for: .seconds(60))
                return Response(status: .ok)
            }, orElse: { Response(status: .serviceUnavailable) })
        let waited = ContinuousClock.now - started
        #expect(response.status.code == 503)
        // Without the watch it would wait the handler's full minute; the bound is loose so that
        // a loaded machine running the whole suite does not fail it (it takes about 0.8 s alone).
        #expect(waited < .seconds(30), "answered after \(waited)")
    }

    @Test func aRequestOnAHealthyDatabaseGetsItsOwnAnswerAndError() async throws {
        let database = Self.probe(Database())
        let slow = try await database.answer(
            {
                try await Task.sleep(for: .milliseconds(800))
                return Response(status: .created)
            }, orElse: { Response(status: .serviceUnavailable) })
        #expect(slow.status.code == 201)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await database.answer({ throw Refused() }, orElse: { Response(status: .serviceUnavailable) })
        }
    }

    /// A starved machine answers a ping late; that is not a lost database (issue 24: 300 kiosks on
    /// two cores had every request cut off 503 when one ping came after half a second).
    @Test func aSlowPingIsNotALostDatabaseButAFailedOneIs() async throws {
        // Bounds far from the pings' times: the whole suite can starve this process for seconds.
        let slow = DatabaseProbe(patience: .milliseconds(100), hang: .seconds(120)) {
            try await Task.sleep(for: .milliseconds(600))
        }
        #expect(await slow.isUp())
        struct Refused: Error {}
        let refused = DatabaseProbe(patience: .seconds(30), hang: .seconds(120)) { throw Refused() }
        #expect(await !refused.isUp())
        let hanging = DatabaseProbe(patience: .milliseconds(50), hang: .milliseconds(300)) {
            try await Task.sleep(for: .seconds(600))
        }
        _ = await hanging.isUp()
        try await Task.sleep(for: .milliseconds(400))
        #expect(await !hanging.isUp())
    }
}
