internal import CUMockdev
public import Fingerprint
public import FingerprintUSB
public import Foundation

/// A recorded session of a real sensor from `../shared/fixtures/usb/`.
public struct Recording: CustomStringConvertible, Sendable {
    public enum Format: Sendable { case ioctl, pcap }

    public let name: String
    public let model: SensorModel
    public let format: Format

    /// `$KIOSK_FIXTURES`, else `../shared/fixtures` beside the repository, else the
    /// workplace's `/work/shared/fixtures` (CI clones the repository elsewhere).
    public static let fixtures: URL = {
        if let configured = ProcessInfo.processInfo.environment["KIOSK_FIXTURES"] {
            return URL(fileURLWithPath: configured)
        }
        // Sources/FingerprintReplay/Replay.swift → repository → ../shared/fixtures
        let beside = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fixtures")
        if FileManager.default.fileExists(atPath: beside.path) { return beside }
        return URL(fileURLWithPath: "/work/shared/fixtures")
    }()

    public static let nb1010 = Recording(name: "nb1010", model: NB1010Driver.model, format: .ioctl)
    public static let upek = Recording(name: "upektc_img", model: UPEKTouchChipDriver.model, format: .pcap)
    public static let aes3500 = Recording(name: "aes3500", model: AES3500Driver.model, format: .ioctl)
    public static let all = [nb1010, upek, aes3500]

    public var directory: URL { Self.fixtures.appendingPathComponent("usb/\(name)") }
    public var device: URL { directory.appendingPathComponent("device") }
    public var replay: URL { directory.appendingPathComponent(format == .ioctl ? "capture.ioctl" : "capture.pcapng") }
    public var description: String { name }

    /// The reference image libfprint made of this session.
    public func referenceImage() throws -> GreyImage {
        try GreyImage(png: Array(try Data(contentsOf: directory.appendingPathComponent("capture.png"))))
    }

    /// The sensor's sysfs path: the first `P:` line of `device` (the others are its hubs).
    public func sysfsPath() throws -> String {
        let device = try String(contentsOf: self.device, encoding: .utf8)
        guard let line = device.split(separator: "\n").first(where: { $0.hasPrefix("P: ") }) else {
            throw ReplayBed.Failure(description: "\(self.device.path) names no device")
        }
        return "/sys" + line.dropFirst(3)
    }

    /// The device node (`/dev/bus/usb/001/003`) from the ioctl log's `@DEV` line, or the
    /// sensor's sysfs path for pcap replay.
    public func replayTarget() throws -> String {
        switch format {
        case .ioctl:
            let first = try String(contentsOf: replay, encoding: .utf8).prefix { $0 != "\n" }
            return String(first.dropFirst("@DEV ".count))
        case .pcap:
            return try sysfsPath()
        }
    }
}

/// A umockdev test bed with one recorded device. Needs the process to run under
/// `umockdev-wrapper` (the preload library); the bed is global to the process, so tests using
/// it are serialized.
public final class ReplayBed {
    private let bed: UnsafeMutablePointer<UMockdevTestbed>

    /// Whether the umockdev preload library is in this process (`umockdev-wrapper`).
    public static var available: Bool {
        (ProcessInfo.processInfo.environment["LD_PRELOAD"] ?? "").contains("libumockdev-preload")
    }

