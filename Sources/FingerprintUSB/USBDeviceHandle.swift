internal import CLibUSB
internal import Foundation

/// One transfer as it happened, for tests and the technician's trace: what we sent (OUT) or
/// received (IN), or the error.
public struct USBTransferRecord: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case control, bulk, interrupt }
    public var kind: Kind
    public var endpoint: UInt8
    /// Bytes sent (OUT, control: setup packet and data) or received (IN).
    public var data: [UInt8]
    /// The length asked for (IN).
    public var requested: Int
    public var error: USBError.Code?
    /// Time spent in libusb for this transfer (waiting on the device).
    public var duration: Duration = .zero

    public var isIn: Bool { endpoint & 0x80 != 0 }

    public var description: String {
        let bytes = data.map { String(format: "%02x", $0) }.joined()
        return "\(kind.rawValue) \(isIn ? "IN" : "OUT") 0x\(String(endpoint, radix: 16)) [\(requested)] \(bytes)"
            + (error.map { " ! \($0.rawValue)" } ?? "")
    }
}

/// Collects the transfers of a handle, in order.
public final class USBTrace: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [USBTransferRecord] = []

    public init() {}

    public var records: [USBTransferRecord] { lock.withLock { storage } }

    func append(_ record: USBTransferRecord) { lock.withLock { storage.append(record) } }
}

/// An open device. Synchronous transfers block the calling thread (drivers run on their own
/// thread); asynchronous ones complete on the context's event thread.
public final class USBDeviceHandle: @unchecked Sendable {
    private let handle: OpaquePointer
    public let info: USBDeviceInfo
    /// Keeps the context (and its event thread) alive while the handle is open.
    private let context: USBContext
    private let lock = NSLock()
    private var claimed: Set<Int32> = []
    private var closed = false
    /// When set, every transfer is recorded here.
    public let trace: USBTrace?

    init(handle: OpaquePointer, info: USBDeviceInfo, context: USBContext, trace: USBTrace? = nil) {
        self.handle = handle
        self.info = info
        self.context = context
        self.trace = trace
    }

    deinit { close() }

    public func claim(interface: Int) throws(USBError) {
        let status = libusb_claim_interface(handle, Int32(interface))
        guard status == 0 else { throw USBError(libusb: status, "claim interface \(interface)") }
        lock.withLock { _ = claimed.insert(Int32(interface)) }
    }

    public func release(interface: Int) {
        let wasClaimed = lock.withLock { claimed.remove(Int32(interface)) != nil }
        if wasClaimed { _ = libusb_release_interface(handle, Int32(interface)) }
    }

    /// Releases every claimed interface and closes the device; safe to call twice.
    public func close() {
        let interfaces: Set<Int32>? = lock.withLock {
            guard !closed else { return nil }
            closed = true
            return claimed
        }
        guard let interfaces else { return }
        for interface in interfaces { _ = libusb_release_interface(handle, interface) }
        libusb_close(handle)
    }

    // MARK: - Synchronous transfers

    /// A control transfer OUT (host to device) with `data`.
    public func controlOut(
        requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, data: [UInt8], timeout: Duration
    ) throws(USBError) {
        var bytes = data
        let started = ContinuousClock.now
        let status = libusb_control_transfer(
            handle, requestType, request, value, index, &bytes, UInt16(bytes.count), milliseconds(timeout))
        let setup =
            [requestType, request, UInt8(value & 0xFF), UInt8(value >> 8), UInt8(index & 0xFF), UInt8(index >> 8)]
            + [UInt8(data.count & 0xFF), UInt8(data.count >> 8)]
        let error = status < 0 ? USBError(libusb: status, "control OUT \(request)") : nil
        trace?.append(
            USBTransferRecord(
                kind: .control, endpoint: 0, data: setup + data, requested: data.count, error: error?.code,
                duration: ContinuousClock.now - started))
        if let error { throw error }
        guard Int(status) == data.count else { throw USBError(.io, "control OUT \(request): short (\(status))") }
    }

