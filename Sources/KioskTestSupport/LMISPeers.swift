public import Foundation

/// A child process of `Tests/EndToEnd/lmis_peers.py`: it prints one JSON line when ready, then
/// answers one JSON line per command written to its standard input, and stops when that closes.
public final class PeerProcess: @unchecked Sendable {
    public let endpoints: [String: Any]
    private let process: Process
    private let input: Pipe
    private let output: FileHandle
    private let lock = NSLock()

    public init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments =
            [PrintLab.repository.appendingPathComponent("Tests/EndToEnd/lmis_peers.py").path] + arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        self.process = process
        self.input = input
        self.output = output.fileHandleForReading
        let line = try Self.readLine(self.output)
        guard let endpoints = try JSONSerialization.jsonObject(with: line) as? [String: Any], endpoints["error"] == nil
        else {
            process.terminate()
            throw PrintLab.LabError(
                "lmis peer \(arguments.first ?? "") did not start: \(String(decoding: line, as: UTF8.self))")
        }
        self.endpoints = endpoints
    }

    static func readLine(_ handle: FileHandle) throws -> Data {
        var line = Data()
        while let byte = try handle.read(upToCount: 1), let first = byte.first, first != 0x0A { line.append(first) }
        return line
    }

    /// Sends a command and returns the peer's answer.
    @discardableResult
    public func command(_ text: String) throws -> [String: Any] {
        lock.lock()
        defer { lock.unlock() }
        input.fileHandleForWriting.write(Data((text + "\n").utf8))
        let line = try Self.readLine(output)
        guard let answer = try JSONSerialization.jsonObject(with: line) as? [String: Any], answer["error"] == nil else {
            throw PrintLab.LabError("peer command \(text) failed: \(String(decoding: line, as: UTF8.self))")
        }
        return answer
    }

    public func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { try? input.fileHandleForWriting.close() }
}

/// A private PostgreSQL 15 cluster for the whole test process (one fresh database per test).
public final class PostgresLab: Sendable {
    public static let shared = Result { try PostgresLab() }

    public let host: String
    public let port: Int
    public let binDirectory: String
    public let peer: PeerProcess

    private init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-pg-lab-\(UUID())")
        peer = try PeerProcess(["postgres", "--dir", directory.path])
        host = peer.endpoints["host"] as? String ?? "127.0.0.1"
        port = peer.endpoints["port"] as? Int ?? 5432
        binDirectory = peer.endpoints["bin_dir"] as? String ?? "/usr/lib/postgresql/15/bin"
    }

    /// Runs a PostgreSQL client program (psql, pg_dump, pg_restore, createdb, dropdb).
    @discardableResult
    public func run(_ program: String, _ arguments: [String]) throws -> String {
        let process = client(program, arguments)
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PrintLab.LabError(
                "\(program) \(arguments.joined(separator: " ")) failed: \(String(decoding: problem, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A PostgreSQL client program of the lab's version (else Debian's wrapper), pointed at the
    /// lab as `postgres`; not started.
    public func client(_ program: String, _ arguments: [String]) -> Process {
        let process = Process()
        let local = URL(fileURLWithPath: binDirectory).appendingPathComponent(program)
        process.executableURL =
            FileManager.default.fileExists(atPath: local.path) ? local : URL(fileURLWithPath: "/usr/bin/\(program)")
        process.arguments = ["-h", host, "-p", String(port), "-U", "postgres"] + arguments
        return process
    }

    /// A new empty database with a unique name.
    public func createDatabase(_ prefix: String = "hub") throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        try run("createdb", [name])
        return name
    }

    /// One value from a query, as text.
    public func scalar(_ database: String, _ sql: String) throws -> String {
        try run("psql", ["-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql]).trimmingCharacters(
            in: .whitespacesAndNewlines)
    }
}

/// A TCP proxy in front of a hub: lost responses, a slow link, drops.
public final class FaultProxy: Sendable {
    public let port: Int
    let peer: PeerProcess

    public init(upstreamPort: Int) throws {
        peer = try PeerProcess(["proxy", "--upstream", "127.0.0.1:\(upstreamPort)"])
        port = peer.endpoints["port"] as? Int ?? 0
    }

    public func command(_ text: String) throws { try peer.command(text) }

    public func stats() throws -> [String: Any] { try peer.command("stats") }

    public func stop() { peer.stop() }
}
