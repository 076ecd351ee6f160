import Foundation
import Testing

@testable import KioskApp

@Suite("systemd readiness and watchdog")
struct SystemdNotifierTests {
    @Test("A socket path or an abstract name; the watchdog only for this process and a positive interval")
    func settings() throws {
        let path = try #require(SystemdNotifier(socket: "/run/systemd/notify", watchdogMicroseconds: "30000000"))
        #expect(path.address == Array("/run/systemd/notify".utf8))
        #expect(path.watchdogInterval == .seconds(30))
        let abstract = try #require(SystemdNotifier(socket: "@/org/freedesktop/systemd1/notify"))
        #expect(abstract.address.first == 0 && abstract.watchdogInterval == nil)
        #expect(SystemdNotifier(socket: "") == nil)
        #expect(SystemdNotifier(socket: "relative/notify") == nil)
        #expect(SystemdNotifier(socket: "/" + String(repeating: "x", count: 200)) == nil)
        let own = String(ProcessInfo.processInfo.processIdentifier)
        #expect(SystemdNotifier(socket: "/n", watchdogMicroseconds: "1000", watchdogPID: own)?.watchdogInterval != nil)
        #expect(SystemdNotifier(socket: "/n", watchdogMicroseconds: "1000", watchdogPID: "1")?.watchdogInterval == nil)
        #expect(SystemdNotifier(socket: "/n", watchdogMicroseconds: "0")?.watchdogInterval == nil)
        #expect(SystemdNotifier(socket: "/n", watchdogMicroseconds: "soon")?.watchdogInterval == nil)
        // Nobody listening: the send fails quietly and the service goes on.
        #expect(SystemdNotifier(socket: "/nonexistent/notify")?.send("READY=1") == false)
    }
}
