import Foundation
import Hummingbird
import KioskCore

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
        return EventStream.response { writer in
            guard let reader else {
                try await writer.write(EventStream.event("status", FingerprintReaderStatus(state: .absent)))
                return
            }
            for await status in await reader.statusUpdates() {
                try await writer.write(EventStream.event("status", status))
            }
        }
    }
}
