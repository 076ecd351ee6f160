public import Fingerprint
public import Foundation
public import KioskCore

/// Keeps listeners of a reader's status up to date.
final class StatusBroadcast: @unchecked Sendable {
    private let lock = NSLock()
    private var current: FingerprintReaderStatus
    private var listeners: [UUID: AsyncStream<FingerprintReaderStatus>.Continuation] = [:]

    init(_ initial: FingerprintReaderStatus) { current = initial }

    var value: FingerprintReaderStatus { lock.withLock { current } }

    func set(_ status: FingerprintReaderStatus) {
        let targets: [AsyncStream<FingerprintReaderStatus>.Continuation] = lock.withLock {
            guard status != current else { return [] }
            current = status
            return Array(listeners.values)
        }
        for listener in targets { listener.yield(status) }
    }

    func stream() -> AsyncStream<FingerprintReaderStatus> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: FingerprintReaderStatus.self, bufferingPolicy: .bufferingNewest(16))
        let id = UUID()
        lock.withLock {
            listeners[id] = continuation
            continuation.yield(current)
        }
        continuation.onTermination = { [weak self] _ in
            self?.lock.withLock { _ = self?.listeners.removeValue(forKey: id) }
        }
        return stream
    }
}

/// Hands a driver to the reader thread (drivers are used by one thread at a time).
final class DriverSlot: @unchecked Sendable {
    let driver: any SensorDriver
    let handle: USBDeviceHandle
    let info: USBDeviceInfo
    let model: SensorModel
    init(driver: any SensorDriver, handle: USBDeviceHandle, info: USBDeviceInfo, model: SensorModel) {
        self.driver = driver
        self.handle = handle
        self.info = info
        self.model = model
    }
}

extension SensorModel {
    /// A driver for this model on an open device.
    public func driver(for handle: USBDeviceHandle) -> any SensorDriver {
        switch driver {
        case NB1010Driver.model.driver: NB1010Driver(device: handle)
        case UPEKTouchChipDriver.model.driver: UPEKTouchChipDriver(device: handle)
        default: AES3500Driver(device: handle)
        }
    }
}

extension FingerprintCapture {
    /// Judges an image (`CaptureAssessment`) and, when it is good enough, makes its template.
    init(judging image: GreyImage) {
        let assessment = CaptureAssessment(image)
        self.init(
            problem: assessment.problem.map(CaptureProblem.init), width: image.width, height: image.height,
            dpi: image.dpi, coverage: assessment.coverage,
            template: assessment.isAcceptable ? FeatureExtractor().extract(image) : nil)
    }
}

extension CaptureProblem {
    init(_ problem: CaptureAssessment.Problem) {
        switch problem {
        case .noFinger: self = .noFinger
        case .partial: self = .partial
        case .tooDark: self = .tooDark
        case .tooLight: self = .tooLight
        case .smudged: self = .smudged
        case .tooWet: self = .tooWet
        case .tooDry: self = .tooDry
        case .offCentre: self = .offCentre
        }
    }

    init(_ error: ReaderError) {
        switch error {
        case .noFinger: self = .noFinger
        case .scanRejected: self = .rejected
        default: self = .readerError
        }
    }
}