    /// A control transfer IN (device to host) of up to `length` bytes.
    public func controlIn(
        requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, length: Int, timeout: Duration
    ) throws(USBError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        let started = ContinuousClock.now
        let status = libusb_control_transfer(
            handle, requestType | 0x80, request, value, index, &bytes, UInt16(length), milliseconds(timeout))
        let error = status < 0 ? USBError(libusb: status, "control IN \(request)") : nil
        let received = error == nil ? Array(bytes.prefix(Int(status))) : []
        trace?.append(
            USBTransferRecord(
                kind: .control, endpoint: 0x80, data: received, requested: length, error: error?.code,
                duration: ContinuousClock.now - started))
        if let error { throw error }
        return received
    }

    public func bulkWrite(endpoint: UInt8, _ data: [UInt8], timeout: Duration) throws(USBError) {
        try write(.bulk, endpoint: endpoint, data, timeout: timeout)
    }

    public func bulkRead(endpoint: UInt8, length: Int, timeout: Duration) throws(USBError) -> [UInt8] {
        try read(.bulk, endpoint: endpoint, length: length, timeout: timeout)
    }

    public func interruptRead(endpoint: UInt8, length: Int, timeout: Duration) throws(USBError) -> [UInt8] {
        try read(.interrupt, endpoint: endpoint, length: length, timeout: timeout)
    }

    private func write(_ kind: USBTransferRecord.Kind, endpoint: UInt8, _ data: [UInt8], timeout: Duration)
        throws(USBError)
    {
        var bytes = data
        var transferred: Int32 = 0
        let started = ContinuousClock.now
        let status =
            kind == .bulk
            ? libusb_bulk_transfer(handle, endpoint, &bytes, Int32(bytes.count), &transferred, milliseconds(timeout))
            : libusb_interrupt_transfer(
                handle, endpoint, &bytes, Int32(bytes.count), &transferred, milliseconds(timeout))
        let operation = "\(kind.rawValue) OUT 0x\(String(endpoint, radix: 16)) (\(data.count) bytes)"
        var error = status == 0 ? nil : USBError(libusb: status, operation)
        if error == nil && Int(transferred) != data.count { error = USBError(.io, operation + ": short write") }
        trace?.append(
            USBTransferRecord(
                kind: kind, endpoint: endpoint, data: data, requested: data.count, error: error?.code,
                duration: ContinuousClock.now - started))
        if let error { throw error }
    }

    private func read(_ kind: USBTransferRecord.Kind, endpoint: UInt8, length: Int, timeout: Duration)
        throws(USBError) -> [UInt8]
    {
        var bytes = [UInt8](repeating: 0, count: length)
        var transferred: Int32 = 0
        let started = ContinuousClock.now
        let status =
            kind == .bulk
            ? libusb_bulk_transfer(handle, endpoint, &bytes, Int32(length), &transferred, milliseconds(timeout))
            : libusb_interrupt_transfer(handle, endpoint, &bytes, Int32(length), &transferred, milliseconds(timeout))
        let error =
            status == 0
            ? nil : USBError(libusb: status, "\(kind.rawValue) IN 0x\(String(endpoint, radix: 16)) (\(length) bytes)")
        let received = Array(bytes.prefix(Int(transferred)))
        trace?.append(
            USBTransferRecord(
                kind: kind, endpoint: endpoint, data: received, requested: length, error: error?.code,
                duration: ContinuousClock.now - started))
        if let error { throw error }
        return received
    }

    // MARK: - Asynchronous transfers

    /// Submits a bulk or interrupt IN transfer and awaits it without blocking a thread;
    /// cancelling the task cancels the transfer.
    public func read(
        endpoint: UInt8, length: Int, timeout: Duration, interrupt: Bool = false
    ) async throws(USBError) -> [UInt8] {
        let kind: USBTransferRecord.Kind = interrupt ? .interrupt : .bulk
        let started = ContinuousClock.now
        let result = await submit(
            kind: kind, endpoint: endpoint | 0x80, buffer: [UInt8](repeating: 0, count: length), timeout: timeout)
        trace?.append(
            USBTransferRecord(
                kind: kind, endpoint: endpoint | 0x80, data: (try? result.get()) ?? [], requested: length,
                error: result.error?.code, duration: ContinuousClock.now - started))
        return try result.get()
    }

