internal import CLibUSB
internal import Foundation
internal import Synchronization

/// Where a device sits: bus, address and the port path (`1-1.3`), and what it is.
public struct USBDeviceInfo: Sendable, Hashable, CustomStringConvertible {
    public var vendorID: UInt16
    public var productID: UInt16
    public var bus: UInt8
    public var address: UInt8
    /// Port numbers from the root hub, e.g. [1, 3] for `1-1.3`.
    public var ports: [UInt8]
    public var deviceRelease: UInt16

    public init(vendorID: UInt16, productID: UInt16, bus: UInt8, address: UInt8, ports: [UInt8], deviceRelease: UInt16)
    {
        self.vendorID = vendorID
        self.productID = productID
        self.bus = bus
        self.address = address
        self.ports = ports
        self.deviceRelease = deviceRelease
    }

    /// `298d:1010`.
    public var id: String { String(format: "%04x:%04x", vendorID, productID) }
    /// `1-1.3`: the sysfs name of the port, stable across re-plugging into the same socket.
    public var portPath: String {
        ports.isEmpty ? "\(bus)" : "\(bus)-" + ports.map(String.init).joined(separator: ".")
    }
    public var description: String { "\(id) at bus \(bus) address \(address) (port \(portPath))" }
}

/// A device arriving or leaving.
public enum USBHotplugEvent: Sendable, Equatable {
    case arrived(USBDeviceInfo)
    case left(USBDeviceInfo)
}

/// A libusb context with its own event-handling thread, which completes asynchronous
/// transfers and delivers hot-plug callbacks. Pointers never leave this module.
public final class USBContext: @unchecked Sendable {
    let pointer: OpaquePointer
    private let events: EventLoop
    private let lock = NSLock()
    private var hotplugHandles: [libusb_hotplug_callback_handle] = []
    private var hotplugBoxes: [Unmanaged<HotplugBox>] = []

    public init() throws(USBError) {
        var context: OpaquePointer?
        let status = libusb_init(&context)
        guard status == 0, let context else { throw USBError(libusb: status, "libusb_init") }
        pointer = context
        let events = EventLoop(context: context)
        self.events = events
        let thread = Thread { events.run() }
        thread.name = "usb-events"
        thread.start()
    }

    deinit {
        lock.lock()
        for handle in hotplugHandles { libusb_hotplug_deregister_callback(pointer, handle) }
        lock.unlock()
        events.stop()
        for box in hotplugBoxes { box.release() }
        libusb_exit(pointer)
    }

    /// Whether this libusb can tell us about arrivals itself (Linux: yes, through udev).
    public var supportsHotplug: Bool { libusb_has_capability(UInt32(LIBUSB_CAP_HAS_HOTPLUG.rawValue)) != 0 }

