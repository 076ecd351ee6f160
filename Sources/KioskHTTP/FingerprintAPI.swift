import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import NIOCore

/// The fingerprint reader for the kiosk screen: its status as server-sent events, and captures.
/// Only verdicts leave this API, never images.
struct FingerprintAPI: Sendable {
    let environment: KioskHTTPEnvironment

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("fingerprint/events") { _, _ in events() }
        group.post("fingerprint/capture") { _, _ in try await capture() }
        group.get("fingerprint/status") { _, _ in try await status() }
    }

    struct CaptureView: Encodable {
        let accepted: Bool
        let problem: String?
        let message: LocalizedText
    }

    func message(_ problem: CaptureProblem?) -> LocalizedText {
        environment.locales.both(problem.map { "fingerprint.problems.\($0.rawValue)" } ?? "fingerprint.accepted")
    }

    func capture() async throws -> Response {
        guard let reader = environment.fingerprintReader else {
            return try JSON.response(CaptureView(accepted: false, problem: "absent", message: message(.absent)))
        }
        let result = await reader.capture(timeout: .seconds(20))
        return try JSON.response(
            CaptureView(accepted: result.accepted, problem: result.problem?.rawValue, message: message(result.problem)))
    }

    func status() async throws -> Response {
        let status = await environment.fingerprintReader?.status() ?? FingerprintReaderStatus(state: .absent)
        return try JSON.response(status)
    }

    /// `event: status` with the reader's status, at once and on every change.
    func events() -> Response {
        let reader = environment.fingerprintReader
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("X-Accel-Buffering")!: "no",
            ],
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                guard let reader else {
                    let data = try JSON.encoder.encode(FingerprintReaderStatus(state: .absent))
                    try await writer.write(
                        ByteBuffer(string: "event: status\ndata: \(String(decoding: data, as: UTF8.self))\n\n"))
                    try await writer.finish(nil)
                    return
                }
                for await status in await reader.statusUpdates() {
                    let data = try JSON.encoder.encode(status)
                    try await writer.write(
                        ByteBuffer(string: "event: status\ndata: \(String(decoding: data, as: UTF8.self))\n\n"))
                }
                try await writer.finish(nil)
            })
    }
}
