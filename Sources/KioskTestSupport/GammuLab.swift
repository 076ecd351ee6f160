public import Foundation
public import KioskStore

/// A real `gammu-smsd` driving gammu's dummy phone (a phone emulated in a folder: what it sends
/// is moved to the spool's `sent/`, a message saved in its inbox folder is received), started
/// and stopped by the test itself.
public final class GammuLab: @unchecked Sendable {
    public let root: URL
    public let transport: GammuSMSTransport
    public var phone: URL { root.appendingPathComponent("phone") }
    public var configFile: URL { root.appendingPathComponent("smsdrc") }
    var daemon: Process?

    public init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("gammu-lab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("phone"), withIntermediateDirectories: true)
        transport = GammuSMSTransport(spool: root.appendingPathComponent("spool"))
        try transport.prepare()
        try transport.smsdrc(
            device: phone.path, model: "dummy", connection: "none",
            logFile: root.appendingPathComponent("smsd.log").path
        ).write(to: configFile, atomically: true, encoding: .utf8)
    }

    /// True where gammu-smsd is installed (`Provisioning/dev.sh` installs it).
    public static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/gammu-smsd")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/gammu")
    }

    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gammu-smsd")
        process.arguments = ["-c", configFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        daemon = process
    }

    /// Stops the daemon at once (SIGKILL: a child of the test process inherits its blocked
    /// SIGTERM), as a power cut or a pulled modem would, and waits for it.
    public func stop() {
        guard let daemon else { return }
        if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) }
        daemon.waitUntilExit()
        self.daemon = nil
    }

    public func remove() {
        stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// The phone receives `text` from `number` (`gammu savesms` into the dummy phone's inbox).
    public func receive(from number: String, text: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gammu")
        process.arguments = [
            "-c", configFile.path, "savesms", "TEXT", "-folder", "1", "-unread", "-sender", "+976" + number,
            "-textutf8", text,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
    }

    /// The network reports `status` (`Delivered`, `Failed`) for the last message to `number`:
    /// a status report in the dummy phone's inbox, as a modem stores one.
    public func report(to number: String, status: String, name: String = "9") throws {
        let hex = status.utf16.map { String(format: "%04X", $0) }.joined()
        let numberHex = ("+976" + number).utf16.map { String(format: "%04X", $0) }.joined()
        let text = """
            [SMSBackup000]
            PDU = Status_Report
            DateTime = 20261207T051451Z
            SMSCDateTime = 20261207T051451Z
            State = UnRead
            Number = "+976\(number)"
            NumberUnicode = \(numberHex)
            Text00 = \(hex)
            Coding = Default_No_Compression
            Folder = 1
            Length = \(status.count)
            Class = -1
            MessageReference = 255

            """
        let inbox = phone.appendingPathComponent("sms/1")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try text.write(to: inbox.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// Files in one of the spool's folders.
    public func files(_ folder: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: transport.spool.appendingPathComponent(folder).path))?
            .sorted() ?? []
    }

    /// Waits (up to `timeout`) until `condition` holds.
    public static func wait(_ timeout: Duration = .seconds(20), until condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }
}
