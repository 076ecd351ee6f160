import Foundation
import Logging
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// systemd's readiness and watchdog protocol (`sd_notify`), for `Type=notify` with `WatchdogSec`:
/// datagrams such as `READY=1` or `WATCHDOG=1` to the socket systemd names in `NOTIFY_SOCKET`
/// (a path, or an abstract name written with a leading `@`). Without that variable (a developer's
/// terminal) nothing is sent.
public struct SystemdNotifier: Sendable {
    /// The socket address: a path, or `\0name` for an abstract socket.
    let address: [UInt8]
    /// How often systemd wants to hear from the service; nil when it does not watch.
    public let watchdogInterval: Duration?

    public init?(socket: String, watchdogMicroseconds: String? = nil, watchdogPID: String? = nil) {
        guard !socket.isEmpty, socket.hasPrefix("/") || socket.hasPrefix("@") else { return nil }
        var bytes = Array(socket.utf8)
        if bytes[0] == UInt8(ascii: "@") { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else { return nil }
        address = bytes
        // The watchdog is meant for this process only when systemd names it (or names nobody).
        let forUs = watchdogPID.map { Int32($0) == getpid() } ?? true
        if forUs, let text = watchdogMicroseconds, let microseconds = Int64(text), microseconds > 0 {
            watchdogInterval = .microseconds(microseconds)
        } else {
            watchdogInterval = nil
        }
    }

    /// From the environment, which it then clears so that programs the kiosk starts (lpstat,
    /// lpadmin) do not talk to systemd in its name.
    public static func fromEnvironment() -> SystemdNotifier? {
        let environment = ProcessInfo.processInfo.environment
        defer {
            unsetenv("NOTIFY_SOCKET")
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        guard let socket = environment["NOTIFY_SOCKET"] else { return nil }
        return SystemdNotifier(
            socket: socket, watchdogMicroseconds: environment["WATCHDOG_USEC"], watchdogPID: environment["WATCHDOG_PID"]
        )
    }

    /// Sends one message (`READY=1`, `WATCHDOG=1`, `STOPPING=1`, `STATUS=…`, lines joined by
    /// `\n`). Returns false when it could not be sent; the service goes on either way.
    @discardableResult
    public func send(_ message: String) -> Bool {
        #if os(Linux)
            let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let descriptor = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var target = sockaddr_un()
        target.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &target.sun_path) { path in
            for (index, byte) in address.enumerated() { path[index] = byte }
        }
        // An abstract name is exactly as long as given; a path ends at its terminating zero.
        let length = MemoryLayout<sa_family_t>.size + address.count + (address.first == 0 ? 0 : 1)
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(descriptor, bytes, bytes.count, 0, socketAddress, socklen_t(length))
            }
        }
        return sent == bytes.count
    }
}

/// Tells systemd the kiosk is alive while its database answers: `WATCHDOG=1` at half the
/// interval systemd asked for. A kiosk whose database stops answering falls silent, and
/// systemd restarts it. `STOPPING=1` at shutdown.
struct SystemdWatchdog: Service {
    let notifier: SystemdNotifier
    let healthy: @Sendable () async -> Bool
    let logger: Logger

    func run() async throws {
        guard let interval = notifier.watchdogInterval else {
            try? await gracefulShutdown()
            notifier.send("STOPPING=1")
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if await healthy() {
                    notifier.send("WATCHDOG=1")
                } else {
                    logger.error("database not usable: the watchdog is not fed, systemd will restart the kiosk")
                }
                try? await Task.sleep(for: interval / 2)
            }
        }
        notifier.send("STOPPING=1")
    }
}
