import Foundation
import KioskCore
import KioskTestSupport
import Testing

@testable import LMISSync

#if canImport(Glibc)
    import Glibc
#endif

/// A link that answers nothing is told from a hub that refuses (issue 25): the first is
/// `SyncError.silentLink`, and a stream waits at most `linkRetry` after it, however long the
/// outage has lasted; a refused connection still backs off exponentially.
@Suite struct SilentLinkTests {
    /// A TCP port that takes connections (the kernel completes the handshake into its backlog)
    /// and never answers, like a hub behind a line that went down mid-request.
    struct SilentListener {
        let socket: Int32
        let port: Int

        /// 127.0.0.1 at `port` (0: any free port).
        static func loopback(port: Int) -> sockaddr_in {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            return address
        }

        init() throws {
            let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: 0)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0, listen(fd, 16) == 0 else { throw SyncError.transport("no listening socket") }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            socket = fd
            port = Int(UInt16(bigEndian: address.sin_port))
        }
    }

    @Test func aRequestNobodyAnswersIsASilentLinkAndARefusedOneIsNot() async throws {
        let listener = try SilentListener()
        // The client's own deadline is an hour: only the request's 1 s timeout can end it soon.
        let client = try HubClient(baseURL: "http://127.0.0.1:\(listener.port)", timeout: .seconds(3600))
        let started = ContinuousClock.now
        await #expect {
            _ = try await client.send("GET", "/health", signer: nil, timeout: .seconds(1))
        } throws: { error in
            if case .silentLink? = error as? SyncError { return true }
            return false
        }
        // The request's own 1 s timeout ended it, not the client's hour (a loose bound: the whole
        // suite runs in parallel on two cores, where this took 15 s once and 72 s in a CI run).
        #expect(started.duration(to: .now) < .seconds(900))

        close(listener.socket)
        let closed = try SilentListener()
        close(closed.socket)
        let refused = try HubClient(baseURL: "http://127.0.0.1:\(closed.port)")
        await #expect {
            _ = try await refused.send("GET", "/health", signer: nil, timeout: .seconds(5))
        } throws: { error in
            if case .transport? = error as? SyncError { return true }
            return false
        }
    }

    @Test func aStreamTriesAgainWithinSecondsAfterNothingAnsweredHoweverLongTheOutage() async throws {
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        let service = LMISSyncService(
            engine: kiosk.engine, interval: .seconds(600), logger: quietLogger("sync"), uploadPoll: .milliseconds(100),
            jitter: { 0.999 })
        var backoff = SyncBackoff()
        for _ in 1...6 { _ = backoff.failed(unit: 0.5) }
        var silent = SyncEngine.Report()
        silent.error = .silentLink("no answer to an upload for 14 s")
        for _ in 1...5 {
            let wait = try #require(service.retryWait(after: silent, &backoff, "registration"))
            #expect(wait <= service.linkRetry, "\(wait)")
        }
        // A hub that refuses the connection is backed off from as before.
        var refused = SyncEngine.Report()
        refused.error = .transport("connection refused")
        let wait = try #require(service.retryWait(after: refused, &backoff, "registration"))
        #expect(wait > .seconds(60), "\(wait)")
        await kiosk.engine.shutdown()
    }
}
