import Crypto
public import Foundation
import HTTPTypes
public import Hummingbird
public import LMISProtocol
public import Logging
import NIOCore
import PostgresNIO

/// The hub's HTTP surface: the signed device API under `/v1` and the token-protected `/admin`.
public struct HubRouter: Sendable {
    let store: HubStore
    let registry: any CivilRegistry
    let configuration: HubConfiguration
    let gate: SyncGate
    let epoch: EpochCache
    let database: DatabaseProbe
    let metrics = HubMetrics()
    let receptions: UploadReceptions
    let logger: Logger
    /// The SMS route for offices without a modem; nil when the hub has no gateway.
    let sms: SMSRelay?

    public init(
        store: HubStore, registry: any CivilRegistry, configuration: HubConfiguration, logger: Logger,
        sms: SMSRelay? = nil, probe: ProbeConnection? = nil
    ) {
        self.store = store
        self.registry = registry
        self.sms = sms
        self.configuration = configuration
        self.receptions = UploadReceptions(quiet: configuration.uploadQuiet)
        self.gate = SyncGate(limit: configuration.maxConcurrentSync)
        self.epoch = EpochCache(store: store)
        self.database = DatabaseProbe {
            if let probe { try await probe.ping() } else { try await store.ping() }
        }
        self.logger = logger
    }

    public func build() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/health") { _, _ in
            guard await self.database.isUp() else {
                return Response(
                    status: .serviceUnavailable,
                    headers: [.contentType: "text/plain; charset=utf-8", .retryAfter: "5"],
                    body: .init(byteBuffer: ByteBuffer(string: "database unreachable\n")))
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.post(RouterPath(LMISPath.enrol)) { request, context in
            try await self.guarded { try await self.enrol(request) }
        }
        router.post(RouterPath(LMISPath.upload)) { request, _ in
            try await self.guarded { try await self.upload(request) }
        }
        router.get(RouterPath(LMISPath.uploadReceipts)) { request, _ in
            try await self.guarded { try await self.receipts(request) }
        }
        router.get(RouterPath(LMISPath.changes)) { request, _ in
            try await self.guarded { try await self.changes(request) }
        }
        router.get("/v1/reference/:kind") { request, context in
            try await self.guarded { try await self.reference(request, kind: context.parameters.get("kind") ?? "") }
        }
        router.post(RouterPath(LMISPath.heartbeat)) { request, _ in
            try await self.guarded { try await self.heartbeat(request) }
        }
        router.post(RouterPath(LMISPath.identity)) { request, _ in
            try await self.guarded { try await self.identity(request) }
        }
        router.post(RouterPath(LMISPath.identityBatch)) { request, _ in
            try await self.guarded { try await self.identityBatch(request) }
        }
        router.get(RouterPath(LMISPath.status)) { request, _ in
            try await self.guarded { try await self.status(request) }
        }
        router.post(RouterPath(LMISPath.caseSummary)) { request, _ in
            try await self.guarded { try await self.caseSummary(request) }
        }
        AdminRoutes(hub: self).add(to: router)
        SMSRoutes(hub: self).add(to: router)
        return router
    }

    // MARK: Plumbing

    /// Runs a sync request inside the concurrency cap and turns every failure into a `Problem`.
    func guarded(_ handler: @escaping @Sendable () async throws -> Response) async throws -> Response {
        guard await database.isUp() else { return databaseUnreachable() }
        guard await gate.enter() else {
            var response = problem(.serviceUnavailable, .busy, "the hub is serving many offices; try again shortly")
            response.headers[.retryAfter] = String(Int.random(in: 2...8))
            return response
        }
        defer { Task { await gate.leave() } }
        do {
            return try await database.answer(handler, orElse: databaseUnreachable)
        } catch let failure as Failure {
            return problem(failure.status, failure.code, failure.message)
        } catch let failure as Gzip.Failure {
            if case .tooLarge = failure { return problem(.contentTooLarge, .tooLarge, "\(failure)") }
            return problem(.badRequest, .badRequest, "\(failure)")
        } catch let error as DecodingError {
            return problem(
                .badRequest, .badRequest, "the body is not what the protocol expects: \(Self.describe(error))")
        } catch {
            logger.error("request failed", metadata: ["hub.error": "\(String(reflecting: error))"])
            return problem(.internalServerError, .internalError, "the hub could not complete the request")
        }
    }

