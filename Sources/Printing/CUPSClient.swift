internal import CCUPS
internal import Dispatch
public import Foundation

/// Where the CUPS scheduler listens.
public struct PrintServer: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `HOST`, `HOST:PORT` or a domain socket path (`/run/cups/cups.sock`).
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if trimmed.hasPrefix("/") {
            self.init(host: trimmed, port: 0)
            return
        }
        if let colon = trimmed.lastIndex(of: ":"), !trimmed.hasSuffix("]") {
            guard let port = Int(trimmed[trimmed.index(after: colon)...]), (1...65535).contains(port) else {
                return nil
            }
            let host = String(trimmed[..<colon])
            guard !host.isEmpty else { return nil }
            self.init(host: host, port: port)
        } else {
            self.init(host: trimmed, port: 631)
        }
    }

    /// The server libcups would use by itself (`CUPS_SERVER`, `client.conf`, or the local socket).
    public static var systemDefault: PrintServer {
        let name = String(cString: cupsServer())
        if name.hasPrefix("/") { return PrintServer(host: name, port: 0) }
        return PrintServer(name).map { PrintServer(host: $0.host, port: name.contains(":") ? $0.port : Int(ippPort())) }
            ?? PrintServer(host: "localhost", port: 631)
    }

    public var description: String { port == 0 ? host : "\(host):\(port)" }
}

/// A client of one CUPS scheduler through libcups.
///
/// libcups blocks, so every call runs on this client's own serial dispatch queue, never on
/// Swift's cooperative thread pool; callers simply `await`. The client keeps one HTTP
/// connection and opens it again after a failure.
public final class CUPSClient: Sendable {
    public let server: PrintServer
    private let timeout: Double
    private let queue: DispatchQueue
    private let connection: Connection

    public init(server: PrintServer = .systemDefault, timeout: Duration = .seconds(5)) {
        self.server = server
        let parts = timeout.components
        self.timeout = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
        self.queue = DispatchQueue(label: "kiosk.cups.\(server)")
        self.connection = Connection()
    }

    deinit {
        // Not `sync`: the last reference can go away inside one of this queue's own blocks.
        let connection = self.connection
        queue.async { connection.close() }
    }

    /// Every queue on the server with its state.
    public func printers() async throws -> [PrinterStatus] {
        try await run { http in
            let request = ippNewRequest(IPP_OP_CUPS_GET_PRINTERS)
            Self.requestAttributes(request, Self.printerAttributes)
            let response = try self.send(request, to: "/", http: http, missing: .queueNotFound)
            defer { ippDelete(response) }
            return Self.groups(of: response, tag: IPP_TAG_PRINTER).compactMap(Self.printerStatus)
        }
    }

