public import Foundation

/// The private printing lab of `Tests/EndToEnd/print_peers.py`: a cupsd with an A4 IPP
/// Everywhere printer (ippeveprinter) and a raw `Thermal` queue to the ESC/POS emulator
/// emupos. One lab serves the whole test process; it stops when the process ends (its
/// standard input closes).
public final class PrintLab: Sendable {
    public static let shared = Result {
        if let skipReason { throw LabError(skipReason) }
        return try PrintLab()
    }

    /// Why the lab does not start in this run, nil when it does: `Provisioning/dev.sh test` sets
    /// `KIOSK_SKIP_EMUPOS=1` when it finds no Python 3.13, which the ESC/POS emulator emupos needs.
    /// The suites that use the lab are enabled only when this is nil, so they skip naming it.
    public static let skipReason: String? =
        ProcessInfo.processInfo.environment["KIOSK_SKIP_EMUPOS"] == "1"
        ? "Python 3.13 not found, so the ESC/POS emulator emupos cannot run (KIOSK_SKIP_EMUPOS=1)" : nil

    public let cupsServer: String
    public let escposHost: String
    public let escposPort: Int
    public let emuposAPI: String
    public let receiptsDirectory: URL
    public let a4Directory: URL
    /// Present while the thermal printer is jammed (the lab's backend reports `media-jam-error`).
    public let jamFile: URL?
    private let keepAlive: Pipe
    private let process: Process

    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    private init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-print-lab-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            Self.repository.appendingPathComponent("Tests/EndToEnd/print_peers.py").path, "up", "--dir", directory.path,
        ]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 0x0A {
            line.append(first)
        }
        guard let endpoints = try JSONSerialization.jsonObject(with: line) as? [String: Any],
            let cups = endpoints["cups_server"] as? String, let host = endpoints["escpos_host"] as? String,
            let port = endpoints["escpos_port"] as? Int, let api = endpoints["emupos_api"] as? String,
            let receipts = endpoints["receipts_dir"] as? String, let a4 = endpoints["a4_spool_dir"] as? String
        else {
            process.terminate()
            throw LabError("print lab did not start: \(String(decoding: line, as: UTF8.self))")
        }
        self.process = process
        self.keepAlive = input
        self.cupsServer = cups
        self.escposHost = host
        self.escposPort = port
        self.emuposAPI = api
        self.receiptsDirectory = URL(fileURLWithPath: receipts)
        self.a4Directory = URL(fileURLWithPath: a4)
        self.jamFile =
            endpoints["socket_backend"] as? String == "print_peers"
            ? (endpoints["jam_file"] as? String).map { URL(fileURLWithPath: $0) } : nil
    }

    public struct LabError: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public struct Receipt: Sendable {
        public let id: String
        public let cut: Bool
        public let text: String
        public let image: URL
        public var qrCodes: [String] {
            text.split(separator: "\n").filter { $0.hasPrefix("[qr ") && $0.hasSuffix("]") }
                .map { String($0.dropFirst(4).dropLast()) }
        }
    }

    /// Receipts emupos has finished, oldest first.
    public func receipts() -> [Receipt] {
        let files =
            (try? FileManager.default.contentsOfDirectory(at: receiptsDirectory, includingPropertiesForKeys: nil))
            ?? []
        return files.filter { $0.pathExtension == "json" }.compactMap { url -> (String, Receipt)? in
            guard let data = try? Data(contentsOf: url),
                let meta = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let id = meta["id"] as? String, let completed = meta["completed_at"] as? String,
                let text = try? String(
                    contentsOf: url.deletingPathExtension().appendingPathExtension("txt"), encoding: .utf8)
            else { return nil }
            return (
                completed + id,
                Receipt(
                    id: id, cut: meta["boundary"] as? String == "cut", text: text,
                    image: url.deletingPathExtension().appendingPathExtension("png"))
            )
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The number of finished receipts once no other receipt has arrived for 300 ms: a job a
    /// previous test sent may still be on its way.
    public func settledReceiptCount() async throws -> Int {
        var count = receipts().count
        while true {
            try await Task.sleep(for: .milliseconds(300))
            let now = receipts().count
            if now == count { return now }
            count = now
        }
    }

    public func waitForReceipts(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [Receipt] {
        try await Self.poll(until: count, timeout: timeout, receipts)
    }

    /// Reads `list` every 50 ms until it holds `count` items or `timeout` passes.
    private static func poll<T>(until count: Int, timeout: Duration, _ list: () -> [T]) async throws -> [T] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let found = list()
            if found.count >= count || ContinuousClock.now >= deadline { return found }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Documents the A4 printer received (`JOB-name`, beside each a `.attrs` file), in job order.
    public func a4Documents() -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: a4Directory, includingPropertiesForKeys: nil)) ?? [])
            .filter { !$0.lastPathComponent.hasPrefix(".") && $0.pathExtension != "attrs" }
            .sorted { Self.jobNumber($0) < Self.jobNumber($1) }
    }

    private static func jobNumber(_ url: URL) -> Int {
        Int(url.lastPathComponent.prefix { $0.isNumber }) ?? 0
    }

    public func waitForA4(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [URL] {
        try await Self.poll(until: count, timeout: timeout, a4Documents)
    }

    /// Makes the emulated receipt printer report a fault (`paper-out`, `cover-open`, `offline`,
    /// `paper-near-end`), as a person opening the cover would.
    public func setFault(_ name: String) throws { try curl("PUT", "/api/v1/devices/thermal/faults/\(name)") }
    public func clearFault(_ name: String) throws { try curl("DELETE", "/api/v1/devices/thermal/faults/\(name)") }

    /// Jams the receipt printer: its next job fails in the CUPS backend with `media-jam-error`
    /// and CUPS stops the queue. `unjam` clears it and starts the queue again.
    public func jam() throws {
        guard let jamFile else { throw LabError("the lab uses the system socket backend, which cannot jam") }
        try Data("jam\n".utf8).write(to: jamFile)
    }

    public func unjam() throws {
        if let jamFile { try? FileManager.default.removeItem(at: jamFile) }
        try cupsCommand("cupsenable", "Thermal")
    }

    /// Runs a CUPS administration command (`cupsdisable`, `lpadmin`, ...) against the lab's server.
    public func cupsCommand(_ tool: String, _ arguments: String...) throws {
        try Self.run("/usr/sbin/\(tool)", ["-h", cupsServer] + arguments)
    }

    private func curl(_ method: String, _ path: String) throws {
        try Self.run("/usr/bin/curl", ["-fsS", "-X", method, emuposAPI + path])
    }

    @discardableResult
    public static func run(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw LabError("\(path) \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

    /// What tesseract reads on a printed receipt, in Mongolian and English.
    public static func ocr(_ image: URL) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_THREAD_LIMIT"] = "1"
        return try run("/usr/bin/tesseract", [image.path, "-", "-l", "mon+eng"], environment: environment)
    }
}

extension PrintLab {
    /// Runs `body` while no other test uses the lab: its printers and their faults are shared
    /// by suites in different test targets, which Swift Testing runs in parallel.
    public func exclusively<T: Sendable>(_ body: @Sendable (PrintLab) async throws -> T) async throws -> T {
        await LabLock.shared.acquire()
        do {
            try await quiesce()
            let result = try await body(self)
            await LabLock.shared.release()
            return result
        } catch {
            await LabLock.shared.release()
            throw error
        }
    }
}

extension PrintLab {
    /// Waits until the lab's cupsd holds no unfinished job and no receipt is still arriving, so
    /// that a job the previous test sent (a reprint it did not wait for) cannot land in the next
    /// test's count. A job still there after 15 s is cancelled.
    public func quiesce() async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(15))
        while try !Self.run("/usr/bin/lpstat", ["-h", cupsServer, "-o"]).isEmpty {
            if ContinuousClock.now >= deadline {
                try Self.run("/usr/bin/cancel", ["-h", cupsServer, "-a", "-x"])
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        _ = try await settledReceiptCount()
    }
}

private actor LabLock {
    static let shared = LabLock()
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            held = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
