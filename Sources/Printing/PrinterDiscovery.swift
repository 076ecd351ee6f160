internal import CCUPS
public import Foundation

/// A printer found for the technician: by CUPS' backends (USB, DNS-SD, SNMP) or by asking an
/// address directly, with what it can be used for.
public struct DiscoveredPrinter: Sendable, Hashable, Codable {
    public enum Use: String, Sendable, Codable {
        /// An ESC/POS receipt printer: the kiosk's raw thermal queue.
        case thermal
        /// A printer that takes PDF or PWG raster over IPP: an IPP Everywhere A4 queue.
        case a4
    }

    /// The CUPS device URI of the printer (`usb://…`, `socket://host:9100`, `ipp://host/ipp/print`).
    public var uri: String
    /// Nil when nothing says what the printer is.
    public var use: Use?
    public var makeAndModel: String
    /// Where it was found: `cups` (a CUPS backend) or `probe` (asked directly).
    public var foundBy: String
    /// What the printer answered, for the technician (its state, or why it cannot be used).
    public var note: String

    public init(uri: String, use: Use?, makeAndModel: String, foundBy: String, note: String = "") {
        self.uri = uri
        self.use = use
        self.makeAndModel = makeAndModel
        self.foundBy = foundBy
        self.note = note
    }

    /// What a CUPS device (`device-id` IEEE 1284 string, make and model, URI) is good for.
    public static func use(deviceID: String, makeAndModel: String, uri: String) -> Use? {
        let fields = Dictionary(
            deviceID.split(separator: ";").compactMap { field -> (String, String)? in
                guard let colon = field.firstIndex(of: ":") else { return nil }
                return (
                    field[..<colon].trimmingCharacters(in: .whitespaces).uppercased(),
                    field[field.index(after: colon)...].trimmingCharacters(in: .whitespaces).uppercased()
                )
            }, uniquingKeysWith: { first, _ in first })
        let commands = (fields["CMD"] ?? fields["COMMAND SET"] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if commands.contains(where: { $0.contains("ESC/POS") || $0 == "ESCPOS" || $0 == "STAR" }) { return .thermal }
        let model = makeAndModel.uppercased()
        let receiptModels = ["TM-T", "TM-M", "XP-", "RP3", "TSP1", "TSP6", "RECEIPT", "POS-80", "POS80", "THERMAL"]
        if receiptModels.contains(where: model.contains) { return .thermal }
        let scheme = uri.split(separator: ":").first.map(String.init) ?? ""
        let ippCapable = ["ipp", "ipps", "dnssd"].contains(scheme) && !uri.contains("/printers/")
        if ippCapable { return .a4 }
        if commands.contains(where: { ["PDF", "PWG", "URF", "APPLE-RASTER", "PWGRASTER"].contains($0) }) {
            return .a4
        }
        return nil
    }
}

extension CUPSClient {
    /// The printers CUPS' backends find (CUPS-Get-Devices, as `lpinfo -v`): USB printers, and
    /// network printers that announce themselves (DNS-SD, SNMP). Runs for up to `seconds`.
    /// Needs the scheduler's administrator rights (root on the appliance).
    public func devices(seconds: Int = 10) async throws -> [DiscoveredPrinter] {
        try await run { http in
            let request = ippNewRequest(IPP_OP_CUPS_GET_DEVICES)
            ippAddInteger(request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "timeout", Int32(seconds))
            let response = try self.send(request, to: "/", http: http, missing: .queueNotFound)
            defer { ippDelete(response) }
            return Self.groups(of: response, tag: IPP_TAG_PRINTER).compactMap { group -> DiscoveredPrinter? in
                func text(_ name: String) -> String { group[name].flatMap { Self.values($0).first } ?? "" }
                let uri = text("device-uri")
                // A backend's entry for an address to type in (`socket`, `ipp`: no `://`) is no printer.
                guard uri.contains(":"), !uri.hasSuffix(":") else { return nil }
                let model = text("device-make-and-model")
                let name = model.isEmpty || model == "Unknown" ? text("device-info") : model
                return DiscoveredPrinter(
                    uri: uri, use: DiscoveredPrinter.use(deviceID: text("device-id"), makeAndModel: model, uri: uri),
                    makeAndModel: name, foundBy: "cups", note: text("device-class"))
            }
        }
    }

    /// An IPP printer's own answer to Get-Printer-Attributes at `uri` (not through CUPS).
    public static func ippPrinter(at uri: String, timeout: Double = 5) -> (
        model: String, formats: [String], state: String
    )? {
        guard let url = URL(string: uri), let host = url.host, ["ipp", "ipps"].contains(url.scheme ?? "") else {
            return nil
        }
        let port = Int32(url.port ?? 631)
        let encryption = url.scheme == "ipps" ? HTTP_ENCRYPTION_ALWAYS : HTTP_ENCRYPTION_IF_REQUESTED
        guard let http = httpConnect2(host, port, nil, AF_UNSPEC, encryption, 1, Int32(timeout * 1000), nil) else {
            return nil
        }
        defer { httpClose(http) }
        httpSetTimeout(http, timeout, nil, nil)
        let request = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES)
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nil, uri)
        requestAttributes(
            request, ["printer-make-and-model", "document-format-supported", "printer-state", "printer-state-reasons"])
        let resource = url.path.isEmpty ? "/" : url.path
        guard let response = cupsDoRequest(http, request, resource) else { return nil }
        defer { ippDelete(response) }
        guard ippGetStatusCode(response).rawValue < IPP_STATUS_REDIRECTION_OTHER_SITE.rawValue else { return nil }
        let state =
            switch integer(response, "printer-state") {
            case 3: "idle"
            case 4: "processing"
            case 5: "stopped"
            default: "unknown"
            }
        let reasons = strings(response, "printer-state-reasons").filter { $0 != "none" }
        return (
            strings(response, "printer-make-and-model").first ?? "IPP printer",
            strings(response, "document-format-supported"),
            reasons.isEmpty ? state : "\(state) (\(reasons.joined(separator: ", ")))"
        )
    }
}