    /// One queue's state and reasons.
    public func printer(_ name: String) async throws -> PrinterStatus {
        try await run { http in
            let request = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES)
            ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nil, Self.printerURI(name))
            Self.requestAttributes(request, Self.printerAttributes)
            let response = try self.send(request, to: "/", http: http, missing: .queueNotFound, name: name)
            defer { ippDelete(response) }
            guard let status = Self.groups(of: response, tag: IPP_TAG_PRINTER).first.flatMap(Self.printerStatus)
            else { throw PrintError(.queueNotFound, "CUPS has no printer named \(name)") }
            return status
        }
    }

    /// Sends a document to a queue; returns once CUPS has accepted (spooled) the job.
    public func submit(_ document: Data, format: DocumentFormat, to printer: String, title: String) async throws
        -> PrintJobID
    {
        try await run { http in
            // Create-Job by hand: libcups' cupsCreateJob looks the destination up again through
            // its own default server, which is not the one this client talks to.
            let request = ippNewRequest(IPP_OP_CREATE_JOB)
            ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nil, Self.printerURI(printer))
            ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nil, cupsUser())
            ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", nil, title)
            let response = try self.send(
                request, to: "/printers/\(printer)", http: http, missing: .queueNotFound,
                name: "printer named \(printer)")
            let jobID = Self.integer(response, "job-id") ?? 0
            ippDelete(response)
            guard jobID > 0 else { throw PrintError(.rejected, "CUPS gave no job id for \(printer)") }
            // No document-name: Debian 12's cupsd 2.4.2-3+deb12u10 crashes (segfault) on a Send-Document
            // that carries one; the job-name above already names the job.
            guard cupsStartDocument(http, printer, jobID, nil, format.rawValue, 1) == HTTP_STATUS_CONTINUE else {
                throw Self.lastError(.rejected, printer: printer)
            }
            let written = document.withUnsafeBytes { bytes -> http_status_t in
                guard let base = bytes.baseAddress else { return HTTP_STATUS_CONTINUE }
                return cupsWriteRequestData(http, base.assumingMemoryBound(to: CChar.self), bytes.count)
            }
            guard written == HTTP_STATUS_CONTINUE else {
                _ = cupsFinishDocument(http, printer)
                throw Self.lastError(.rejected, printer: printer)
            }
            let status = cupsFinishDocument(http, printer)
            guard status.rawValue < IPP_STATUS_REDIRECTION_OTHER_SITE.rawValue else {
                throw Self.lastError(.rejected, printer: printer)
            }
            return PrintJobID(jobID)
        }
    }

    /// A job's state as CUPS knows it now.
    public func job(_ id: PrintJobID) async throws -> JobStatus {
        try await run { http in
            let request = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES)
            ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", nil, "ipp://localhost/jobs/\(id.value)")
            Self.requestAttributes(request, ["job-id", "job-state", "job-state-reasons", "job-printer-state-message"])
            let response = try self.send(request, to: "/", http: http, missing: .jobNotFound, name: "job \(id)")
            defer { ippDelete(response) }
            let state = Self.integer(response, "job-state").flatMap(JobState.init(rawValue:)) ?? .pending
            return JobStatus(
                id: id, state: state, reasons: Self.strings(response, "job-state-reasons"),
                message: Self.strings(response, "job-printer-state-message").first ?? "")
        }
    }

    /// Cancels a job that has not finished; cancelling a finished job is not an error.
    public func cancel(_ id: PrintJobID, on printer: String) async throws {
        try await run { http in
            let status = cupsCancelJob2(http, printer, id.value, 0)
            if status == IPP_STATUS_ERROR_NOT_POSSIBLE || status.rawValue < IPP_STATUS_REDIRECTION_OTHER_SITE.rawValue {
                return
            }
            if status == IPP_STATUS_ERROR_NOT_FOUND { throw PrintError(.jobNotFound, "CUPS has no job \(id)") }
            throw Self.lastError(.rejected, printer: printer)
        }
    }

    /// Follows a job until it is final or `timeout` passes; returns the last state seen.
    public func wait(for id: PrintJobID, timeout: Duration, poll: Duration = .milliseconds(100)) async throws
        -> JobStatus
    {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let status = try await job(id)
            if status.state.isFinal || clock.now >= deadline { return status }
            try await Task.sleep(for: poll)
        }
    }

    // MARK: - Running libcups off the cooperative pool

    func run<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(
                    with: Result {
                        let http = try self.connection.open(self.server, timeout: self.timeout)
                        do {
                            return try body(http)
                        } catch let error as PrintError {
                            if error.kind == .serverUnreachable { self.connection.close() }
                            throw error
                        }
                    })
            }
        }
    }

    /// The HTTP connection, touched only on `queue`.
    private final class Connection: @unchecked Sendable {
        private var http: OpaquePointer?

        func open(_ server: PrintServer, timeout: Double) throws -> OpaquePointer {
            if let http { return http }
            let port = server.port == 0 ? 0 : Int32(server.port)
            guard
                let http = httpConnect2(
                    server.host, port, nil, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, Int32(timeout * 1000), nil)
            else {
                throw PrintError(.serverUnreachable, "cannot connect to CUPS at \(server)")
            }
            httpSetTimeout(http, timeout, nil, nil)
            self.http = http
            return http
        }

        func close() {
            if let http { httpClose(http) }
            http = nil
        }
    }

    // MARK: - IPP helpers

    private static let printerAttributes = [
        "printer-name", "printer-state", "printer-state-reasons", "printer-state-message",
        "printer-is-accepting-jobs", "device-uri", "printer-make-and-model", "queued-job-count",
    ]

    func send(
        _ request: OpaquePointer?, to resource: String, http: OpaquePointer, missing: PrintError.Kind,
        name: String = ""
    ) throws -> OpaquePointer {
        // cupsDoRequest frees the request.
        let response = cupsDoRequest(http, request, resource)
        let status = cupsLastError()
        if status == IPP_STATUS_ERROR_NOT_FOUND {
            if let response { ippDelete(response) }
            throw PrintError(missing, "CUPS at \(server) has no \(name.isEmpty ? "such object" : name)")
        }
        guard let response, status.rawValue < IPP_STATUS_REDIRECTION_OTHER_SITE.rawValue else {
            if let response { ippDelete(response) }
            throw Self.lastError(.rejected, printer: name)
        }
        return response
    }

    static func lastError(_ kind: PrintError.Kind, printer: String) -> PrintError {
        let status = cupsLastError()
        let text = String(cString: cupsLastErrorString())
        switch status {
        case IPP_STATUS_ERROR_SERVICE_UNAVAILABLE:
            return PrintError(.serverUnreachable, text)
        case IPP_STATUS_ERROR_INTERNAL where text.localizedCaseInsensitiveContains("connect"):
            return PrintError(.serverUnreachable, text)
        case IPP_STATUS_ERROR_NOT_FOUND:
            return PrintError(.queueNotFound, "CUPS has no printer named \(printer)")
        default:
            return PrintError(kind, text.isEmpty ? "IPP status \(status.rawValue)" : text)
        }
    }

    static func printerURI(_ name: String) -> String {
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))
        return "ipp://localhost/printers/" + (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name)
    }

    static func requestAttributes(_ request: OpaquePointer?, _ names: [String]) {
        var pointers = names.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        pointers.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { values in
                _ = ippAddStrings(
                    request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", Int32(values.count), nil,
                    values.baseAddress)
            }
        }
    }

    /// The attributes of each group with the given tag, as name → attribute.
    static func groups(of response: OpaquePointer, tag: ipp_tag_t) -> [[String: OpaquePointer]] {
        var groups: [[String: OpaquePointer]] = []
        var current: [String: OpaquePointer]?
        var attribute = ippFirstAttribute(response)
        while true {
            let atEnd = attribute == nil
            let group = attribute.map { ippGetGroupTag($0) }
            let separator = atEnd || group != tag || ippGetName(attribute) == nil
            if separator, let finished = current {
                groups.append(finished)
                current = nil
            }
            if atEnd { break }
            if let attribute, group == tag, let name = ippGetName(attribute) {
                current = current ?? [:]
                current?[String(cString: name)] = attribute
            }
            attribute = ippNextAttribute(response)
        }
        return groups
    }

    private static func printerStatus(_ group: [String: OpaquePointer]) -> PrinterStatus? {
        guard let name = group["printer-name"].flatMap({ values($0).first }) else { return nil }
        let state: PrinterStatus.State =
            switch group["printer-state"].map({ ippGetInteger($0, 0) }) {
            case 4: .processing
            case 5: .stopped
            default: .idle
            }
        return PrinterStatus(
            queue: name, state: state,
            reasons: group["printer-state-reasons"].map(values) ?? [],
            message: group["printer-state-message"].flatMap { values($0).first } ?? "",
            isAcceptingJobs: group["printer-is-accepting-jobs"].map { ippGetBoolean($0, 0) != 0 } ?? true,
            deviceURI: group["device-uri"].flatMap { values($0).first },
            makeAndModel: group["printer-make-and-model"].flatMap { values($0).first },
            queuedJobs: group["queued-job-count"].map { Int(ippGetInteger($0, 0)) } ?? 0)
    }

    static func values(_ attribute: OpaquePointer) -> [String] {
        (0..<ippGetCount(attribute)).compactMap { index in
            ippGetString(attribute, index, nil).map { String(cString: $0) }
        }
    }

    static func strings(_ response: OpaquePointer, _ name: String) -> [String] {
        ippFindAttribute(response, name, IPP_TAG_ZERO).map(values) ?? []
    }

    static func integer(_ response: OpaquePointer, _ name: String) -> Int32? {
        ippFindAttribute(response, name, IPP_TAG_ZERO).map { ippGetInteger($0, 0) }
    }
}
