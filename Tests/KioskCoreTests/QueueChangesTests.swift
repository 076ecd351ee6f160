import KioskCore
import Testing

@Suite("Queue changes")
struct QueueChangesTests {
    // A lost wake-up would leave the wait to its hour-long limit: the test's time limit fails it.
    // (No bound on elapsed time here: the whole suite shares two cores.)
    @Test("A waiter wakes when a write commits, not at the end of its wait", .timeLimit(.minutes(1)))
    func wakesOnChange() async throws {
        let changes = QueueChanges()
        let seen = changes.version
        async let woken = changes.wait(after: seen, upTo: .seconds(3600))
        try await Task.sleep(for: .milliseconds(50))
        changes.changed()
        #expect(await woken == seen + 1)
    }

    @Test(
        "Without a change the wait ends at its limit; a change already made returns at once", .timeLimit(.minutes(1)))
    func limitAndPastChanges() async {
        let changes = QueueChanges()
        let seen = changes.version
        let clock = ContinuousClock()
        let started = clock.now
        #expect(await changes.wait(after: seen, upTo: .milliseconds(100)) == seen)
        #expect(clock.now - started >= .milliseconds(100))
        changes.changed()
        #expect(await changes.wait(after: seen, upTo: .seconds(3600)) == seen + 1)
    }

    @Test("A cancelled waiter returns, and many waiters all wake on one change", .timeLimit(.minutes(1)))
    func cancellationAndManyWaiters() async throws {
        let changes = QueueChanges()
        let seen = changes.version
        let cancelled = Task { await changes.wait(after: seen, upTo: .seconds(60)) }
        cancelled.cancel()
        #expect(await cancelled.value == seen)
        let woken = Task {
            await withTaskGroup(of: UInt64.self) { group in
                for _ in 0..<50 { group.addTask { await changes.wait(after: seen, upTo: .seconds(60)) } }
                return await group.reduce(into: [UInt64]()) { $0.append($1) }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        changes.changed()
        let versions = await woken.value
        #expect(versions.count == 50 && versions.allSatisfy { $0 == seen + 1 })
    }

    @Test("Nobody waiting is remembered per set of services until a change or the lifetime")
    func emptyAnswers() {
        let changes = QueueChanges(emptyAnswerLifetime: .seconds(1))
        let now = ContinuousClock.now
        #expect(!changes.knownEmpty(["А"], now: now))
        changes.noteEmpty(["А"], atVersion: changes.version, now: now)
        #expect(changes.knownEmpty(["А"], now: now + .milliseconds(500)))
        #expect(!changes.knownEmpty(["А", "Б"], now: now))
        #expect(!changes.knownEmpty(["А"], now: now + .seconds(1)))
        changes.changed()
        #expect(!changes.knownEmpty(["А"], now: now))
        // A call that began before a write and found nobody is not remembered after it.
        let before = changes.version
        changes.changed()
        changes.noteEmpty(["А"], atVersion: before, now: now)
        #expect(!changes.knownEmpty(["А"], now: now))
    }
}
