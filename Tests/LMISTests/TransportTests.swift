import Foundation
import KioskTestSupport
import LMISProtocol
import Testing

@testable import LMISHub
@testable import LMISSync

/// HTTPS with the hub's own CA, and the hub's cap on concurrent sync requests.
@Suite(.serialized) struct TransportTests {
    /// A private CA and a certificate for 127.0.0.1 signed by it, made with openssl.
    static func certificates() throws -> (directory: URL, ca: String, certificate: String, key: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hub-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func openssl(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.currentDirectoryURL = directory
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw PrintLab.LabError("openssl \(arguments) failed") }
        }
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "2", "-subj", "/CN=LMIS test CA",
        ])
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "hub.key", "-out",
            "hub.csr", "-subj", "/CN=127.0.0.1",
        ])
        try Data("subjectAltName=IP:127.0.0.1\n".utf8).write(to: directory.appendingPathComponent("san.ext"))
        try openssl([
            "x509", "-req", "-in", "hub.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
            "hub.pem", "-days", "2", "-extfile", "san.ext",
        ])
        return (
            directory, directory.appendingPathComponent("ca.pem").path,
            directory.appendingPathComponent("hub.pem").path,
            directory.appendingPathComponent("hub.key").path
        )
    }

    @Test func syncRunsOverHTTPSTrustingOnlyTheConfiguredCA() async throws {
        let tls = try Self.certificates()
        defer { try? FileManager.default.removeItem(at: tls.directory) }
        let hub = try await HubHarness.start(tls: (tls.certificate, tls.key, tls.ca))
        #expect(hub.url.hasPrefix("https://"))
        let code = try await hub.enrolmentCode()

        // Without the hub's CA the kiosk refuses the connection: nothing is sent in the clear.
        let untrusting = try KioskHarness()
        defer { untrusting.temp.remove() }
        await #expect(throws: SyncError.self) {
            _ = try await untrusting.engine.enrol(hubURL: hub.url, code: code, deviceName: "k", force: false)
        }

        let kiosk = try KioskHarness(caFile: tls.ca)
        defer { kiosk.temp.remove() }
        _ = try await kiosk.engine.enrol(hubURL: hub.url, code: code, deviceName: "k", force: false)
        for index in 0..<3 { try await kiosk.register(index) }
        let report = await kiosk.engine.round()
        #expect(report.error == nil)
        #expect(try hub.count("SELECT count(*) FROM person") == 3)
        await hub.stop()
    }

    @Test func theGateLetsTheLimitThroughAndTurnsTheRestAwayAfterItsPatience() async throws {
        let gate = SyncGate(limit: 2, patience: .milliseconds(200))
        #expect(await gate.enter())
        #expect(await gate.enter())
        // The third waits for a place; one is freed in time.
        async let third = gate.enter()
        try await Task.sleep(for: .milliseconds(50))
        await gate.leave()
        #expect(await third)
        // The fourth waits in vain and is turned away.
        let started = ContinuousClock.now
        #expect(await gate.enter() == false)
        #expect(ContinuousClock.now - started >= .milliseconds(200))
    }
}