    /// Adds the recording's device and replays `replay` (the recording, or a damaged copy).
    public init(_ recording: Recording, replay: URL? = nil) throws {
        bed = umockdev_testbed_new()
        try check { umockdev_testbed_add_from_file(bed, recording.device.path, $0) }
        let file = (replay ?? recording.replay).path
        let target = try recording.replayTarget()
        switch recording.format {
        case .ioctl: try check { umockdev_testbed_load_ioctl(bed, target, file, $0) }
        case .pcap: try check { umockdev_testbed_load_pcap(bed, target, file, $0) }
        }
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(bed)) }

    /// Unplugs the device (as a person pulling the cable).
    public func unplug(_ recording: Recording) throws {
        let path = try recording.sysfsPath()
        umockdev_testbed_uevent(bed, path, "remove")
        umockdev_testbed_remove_device(bed, path)
    }

    /// Plugs the (ioctl-recorded) device back in after `unplug`, as the kernel sees a re-plug:
    /// the same reader on another port with a new device number, replaying its recording again.
    /// (umockdev cannot add the same sysfs device twice to one test bed.)
    public func replug(_ recording: Recording, port: Int = 7) throws {
        guard recording.format == .ioctl else { throw Failure(description: "re-plug replays ioctl recordings only") }
        let original = try String(contentsOf: recording.device, encoding: .utf8)
        let block = original.components(separatedBy: "\n\n").first ?? original
        let oldPath = try recording.sysfsPath()
        let oldNode = try recording.replayTarget()  // /dev/bus/usb/003/004
        guard let devnum = Int(oldNode.split(separator: "/").last ?? ""),
            let portName = oldPath.split(separator: "/").last,
            let separator = portName.lastIndex(where: { $0 == "." || $0 == "-" })
        else { throw Failure(description: "cannot read the port and device number of \(oldPath)") }
        let newPortName = portName[...separator] + String(port)
        let newDevnum = devnum + 10
        let newNode = oldNode.split(separator: "/").dropLast().joined(separator: "/")
        let newNodePath = "/" + newNode + "/" + String(format: "%03d", newDevnum)
        var lines: [String] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            var line = line
            if line.hasPrefix("P: ") {
                line = "P: " + (oldPath.dropFirst("/sys".count).dropLast(portName.count)) + newPortName
            } else if line.hasPrefix("N: ") {
                line = line.replacingOccurrences(
                    of: String(oldNode.dropFirst("/dev/".count)), with: String(newNodePath.dropFirst("/dev/".count)))
            } else if line.hasPrefix("E: DEVNAME=") {
                line = "E: DEVNAME=" + newNodePath
            } else if line.hasPrefix("E: DEVNUM=") {
                line = "E: DEVNUM=" + String(format: "%03d", newDevnum)
            } else if line.hasPrefix("A: devnum=") {
                line = "A: devnum=\(newDevnum)\\n"
            } else if line.hasPrefix("E: MINOR="), let minor = Int(line.dropFirst("E: MINOR=".count)) {
                line = "E: MINOR=\(minor + 10)"
            } else if line.hasPrefix("A: dev="), let colon = line.lastIndex(of: ":"),
                let minor = Int(line[line.index(after: colon)...])
            {
                line = String(line[...colon]) + String(minor + 10)
            } else if line.hasPrefix("A: devpath="), let dot = line.lastIndex(where: { $0 == "." || $0 == "=" }) {
                line = String(line[...dot]) + String(port)
            } else if line.hasPrefix("L: port="), let cut = line.range(of: "-port", options: .backwards) {
                line = String(line[..<cut.upperBound]) + String(port)
            }
            lines.append(line)
        }
        try check { umockdev_testbed_add_from_string(bed, lines.joined(separator: "\n") + "\n", $0) }
        let log = try String(contentsOf: recording.replay, encoding: .utf8)
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("replug-\(UUID()).ioctl")
        try Data(log.replacingOccurrences(of: "@DEV \(oldNode)", with: "@DEV \(newNodePath)").utf8).write(to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        // Adding the device announced it ("add") before its replay was loaded, as a kernel
        // announces a reader before it answers: the service must try again.
        try check { umockdev_testbed_load_ioctl(bed, newNodePath, copy.path, $0) }
    }

    public struct Failure: Error, CustomStringConvertible { public let description: String }

    private func check(_ call: (UnsafeMutablePointer<UnsafeMutablePointer<GError>?>) -> gboolean) throws {
        var error: UnsafeMutablePointer<GError>?
        if call(&error) == 0 {
            let message = error.map { String(cString: $0.pointee.message) } ?? "unknown"
            if let error { g_error_free(error) }
            throw Failure(description: "umockdev: \(message)")
        }
    }
}

/// Runs one capture against a replay bed and returns the image or the error, with the
/// transfers the driver made, how long it took, and what the process held before and after
/// (the USB context, its event thread, the device and the driver all gone by then).
public struct ReplayRun: Sendable {
    public var result: Result<GreyImage, ReaderError>
    public var transfers: [USBTransferRecord]
    public var seconds: Double
    public var fingerDown: Bool
    public var resourcesBefore: ProcessResources
    public var resourcesAfter: ProcessResources

    public static func capture(_ recording: Recording, replay: URL? = nil, fingerTimeout: Duration = .seconds(3)) throws
        -> ReplayRun
    {
        // umockdev's own sockets and threads belong to the bed: measure inside its lifetime.
        let bed = try ReplayBed(recording, replay: replay)
        defer { withExtendedLifetime(bed) {} }
        let before = ProcessResources.now
        let (result, transfers, seconds, fingerDown) = try session(recording, fingerTimeout: fingerTimeout)
        var after = ProcessResources.now
        for _ in 0..<20 where after != before {
            Thread.sleep(forTimeInterval: 0.05)
            after = ProcessResources.now
        }
        return ReplayRun(
            result: result, transfers: transfers, seconds: seconds, fingerDown: fingerDown, resourcesBefore: before,
            resourcesAfter: after)
    }

    /// One capture with its own context, device and driver, all released on return.
    private static func session(_ recording: Recording, fingerTimeout: Duration) throws -> (
        Result<GreyImage, ReaderError>, [USBTransferRecord], Double, Bool
    ) {
        let context = try USBContext()
        guard
            let info = try context.devices().first(where: {
                $0.vendorID == recording.model.id.vendor && $0.productID == recording.model.id.product
            })
        else { throw ReplayBed.Failure(description: "\(recording.model) not in the test bed") }
        let trace = USBTrace()
        let handle = try context.open(info, trace: trace)
        let driver = recording.model.driver(for: handle)
        let started = ContinuousClock.now
        var fingerDown = false
        let result: Result<GreyImage, ReaderError>
        do {
            try driver.open()
            result = .success(try driver.capture(CaptureControl(fingerTimeout: fingerTimeout)) { fingerDown = true })
        } catch {
            result = .failure(error)
        }
        driver.close()
        handle.close()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (result, trace.records, seconds, fingerDown)
    }
}

/// What the process holds: open file descriptors and threads, for leak checks.
public struct ProcessResources: Equatable, Sendable {
    public let descriptors: Int
    public let threads: Int

    public static var now: ProcessResources {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? -1
        return ProcessResources(descriptors: fds, threads: tasks)
    }
}