    func databaseUnreachable() -> Response {
        var response = problem(.serviceUnavailable, .busy, "the hub's database cannot be reached; try again shortly")
        response.headers[.retryAfter] = String(Int.random(in: 5...15))
        return response
    }

    struct Failure: Error {
        let status: HTTPResponse.Status
        let code: ProblemCode
        let message: String
    }

    func problem(_ status: HTTPResponse.Status, _ code: ProblemCode, _ message: String) -> Response {
        let body = Problem(code, message, serverTime: LMISTime.format(Date()))
        var response = Self.json(body, gzip: false)
        response.status = status
        return response
    }

    static func json(_ value: some Encodable, gzip: Bool) -> Response {
        json(raw: (try? LMISCoding.encoder.encode(value)) ?? Data("{}".utf8), gzip: gzip)
    }

    static func json(raw data: Data, gzip: Bool) -> Response {
        // `Accept-Encoding` on an answer (RFC 7694): the request codings the hub takes.
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
            .acceptEncoding: "gzip, \(UploadEncoding.dictionaryCoding)",
        ]
        if gzip, data.count > 1024 {
            headers[.contentEncoding] = "gzip"
            headers[.vary] = "Accept-Encoding"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Gzip.compress(data))))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func acceptsGzip(_ request: Request) -> Bool {
        request.headers[.acceptEncoding]?.contains("gzip") == true
    }

    /// The body as sent (for the signature) and inflated (for reading), within the caps.
    /// `progress`: called as parts of the body come in.
    static func body(_ request: Request, progress: (() -> Void)? = nil) async throws -> (sent: Data, inflated: Data) {
        let tooLarge = Failure(
            status: .contentTooLarge, code: .tooLarge,
            message: "the body is larger than \(LMISLimits.inflatedBody) bytes")
        var buffer = ByteBuffer()
        do {
            for try await part in request.body {
                guard buffer.readableBytes + part.readableBytes <= LMISLimits.inflatedBody else { throw tooLarge }
                buffer.writeImmutableBuffer(part)
                progress?()
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(status: .badRequest, code: .badRequest, message: "the body broke off: \(error)")
        }
        let sent = Data(buffer.readableBytesView)
        if let encoding = request.headers[.contentEncoding], encoding != "identity" {
            // Kiosks that saw `Accept-Encoding` name the dictionary coding use it (issue 25).
            if encoding == UploadEncoding.dictionaryCoding {
                return (sent, try UploadEncoding.decompress(sent, limit: LMISLimits.inflatedBody))
            }
            guard encoding == "gzip" else {
                throw Failure(
                    status: .unsupportedMediaType, code: .badRequest,
                    message: "only gzip and \(UploadEncoding.dictionaryCoding) bodies are understood")
            }
            return (sent, try Gzip.decompress(sent, limit: LMISLimits.inflatedBody))
        }
        return (sent, sent)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, with decoder: JSONDecoder = LMISCoding.decoder)
        throws -> T
    {
        try decoder.decode(T.self, from: data)
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            "missing \(key.stringValue) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            "\(context.debugDescription) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        @unknown default: "\(error)"
        }
    }

    /// Checks the signature headers; the device, when they hold.
    func authenticate(_ request: Request, body: Data) async throws -> HubStore.Device {
        let header = { (name: String) in request.headers[HTTPField.Name(name)!] }
        guard let keyID = header(RequestSigning.keyHeader) else {
            throw Failure(status: .unauthorized, code: .unsigned, message: "the request is not signed")
        }
        guard let device = try await store.device(id: keyID) else {
            throw Failure(
                status: .unauthorized, code: .unknownDevice, message: "no device is enrolled with key \(keyID)")
        }
        guard !device.revoked else {
            throw Failure(
                status: .forbidden, code: .revokedDevice, message: "this device has been revoked; enrol it again")
        }
        guard let raw = Data(base64Encoded: device.publicKey),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else {
            throw Failure(status: .internalServerError, code: .internalError, message: "the stored key is unreadable")
        }
        let now = Int64(Date().timeIntervalSince1970)
        var signed: [String: String] = [:]
        for name in [
            RequestSigning.keyHeader, RequestSigning.timestampHeader, RequestSigning.nonceHeader,
            RequestSigning.digestHeader, RequestSigning.signatureHeader,
        ] {
            signed[name] = header(name)
        }
        do {
            try RequestSigning.verify(
                method: request.method.rawValue, target: request.head.path ?? request.uri.path, body: body,
                headers: signed,
                publicKey: key, now: now)
        } catch .stale(let skew) {
            throw Failure(
                status: .unauthorized, code: .staleTimestamp,
                message: "the request's time is \(skew) s from the hub's clock; sign with the hub's time")
        } catch .missingHeaders {
            throw Failure(status: .unauthorized, code: .unsigned, message: "a signature header is missing or malformed")
        } catch .digestMismatch {
            throw Failure(status: .unauthorized, code: .badSignature, message: "the body does not match its digest")
        } catch {
            throw Failure(status: .unauthorized, code: .badSignature, message: "the signature does not verify")
        }
        // Keyed by the signed nonce (re-encoding the signature's base64 cannot slip past it), and
        // kept in PostgreSQL: a replay is refused by whichever hub process it reaches.
        guard
            try await store.firstNonce(
                device: device.id, nonce: signed[RequestSigning.nonceHeader] ?? "",
                window: Int(LMISLimits.clockTolerance) * 2)
        else {
            throw Failure(status: .unauthorized, code: .replayed, message: "this exact request was already received")
        }
        try await store.touch(device: device.id)
        return device
    }

    // MARK: Device API

    func enrol(_ request: Request) async throws -> Response {
        let body = try Self.decode(EnrolmentRequest.self, try await Self.body(request).inflated)
        guard let raw = Data(base64Encoded: body.publicKey),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
            let proof = Data(base64Encoded: body.proof),
            key.isValidSignature(proof, for: EnrolmentRequest.proofText(code: body.code, publicKey: body.publicKey))
        else {
            throw Failure(status: .badRequest, code: .badSignature, message: "the public key or its proof is invalid")
        }
        switch try await store.enrol(
            code: body.code, publicKey: body.publicKey, deviceName: String(body.deviceName.prefix(100)),
            softwareVersion: String(body.softwareVersion.prefix(40)), abandonment: body.abandonment)
        {
        case .invalidCode:
            throw Failure(
                status: .forbidden, code: .invalidCode, message: "the enrolment code is unknown, used or expired")
        case .keyInUse:
            throw Failure(
                status: .conflict, code: .badRequest,
                message: "this key is enrolled elsewhere or revoked; make a new key")
        case .enrolled(let deviceID, let office, let name, let zone):
            logger.notice("device enrolled", metadata: ["hub.device": "\(deviceID)", "hub.office": "\(office)"])
            return Self.json(
                EnrolmentResponse(
                    deviceID: deviceID, officeCode: office, officeName: name, timeZone: zone,
                    serverTime: LMISTime.format(Date())), gzip: false)
        }
    }

    func upload(_ request: Request) async throws -> Response {
        let started = ContinuousClock.now
        // Known from the head, before the body is in: a receipts question waits for it (issue 25).
        let key = request.headers[HTTPField.Name(RequestSigning.keyHeader)!] ?? ""
        let reception = receptions.begin(key: key)
        defer { receptions.end(key: key, token: reception) }
        let (sent, inflated) = try await Self.body(request) { receptions.progress(key: key, token: reception) }
        receptions.received(key: key, token: reception)
        let device = try await authenticate(request, body: sent)
        metrics.countUploadBytes(
            office: device.officeCode, coding: request.headers[.contentEncoding] ?? "identity", bytes: sent.count)
        // Each payload is decoded as its type here; one that does not decode is refused alone.
        let batch = try Self.decode(UploadEnvelope.self, inflated, with: OutboxPayload.decoder)
        guard batch.records.count <= LMISLimits.batchRecords else {
            throw Failure(
                status: .contentTooLarge, code: .tooLarge,
                message: "at most \(LMISLimits.batchRecords) records per batch")
        }
        let family = RecordStream.family(of: batch.stream)
        guard RecordStream.isValid(batch.stream), batch.records.allSatisfy({ RecordStream.of(type: $0.type) == family })
        else {
            throw Failure(
                status: .badRequest, code: .badRequest,
                message: "every record's type must belong to stream \(batch.stream)")
        }
        // A queue lane holds the tickets of its office day only (issue 25): a ticket's events all
        // go in one lane, so the lane's order is the ticket's.
        if let day = RecordStream.laneDay(of: batch.stream),
            let stray = batch.records.first(where: { Self.officeDay(of: $0).map { $0 != day } ?? false })
        {
            throw Failure(
                status: .badRequest, code: .badRequest,
                message: "record \(stray.sequence) is a ticket of another office day than stream \(batch.stream)")
        }
        guard batch.records.allSatisfy({ UUID(uuidString: $0.id) != nil && $0.sequence >= 1 }) else {
            throw Failure(
                status: .badRequest, code: .badRequest, message: "every record needs a UUID id and a sequence ≥ 1")
        }
        if let after = batch.after { try await awaitPredecessor(after, of: batch.stream, device: device) }
        let results: [RecordResult]
        do {
            results = try await store.apply(stream: batch.stream, records: batch.records, device: device)
        } catch let error as PSQLError where error.serverInfo?[.sqlState]?.hasPrefix("22") == true {
            // JSON PostgreSQL cannot hold (a \u0000 escape, say): the batch is refused, and the
            // kiosk narrows it down to the record at fault.
            throw Failure(
                status: .badRequest, code: .badRequest,
                message: "the batch cannot be stored: \(error.serverInfo?[.message] ?? "invalid data")")
        }
        let counts = Dictionary(grouping: results, by: \.status).mapValues(\.count)
        for (status, count) in counts {
            metrics.countRecords(office: device.officeCode, status: status.rawValue, count: count)
        }
        metrics.recordSync(office: device.officeCode, path: "upload", duration: ContinuousClock.now - started)
        logger.info(
            "batch applied",
            metadata: [
                "hub.device": "\(device.id)", "hub.stream": "\(batch.stream)",
                "hub.results": "\(counts.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: " "))",
            ])
        if request.headers[HTTPField.Name(CompactUploadResponse.header)!] == CompactUploadResponse.value {
            return Self.json(CompactUploadResponse(results), gzip: Self.acceptsGzip(request))
        }
        return Self.json(UploadResponse(results: results), gzip: Self.acceptsGzip(request))
    }

    /// The office day of a queue record's ticket; nil for other records and refused payloads.
    static func officeDay(of record: UploadEnvelope.Header) -> String? {
        guard case .success(.queueEvent(let event)) = record.payload else { return nil }
        return event.ticket.officeDay
    }

    /// How long a pipelined batch waits for the batch sent before it (`UploadEnvelope.after`).
    static let predecessorPatience: Duration = .seconds(20)

    /// Returns once the device's record `sequence` is held (the batch before this one committed),
    /// so that a stream's batches apply in the order they were sent even when the next is on
    /// the wire before the previous is answered (issue 25). Refuses the batch (409, nothing
    /// applied) when that record has not arrived within `predecessorPatience`: the kiosk sends
    /// it again after the one before.
    func awaitPredecessor(_ sequence: Int64, of stream: String, device: HubStore.Device) async throws {
        let deadline = ContinuousClock.now + Self.predecessorPatience
        var pause = Duration.milliseconds(20)
        while try await !store.holds(device: device, sequence: sequence) {
            guard ContinuousClock.now + pause < deadline else {
                throw Failure(
                    status: .conflict, code: .outOfOrder,
                    message: "the \(stream) batch before this one (through sequence \(sequence)) has not arrived; "
                        + "send this one again after it")
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(500))
        }
    }

    /// `UploadReceipts` for the asking device (`?stream=S&from=A&through=B`), once the uploads of
    /// that device begun before the question have been received and applied, or refused (or
    /// `HubConfiguration.receiptsPatience`, 5 s, within the kiosk's own 8 s deadline, has passed).
    func receipts(_ request: Request) async throws -> Response {
        let asked = ContinuousClock.now
        let device = try await authenticate(request, body: Data())
        let unsettled = await receptions.settle(key: device.id, before: asked, patience: configuration.receiptsPatience)
        if unsettled > 0 {
            logger.notice(
                "receipts answered while uploads of the device still arrive",
                metadata: ["hub.device": "\(device.id)", "hub.uploads": "\(unsettled)"])
        }
        let query = request.uri.queryParameters
        guard let stream = query.get("stream"), !stream.isEmpty,
            let from = query.get("from", as: Int64.self), let through = query.get("through", as: Int64.self),
            from >= 1, through >= from
        else {
            throw Failure(
                status: .badRequest, code: .badRequest,
                message: "receipts need stream, and from ≤ through, both at least 1")
        }
        do {
            let receipts = try await store.receipts(
                device: device, stream: stream, from: from, through: through, patience: Self.predecessorPatience)
            return Self.json(receipts, gzip: Self.acceptsGzip(request))
        } catch is HubStore.ApplyInProgress {
            // Answering now would call records "not held" that may yet commit: the kiosk asks again.
            var response = problem(
                .serviceUnavailable, .busy,
                "a batch of this device is still being applied; ask for the receipts again shortly")
            response.headers[.retryAfter] = String(Int.random(in: 2...8))
            return response
        }
    }

    func changes(_ request: Request) async throws -> Response {
        let device = try await authenticate(request, body: Data())
        let current = try await epoch.value()
        let text = request.uri.queryParameters.get("cursor") ?? ""
        let limit = min(
            max(request.uri.queryParameters.get("limit", as: Int.self) ?? LMISLimits.changesPage, 1),
            LMISLimits.changesPage)
        var start: Int64 = 0
        var reset = false
        if !text.isEmpty {
            guard let cursor = ChangeCursor(text) else {
                throw Failure(status: .badRequest, code: .badRequest, message: "cursor must be epoch:position")
            }
            // A cursor past the end of the feed means the hub lost changes the kiosk saw (a backup
            // restored into the same database): start over, like for another epoch.
            if cursor.epoch == current, cursor.position <= (try await store.lastPosition()) {
                start = cursor.position
            } else {
                reset = true
            }
        }
        let page = try await store.changesJSON(after: start, limit: limit, office: device.officeCode)
        // The stored JSON goes out as it is: a page of 2 000 vacancies is not decoded and re-encoded.
        let json =
            "{\"epoch\":\(LMISCoding.quoted(current)),\"cursor\":\(LMISCoding.quoted(ChangeCursor(epoch: current, position: page.last).description)),"
            + "\"reset\":\(reset),\"more\":\(page.more),\"changes\":\(page.json)}"
        return Self.json(raw: Data(json.utf8), gzip: Self.acceptsGzip(request))
    }

    func reference(_ request: Request, kind text: String) async throws -> Response {
        _ = try await authenticate(request, body: Data())
        guard let kind = ReferenceKind(rawValue: text) else {
            throw Failure(status: .notFound, code: .notFound, message: "no reference kind \(text)")
        }
        let snapshot = try await store.snapshot(kind)
        let tag = "\"\(try await epoch.value())-\(snapshot.version)\""
        if request.headers[.ifNoneMatch] == tag {
            return Response(status: .notModified, headers: [.eTag: tag])
        }
        var response = Self.json(
            ReferenceSnapshot(kind: kind, version: tag, items: snapshot.items), gzip: Self.acceptsGzip(request))
        response.headers[.eTag] = tag
        return response
    }

    func identity(_ request: Request) async throws -> Response {
        let (sent, inflated) = try await Self.body(request)
        let device = try await authenticate(request, body: sent)
        let question = try Self.decode(IdentityRequest.self, inflated)
        var template: [UInt8]?
        if let text = question.template {
            guard let data = Data(base64Encoded: text), data.count <= 64 * 1024 else {
                throw Failure(
                    status: .badRequest, code: .badRequest, message: "template must be base64, at most 64 KiB")
            }
            template = Array(data)
        }
        let answer: IdentityResponse
        do {
            answer = try await registry.check(registryNumber: question.registryNumber, template: template)
        } catch {
            logger.warning("civil registry unavailable", metadata: ["hub.error": "\(String(reflecting: error))"])
            answer = IdentityResponse(result: .unavailable)
        }
        metrics.countChecks(office: device.officeCode, count: 1)
        return Self.json(answer, gzip: false)
    }

    /// Many registry numbers in one signed request, answered as the civil registry allows
    /// (`CivilRegistry.check(registryNumbers:)`): one question when it takes many, else in turn.
    func identityBatch(_ request: Request) async throws -> Response {
        let (sent, inflated) = try await Self.body(request)
        let device = try await authenticate(request, body: sent)
        let question = try Self.decode(IdentityBatchRequest.self, inflated)
        guard question.registryNumbers.count <= IdentityBatchRequest.limit,
            question.registryNumbers.allSatisfy({ !$0.isEmpty && $0.count <= 20 })
        else {
            throw Failure(
                status: .badRequest, code: .badRequest,
                message: "at most \(IdentityBatchRequest.limit) registry numbers of 1 to 20 characters")
        }
        let answers: [IdentityBatchResponse.Answer]
        do {
            answers = try await registry.check(registryNumbers: question.registryNumbers)
        } catch {
            logger.warning("civil registry unavailable", metadata: ["hub.error": "\(String(reflecting: error))"])
            answers = question.registryNumbers.map { .init(registryNumber: $0, result: .unavailable) }
        }
        metrics.countChecks(office: device.officeCode, count: answers.count)
        return Self.json(IdentityBatchResponse(answers: answers), gzip: Self.acceptsGzip(request))
    }

    func heartbeat(_ request: Request) async throws -> Response {
        let (sent, inflated) = try await Self.body(request)
        let device = try await authenticate(request, body: sent)
        let report = try Self.decode(Heartbeat.self, inflated)
        let verdicts: Set<String> = ["ok", "warning", "fault"]
        guard report.lastSequence >= 0, report.waiting >= 0, report.softwareVersion.count <= 40,
            report.updateChannel.map(UpdateOffer.isChannel) ?? true,
            (report.printer?.count ?? 0) <= 40, (report.reader?.count ?? 0) <= 40, report.checks.count <= 50,
            report.checks.allSatisfy({
                verdicts.contains($0.verdict) && $0.name.count <= 60 && ($0.detail?.count ?? 0) <= 200
            })
        else {
            throw Failure(
                status: .badRequest, code: .badRequest,
                message:
                    "a heartbeat needs counts of at least 0, a version, printer and reader of at most 40 characters, "
                    + "at most 50 checks of ok, warning or fault (names up to 60, details up to 200 characters), "
                    + "an update channel of 1 to 32 of a-z, 0-9 and -")
        }
        let highest = try await store.heartbeat(device: device, report: report)
        var offer: UpdateOffer?
        if let channel = report.updateChannel { offer = try await store.updateOffers(channel: channel).first }
        return Self.json(
            HeartbeatAnswer(highestSequence: highest, serverTime: LMISTime.format(Date()), update: offer),
            gzip: false)
    }

    /// A person's case across offices, for a signed device of any office (a person identified
    /// at another office than the one that registered them).
    func caseSummary(_ request: Request) async throws -> Response {
        let (sent, inflated) = try await Self.body(request)
        _ = try await authenticate(request, body: sent)
        let question = try Self.decode(CaseSummary.Request.self, inflated)
        return Self.json(
            raw: Data(try await store.caseSummary(registryNumber: question.registryNumber).utf8), gzip: false)
    }

    func status(_ request: Request) async throws -> Response {
        let device = try await authenticate(request, body: Data())
        let counts = try await store.status(device: device)
        return Self.json(
            HubStatus(
                deviceID: device.id, officeCode: device.officeCode, serverTime: LMISTime.format(Date()),
                epoch: try await epoch.value(), received: counts.received, highestSequence: counts.highest,
                quarantined: counts.quarantined), gzip: false)
    }
}

