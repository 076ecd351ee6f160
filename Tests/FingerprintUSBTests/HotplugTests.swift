import Fingerprint
import FingerprintUSB
import Foundation
import Testing

@Suite("Reader arrival and departure", .serialized, .enabled(if: ReplayBed.available))
struct HotplugTests {
    @Test("a reader plugged in and pulled out is reported, and the capture waiting on it ends at once")
    func unplugDuringCapture() async throws {
        // The session stops before the finger arrives: the driver waits for a finger that never comes.
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID()).pcapng")
        try PcapRecording.truncate(try Data(contentsOf: Recording.upek.replay), beforeDeviceReply: 7).write(to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let bed = try ReplayBed(.upek, replay: copy)
        let context = try USBContext()
        var events = context.watch([UPEKTouchChipDriver.model.id]).makeAsyncIterator()
        guard case .arrived(let info) = await events.next() else {
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
        let left = await events.next()
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
}

/// Hands a driver to the thread that runs it (drivers are used by one thread at a time).
final class DriverBox: @unchecked Sendable {
    let driver: any SensorDriver
    init(_ driver: any SensorDriver) { self.driver = driver }
}
