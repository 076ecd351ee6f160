import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import NIOCore
import ServiceLifecycle

/// The display board's feed (`/api/v1/display/events`): calls, recalls and the number waiting,
/// as server-sent events.
struct DisplayFeedAPI: Sendable {
    /// The queue's calls and count, read as they are written.
    let queue: any QueueRepository
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("display/events") { request, _ in try await events(request) }
    }

    /// Server-Sent Events: each call and recall as `event: call` with its sequence as `id`,
    /// and `event: waiting` when the number waiting changes. A reconnecting board sends
    /// `Last-Event-ID` and receives exactly the calls it missed.
    func events(_ request: Request) async throws -> Response {
        var after: Int64
        if let last = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap({ Int64($0) }) {
            after = last
        } else {
            // A new board starts with the latest few calls, for its history column.
            let latest = try await queue.lastCallSequence()
            let recent = try await queue.calls(after: max(0, latest - 50), limit: 50)
            after = recent.dropLast(6).last?.sequence ?? max(0, latest - 50)
        }
        let start = after
        let changes = queue.changes
        return EventStream.response { writer in
            var sequence = start
            var waitingShown = -1
            var lastWrite = ContinuousClock.now
            var lastWaitingCheck = ContinuousClock.now - .seconds(5)
            /// A queue write since the count was last read.
            var countDue = true
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                // Read before the queries: a write committed while they run wakes the wait below at once.
                let seen = changes.version
                // Calls before the waiting count: a new board takes calls that arrive before
                // its first count as history (no flash, no announcement).
                for call in try await queue.calls(after: sequence, limit: 50) {
                    try await writer.write(
                        EventStream.event(
                            "call", id: String(call.sequence),
                            DisplayCall(
                                number: call.displayNumber, counter: call.counter, kind: call.kind.rawValue,
                                serviceCode: call.serviceCode, at: call.at)))
                    sequence = call.sequence
                    lastWrite = .now
                }
                // The count follows a change within a quarter of a second, and is read at least every second.
                let sinceCheck = ContinuousClock.now - lastWaitingCheck
                if sinceCheck >= .seconds(1) || (countDue && sinceCheck >= .milliseconds(250)) {
                    lastWaitingCheck = .now
                    countDue = false
                    let waiting = try await queue.waitingCount(at: now())
                    if waiting != waitingShown {
                        waitingShown = waiting
                        try await writer.write(EventStream.event("waiting", ["waiting": waiting]))
                        lastWrite = .now
                    }
                }
                if ContinuousClock.now - lastWrite >= .seconds(15) {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    lastWrite = .now
                }
                // Woken by the next committed queue write, or when the count is due; once a
                // second regardless (for a write by another process, and keep-alives).
                let wait =
                    countDue
                    ? max(.zero, .milliseconds(250) - (ContinuousClock.now - lastWaitingCheck)) : Duration.seconds(1)
                if await changes.wait(after: seen, upTo: wait) != seen { countDue = true }
            }
        }
    }

    struct DisplayCall: Encodable {
        let number: String
        let counter: Int
        let kind: String
        let serviceCode: String
        let at: Date
    }

}