    /// The devices on the bus now.
    public func devices() throws(USBError) -> [USBDeviceInfo] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(pointer, &list)
        guard count >= 0, let list else { throw USBError(libusb: Int32(count), "list devices") }
        defer { libusb_free_device_list(list, 1) }
        return (0..<count).compactMap { index in list[index].flatMap(Self.info) }
    }

    static func info(_ device: OpaquePointer) -> USBDeviceInfo? {
        var descriptor = libusb_device_descriptor()
        guard libusb_get_device_descriptor(device, &descriptor) == 0 else { return nil }
        var ports = [UInt8](repeating: 0, count: 8)
        let depth = libusb_get_port_numbers(device, &ports, Int32(ports.count))
        return USBDeviceInfo(
            vendorID: descriptor.idVendor, productID: descriptor.idProduct, bus: libusb_get_bus_number(device),
            address: libusb_get_device_address(device), ports: Array(ports.prefix(max(0, Int(depth)))),
            deviceRelease: descriptor.bcdDevice)
    }

    /// Opens the device at `info`'s bus and address; `trace` records every transfer.
    public func open(_ info: USBDeviceInfo, trace: USBTrace? = nil) throws(USBError) -> USBDeviceHandle {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(pointer, &list)
        guard count >= 0, let list else { throw USBError(libusb: Int32(count), "list devices") }
        defer { libusb_free_device_list(list, 1) }
        for index in 0..<count {
            guard let device = list[index], libusb_get_bus_number(device) == info.bus,
                libusb_get_device_address(device) == info.address
            else { continue }
            var handle: OpaquePointer?
            let status = libusb_open(device, &handle)
            guard status == 0, let handle else { throw USBError(libusb: status, "open \(info)") }
            return USBDeviceHandle(handle: handle, info: info, context: self, trace: trace)
        }
        throw USBError(.noDevice, "open \(info)")
    }

    /// Arrivals and departures of devices with one of `ids` (vendor, product), starting with
    /// those present now. Uses libusb's hot-plug callbacks where it has them, else polls.
    public func watch(_ ids: Set<USBID>, poll interval: Duration = .seconds(1)) -> AsyncStream<USBHotplugEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: USBHotplugEvent.self)
        if supportsHotplug {
            let box = Unmanaged.passRetained(HotplugBox(ids: ids, continuation: continuation))
            var handle: libusb_hotplug_callback_handle = 0
            let events = Int32(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED.rawValue | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT.rawValue)
            let status = libusb_hotplug_register_callback(
                pointer, events, Int32(LIBUSB_HOTPLUG_ENUMERATE.rawValue), LIBUSB_HOTPLUG_MATCH_ANY,
                LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
                { _, device, event, userData in
                    guard let device, let userData else { return 0 }
                    let box = Unmanaged<HotplugBox>.fromOpaque(userData).takeUnretainedValue()
                    guard let info = USBContext.info(device), box.ids.contains(USBID(info.vendorID, info.productID))
                    else { return 0 }
                    box.continuation.yield(
                        event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED ? .arrived(info) : .left(info))
                    return 0
                }, box.toOpaque(), &handle)
            if status == 0 {
                let registered = handle
                lock.withLock {
                    hotplugHandles.append(handle)
                    hotplugBoxes.append(box)
                }
                continuation.onTermination = { [weak self] _ in
                    guard let self else { return }
                    self.lock.withLock {
                        if let index = self.hotplugHandles.firstIndex(of: registered) {
                            libusb_hotplug_deregister_callback(self.pointer, registered)
                            self.hotplugHandles.remove(at: index)
                        }
                    }
                }
                return stream
            }
            box.release()
        }
        // No hot-plug support: compare the device list every `interval`. Unstructured: it lives as
        // long as the stream it feeds, and ends when the stream's consumer goes.
        let task = Task { [weak self] in
            var present: Set<USBDeviceInfo> = []
            while !Task.isCancelled, let self {
                let now = Set(((try? self.devices()) ?? []).filter { ids.contains(USBID($0.vendorID, $0.productID)) })
                for gone in present.subtracting(now) { continuation.yield(.left(gone)) }
                for new in now.subtracting(present) { continuation.yield(.arrived(new)) }
                present = now
                try? await Task.sleep(for: interval)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

/// A USB vendor and product id.
public struct USBID: Sendable, Hashable, CustomStringConvertible {
    public var vendor: UInt16
    public var product: UInt16
    public init(_ vendor: UInt16, _ product: UInt16) {
        self.vendor = vendor
        self.product = product
    }
    public var description: String { String(format: "%04x:%04x", vendor, product) }
}

/// The event thread's loop: completes asynchronous transfers and runs hot-plug callbacks
/// until the context goes away (which interrupts the wait at once).
private final class EventLoop: @unchecked Sendable {
    let context: OpaquePointer
    private let running = Atomic<Bool>(true)
    private let done = DispatchSemaphore(value: 0)

    init(context: OpaquePointer) { self.context = context }

    func run() {
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        while running.load(ordering: .acquiring) {
            _ = libusb_handle_events_timeout_completed(context, &timeout, nil)
        }
        done.signal()
    }

    /// Ends the loop and waits for the thread to leave it.
    func stop() {
        running.store(false, ordering: .releasing)
        libusb_interrupt_event_handler(context)
        done.wait()
    }
}

private final class HotplugBox: @unchecked Sendable {
    let ids: Set<USBID>
    let continuation: AsyncStream<USBHotplugEvent>.Continuation
    init(ids: Set<USBID>, continuation: AsyncStream<USBHotplugEvent>.Continuation) {
        self.ids = ids
        self.continuation = continuation
    }
}
