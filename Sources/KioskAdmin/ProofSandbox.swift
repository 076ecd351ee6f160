import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// kiosk.service's sandbox for the boot check's `kiosk serve` (docs/updates.md). The one source
/// of the hardening is kiosk.service itself: its `[Service]` settings, as `systemctl cat` shows
/// them with every drop-in, are given to a transient unit (`systemd-run --property=`) that serves
/// the copy, all but the ones that say how the office's service is started and restarted
/// (`ExecStart`, `Type=notify`, the watchdog, `Restart`). So the copy's kiosk runs as the `kiosk`
/// user, under the same system call filter, read-only system and devices as the live one would.
struct ProofSandbox: Sendable {
    /// The service whose sandbox the proof borrows.
    static let service = "kiosk.service"
    /// The transient unit that serves the copy.
    static let unit = "kiosk-boot-check.service"
    /// Settings of kiosk.service not given to the proof: how the office's service is run, not what
    /// it may do. The proof is started, watched and stopped by the boot check.
    static let lifecycle: Set<String> = [
        "Type", "NotifyAccess", "WatchdogSec", "ExecStart", "ExecStartPre", "ExecStartPost", "ExecStop",
        "ExecStopPost", "ExecReload", "ExecCondition", "Restart", "RestartSec", "RestartPreventExitStatus",
        "RestartForceExitStatus", "RemainAfterExit", "PIDFile", "TimeoutStartSec", "TimeoutSec",
        "StandardOutput", "StandardError", "StandardInput",
    ]

    /// `Key=Value` settings of kiosk.service's `[Service]` sections, in order.
    let properties: [String]

    /// The user and group the service runs as (nil: root).
    var user: String? { value(of: "User") }
    var group: String? { value(of: "Group") }

    func value(of key: String) -> String? {
        properties.last { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }

    /// The sandbox of kiosk.service, read from `systemctl cat` text (its file, then its drop-ins,
    /// each headed by a `# /path` comment): every setting of a `[Service]` section but the
    /// lifecycle ones. A setting continued over lines (`\` at the end) is joined.
    static func parse(unitText: String) -> ProofSandbox {
        var properties: [String] = []
        var section = ""
        var pending = ""
        for raw in unitText.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = pending + raw.trimmingCharacters(in: .whitespaces)
            pending = ""
            if line.hasSuffix("\\") {
                line.removeLast()
                pending = line.trimmingCharacters(in: .whitespaces) + " "
                continue
            }
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                section = line
                continue
            }
            guard section == "[Service]", let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if lifecycle.contains(key) { continue }
            properties.append("\(key)=\(value)")
        }
        return ProofSandbox(properties: properties)
    }

    /// kiosk.service's sandbox when this system runs systemd and has the unit; else why not.
    static func load() -> Result<ProofSandbox, ProofSandboxUnavailable> {
        guard FileManager.default.fileExists(atPath: "/run/systemd/system") else {
            return .failure(ProofSandboxUnavailable("this system was not booted with systemd"))
        }
        let shown = runTool("systemctl", ["cat", "--no-pager", service])
        guard shown.status == 0, !shown.output.isEmpty else {
            return .failure(ProofSandboxUnavailable("systemd has no \(service)"))
        }
        let sandbox = parse(unitText: shown.output)
        guard !sandbox.properties.isEmpty else {
            return .failure(ProofSandboxUnavailable("\(service) has no [Service] settings"))
        }
        return .success(sandbox)
    }

    /// `systemd-run` arguments that start `command` as the transient unit under this sandbox, its
    /// output appended to `log`, with `environment` set.
    func runArguments(command: [String], environment: [String: String], log: URL) -> [String] {
        var arguments = ["--quiet", "--unit=\(Self.unit)", "--service-type=exec"]
        arguments += properties.map { "--property=\($0)" }
        arguments += ["--property=StandardOutput=append:\(log.path)", "--property=StandardError=append:\(log.path)"]
        arguments += environment.sorted { $0.key < $1.key }.map { "--setenv=\($0.key)=\($0.value)" }
        return arguments + ["--"] + command
    }

    /// Gives `folder` and everything in it to the service's user and group, so that the proof
    /// opens the copy as the office's service opens the database.
    func handOver(_ folder: URL) throws {
        guard let user else { return }
        guard let account = getpwnam(user) else { throw ProofSandboxUnavailable("no user \(user) on this system") }
        var gid = account.pointee.pw_gid
        let uid = account.pointee.pw_uid
        if let group {
            guard let entry = getgrnam(group) else { throw ProofSandboxUnavailable("no group \(group) on this system") }
            gid = entry.pointee.gr_gid
        }
        var paths = [folder.path]
        if let inside = FileManager.default.enumerator(atPath: folder.path) {
            while let name = inside.nextObject() as? String { paths.append(folder.appendingPathComponent(name).path) }
        }
        for path in paths where lchown(path, uid, gid) != 0 {
            throw ProofSandboxUnavailable("cannot give \(path) to \(user): \(String(cString: strerror(errno)))")
        }
    }

    /// What the kernel says of the proof's process: its user, seccomp mode, no-new-privileges
    /// flag and bounding capabilities (`/proc/PID/status`). Nil when it cannot be read.
    static func describe(processID: String) -> String? {
        guard let status = try? String(contentsOfFile: "/proc/\(processID)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> String? {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .map { $0.dropFirst(name.count + 1).split(whereSeparator: \.isWhitespace).first.map(String.init) ?? "" }
        }
        guard let uid = field("Uid"), let seccomp = field("Seccomp"), let noNewPrivileges = field("NoNewPrivs"),
            let bounding = field("CapBnd")
        else { return nil }
        let name = UInt32(uid).flatMap { getpwuid($0) }.map { String(cString: $0.pointee.pw_name) } ?? "?"
        let filter = seccomp == "2" ? "seccomp filter on" : "seccomp mode \(seccomp)"
        let privileges = noNewPrivileges == "1" ? "no new privileges" : "new privileges allowed"
        let capabilities = bounding.allSatisfy { $0 == "0" } ? "no capabilities" : "capabilities \(bounding)"
        return "user \(name) (uid \(uid)), \(filter), \(privileges), \(capabilities)"
    }

    /// Runs `/usr/bin/<tool>` (or `/bin/<tool>`) and returns its exit status and standard output
    /// (with its errors too when `errors`).
    @discardableResult
    static func runTool(_ tool: String, _ arguments: [String], errors: Bool = false) -> (status: Int32, output: String)
    {
        let process = Process()
        let candidates = ["/usr/bin/\(tool)", "/bin/\(tool)"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return (127, "")
        }
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = errors ? pipe : FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (127, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Why the boot check's proof cannot run under kiosk.service's sandbox.
struct ProofSandboxUnavailable: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
