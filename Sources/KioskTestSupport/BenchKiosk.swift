public import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `kiosk serve` process beside a benchmark's own binary, serving the data folder the benchmark
/// filled, for figures taken through HTTP as a browser would ask (printers and reader off).
public struct BenchKiosk {
    public let port: Int
    let server: Process

    /// Starts the kiosk beside this binary and waits until it answers `/healthz`; nil (said why)
    /// when no kiosk was built beside the benchmark; throws when it does not start.
    public static func start(dataDirectory: URL, portBase: Int) async throws -> BenchKiosk? {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("kiosk")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            say("page: skipped, no kiosk binary at \(binary.path) (swift build --product kiosk)")
            return nil
        }
        let server = Process()
        server.executableURL = binary
        let port = portBase + Int.random(in: 0..<2000)
        server.arguments = [
            "serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDirectory.path, "--kiosk-dir",
            FileManager.default.currentDirectoryPath + "/Kiosk",
        ]
        server.environment = ProcessInfo.processInfo.environment.merging([
            "KIOSK_THERMAL_QUEUE": "", "KIOSK_A4_QUEUE": "", "KIOSK_FINGERPRINT_READER": "none",
        ]) { _, new in new }
        server.standardError = FileHandle.nullDevice
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        let kiosk = BenchKiosk(port: port, server: server)
        for _ in 0..<400 {
            if (try? await kiosk.fetch("/healthz"))?.status == 200 { return kiosk }
            try await Task.sleep(for: .milliseconds(50))
        }
        server.terminate()
        throw DidNotStart()
    }

    struct DidNotStart: Error, CustomStringConvertible {
        var description: String { "the kiosk did not answer /healthz within 20 s" }
    }

    public func fetch(_ path: String, method: String = "GET", body: String? = nil, cookie: String? = nil)
        async throws -> (status: Int, body: Data, setCookie: String?)
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, data, http.value(forHTTPHeaderField: "Set-Cookie"))
    }

    /// The session cookie of a demo account (`demo_staff`: every demo PIN is 2468), or nil.
    public func signIn(_ username: String) async throws -> String? {
        let answer = try await fetch(
            "/api/v1/staff/sessions", method: "POST",
            body: #"{"username": "\#(username)", "pin": "2468", "counter": 1}"#)
        guard answer.status == 201 else { return nil }
        return answer.setCookie?.split(separator: ";").first.map(String.init)
    }

    public func stop() { server.terminate() }
}
