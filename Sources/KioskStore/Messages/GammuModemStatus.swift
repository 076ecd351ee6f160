public import Foundation

/// What gammu-smsd knows of its modem, from `gammu-smsd-monitor -C` (the daemon's shared memory:
/// `client;phone id;IMEI;IMSI;sent;received;failed;battery %;signal %`), and the messages
/// waiting in its outbox. Nil fields: the daemon is not running or did not say.
public struct GammuModemStatus: Sendable, Equatable, Codable {
    /// The daemon answers (it runs and has mapped its status).
    public var daemonRunning: Bool
    /// The modem's IMEI is known: the daemon has talked to it.
    public var modemPresent: Bool
    /// The SIM's IMSI is known: a SIM is in and unlocked.
    public var simReady: Bool
    /// Signal strength in per cent (0: no network).
    public var signalPercent: Int?
    public var sent: Int?
    public var received: Int?
    public var failed: Int?
    /// Files in the daemon's outbox (handed, not yet sent).
    public var waiting: Int
    /// Files in its error folder (given up).
    public var errors: Int

    public init(
        daemonRunning: Bool, modemPresent: Bool, simReady: Bool, signalPercent: Int? = nil, sent: Int? = nil,
        received: Int? = nil, failed: Int? = nil, waiting: Int, errors: Int
    ) {
        self.daemonRunning = daemonRunning
        self.modemPresent = modemPresent
        self.simReady = simReady
        self.signalPercent = signalPercent
        self.sent = sent
        self.received = received
        self.failed = failed
        self.waiting = waiting
        self.errors = errors
    }

    /// The network is there when the modem reports any signal.
    public var onNetwork: Bool { (signalPercent ?? 0) > 0 }

    /// Parses one `-C` line.
    public static func parse(monitorLine line: String, waiting: Int, errors: Int) -> GammuModemStatus {
        let fields = line.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: ";", omittingEmptySubsequences: false
        )
        .map(String.init)
        guard fields.count >= 9 else {
            return GammuModemStatus(
                daemonRunning: false, modemPresent: false, simReady: false, waiting: waiting, errors: errors)
        }
        let number = { (index: Int) in Int(fields[index]) }
        return GammuModemStatus(
            daemonRunning: true, modemPresent: !fields[2].isEmpty, simReady: !fields[3].isEmpty,
            signalPercent: number(8), sent: number(4), received: number(5), failed: number(6), waiting: waiting,
            errors: errors)
    }

    /// Asks the running daemon of `smsdrc` (a few seconds at most) and counts the spool's files.
    public static func read(smsdrc: String, spool: URL) async -> GammuModemStatus {
        let count = { (folder: String) in
            ((try? FileManager.default.contentsOfDirectory(atPath: spool.appendingPathComponent(folder).path)) ?? [])
                .count
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gammu-smsd-monitor")
        process.arguments = ["-c", smsdrc, "-C", "-n", "1", "-d", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        var line = ""
        do {
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            if process.terminationStatus == 0 {
                line =
                    String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
            }
        } catch {
            line = ""
        }
        return parse(monitorLine: line, waiting: count("outbox"), errors: count("error"))
    }
}
