import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// Server-Sent Events: the response (no caching, no proxy buffering, a 1 s reconnect delay
/// sent first) and the encoding of one event.
enum EventStream {
    /// A stream whose events `produce` yields into `events`. The producer runs in a task of its
    /// own that is cancelled on graceful shutdown (and when the client has gone), so an open
    /// stream ends at once on SIGTERM and never holds a restart up.
    static func response(
        _ produce: @escaping @Sendable (_ events: AsyncStream<ByteBuffer>.Continuation) async throws -> Void
    ) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("X-Accel-Buffering")!: "no",
            ],
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                let (events, sink) = AsyncStream<ByteBuffer>.makeStream()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        defer { sink.finish() }
                        do {
                            try await cancelWhenGracefulShutdown { try await produce(sink) }
                        } catch is CancellationError {
                            // Shutdown or a client that left: the stream simply ends.
                        }
                    }
                    // Leaving by a failed write (the client has gone) cancels the producer.
                    for await event in events { try await writer.write(event) }
                    try await group.waitForAll()
                }
                try await writer.finish(nil)
            })
    }

    /// `id:` (when given), `event:` and `data:` lines with `value` as JSON.
    static func event(_ name: String, id: String? = nil, _ value: some Encodable) throws -> ByteBuffer {
        let data = String(decoding: try JSON.encoder.encode(value), as: UTF8.self)
        return ByteBuffer(string: (id.map { "id: \($0)\n" } ?? "") + "event: \(name)\ndata: \(data)\n\n")
    }
}
