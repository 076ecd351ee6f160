import Foundation
public import KioskApp
import KioskStore

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk boot-check`: on the first boot of a new root slot, before the slot is kept and before
/// kiosk.service opens the office database, this version proves itself on a copy of that
/// database (docs/updates.md). The copy is made in `DATA/boot-check/`, migrated and checked
/// (`ProofCopy`), then `kiosk serve` runs on it on a private port of 127.0.0.1, with no HTTPS
/// listener, no texts and cut off from the hub, until `/healthz` answers; then it is stopped and
/// the copy deleted. The live database is read (copied), never opened or written.
public struct BootCheck: Sendable {
    public let configuration: KioskConfiguration
    /// The config file the live service reads (given to the kiosk serving the copy).
    public let configFile: String?
    /// How long the kiosk on the copy has to answer `/healthz`.
    public var timeout: Duration

    public init(configuration: KioskConfiguration, configFile: String?, timeout: Duration = .seconds(120)) {
        self.configuration = configuration
        self.configFile = configFile
        self.timeout = timeout
    }

    var dataDirectory: URL { URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true) }

    /// Exit 0 when the copy was migrated and served; 1, with the reason, otherwise.
    public func run() async -> CommandOutput {
        let folder = dataDirectory.appendingPathComponent("boot-check", isDirectory: true)
        let files = FileManager.default
        defer { try? files.removeItem(at: folder) }
        var lines: [String] = []
        do {
            try? files.removeItem(at: folder)
            try files.createDirectory(
                at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try copyState(into: folder)
            let live = dataDirectory.appendingPathComponent("kiosk.sqlite")
            if files.fileExists(atPath: live.path) {
                let started = ContinuousClock.now
                let prepared = try ProofCopy.prepare(
                    live: live, copy: folder.appendingPathComponent("kiosk.sqlite"), owner: configuration.backupOwner)
                let steps = prepared.migrated.isEmpty ? "no schema step" : prepared.migrated.joined(separator: ", ")
                lines.append(
                    "copy of the office database (\(prepared.bytes >> 10) KiB) migrated and checked in "
                        + "\(Self.seconds(since: started)): \(steps)"
                )
            } else {
                lines.append("no office database yet: the kiosk is proven on an empty one")
            }
            let port = try Self.freePort()
            let said = folder.appendingPathComponent("serve.log")
            _ = FileManager.default.createFile(atPath: said.path, contents: nil)
            var sandbox: ProofSandbox?
            switch ProofSandbox.load() {
            case .success(let found):
                try found.handOver(folder)
                sandbox = found
            case .failure(let reason):
                lines.append(
                    "not under \(ProofSandbox.service)'s sandbox (\(reason)): the kiosk on the copy runs as "
                        + "this user, with none of its hardening")
            }
            let started = ContinuousClock.now
            let served =
                if let sandbox {
                    try await serve(copy: folder, port: port, log: said, sandbox: sandbox)
                } else {
                    (failure: try await serve(copy: folder, port: port, log: said), ran: nil as String?)
                }
            if let ran = served.ran {
                lines.append(
                    "the kiosk on the copy ran as \(ProofSandbox.unit) under \(ProofSandbox.service)'s sandbox "
                        + "(\(sandbox?.properties.count ?? 0) settings): \(ran)")
            }
            if let failure = served.failure {
                let tail = (try? String(contentsOf: said, encoding: .utf8))?.split(separator: "\n").suffix(8) ?? []
                return CommandOutput(
                    lines + ["the kiosk on the copy did not answer /healthz: \(failure); it said:"]
                        + tail.map { "  \($0)" } + ["not proven: this slot must not be kept"], exitCode: 1)
            }
            lines.append(
                "kiosk \(KioskServer.softwareVersion) served the copy on 127.0.0.1:\(port) and answered /healthz in "
                    + "\(Self.seconds(since: started))"
            )
        } catch {
            return CommandOutput(lines + ["not proven: \(error)"], exitCode: 1)
        }
        return CommandOutput(lines + ["proven: the live database was not touched"])
    }

    /// The data folder's own files (device secret, sync state) beside the database, not the
    /// database (copied by `ProofCopy`), not the device key (the copy never talks to the hub) and
    /// no folder (backups, downloaded bundles, TLS, spools).
    func copyState(into folder: URL) throws {
        let files = FileManager.default
        let skipped: Set<String> = ["kiosk.sqlite", "kiosk.sqlite-wal", "kiosk.sqlite-shm", "lmis-device.key"]
        for name in try files.contentsOfDirectory(atPath: dataDirectory.path) where !skipped.contains(name) {
            let source = dataDirectory.appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard files.fileExists(atPath: source.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            try files.copyItem(at: source, to: folder.appendingPathComponent(name))
        }
    }

    /// Runs `kiosk serve` (this program) on the copy until `/healthz` answers or `timeout` passes,
    /// then stops it. Nil when it answered, else why not.
    func serve(copy: URL, port: Int, log: URL) async throws -> String? {
        let process = Process()
        let program = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments =
            ["serve"] + (configFile.map { ["--config", $0] } ?? [])
            + ["--data-dir", copy.path, "--host", "127.0.0.1", "--port", String(port)]
        var environment = ProcessInfo.processInfo.environment
        // Not systemd's service: no readiness to tell, and none of the side effects the office's
        // kiosk has (the staff HTTPS listener, text messages).
        environment["NOTIFY_SOCKET"] = nil
        environment["WATCHDOG_USEC"] = nil
        environment["KIOSK_TLS_PORT"] = ""
        environment["KIOSK_SMS_ROUTE"] = "none"
        process.environment = environment
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning {
                process.terminate()
                let deadline = ContinuousClock.now + .seconds(30)
                while process.isRunning, ContinuousClock.now < deadline { usleep(50_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            process.waitUntilExit()
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, process.isRunning {
            if Self.healthz(port: port) { return nil }
            try await Task.sleep(for: .milliseconds(200))
        }
        if process.isRunning { return "no answer within \(timeout)" }
        process.waitUntilExit()
        return "it stopped with exit status \(process.terminationStatus)"
    }

    /// Runs `kiosk serve` (this program) on the copy as the transient unit `ProofSandbox.unit`
    /// under kiosk.service's sandbox until `/healthz` answers or `timeout` passes, then stops it.
    /// The failure (nil when it answered) and what the kernel said of the process that answered.
    func serve(copy: URL, port: Int, log: URL, sandbox: ProofSandbox) async throws -> (failure: String?, ran: String?) {
        let program = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let command =
            [program, "serve"] + (configFile.map { ["--config", $0] } ?? [])
            + ["--data-dir", copy.path, "--host", "127.0.0.1", "--port", String(port)]
        let unit = ProofSandbox.unit
        // A proof left running or failed by an earlier boot check (killed on the way) would hold the name.
        ProofSandbox.runTool("systemctl", ["stop", unit])
        ProofSandbox.runTool("systemctl", ["reset-failed", unit])
        let started = ProofSandbox.runTool(
            "systemd-run",
            sandbox.runArguments(
                command: command, environment: ["KIOSK_TLS_PORT": "", "KIOSK_SMS_ROUTE": "none"], log: log),
            errors: true)
        guard started.status == 0 else {
            return ("systemd-run could not start it (\(started.status)): \(started.output)", nil)
        }
        defer {
            ProofSandbox.runTool("systemctl", ["stop", unit])
            ProofSandbox.runTool("systemctl", ["reset-failed", unit])
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let state = ProofSandbox.runTool("systemctl", ["show", "-P", "ActiveState", unit]).output
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard state == "active" || state == "activating" else {
                let shown = ProofSandbox.runTool("systemctl", ["show", "-P", "Result", unit]).output
                let status = ProofSandbox.runTool("systemctl", ["show", "-P", "ExecMainStatus", unit]).output
                return (
                    "it stopped (\(shown.trimmingCharacters(in: .whitespacesAndNewlines)), exit status "
                        + "\(status.trimmingCharacters(in: .whitespacesAndNewlines)))", nil
                )
            }
            if Self.healthz(port: port) {
                let pid = ProofSandbox.runTool("systemctl", ["show", "-P", "MainPID", unit]).output
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                return (nil, ProofSandbox.describe(processID: pid) ?? "process \(pid) not readable")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return ("no answer within \(timeout)", nil)
    }

    static func seconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = start.duration(to: .now)
        let tenths = elapsed.components.seconds * 10 + elapsed.components.attoseconds / 100_000_000_000_000_000
        return "\(tenths / 10).\(tenths % 10) s"
    }

    /// True when `GET /healthz` on 127.0.0.1:`port` answers 200.
    static func healthz(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return false }
        let request = Array("GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard send(socket, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let read = recv(socket, &buffer, buffer.count, 0)
        guard read > 0 else { return false }
        let head = String(decoding: buffer[0..<read], as: UTF8.self)
        return head.hasPrefix("HTTP/1.0 200") || head.hasPrefix("HTTP/1.1 200")
    }

    /// A port of 127.0.0.1 free now (the kernel's choice).
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard socket >= 0, bound else { throw BackupError("no free port on 127.0.0.1 for the kiosk on the copy") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
