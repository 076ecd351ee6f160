import Foundation
import KioskCore
import KioskTestSupport
import LMISHub
import LMISProtocol
import Testing

@testable import LMISSync

#if canImport(Glibc)
    import Glibc
#endif

/// A receipts question that overtakes the rest of an upload the kiosk gave up (issue 25): the
/// hub answers it only once that upload has arrived and been applied, or has broken off, so the
/// records are never called "not held" and then applied behind the answer.
@Suite(.serialized) struct UploadReceptionTests {
    /// A connection to the hub written by hand: an upload's head and body, in parts.
    final class RawConnection {
        let fd: Int32

        init(port: Int) throws {
            fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = SilentLinkTests.SilentListener.loopback(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw SyncError.transport("cannot connect to the hub") }
        }

        func write(_ data: Data) {
            data.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                    guard written > 0 else { return }
                    offset += written
                }
            }
        }

        /// The answer's status line, once it comes.
        func statusLine() -> String {
            var bytes: [UInt8] = []
            var byte: UInt8 = 0
            while recv(fd, &byte, 1, 0) == 1, byte != 0x0A { bytes.append(byte) }
            return String(decoding: bytes, as: UTF8.self)
        }

        func close() { _ = Glibc.close(fd) }
    }

    /// A signed upload of the kiosk's waiting registrations: the request's head and its body.
    static func upload(_ kiosk: KioskHarness, signer: HubClient.Signer) async throws -> (head: Data, body: Data) {
        let batch = try await kiosk.engine.store.batch(stream: "registration", maxRecords: 100, maxBytes: 1 << 20)
        let body = SyncEngine.body(stream: "registration", batch)
        var head = "POST \(LMISPath.upload) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        head += "Content-Length: \(body.count)\r\n\(CompactUploadResponse.header): \(CompactUploadResponse.value)\r\n"
        for (name, value) in try RequestSigning.headers(
            method: "POST", target: LMISPath.upload, body: body, keyID: signer.keyID,
            timestamp: Int64(Date().timeIntervalSince1970), key: signer.key.privateKey)
        {
            head += "\(name): \(value)\r\n"
        }
        return (Data((head + "\r\n").utf8), body)
    }

    static func receipts(_ client: HubClient, signer: HubClient.Signer) async throws -> UploadReceipts {
        let answer = try await client.send(
            "GET", LMISPath.uploadReceipts + "?stream=registration&from=1&through=3", signer: signer)
        #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
        return try answer.decode(UploadReceipts.self)
    }

    /// `patient`: the hub waits up to a minute for an upload still coming in, and takes one for dead
    /// only after 30 s without bytes (the default 5 s and 2 s are shorter than a part's pause can
    /// grow on a loaded machine, where the test would then see the answer come first).
    static func kioskWithThreeRegistrations(patient: Bool = false) async throws -> (
        HubHarness, KioskHarness, HubClient.Signer
    ) {
        let hub = try await HubHarness.start { configuration in
            if patient {
                configuration.receiptsPatience = .seconds(60)
                configuration.uploadQuiet = .seconds(30)
            }
        }
        let kiosk = try KioskHarness()
        let signer = try await kiosk.enrolledSigner(hub)
        for index in 0..<3 { try await kiosk.register(index) }
        return (hub, kiosk, signer)
    }

    @Test func receiptsWaitForAnUploadStillArrivingAndCountItsRecords() async throws {
        let (hub, kiosk, signer) = try await Self.kioskWithThreeRegistrations(patient: true)
        defer { kiosk.temp.remove() }
        let (head, body) = try await Self.upload(kiosk, signer: signer)
        // The abandoned upload, still coming in over a slow line: its head and a fifth of its body
        // are at the hub when the question comes, the rest follows in parts behind the question
        // (a part every 200 ms: never quiet long enough to be taken for a dead connection).
        let connection = try RawConnection(port: hub.port)
        defer { connection.close() }
        let parts = 10
        let first = body.count / 5
        connection.write(head + body.prefix(first))
        try await Task.sleep(for: .milliseconds(300))
        let client = try HubClient(baseURL: hub.url)
        async let asked = Self.receipts(client, signer: signer)
        var offset = first
        for part in 1...parts {
            try await Task.sleep(for: .milliseconds(200))
            let end = part == parts ? body.count : first + (body.count - first) * part / parts
            connection.write(body.subdata(in: offset..<end))
            offset = end
        }
        #expect(connection.statusLine().hasPrefix("HTTP/1.1 200"))
        let receipts = try await asked
        // Registrations come back whole (with the person ids the hub gave them).
        let held =
            receipts.received.applied + receipts.received.results.filter { $0.status == .applied }.map(\.sequence)
        #expect(held.sorted() == [1, 2, 3], "\(receipts)")
        #expect(try hub.count("SELECT count(*) FROM received_record") == 3)
        await client.shutdown()
        await kiosk.engine.shutdown()
        await hub.stop()
    }

    @Test func anUploadThatBreaksOffHoldsNothingAndTheAnswerSaysSo() async throws {
        let (hub, kiosk, signer) = try await Self.kioskWithThreeRegistrations()
        defer { kiosk.temp.remove() }
        let (head, body) = try await Self.upload(kiosk, signer: signer)
        let connection = try RawConnection(port: hub.port)
        connection.write(head + body.prefix(body.count / 2))
        try await Task.sleep(for: .milliseconds(300))
        let client = try HubClient(baseURL: hub.url)
        async let asked = Self.receipts(client, signer: signer)
        try await Task.sleep(for: .milliseconds(500))
        connection.close()
        let receipts = try await asked
        #expect(receipts.received.applied.isEmpty && receipts.received.results.isEmpty && receipts.highest == 0)
        #expect(try hub.count("SELECT count(*) FROM received_record") == 0)
        await client.shutdown()
        await kiosk.engine.shutdown()
        await hub.stop()
    }
}
