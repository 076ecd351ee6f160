public import Foundation
public import KioskCore

#if canImport(Glibc)
    internal import Glibc
#endif

/// Where the thermal printer answers `DLE EOT` itself, bypassing CUPS (a raw CUPS job
/// "completes" even when the printer has no paper, so CUPS alone cannot tell).
public enum StatusEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// A network printer's raw port (usually 9100).
    case tcp(host: String, port: Int)
    /// A USB printer-class device (`/dev/usb/lp0`), read and written directly.
    case device(path: String)

    /// `host:port`, `tcp://host:port`, `socket://host:port` or `/dev/...`.
    public init?(_ text: String) {
        var rest = text.trimmingCharacters(in: .whitespaces)
        if rest.hasPrefix("/") {
            self = .device(path: rest)
            return
        }
        for scheme in ["tcp://", "socket://"] where rest.hasPrefix(scheme) { rest.removeFirst(scheme.count) }
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "/" }) { rest = String(rest[..<query]) }
        guard !rest.isEmpty else { return nil }
        if let colon = rest.lastIndex(of: ":") {
            guard let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port),
                colon != rest.startIndex
            else { return nil }
            self = .tcp(host: String(rest[..<colon]), port: port)
        } else {
            self = .tcp(host: rest, port: 9100)
        }
    }

    /// The endpoint behind a CUPS `device-uri`, when CUPS talks to the printer over a raw socket.
    public init?(deviceURI: String) {
        guard deviceURI.hasPrefix("socket://") else { return nil }
        self.init(deviceURI)
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): "\(host):\(port)"
        case .device(let path): path
        }
    }
}

/// Asks an ESC/POS printer for its real-time status with `DLE EOT` 1, 2, 3 and 4.
/// Blocking, with a deadline on every step; call it off the cooperative pool.
public struct StatusProbe: Sendable {
    public var endpoint: StatusEndpoint
    public var timeout: Duration

    public init(endpoint: StatusEndpoint, timeout: Duration = .milliseconds(400)) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    public enum Result: Sendable, Hashable {
        /// The printer answered; `faults` may be empty.
        case answered(faults: [PrinterFault], replies: [UInt8])
        /// Nothing listens there, or the device is gone: the printer is off or unplugged.
        case unreachable(String)
        /// Connected, but no valid answer in time (busy with a job, or not an ESC/POS printer).
        case silent
    }

    public func check() -> Result {
        let descriptor: Int32
        switch open() {
        case .success(let fd): descriptor = fd
        case .failure(let message): return .unreachable(message)
        }
        defer { close(descriptor) }
        var replies: [ESCPOS.StatusRequest: UInt8] = [:]
        var raw: [UInt8] = []
        let deadline = ContinuousClock.now.advanced(by: timeout)
        for request in ESCPOS.StatusRequest.allCases {
            guard write(descriptor, request.command), let byte = readByte(descriptor, until: deadline),
                ESCPOS.isStatusByte(byte)
            else { return .silent }
            replies[request] = byte
            raw.append(byte)
        }
        return .answered(faults: ESCPOS.faults(from: replies), replies: raw)
    }

    private enum Opened {
        case success(Int32)
        case failure(String)
    }

    private func open() -> Opened {
        switch endpoint {
        case .device(let path):
            let fd = Glibc.open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
            return fd >= 0 ? .success(fd) : .failure("\(path): \(String(cString: strerror(errno)))")
        case .tcp(let host, let port):
            return connect(host: host, port: port)
        }
    }

    private func connect(host: String, port: Int) -> Opened {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            return .failure("\(host): cannot resolve")
        }
        defer { freeaddrinfo(list) }
        var message = "\(host):\(port): no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return .success(fd) }
            if errno == EINPROGRESS {
                var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&descriptor, 1, milliseconds(timeout)) == 1 {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    if error == 0 { return .success(fd) }
                    message = "\(host):\(port): \(String(cString: strerror(error)))"
                } else {
                    message = "\(host):\(port): no answer within \(timeout)"
                }
            } else {
                message = "\(host):\(port): \(String(cString: strerror(errno)))"
            }
            close(fd)
        }
        return .failure(message)
    }

    private func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) == $0.count }
    }

    private func readByte(_ fd: Int32, until deadline: ContinuousClock.Instant) -> UInt8? {
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return nil }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, max(1, milliseconds(remaining)))
            if ready < 0 && errno == EINTR { continue }
            guard ready == 1 else { return nil }
            var byte: UInt8 = 0
            let count = read(fd, &byte, 1)
            if count == 1 { return byte }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            return nil
        }
    }

    private func milliseconds(_ duration: Duration) -> Int32 {
        let parts = duration.components
        return Int32(clamping: parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000)
    }
}