/// The kiosk's USB reader: follows readers arriving and leaving (hot-plug), runs the driver on
/// its own thread, and tells the screen what happens. Unplugging during a capture cancels it;
/// plugging a reader back in makes it ready again without restarting anything.
public actor USBFingerprintReader: FingerprintReaderPort {
    private let context: USBContext
    private let thread = DispatchQueue(label: "kiosk.fingerprint.reader")
    private let broadcast = StatusBroadcast(FingerprintReaderStatus(state: .absent))
    private var slot: DriverSlot?
    private var control: CaptureControl?
    /// The running capture was cancelled by `cancelCapture`, not by an unplugged reader.
    private var screenCancelled = false
    private var watching: Task<Void, Never>?
    /// Paces the attempts to open a reader just plugged in (`ReopenSchedule`).
    private let clock: any Clock<Duration>

    public init(clock: any Clock<Duration> = ContinuousClock()) throws(USBError) {
        context = try USBContext()
        self.clock = clock
    }

    /// Starts following the supported readers.
    public func start() {
        guard watching == nil else { return }
        let events = context.watch(Set(SensorModel.all.map(\.id)))
        // Unstructured: hot-plug is followed for the reader's whole life, from `start` to `stop`.
        watching = Task { [weak self] in
            for await event in events {
                guard let self else { return }
                await self.handle(event)
            }
        }
    }

    public func stop() async {
        watching?.cancel()
        watching = nil
        control?.cancel()
        await detach()
    }

    private func handle(_ event: USBHotplugEvent) async {
        switch event {
        case .arrived(let info):
            guard slot == nil, let model = SensorModel.model(for: USBID(info.vendorID, info.productID)) else { return }
            let context = self.context
            var schedule = ReopenSchedule()
            while slot == nil, !Task.isCancelled {
                let opened: DriverSlot? = await run {
                    guard let handle = try? context.open(info) else { return nil }
                    let driver = model.driver(for: handle)
                    do {
                        try driver.open()
                    } catch {
                        handle.close()
                        return nil
                    }
                    return DriverSlot(driver: driver, handle: handle, info: info, model: model)
                }
                if let opened {
                    slot = opened
                    broadcast.set(FingerprintReaderStatus(state: .ready, reader: opened.model.name))
                    return
                }
                guard let wait = schedule.failed() else { return }
                try? await clock.sleep(for: wait)
            }
        case .left(let info):
            guard let slot, slot.info.bus == info.bus, slot.info.address == info.address else { return }
            control?.cancel()
            await detach()
        }
    }

    private func detach() async {
        guard let slot else { return }
        self.slot = nil
        await run {
            slot.driver.close()
            slot.handle.close()
        }
        broadcast.set(FingerprintReaderStatus(state: .absent))
    }

    public func status() -> FingerprintReaderStatus { broadcast.value }

    public func statusUpdates() -> AsyncStream<FingerprintReaderStatus> { broadcast.stream() }

    public func capture(timeout: Duration) async -> FingerprintCapture {
        guard let slot else { return FingerprintCapture(problem: .absent) }
        guard control == nil else { return FingerprintCapture(problem: .busy) }
        let control = CaptureControl(fingerTimeout: timeout)
        self.control = control
        screenCancelled = false
        defer { self.control = nil }
        let name = slot.model.name
        broadcast.set(FingerprintReaderStatus(state: .waitingForFinger, reader: name))
        let result: Result<FingerprintCapture, ReaderError> = await run {
            do {
                return .success(FingerprintCapture(judging: try slot.driver.capture(control) {}))
            } catch let error as ReaderError {
                return .failure(error)
            } catch {
                return .failure(.protocolViolation("\(error)"))
            }
        }
        let capture: FingerprintCapture
        switch result {
        case .success(let judged):
            capture = judged
        case .failure(let error):
            // The screen gave up waiting: no finger came, nothing failed.
            capture = FingerprintCapture(
                problem: error == .cancelled && screenCancelled ? .noFinger : CaptureProblem(error))
            if error == .deviceGone || self.slot == nil {
                await detach()
                return capture
            }
        }
        broadcast.set(FingerprintReaderStatus(state: .captured, reader: name, problem: capture.problem))
        if capture.problem == nil || capture.problem == .partial || capture.problem == .tooDark {
            broadcast.set(FingerprintReaderStatus(state: .waitingForLift, reader: name))
            let lift = CaptureControl(fingerTimeout: .seconds(10))
            self.control = lift
            await run { try? slot.driver.waitForLift(lift) }
        }
        if self.slot != nil { broadcast.set(FingerprintReaderStatus(state: .ready, reader: name)) }
        return capture
    }

    public func cancelCapture() {
        guard let control else { return }
        screenCancelled = true
        control.cancel()
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            thread.async { continuation.resume(returning: body()) }
        }
    }
}

