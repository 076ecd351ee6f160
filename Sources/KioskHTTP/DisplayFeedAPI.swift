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
        return EventStream.response { events in
            let clock = ContinuousClock()
            var sequence = start
            var waitingShown = -1
            var cadence = DisplayFeedCadence(start: clock.now)
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                // Read before the queries: a write committed while they run wakes the wait below at once.
                let seen = changes.version
                // Calls before the waiting count: a new board takes calls that arrive before
                // its first count as history (no flash, no announcement).
                for call in try await queue.calls(after: sequence, limit: 50) {
                    events.yield(
                        try EventStream.event(
                            "call", id: String(call.sequence),
                            DisplayCall(
                                number: call.displayNumber, counter: call.counter, kind: call.kind.rawValue,
                                serviceCode: call.serviceCode, at: call.at)))
                    sequence = call.sequence
                    cadence.wrote(at: clock.now)
                }
                if cadence.countDue(at: clock.now) {
                    cadence.countRead(at: clock.now)
                    let waiting = try await queue.waitingCount(at: now())
                    if waiting != waitingShown {
                        waitingShown = waiting
                        events.yield(try EventStream.event("waiting", ["waiting": waiting]))
                        cadence.wrote(at: clock.now)
                    }
                }
                if cadence.keepAliveDue(at: clock.now) {
                    events.yield(ByteBuffer(string: ": keep-alive\n\n"))
                    cadence.wrote(at: clock.now)
                }
                // Woken by the next committed queue write, or when the count is due.
                if await changes.wait(after: seen, upTo: cadence.wait(at: clock.now)) != seen {
                    cadence.queueChanged()
                }
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
