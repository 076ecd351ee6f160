import GRDB
import Synchronization

/// Runs concurrent write units in shared transactions ("group commit"): while one transaction
/// commits, new units queue; the next transaction takes them all. Each unit runs in its own
/// savepoint, so one unit's failure rolls back only that unit. A unit's caller resumes only
/// after the transaction that holds it has committed (with `synchronous=FULL`: is on disk).
///
/// With one `fsync` per batch instead of per unit, fifty visitors' screens saving at once cost
/// about one disk flush, not fifty.
final class GroupCommitWriter: Sendable {
    private struct Unit: Sendable {
        /// Runs the unit in a savepoint; returns what to do once the transaction has committed.
        /// Throws when the unit's failure took the whole transaction with it.
        let attempt: @Sendable (Database) throws -> @Sendable () -> Void
        /// Called instead when the whole transaction fails.
        let fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var queue: [Unit] = []
        var draining = false
    }

    private let writer: any DatabaseWriter
    private let maxBatch: Int
    private let state = Mutex(State())

    init(writer: any DatabaseWriter, maxBatch: Int = 256) {
        self.writer = writer
        self.maxBatch = maxBatch
    }

    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let unit = Unit(
                attempt: { db in
                    do {
                        var value: T?
                        try db.inSavepoint {
                            value = try work(db)
                            return .commit
                        }
                        let result = value!
                        return { continuation.resume(returning: result) }
                    } catch {
                        // SQLite may roll the whole transaction back on a full disk or an I/O
                        // error: then no unit of this batch is kept, and each hears this error.
                        if !db.isInsideTransaction { throw error }
                        return { continuation.resume(throwing: error) }
                    }
                },
                fail: { error in continuation.resume(throwing: error) })
            enqueue(unit)
        }
    }

    private func enqueue(_ unit: Unit) {
        let startDraining = state.withLock { state -> Bool in
            state.queue.append(unit)
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        if startDraining { commitNextBatch() }
    }

    /// Commits what is queued on the writer's own queue, then looks for more. Runs from the
    /// writer queue's completion rather than a task, so a batch costs no extra thread hops.
    private func commitNextBatch() {
        let batch = state.withLock { state -> [Unit] in
            let batch = Array(state.queue.prefix(maxBatch))
            state.queue.removeFirst(batch.count)
            if batch.isEmpty { state.draining = false }
            return batch
        }
        if batch.isEmpty { return }
        writer.asyncWrite({ db in try batch.map { try $0.attempt(db) } }) { _, result in
            switch result {
            case .success(let completions):
                for completion in completions { completion() }
            case .failure(let error):
                for unit in batch { unit.fail(error) }
            }
            self.commitNextBatch()
        }
    }
}