/// A reader that "captures" images from a folder, in turn: for the demo office and for
/// development without hardware. Behaves like a real one: waits for a "finger", captures,
/// judges the image, waits for the "lift".
public actor VirtualFingerprintReader: FingerprintReaderPort {
    private let images: [GreyImage]
    private var next = 0
    private let broadcast: StatusBroadcast
    private let touchDelay: Duration
    private let liftDelay: Duration
    private var busy = false
    private var cancelled = false
    private let clock = ContinuousClock()

    /// Loads every `.png` in `directory` (sorted by name).
    public init(directory: URL, touchDelay: Duration = .milliseconds(1200), liftDelay: Duration = .milliseconds(600)) {
        let files =
            ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension.lowercased() == "png" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        images = files.compactMap { url in
            (try? Data(contentsOf: url)).flatMap { try? GreyImage(png: Array($0)) }
        }
        broadcast = StatusBroadcast(
            FingerprintReaderStatus(state: images.isEmpty ? .absent : .ready, reader: images.isEmpty ? nil : "virtual"))
        self.touchDelay = touchDelay
        self.liftDelay = liftDelay
    }

    public var imageCount: Int { images.count }

    public func status() -> FingerprintReaderStatus { broadcast.value }

    public func statusUpdates() -> AsyncStream<FingerprintReaderStatus> { broadcast.stream() }

    public func capture(timeout: Duration) async -> FingerprintCapture {
        guard !images.isEmpty else { return FingerprintCapture(problem: .absent) }
        guard !busy else { return FingerprintCapture(problem: .busy) }
        busy = true
        cancelled = false
        defer { busy = false }
        broadcast.set(FingerprintReaderStatus(state: .waitingForFinger, reader: "virtual"))
        // The "finger" arrives after `touchDelay`, unless the capture is cancelled first.
        let touch = clock.now.advanced(by: min(touchDelay, timeout))
        while clock.now < touch, !cancelled { await Self.pause(.milliseconds(50)) }
        guard !cancelled else {
            broadcast.set(FingerprintReaderStatus(state: .ready, reader: "virtual"))
            return FingerprintCapture(problem: .noFinger)
        }
        let image = images[next % images.count]
        next += 1
        let capture = FingerprintCapture(judging: image)
        let problem = capture.problem
        broadcast.set(FingerprintReaderStatus(state: .captured, reader: "virtual", problem: problem))
        broadcast.set(FingerprintReaderStatus(state: .waitingForLift, reader: "virtual"))
        await Self.pause(liftDelay)
        broadcast.set(FingerprintReaderStatus(state: .ready, reader: "virtual"))
        return capture
    }

    /// Waits on a thread of its own rather than by `Task.sleep`: under libfaketime (the browser
    /// tests' later office days) Swift's task timers never fire, and the virtual reader must still
    /// "capture" there.
    private static func pause(_ duration: Duration) async {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: seconds)
                done.resume()
            }
        }
    }

    public func cancelCapture() {
        if busy { cancelled = true }
    }
}

/// A USB reader when one is plugged in, the virtual reader otherwise: the demo works without
/// hardware, and a real reader takes over the moment it arrives.
public actor FallbackFingerprintReader: FingerprintReaderPort {
    public let primary: USBFingerprintReader
    public let fallback: VirtualFingerprintReader
    private let broadcast = StatusBroadcast(FingerprintReaderStatus(state: .absent))
    private var primaryStatus = FingerprintReaderStatus(state: .absent)
    private var fallbackStatus = FingerprintReaderStatus(state: .absent)
    private var following: [Task<Void, Never>] = []

    public init(primary: USBFingerprintReader, fallback: VirtualFingerprintReader) {
        self.primary = primary
        self.fallback = fallback
    }

    /// Starts the USB reader and follows both.
    public func start() async {
        await primary.start()
        primaryStatus = await primary.status()
        fallbackStatus = await fallback.status()
        broadcast.set(effective)
        let primaryUpdates = await primary.statusUpdates()
        let fallbackUpdates = await fallback.statusUpdates()
        // Unstructured: both readers are followed for as long as this one lives.
        following = [
            Task { [weak self] in
                for await status in primaryUpdates { await self?.update(primary: status) }
            },
            Task { [weak self] in
                for await status in fallbackUpdates { await self?.update(fallback: status) }
            },
        ]
    }

    public func stop() async {
        following.forEach { $0.cancel() }
        following = []
        await primary.stop()
    }

    private var usingPrimary: Bool { primaryStatus.state != .absent }
    private var effective: FingerprintReaderStatus { usingPrimary ? primaryStatus : fallbackStatus }

    private func update(primary status: FingerprintReaderStatus) {
        primaryStatus = status
        broadcast.set(effective)
    }

    private func update(fallback status: FingerprintReaderStatus) {
        fallbackStatus = status
        broadcast.set(effective)
    }

    public func status() -> FingerprintReaderStatus { effective }

    public func statusUpdates() -> AsyncStream<FingerprintReaderStatus> { broadcast.stream() }

    public func capture(timeout: Duration) async -> FingerprintCapture {
        usingPrimary ? await primary.capture(timeout: timeout) : await fallback.capture(timeout: timeout)
    }

    public func cancelCapture() async {
        await primary.cancelCapture()
        await fallback.cancelCapture()
    }
}
