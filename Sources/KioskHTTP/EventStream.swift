import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Server-Sent Events: the response (no caching, no proxy buffering, a 1 s reconnect delay
/// sent first) and the encoding of one event.
enum EventStream {
    static func response(
        _ body: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void
    ) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("X-Accel-Buffering")!: "no",
            ],
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                try await body(&writer)
                try await writer.finish(nil)
            })
    }

    /// `id:` (when given), `event:` and `data:` lines with `value` as JSON.
    static func event(_ name: String, id: String? = nil, _ value: some Encodable) throws -> ByteBuffer {
        let data = String(decoding: try JSON.encoder.encode(value), as: UTF8.self)
        return ByteBuffer(string: (id.map { "id: \($0)\n" } ?? "") + "event: \(name)\ndata: \(data)\n\n")
    }
}