/// Asks addresses the technician names what printer answers there.
public enum PrinterProbe {
    /// `host`, `host:port`, or a device URI. Without a port: the raw port 9100 (an ESC/POS
    /// printer answers `DLE EOT`) and IPP on 631 at `/ipp/print`. With a port: `DLE EOT`
    /// first (an HTTP request sent to a receipt printer's raw port would be printed on its
    /// paper, a status request to an IPP port is harmlessly refused), then IPP.
    public static func probe(_ address: String, timeout: Duration = .milliseconds(800)) -> [DiscoveredPrinter] {
        let text = address.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("ipp://") || text.hasPrefix("ipps://") { return ipp(text).map { [$0] } ?? [] }
        if text.hasPrefix("socket://") || text.hasPrefix("/dev/") {
            return StatusEndpoint(text).flatMap { raw($0, timeout: timeout) }.map { [$0] } ?? []
        }
        guard let endpoint = StatusEndpoint(text), case .tcp(let host, let port) = endpoint else { return [] }
        let explicitPort = text.contains(":") && !text.hasSuffix("]")
        if !explicitPort {
            var found: [DiscoveredPrinter] = []
            if let thermal = raw(.tcp(host: host, port: 9100), timeout: timeout) { found.append(thermal) }
            if let printer = ipp("ipp://\(hostInURI(host)):631/ipp/print") { found.append(printer) }
            return found
        }
        if port != 631, let thermal = raw(endpoint, timeout: timeout) { return [thermal] }
        if port == 9100 { return [] }
        return ipp("ipp://\(hostInURI(host)):\(port)/ipp/print").map { [$0] } ?? []
    }

    private static func hostInURI(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    static func raw(_ endpoint: StatusEndpoint, timeout: Duration) -> DiscoveredPrinter? {
        guard case .answered(let faults, _) = StatusProbe(endpoint: endpoint, timeout: timeout).check() else {
            return nil
        }
        let uri =
            switch endpoint {
            case .tcp(let host, let port): "socket://\(hostInURI(host)):\(port)"
            case .device(let path): "file://\(path)"
            }
        return DiscoveredPrinter(
            uri: uri, use: .thermal, makeAndModel: "ESC/POS receipt printer", foundBy: "probe",
            note: faults.isEmpty
                ? "answers DLE EOT: ready" : "answers DLE EOT: \(faults.map(\.rawValue).joined(separator: ", "))"
        )
    }

    static func ipp(_ uri: String) -> DiscoveredPrinter? {
        guard let answer = CUPSClient.ippPrinter(at: uri) else { return nil }
        let everywhere = answer.formats.contains { ["application/pdf", "image/pwg-raster", "image/urf"].contains($0) }
        return DiscoveredPrinter(
            uri: uri, use: everywhere ? .a4 : nil, makeAndModel: answer.model, foundBy: "probe",
            note: everywhere
                ? "IPP Everywhere, \(answer.state)" : "IPP without PDF or PWG raster: needs a driver, not supported")
    }
}

/// Creates and changes the kiosk's CUPS queues with `lpadmin`, the scheduler's own
/// administration tool: an IPP Everywhere queue needs the PPD that lpadmin builds from the
/// printer's attributes (`-m everywhere`); cupsd does not make it itself.
public enum QueueSetup {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The receipt printer: a raw queue (the kiosk sends finished ESC/POS bytes).
    public static func thermal(queue: String, uri: String, server: PrintServer?) throws {
        try lpadmin(
            server: server,
            [
                "-p", queue, "-E", "-v", uri, "-m", "raw", "-D", "LSWO Kiosk receipt printer", "-o",
                "printer-is-shared=false",
            ])
    }

    /// The A4 printer: IPP Everywhere, A4 paper by default.
    public static func a4(queue: String, uri: String, server: PrintServer?) throws {
        try lpadmin(
            server: server,
            [
                "-p", queue, "-E", "-v", uri, "-m", "everywhere", "-D", "LSWO Kiosk A4 printer",
                "-o", "printer-is-shared=false", "-o", "media-default=iso_a4_210x297mm",
            ])
    }

    static func lpadmin(server: PrintServer?, _ arguments: [String]) throws {
        guard
            let tool = ["/usr/sbin/lpadmin", "/usr/bin/lpadmin", "/sbin/lpadmin"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else { throw Failure(description: "lpadmin is missing (Debian package cups-client)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = (server.map { ["-h", $0.description] } ?? []) + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).split(separator: "\n")
                // CUPS 2.4 warns that raw queues and PPDs are deprecated; they still work.
                .filter { !$0.contains("deprecated") }.joined(separator: "; ")
            throw Failure(description: "lpadmin \(arguments.prefix(2).joined(separator: " ")) failed: \(text)")
        }
    }
}