    /// Submits a bulk or interrupt OUT transfer and awaits it.
    public func write(endpoint: UInt8, _ data: [UInt8], timeout: Duration, interrupt: Bool = false)
        async throws(USBError)
    {
        let kind: USBTransferRecord.Kind = interrupt ? .interrupt : .bulk
        let started = ContinuousClock.now
        var result = await submit(kind: kind, endpoint: endpoint & 0x7F, buffer: data, timeout: timeout)
        if case .success(let sent) = result, sent.count != data.count {
            result = .failure(USBError(.io, "\(kind.rawValue) OUT 0x\(String(endpoint, radix: 16)): short write"))
        }
        trace?.append(
            USBTransferRecord(
                kind: kind, endpoint: endpoint & 0x7F, data: data, requested: data.count, error: result.error?.code,
                duration: ContinuousClock.now - started))
        _ = try result.get()
    }

    private func submit(kind: USBTransferRecord.Kind, endpoint: UInt8, buffer: [UInt8], timeout: Duration) async
        -> Result<[UInt8], USBError>
    {
        let operation = "\(kind.rawValue) \(endpoint & 0x80 != 0 ? "IN" : "OUT") 0x\(String(endpoint, radix: 16))"
        guard let transfer = libusb_alloc_transfer(0) else { return .failure(USBError(.noMemory, operation)) }
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, buffer.count))
        storage.initialize(from: buffer, count: buffer.count)
        let box = TransferBox(transfer: transfer, storage: storage, operation: operation)
        transfer.pointee.dev_handle = handle
        transfer.pointee.endpoint = endpoint
        transfer.pointee.type = UInt8(
            kind == .bulk ? LIBUSB_TRANSFER_TYPE_BULK.rawValue : LIBUSB_TRANSFER_TYPE_INTERRUPT.rawValue)
        transfer.pointee.timeout = UInt32(milliseconds(timeout))
        transfer.pointee.buffer = storage
        transfer.pointee.length = Int32(buffer.count)
        transfer.pointee.user_data = Unmanaged.passRetained(box).toOpaque()
        transfer.pointee.callback = { transfer in
            guard let transfer, let userData = transfer.pointee.user_data else { return }
            let box = Unmanaged<TransferBox>.fromOpaque(userData).takeRetainedValue()
            box.complete(status: transfer.pointee.status, length: Int(transfer.pointee.actual_length))
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                box.start(continuation)
            }
        } onCancel: {
            box.cancel()
        }
    }
}

/// One asynchronous transfer: its memory, its continuation, and a lock so that cancelling
/// never touches a transfer that has already been freed.
private final class TransferBox: @unchecked Sendable {
    private let lock = NSLock()
    private let transfer: UnsafeMutablePointer<libusb_transfer>
    private let storage: UnsafeMutablePointer<UInt8>
    private let operation: String
    private var continuation: CheckedContinuation<Result<[UInt8], USBError>, Never>?
    private var finished = false
    private var cancelRequested = false

    init(transfer: UnsafeMutablePointer<libusb_transfer>, storage: UnsafeMutablePointer<UInt8>, operation: String) {
        self.transfer = transfer
        self.storage = storage
        self.operation = operation
    }

    func start(_ continuation: CheckedContinuation<Result<[UInt8], USBError>, Never>) {
        let cancelled = lock.withLock {
            self.continuation = continuation
            return cancelRequested
        }
        let status = cancelled ? LIBUSB_ERROR_INTERRUPTED.rawValue : libusb_submit_transfer(transfer)
        if status != 0 {
            // Never submitted: the callback will not run, so release what it would have.
            Unmanaged<TransferBox>.fromOpaque(transfer.pointee.user_data!).release()
            finish(.failure(USBError(libusb: status, operation)))
        }
    }

    func cancel() {
        lock.withLock {
            cancelRequested = true
            if continuation != nil && !finished { _ = libusb_cancel_transfer(transfer) }
        }
    }

    func complete(status: libusb_transfer_status, length: Int) {
        if status == LIBUSB_TRANSFER_COMPLETED {
            finish(.success(Array(UnsafeBufferPointer(start: storage, count: length))))
        } else {
            finish(.failure(USBError(transferStatus: status, operation)))
        }
    }

    private func finish(_ result: Result<[UInt8], USBError>) {
        let continuation: CheckedContinuation<Result<[UInt8], USBError>, Never>? = lock.withLock {
            finished = true
            return self.continuation
        }
        storage.deallocate()
        libusb_free_transfer(transfer)
        continuation?.resume(returning: result)
    }
}

extension Result {
    var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

func milliseconds(_ duration: Duration) -> UInt32 {
    let parts = duration.components
    return UInt32(clamping: parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000)
}