/// Caps the sync requests served at once. A request over the cap waits up to `patience`
/// for a place, then is turned away (503 with `Retry-After`), so a crowd of offices
/// reconnecting together slows down instead of toppling the hub and its database.
actor SyncGate {
    let limit: Int
    let patience: Duration
    private var active = 0
    private var waiting: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextID: UInt64 = 0

    init(limit: Int, patience: Duration = .seconds(5)) {
        self.limit = limit
        self.patience = patience
    }

    func enter() async -> Bool {
        if active < limit {
            active += 1
            return true
        }
        nextID += 1
        let id = nextID
        return await withCheckedContinuation { continuation in
            waiting.append((id, continuation))
            Task {
                try? await Task.sleep(for: patience)
                self.expire(id)
            }
        }
    }

    private func expire(_ id: UInt64) {
        if let index = waiting.firstIndex(where: { $0.id == id }) {
            waiting.remove(at: index).continuation.resume(returning: false)
        }
    }

    func leave() {
        if waiting.isEmpty {
            active -= 1
        } else {
            waiting.removeFirst().continuation.resume(returning: true)
        }
    }
}

/// The epoch, read from the database at most every 30 seconds (it changes only on restores).
actor EpochCache {
    let store: HubStore
    private var cached: (value: String, at: ContinuousClock.Instant)?

    init(store: HubStore) { self.store = store }

    func value() async throws -> String {
        if let cached, cached.at.duration(to: .now) < .seconds(30) { return cached.value }
        let value = try await store.epoch()
        cached = (value, .now)
        return value
    }

    func forget() { cached = nil }
}
