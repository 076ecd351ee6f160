import Crypto
public import Foundation
public import KioskCore
public import KioskStore
public import LMISProtocol
public import Logging
import Synchronization

/// One kiosk's sync with its hub: enrolment, and rounds of upload, download and registry checks.
public actor SyncEngine {
    /// The bookkeeping the rounds read and write (`SQLiteSyncStore` in the office database).
    public let store: any SyncStore
    let keyURL: URL
    let caFile: String?
    let logger: Logger
    let softwareVersion: String
    /// The update channel the heartbeat names (`update_channel`); nil: none asked, none kept.
    let updateChannel: String?
    private var client: HubClient?
    /// Upload batch size per stream, sized to the link (`BatchSizer`); halved while the hub
    /// refuses whole batches or the link drops them, down to single records.
    var batchSizers: [String: BatchSizer] = [:]
    /// Per stream, the records of batches sent whose answers were lost (the hub may hold them):
    /// the stream's next upload asks the hub first (`UploadReceipts`) instead of sending them again.
    var unanswered: [String: [WaitingRecord]] = [:]
    let dataDirectory: URL
    /// The state of the devices the serving process holds (printer, reader, checks), for the heartbeat.
    private var deviceProbe: (@Sendable () async -> DeviceState)?

    /// What the serving process knows of its devices when a heartbeat is sent.
    public struct DeviceState: Sendable {
        public var printer: String?
        public var reader: String?
        public var checks: [Heartbeat.Check]
        public init(printer: String?, reader: String?, checks: [Heartbeat.Check]) {
            self.printer = printer
            self.reader = reader
            self.checks = checks
        }
    }

    public func setDeviceProbe(_ probe: @escaping @Sendable () async -> DeviceState) { deviceProbe = probe }

    public init(
        database: AppDatabase, dataDirectory: URL, caFile: String?, softwareVersion: String, logger: Logger,
        updateChannel: String? = nil
    ) {
        self.store = SQLiteSyncStore(database: database)
        self.updateChannel = updateChannel
        self.keyURL = DeviceKey.file(in: dataDirectory)
        self.dataDirectory = dataDirectory
        self.caFile = caFile
        self.softwareVersion = softwareVersion
        self.logger = logger
    }

    public func shutdown() async {
        await client?.shutdown()
        client = nil
    }

    // MARK: Enrolment

    /// Enrols with a hub using a technician's one-time code. Makes a new key each time. Refused
    /// while records wait for the current hub, unless `force` (they would be abandoned).
    public func enrol(hubURL: String, code: String, deviceName: String, force: Bool) async throws -> EnrolmentResponse {
        let waiting = try await store.waitingCount()
        let previous = try await store.enrolment()
        if previous != nil, waiting > 0, !force { throw SyncError.unsentRecords(waiting) }
        // Over an earlier enrolment, the hub hears what stays unsent and where the new device's
        // numbers start (records made before are not the new device's: no gap for it).
        var abandonment: EnrolmentAbandonment?
        if let previous {
            let sequences = try await store.waitingSequences()
            abandonment = EnrolmentAbandonment(
                previousDeviceID: previous.deviceID,
                ranges: EnrolmentAbandonment.ranges(sequences), count: sequences.count,
                sequenceFloor: try await store.lastSequence())
        }
        let pendingKeyURL = keyURL.deletingLastPathComponent().appendingPathComponent("lmis-device.key.pending")
        let key = try DeviceKey.create(at: pendingKeyURL)
        let request = EnrolmentRequest(
            code: code, publicKey: key.publicKeyBase64, deviceName: deviceName, softwareVersion: softwareVersion,
            proof: try key.privateKey.signature(
                for: EnrolmentRequest.proofText(code: code, publicKey: key.publicKeyBase64)
            ).base64EncodedString(), abandonment: abandonment)
        let http = try HubClient(baseURL: hubURL, caFile: caFile)
        defer { Task { await http.shutdown() } }
        let answer = try await http.send(
            "POST", LMISPath.enrol, body: try LMISCoding.encoder.encode(request), signer: nil)
        guard answer.status == 200 else { throw Self.failure(answer) }
        let enrolled = try answer.decode(EnrolmentResponse.self)
        try rename(pendingKeyURL, to: keyURL)
        let abandoned = try await store.saveEnrolment(
            .init(hubURL: hubURL, deviceID: enrolled.deviceID, officeCode: enrolled.officeCode), at: Date(),
            abandoningThrough: abandonment?.sequenceFloor ?? 0)
        if abandoned > 0 {
            logger.warning(
                "records of the previous enrolment abandoned", metadata: ["sync.abandoned": "\(abandoned)"])
        }
        if let serverTime = LMISTime.parse(enrolled.serverTime) {
            try await store.saveClockOffset(serverTime.timeIntervalSinceNow)
        }
        await client?.shutdown()
        client = nil
        logger.notice(
            "enrolled with the LMIS hub", metadata: ["sync.device": "\(enrolled.deviceID)", "sync.hub": "\(hubURL)"])
        return enrolled
    }

    static func failure(_ answer: HubClient.Answer) -> SyncError {
        let problem = answer.problem
        return .hub(
            status: answer.status, code: problem?.error.rawValue ?? "http_\(answer.status)",
            message: problem?.message ?? String(decoding: answer.body.prefix(200), as: UTF8.self))
    }

    // MARK: Rounds

    public struct Report: Sendable {
        public var uploaded: [RecordStatus: Int] = [:]
        public var changes = 0
        public var checks = 0
        public var reset = false
        /// Nil when the round completed.
        public var error: SyncError?
        /// What the hub asked for with `Retry-After`.
        public var retryAfter: Duration?
    }

    /// Uploads everything waiting, downloads every change, answers waiting registry checks: the
    /// three side by side, so that none waits for another (`kiosk sync now`). `checker` names the
    /// process claiming registry checks (see `checkPending(owner:)`).
    public func round(checker: String = SyncEngine.checkerName()) async -> Report {
        async let uploads = uploadAll()
        async let feed = heartbeatAndDownload()
        async let checks = checkPending(owner: checker)
        let report = Self.merged(await [uploads, feed, checks])
        await note(report)
        return report
    }

    /// Notes a round's or a concern's outcome in the sync status (not being enrolled is a state,
    /// not a failure: nothing to note until a technician enrols).
    public func note(_ report: Report) async {
        guard let failure = report.error else {
            try? await store.noteAttempt(at: Date(), error: nil)
            return
        }
        if failure == .notEnrolled { return }
        try? await store.noteAttempt(at: Date(), error: failure.description)
        logger.warning("sync round failed", metadata: ["sync.error": "\(failure)"])
    }

    /// A checker's name: this process, unique among the kiosk's processes.
    public static func checkerName() -> String {
        "\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// The hub's summary of a person's case at every office (signed like a round). Throws
    /// `SyncError` when the kiosk is not enrolled or the hub cannot be reached.
    public func caseSummary(registryNumber: String) async throws -> CaseSummary {
        let answer = try await session().send(
            "POST", LMISPath.caseSummary,
            body: try LMISCoding.encoder.encode(CaseSummary.Request(registryNumber: registryNumber)))
        guard answer.status == 200 else { throw Self.failure(answer) }
        return try answer.decode(CaseSummary.self)
    }

    /// Signed requests to the enrolled hub, for a round or for a route beside it (the SMS route).
    func session() async throws -> Session {
        guard let enrolment = try await store.enrolment() else { throw SyncError.notEnrolled }
        guard let key = try DeviceKey.load(from: keyURL) else { throw SyncError.badKeyFile(keyURL.path) }
        if client == nil || client?.baseURL != enrolment.hubURL {
            await client?.shutdown()
            client = try HubClient(baseURL: enrolment.hubURL, caFile: caFile)
        }
        // The key id follows from the key itself: a crash between writing a new key and saving
        // its enrolment cannot leave the kiosk signing under the old device's id.
        return Session(
            engine: self, client: client!, keyID: RequestSigning.keyID(publicKey: key.privateKey.publicKey), key: key,
            offset: try await store.clockOffset())
    }

    /// A round's signing state; learns the hub's clock when a timestamp is refused as stale.
    final class Session: Sendable {
        let engine: SyncEngine
        let client: HubClient
        let keyID: String
        let key: DeviceKey
        /// Seconds to add to the kiosk's clock to get the hub's; streams upload at once, so locked.
        private let clockOffset: Mutex<Double>
        var offset: Double {
            get { clockOffset.withLock { $0 } }
            set { clockOffset.withLock { $0 = newValue } }
        }

        init(engine: SyncEngine, client: HubClient, keyID: String, key: DeviceKey, offset: Double) {
            self.engine = engine
            self.client = client
            self.keyID = keyID
            self.key = key
            self.clockOffset = Mutex(offset)
        }

        /// Sends a signed request; after a stale-timestamp refusal, once more with the hub's time.
        func send(
            _ method: String, _ target: String, body: Data? = nil, headers: [String: String] = [:],
            timeout: Duration? = nil
        ) async throws -> HubClient.Answer {
            for attempt in 0..<2 {
                let offset = self.offset
                let signer = HubClient.Signer(key: key, keyID: keyID, now: { Date().addingTimeInterval(offset) })
                let answer = try await client.send(
                    method, target, body: body, signer: signer, extraHeaders: headers, timeout: timeout)
                guard attempt == 0, answer.status == 401, let problem = answer.problem,
                    problem.error == .staleTimestamp, let hubTime = LMISTime.parse(problem.serverTime)
                else { return answer }
                self.offset = hubTime.timeIntervalSinceNow
                try await engine.store.saveClockOffset(self.offset)
                await engine.noteClockOffset(self.offset)
            }
            fatalError("unreachable")
        }
    }

    // MARK: Heartbeat

    /// What the kiosk would tell the hub now.
    public func currentHeartbeat() async throws -> Heartbeat {
        let now = Date()
        let status = try await store.status(now: now)
        let floor = try await store.sequenceFloor()
        let device = await deviceProbe?() ?? DeviceState(printer: nil, reader: nil, checks: [])
        var space = statvfs()
        let free: Int64? =
            statvfs(dataDirectory.path, &space) == 0 ? Int64(space.f_bavail) * Int64(space.f_frsize) : nil
        return Heartbeat(
            softwareVersion: softwareVersion, sentAt: LMISTime.format(now),
            lastSequence: try await store.lastSequence(), waiting: status.waiting,
            oldestWaitingAt: status.oldestWaitingSeconds.map { LMISTime.format(now.addingTimeInterval(-Double($0))) },
            clockOffsetSeconds: status.clockOffsetSeconds,
            lastBackupAt: DatabaseBackup.latest(DatabaseBackup.directory(inDataDirectory: dataDirectory)).map(
                LMISTime.format),
            diskFreeBytes: free, printer: device.printer, reader: device.reader,
            checks: device.checks + DoctorRecord.checks(in: dataDirectory, now: now),
            restoredAt: floor.map { LMISTime.format($0.restoredAt) }, updateChannel: updateChannel)
    }

    /// Sends the heartbeat; after a restore, numbers the outbox above what the hub knows before
    /// anything is uploaded. A hub without heartbeats (404) is no failure unless a restore waits.
    @discardableResult
    func heartbeat(_ session: Session, _ report: inout Report) async throws -> HeartbeatAnswer? {
        let body = try LMISCoding.encoder.encode(try await currentHeartbeat())
        let answer = try await session.send("POST", LMISPath.heartbeat, body: body)
        let pending = try await store.sequenceFloor()?.pending == true
        switch answer.status {
        case 200:
            let heard = try answer.decode(HeartbeatAnswer.self)
            if updateChannel != nil {
                do {
                    try UpdateOfferRecord.keep(heard.update, in: dataDirectory)
                } catch {
                    logger.warning(
                        "the offered update could not be kept", metadata: ["sync.error": "\(String(reflecting: error))"]
                    )
                }
            }
            if pending, let floor = try await store.settleSequenceFloor(hubHighest: heard.highestSequence) {
                logger.notice(
                    "the outbox continues above the highest sequence the hub knows",
                    metadata: ["sync.floor": "\(floor.floor)", "sync.backup_sequence": "\(floor.backupSequence)"])
            }
            return heard
        case 404 where !pending:
            return nil
        default:
            report.retryAfter = answer.retryAfter
            throw Self.failure(answer)
        }
    }

    /// Sends one heartbeat now (`kiosk sync heartbeat`; `kiosk restore`, right after putting the
    /// backup in place, so that the outbox's floor is settled). Nil when not enrolled or when the
    /// hub takes no heartbeats; throws when the hub cannot be reached.
    public func heartbeatNow() async throws -> HeartbeatAnswer? {
        guard let enrolment = try await store.enrolment() else { return nil }
        guard let key = try DeviceKey.load(from: keyURL) else { throw SyncError.badKeyFile(keyURL.path) }
        if client == nil || client?.baseURL != enrolment.hubURL {
            await client?.shutdown()
            client = try HubClient(baseURL: enrolment.hubURL, caFile: caFile)
        }
        let session = Session(
            engine: self, client: client!, keyID: RequestSigning.keyID(publicKey: key.privateKey.publicKey), key: key,
            offset: try await store.clockOffset())
        var report = Report()
        return try await heartbeat(session, &report)
    }

    func noteClockOffset(_ offset: Double) {
        logger.warning(
            "the kiosk's clock differs from the hub's; signing with the hub's time",
            metadata: ["sync.clock_offset_seconds": "\(Int(offset))"])
    }

    /// Uploads every stream at once: streams are independent, so one that cannot move holds up
    /// no other, and the hub applies two batches while the kiosk prepares the next. A stream that
    /// starts waiting during the round (a ticket issued while a backlog crawls up a slow link, or
    /// while the round waited for the link) joins it within `relisting`, beside the streams still
    /// going, so a round ends with no stream waiting that it has not tried (issue 25). Each stream
    /// is tried once a round.
    func upload(_ session: Session, _ report: inout Report) async throws {
        let first = try await store.waitingStreams()
        let outcomes = await withTaskGroup(of: StreamOutcome?.self) { group in
            var tried = Set<String>()
            var waiting = first
            var outcomes: [StreamOutcome] = []
            var running = 0
            var ticking = false
            while true {
                for stream in waiting where tried.insert(stream).inserted {
                    running += 1
                    group.addTask { await self.upload(stream: stream, session) }
                }
                if running == 0 {
                    group.cancelAll()
                    break
                }
                if !ticking {
                    // Nil: time to look for streams that started waiting since.
                    ticking = true
                    group.addTask {
                        try? await Task.sleep(for: Self.relisting)
                        return nil
                    }
                }
                guard let next = await group.next() else { break }
                if let outcome = next {
                    outcomes.append(outcome)
                    running -= 1
                } else {
                    ticking = false
                }
                waiting = (try? await store.waitingStreams()) ?? []
            }
            return outcomes
        }
        for outcome in outcomes {
            for (status, count) in outcome.uploaded { report.uploaded[status, default: 0] += count }
            if let retryAfter = outcome.retryAfter { report.retryAfter = max(report.retryAfter ?? .zero, retryAfter) }
        }
        if let failure = outcomes.compactMap(\.failure).first { throw failure }
    }

    /// How often a round looks for streams that started waiting while it runs.
    static let relisting: Duration = .seconds(1)

    struct StreamOutcome: Sendable {
        var uploaded: [RecordStatus: Int] = [:]
        var failure: SyncError?
        var retryAfter: Duration?
    }

    /// The results of an upload answer, whole or in brief (`CompactUploadResponse`, issue 25).
    static func results(of answer: HubClient.Answer, _ batch: [WaitingRecord]) throws -> [RecordResult] {
        guard let brief = try? LMISCoding.decoder.decode(CompactUploadResponse.self, from: answer.body) else {
            return try answer.decode(UploadResponse.self).results
        }
        let ids = Dictionary(batch.map { ($0.sequence, $0.id) }, uniquingKeysWith: { first, _ in first })
        guard let results = brief.expanded(ids: ids) else {
            throw SyncError.badAnswer("the hub answered for other records than were sent")
        }
        return results
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The upload body, written directly: the stored payloads are JSON already.
    static func body(stream: String, after: Int64? = nil, _ batch: [WaitingRecord]) -> Data {
        var text = "{\"stream\":\(LMISCoding.quoted(stream)),"
        if let after { text += "\"after\":\(after)," }
        text += "\"records\":["
        text.reserveCapacity(batch.reduce(64) { $0 + $1.payload.utf8.count + 160 })
        for (index, record) in batch.enumerated() {
            if index > 0 { text += "," }
            text +=
                "{\"id\":\(LMISCoding.quoted(record.id)),\"sequence\":\(record.sequence),\"type\":\(LMISCoding.quoted(record.type)),"
            text += "\"createdAt\":\(LMISCoding.quoted(record.createdAt)),\"payload\":\(record.payload)}"
        }
        text += "]}"
        return Data(text.utf8)
    }

    /// Reads the feed page by page. The next page is fetched while the current one is written,
    /// so the network and the database work at the same time.
    func download(_ session: Session, _ report: inout Report) async throws {
        let first = try await store.cursor()
        var pending = Task { try await Self.fetchPage(session, cursor: first) }
        var startsOver = first == nil
        while true {
            let fetched = await pending.result
            let page: ChangesResponse
            switch fetched {
            case .success(let value): page = value
            case .failure(let failure as PageFailure):
                report.retryAfter = failure.retryAfter
                throw failure.error
            case .failure(let error): throw error
            }
            if page.more {
                let next = page.cursor
                pending = Task { try await Self.fetchPage(session, cursor: next) }
            }
            if page.reset {
                report.reset = true
                logger.notice(
                    "the hub's feed has a new epoch; fetching everything again",
                    metadata: ["sync.epoch": "\(page.epoch)"])
            }
            do {
                try await store.apply(page, startsOver: page.reset || startsOver)
            } catch {
                pending.cancel()
                throw error
            }
            startsOver = false
            report.changes += page.changes.count
            if !page.more { break }
        }
    }

    static func fetchPage(_ session: Session, cursor: String?) async throws -> ChangesResponse {
        var target = LMISPath.changes
        if let cursor, let encoded = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
            target += "?cursor=\(encoded)"
        }
        let answer = try await session.send("GET", target)
        guard answer.status == 200 else { throw PageFailure(error: failure(answer), retryAfter: answer.retryAfter) }
        return try answer.decode(ChangesResponse.self)
    }

    struct PageFailure: Error {
        let error: SyncError
        let retryAfter: Duration?
    }

}
