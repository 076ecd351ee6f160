import Fingerprint
import FingerprintReplay
import FingerprintUSB
import Foundation
import KioskCore
import Testing

/// The drivers against real recorded sessions, replayed by libumockdev in this process.
/// Runs under `umockdev-wrapper` (Provisioning/dev.sh test does that); elsewhere the suite is
/// skipped, since without the preload libusb would see this machine's real USB devices.
@Suite("Sensor drivers on recorded sessions", .serialized, .enabled(if: ReplayBed.available))
struct ReplayTests {
    @Test("each recording decodes to libfprint's reference image, pixel for pixel", arguments: Recording.all)
    func decodes(_ recording: Recording) throws {
        let run = try ReplayRun.capture(recording)
        let image = try run.result.get()
        let reference = try recording.referenceImage()
        #expect(image.width == recording.model.width && image.height == recording.model.height)
        #expect(image.width == reference.width && image.height == reference.height)
        let differing = zip(image.pixels, reference.pixels).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) pixels differ")
        #expect(image.dpi == recording.model.dpi)
        #expect(run.fingerDown)
    }

    @Test("NB-1010: finger status, prepare, capture, then 90 image chunks of 540 bytes")
    func nb1010Commands() throws {
        let run = try ReplayRun.capture(.nb1010)
        let sent = run.transfers.filter { !$0.isIn }.map(\.data)
        #expect(
            sent == [
                [0x80, 0x38, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00],
                [0x80, 0x0d, 0x03, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00],
                [0x80, 0x12, 0x04, 0x00, 0x20, 0x00, 0x00, 0x00, 0x02] + [UInt8](repeating: 0, count: 19)
                    + [0x20, 0x00, 0x00, 0x00],
            ])
        let reads = run.transfers.filter(\.isIn)
        #expect(reads.map(\.requested) == [16, 16, 16] + [Int](repeating: 540, count: 90))
        #expect(reads.allSatisfy { $0.endpoint == 0x83 && $0.error == nil })
    }

    @Test("AES3500: reset, two configuration blocks, arm one scan, read 8329 bytes")
    func aes3500Commands() throws {
        let run = try ReplayRun.capture(.aes3500)
        let sent = run.transfers.filter { !$0.isIn }.map { $0.data.map { String(format: "%02x", $0) }.joined() }
        #expect(
            sent == [
                "8001", "8000", "81008000", "8002", "8000", "8004", "8000", "8100",
                "80008100820483138407853d86038701880289028a338b338c0f8d048e238f07",
                "9000911c9208930094079500961f970498289900" + "9a0b9b009c009d099e539f6b",
                "80008100", "8104", "8100",
            ])
        #expect(run.transfers.filter(\.isIn).map(\.requested) == [8329])
    }

    @Test("UPEK: every frame the host sends equals the recording's, in order (sequence numbers and CRCs)")
    func upekCommands() throws {
        let run = try ReplayRun.capture(.upek)
        let recorded = try PcapRecording(Recording.upek).hostTransfers()
        let sent = run.transfers.filter { !$0.isIn }.map(\.data)
        #expect(sent.count == recorded.count)
        for (index, (ours, theirs)) in zip(sent, recorded).enumerated() {
            #expect(ours == theirs, "transfer \(index)")
        }
    }

    // MARK: - Hot-plug

    @Test("a reader plugged in and pulled out is reported, and the capture waiting on it ends at once")
    func unplugDuringCapture() async throws {
        // The session stops before the finger arrives: the driver waits for a finger that never comes.
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID()).pcapng")
        try PcapRecording.truncate(try Data(contentsOf: Recording.upek.replay), beforeDeviceReply: 7).write(to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let bed = try ReplayBed(.upek, replay: copy)
        let context = try USBContext()
        let events = EventLog()
        let stream = context.watch([UPEKTouchChipDriver.model.id])
        let watcher = Task { for await event in stream { events.append(event) } }
        defer { watcher.cancel() }
        guard case .arrived(let info) = await events.first(within: .seconds(5), where: { _ in true }) else {
            Issue.record("no arrival")
            return
        }
        #expect(info.vendorID == 0x147e && info.productID == 0x2016)

        let handle = try context.open(info)
        let driver = UPEKTouchChipDriver(device: handle)
        try driver.open()
        let control = CaptureControl(fingerTimeout: .seconds(20))
        let started = ContinuousClock.now
        let box = DriverBox(driver)
        let capture = Task.detached { () -> ReaderError? in
            do {
                _ = try box.driver.capture(control) {}
                return nil
            } catch let error as ReaderError {
                return error
            } catch {
                return .protocolViolation("\(error)")
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        try bed.unplug(.upek)
        let left = await events.first(within: .seconds(5)) { if case .left = $0 { true } else { false } }
        #expect(left == .left(info))
        // The reader service cancels the capture when its reader leaves (on real hardware the
        // transfers also fail with "no device"): over within the driver's poll, not the 20 s.
        control.cancel()
        let error = await capture.value
        #expect(error == .cancelled || error == .deviceGone, "ended with \(String(describing: error))")
        #expect(ContinuousClock.now - started < .seconds(5))
        driver.close()
        handle.close()
        withExtendedLifetime(bed) {}
    }

    // MARK: - The reader service

    @Test(
        "the reader service: ready when plugged in, live states during a capture, absent when pulled out, ready again when plugged back in"
    )
    func readerService() async throws {
        let bed = try ReplayBed(.aes3500)
        let reader = try USBFingerprintReader()
        await reader.start()
        #expect(await state(of: reader, becomes: .ready))
        #expect(await reader.status().reader == "AuthenTec AES3500")
        let log = StatusLog()
        let updates = await reader.statusUpdates()
        let listener = Task { for await status in updates { log.append(status) } }
        let first = await reader.capture(timeout: .seconds(5))
        #expect(first.accepted, "\(first)")
        #expect((first.width, first.height, first.dpi) == (256, 256, 500))
        #expect(await state(of: reader, becomes: .ready))
        for _ in 0..<40 where log.states.count < 5 { try await Task.sleep(for: .milliseconds(25)) }
        #expect(log.states.starts(with: [.ready, .waitingForFinger, .captured, .waitingForLift, .ready]))

        try bed.unplug(.aes3500)
        #expect(await state(of: reader, becomes: .absent))
        #expect(await reader.capture(timeout: .seconds(1)).problem == .absent)
        // Plugged back in (on another port, with a new device number, as the kernel numbers a
        // re-plug): the same service finds it and captures again, nothing restarted.
        try bed.replug(.aes3500)
        #expect(await state(of: reader, becomes: .ready))
        let again = await reader.capture(timeout: .seconds(5))
        #expect(again.accepted, "\(again)")
        #expect((again.width, again.height) == (256, 256))
        listener.cancel()
        await reader.stop()
        withExtendedLifetime(bed) {}
    }

    @Test("asynchronous transfers: a command and its reply without blocking a thread; cancelling a read ends it")
    func asynchronousTransfers() async throws {
        let bed = try ReplayBed(.nb1010)
        let context = try USBContext()
        let info = try #require(try context.devices().first { $0.vendorID == 0x298d })
        let handle = try context.open(info)
        try handle.claim(interface: 0)
        try await handle.write(endpoint: 0x02, [0x80, 0x38, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00], timeout: .seconds(1))
        let reply = try await handle.read(endpoint: 0x83, length: 16, timeout: .seconds(1))
        #expect(reply.count == 16 && reply[1] == 0x37 && reply[12] == 0xF7)
        handle.close()

        // A read the replayed UPEK never answers (cut before the finger event), cancelled.
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID()).pcapng")
        try PcapRecording.truncate(try Data(contentsOf: Recording.upek.replay), beforeDeviceReply: 0).write(to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let upekBed = try ReplayBed(.upek, replay: copy)
        let upekContext = try USBContext()
        let upek = try upekContext.open(try #require(try upekContext.devices().first { $0.vendorID == 0x147e }))
        let started = ContinuousClock.now
        let read = Task { try await upek.read(endpoint: 0x81, length: 64, timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(200))
        read.cancel()
        do {
            _ = try await read.value
            Issue.record("a cancelled read returned data")
        } catch let error as USBError {
            #expect(error.code == .cancelled)
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        upek.close()
        withExtendedLifetime((bed, upekBed)) {}
    }

    func state(of reader: USBFingerprintReader, becomes state: FingerprintReaderStatus.State) async -> Bool {
        for _ in 0..<100 {
            if await reader.status().state == state { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    // MARK: - Damaged recordings

    @Test(
        "damaged sessions end in a typed error within a bounded time, leaking no thread or descriptor",
        arguments: Damage.all)
    func damaged(_ damage: Damage) throws {
        let copy = try damage.apply()
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let run = try ReplayRun.capture(damage.recording, replay: copy, fingerTimeout: .seconds(3))
        guard case .failure(let error) = run.result else {
            Issue.record("\(damage) gave an image")
            return
        }
        #expect(damage.expected(error), "\(damage) ended with \(error)")
        #expect(run.seconds < damage.bound, "\(damage) took \(run.seconds) s")
        // The event thread and descriptors go with the context. (Fewer threads is fine: the
        // test runner's own threads come and go.)
        #expect(run.resourcesAfter.descriptors == run.resourcesBefore.descriptors)
        #expect(run.resourcesAfter.threads <= run.resourcesBefore.threads)
    }
}

/// A damaged copy of a recording, and the error it must end in.
struct Damage: CustomStringConvertible, Sendable {
    let name: String
    let recording: Recording
    let bound: Double
    let edit: @Sendable (Data) throws -> Data
    let expected: @Sendable (ReaderError) -> Bool

    var description: String { "\(recording.name): \(name)" }

    func apply() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(recording.replay.lastPathComponent)
        try edit(try Data(contentsOf: recording.replay)).write(to: file)
        return file
    }

    /// Edits the ioctl log's lines.
    static func ioctl(_ transform: @escaping @Sendable ([String]) -> [String]) -> @Sendable (Data) throws -> Data {
        { data in
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            return Data(transform(lines.map(String.init)).joined(separator: "\n").utf8)
        }
    }

    /// Replaces field `index` (0 = the ioctl name) of the `n`-th line that matches `filter`.
    static func field(_ index: Int, to value: String, inLine n: Int, where filter: @escaping @Sendable (String) -> Bool)
        -> @Sendable ([String]) -> [String]
    {
        { lines in
            var lines = lines
            let matching = lines.indices.filter { filter(lines[$0]) }
            let line = matching[n]
            let indent = lines[line].prefix { $0 == " " }
            var fields = lines[line].split(separator: " ").map(String.init)
            fields[index] = value
            lines[line] = indent + fields.joined(separator: " ")
            return lines
        }
    }

    static func isRead(endpoint: Int) -> @Sendable (String) -> Bool {
        { line in
            let fields = line.split(separator: " ")
            return fields.count > 3 && fields[0].hasPrefix("USBDEVFS_REAPURB") && fields[3] == "\(endpoint)"
        }
    }

    static let all: [Damage] = [
        // NB-1010: the device gone after 30 of 90 chunks. Replay then answers the 31st read
        // with an earlier chunk, which the row index gives away.
        Damage(
            name: "truncated", recording: .nb1010, bound: 2,
            edit: ioctl { lines in Array(lines.prefix(lines.count - 61)) },
            expected: { if case .protocolViolation = $0 { true } else { false } }),
        // NB-1010: one chunk's bytes corrupted (its row index).
        Damage(
            name: "corrupted reply", recording: .nb1010, bound: 2,
            edit: ioctl { lines in
                var lines = lines
                let chunk = lines.indices.filter {
                    isRead(endpoint: 131)(lines[$0]) && lines[$0].contains(" 540 540 ")
                }[10]
                lines[chunk] = lines[chunk].replacingOccurrences(
                    of: "1C020000000000000100000015000000", with: "1C020000000000000100000077000000")
                return lines
            },
            expected: { if case .protocolViolation = $0 { true } else { false } }),
        // NB-1010: the finger-status reply stalls (EPIPE).
        Damage(
            name: "stalled transfer", recording: .nb1010, bound: 2,
            edit: ioctl(field(4, to: "-32", inLine: 0, where: isRead(endpoint: 131))),
            expected: { $0 == .usb(USBError(.pipe, "bulk IN 0x83 (16 bytes)")) }),
        // AES3500: a strip header corrupted.
        Damage(
            name: "corrupted reply", recording: .aes3500, bound: 2,
            edit: ioctl { lines in
                lines.map { line in
                    guard isRead(endpoint: 129)(line) else { return line }
                    var fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                    let last = fields.count - 1
                    let hex = fields[last]
                    let stripThree = hex.index(hex.startIndex, offsetBy: 3 * 1025 * 2)
                    fields[last] =
                        String(hex[..<stripThree]) + "E9" + String(hex[hex.index(stripThree, offsetBy: 2)...])
                    return fields.joined(separator: " ")
                }
            },
            expected: { $0 == .protocolViolation("strip 3 has header 0xe9") }),
        // AES3500: the scan reply missing (device gone before the finger came).
        Damage(
            name: "truncated", recording: .aes3500, bound: 2,
            edit: ioctl { lines in lines.filter { !isRead(endpoint: 129)($0) } },
            expected: { if case .usb = $0 { true } else { $0 == .deviceGone } }),
        // UPEK: a wrong CRC on the first image frame.
        Damage(
            name: "wrong CRC", recording: .upek, bound: 6,
            edit: { data in try PcapRecording.corruptCRC(data, deviceReply: 12) },
            expected: { $0 == .protocolViolation("bad CRC on a kind 0 frame") }),
        // UPEK: the session cut off after the tenth image frame: the next read never completes.
        Damage(
            name: "truncated", recording: .upek, bound: 12,
            edit: { data in try PcapRecording.truncate(data, afterDeviceReply: 22) },
            expected: { if case .usb(let error) = $0 { error.code == .timeout } else { false } }),
    ]
}

/// Hot-plug events as they come, to wait for one with a deadline (a replay that never sends
/// its event must fail the test, not hang it).
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [USBHotplugEvent] = []

    func append(_ event: USBHotplugEvent) { lock.withLock { events.append(event) } }

    func first(within limit: Duration, where match: (USBHotplugEvent) -> Bool) async -> USBHotplugEvent? {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while ContinuousClock.now < deadline {
            if let found = lock.withLock({ events.first(where: match) }) { return found }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

}

/// Hands a driver to the thread that runs it (drivers are used by one thread at a time).
final class DriverBox: @unchecked Sendable {
    let driver: any SensorDriver
    init(_ driver: any SensorDriver) { self.driver = driver }
}

/// Reader statuses as they arrive.
final class StatusLog: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [FingerprintReaderStatus.State] = []
    func append(_ status: FingerprintReaderStatus) { lock.withLock { storage.append(status.state) } }
    var states: [FingerprintReaderStatus.State] { lock.withLock { storage } }
}
