import FingerprintUSB
public import Foundation
public import Hummingbird
import HummingbirdTLS
public import KioskCore
import KioskHTTP
public import KioskStore
import LMISProtocol
public import LMISSync
public import Logging
import NIOSSL
public import Printing
public import ServiceLifecycle
import UnixSignals

/// The composition root: opens the database, loads reference data and screens, and returns the
/// services that `kiosk serve` runs in one `ServiceGroup`.
public struct KioskServer: Sendable {
    public let configuration: KioskConfiguration
    public let database: AppDatabase
    public let application: any Service
    /// The HTTPS listener for staff PCs and phones (`tls_port`), when configured.
    public let secureApplication: (any Service)?
    public let kioskDirectory: URL
    public let printing: PrintService
    /// systemd's readiness and watchdog socket, when systemd started the kiosk.
    let notifier: SystemdNotifier?
    /// Starts and stops the fingerprint reader with the service group.
    let fingerprintLifecycle: FingerprintLifecycle?
    /// Uploads the outbox and downloads vacancies and reference data while the kiosk serves.
    public let sync: LMISSyncService
    /// Open vacancies; their facts are loaded again in the background when a sync changed them.
    let vacancies: SQLiteVacancyCatalog
    /// Hands queued text messages to the configured route (none when `sms_route = none`).
    public let smsSender: SMSSender?
    /// Queues the weekly vacancy digest once its time has come (none when `sms_route = none`).
    let vacancyDigests: VacancyDigests?

    public init(configuration: KioskConfiguration, logger: Logger) async throws {
        self.configuration = configuration
        let kioskDirectory = try Self.locateKioskDirectory(configuration.kioskDirectory)
        self.kioskDirectory = kioskDirectory
        let office = configuration.office
        // Owner-only, whatever the umask: the folder 0700, the database, key and secrets 0600.
        try DataFolder.secure(configuration.dataDirectory)
        let database = try AppDatabase(
            directory: URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true),
            owner: configuration.backupOwner)
        self.database = database
        if let backup = database.preMigrationBackup {
            logger.notice(
                "office database backed up before its migrations",
                metadata: [
                    "kiosk.backup.file": "\(backup.url.lastPathComponent)", "kiosk.backup.bytes": "\(backup.bytes)",
                ])
        }

        let referenceStore = ReferenceStore(database: database)
        let bundled = try JSONDecoder().decode(
            ReferenceData.self,
            from: Data(contentsOf: kioskDirectory.appendingPathComponent("reference/reference-data.json")))
        if try await referenceStore.installBundled(bundled, at: Date()) {
            logger.info("installed bundled reference data", metadata: ["kiosk.reference.version": "\(bundled.version)"])
        }
        let catalog = ReferenceCatalog(try await referenceStore.load())
        guard catalog.adminUnit(office.adminUnitCode)?.kind.isTopLevel == true else {
            throw ConfigurationError(
                key: "office_unit", problem: "\(office.adminUnitCode) is not an aimag or district code")
        }

        let services = try Self.loadServices(configuration.servicesFile)
        let counters = Set(services.flatMap(\.counters))
        let staff = SQLiteStaffRepository(
            database: database, hasher: YescryptPINHasher(), policy: configuration.signInPolicy, counters: counters)
        if configuration.demoStaff, try await staff.staffCount() == 0 {
            for (id, name, role) in Self.demoStaff {
                try await staff.addStaff(id: id, displayName: name, role: role, pin: Self.demoPIN, at: Date())
            }
            logger.notice("created demo staff accounts", metadata: ["kiosk.staff": "\(Self.demoStaff.map(\.0))"])
        }

        let printing = PrintService(configuration: try Self.printConfiguration(configuration), logger: logger)
        self.printing = printing

        let (fingerprintReader, fingerprintLifecycle) = try Self.fingerprintReader(
            configuration, kioskDirectory: kioskDirectory, logger: logger)
        self.fingerprintLifecycle = fingerprintLifecycle

        let sync = LMISSyncService(
            engine: SyncEngine(
                database: database, dataDirectory: URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true),
                caFile: configuration.lmisCAFile, softwareVersion: KioskServer.softwareVersion, logger: logger,
                updateChannel: configuration.updateChannel),
            interval: .seconds(configuration.syncInterval), logger: logger,
            uploadPoll: .seconds(configuration.syncUploadPoll))
        self.sync = sync
        await sync.engine.setDeviceProbe { [printing, fingerprintReader, database] in
            await Self.deviceState(printing: printing, reader: fingerprintReader, database: database)
        }

        let vacancies = SQLiteVacancyCatalog(database: database)
        self.vacancies = vacancies
        // Enrolled fingers, sealed under the device secret kept beside the database.
        let dataDirectory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        let fingerprints = FingerprintIdentity(
            repository: SQLiteFingerprintRepository(
                database: database, officeCode: office.code,
                sealer: TemplateSealer(deviceSecret: try DeviceSecret.loadOrCreate(in: dataDirectory))))
        // The gallery is read into memory in the background (seconds for 10 000 people), so the
        // first visitor who touches the reader does not wait for it.
        Task {
            do {
                try await fingerprints.load()
            } catch {
                logger.error(
                    "enrolled fingerprints cannot be read; recognition by finger is unavailable",
                    metadata: ["kiosk.error": "\(error)"])
            }
        }
        let locales = try Locales(directory: kioskDirectory.appendingPathComponent("locales"))
        let smsRules = SMSRules(
            timeZone: office.timeZone, quietFrom: configuration.smsQuietFrom,
            quietUntil: configuration.smsQuietUntil, dailyLimit: configuration.smsDailyLimit)
        let smsWording = SMSWording(
            templates: Dictionary(uniqueKeysWithValues: SMSWording.names.map { ($0, locales.both("sms.text.\($0)")) }),
            latin: configuration.smsLatin)
        // "Are you working?" after a placement, where the office texts at all.
        let followUpTexts: FollowUpTexts? =
            configuration.smsRoute == KioskConfiguration.SMSRoute.none
            ? nil : FollowUpTexts(rules: smsRules, wording: smsWording, officeCode: office.code)
        let smsQueue = SQLiteSMSQueue(database: database, rules: smsRules, followUps: followUpTexts)
        let smsSender = try Self.smsSender(configuration, queue: smsQueue, engine: sync.engine, logger: logger)
        self.smsSender = smsSender
        vacancyDigests = smsSender.map { _ in
            VacancyDigests(
                database: database, catalog: vacancies, matcher: JobMatcher(reference: catalog), rules: smsRules,
                wording: smsWording, weekday: configuration.smsDigestWeekday, hour: configuration.smsDigestHour,
                publicURL: configuration.publicURL ?? "http://\(configuration.host):\(configuration.port)",
                parts: configuration.smsDigestParts)
        }
        var dependencies = KioskHTTPDependencies(
            office: office,
            registrations: SQLiteRegistrationRepository(database: database, officeCode: office.code),
            summaries: SQLiteOfficeSummarySource(database: database, officeCode: office.code),
            queue: SQLiteQueueRepository(
                database: database, office: office, services: services, policy: QueuePolicy(),
                turnNear: smsSender.map { _ in
                    TurnNearNotices(
                        ahead: configuration.smsTurnNearAhead, rules: smsQueue.rules, wording: smsWording,
                        publicURL: configuration.publicURL ?? "http://\(configuration.host):\(configuration.port)")
                }),
            staff: staff,
            services: services,
            catalog: catalog,
            locales: locales,
            kioskDirectory: kioskDirectory,
            settings: ScreenSettings(
                idleSeconds: configuration.idleSeconds, countdownSeconds: configuration.countdownSeconds,
                defaultLanguage: configuration.defaultLanguage),
            printer: printing,
            fingerprintReader: fingerprintReader,
            publicURL: configuration.publicURL ?? "http://\(configuration.host):\(configuration.port)",
            healthCheck: { await database.isUsable() },
            storageWritable: { await database.isWritable() },
            storedAnswers: SQLiteStoredAnswerRepository(database: database),
            syncStatus: { try? await sync.status() },
            requestSync: { sync.nudge() },
            vacancies: vacancies,
            referrals: SQLiteReferralRepository(database: database, officeCode: office.code),
            fingerprints: fingerprints,
            feedback: SQLiteFeedbackRepository(database: database),
            grievances: SQLiteGrievanceRepository(
                database: database, office: office,
                updates: smsSender.map { _ in (smsQueue.rules, smsWording) }),
            dashboard: SQLiteDashboardSource(database: database, office: office),
            proofSettings: ProofSettings(tokenLifetime: TimeInterval(configuration.proofMinutes * 60)),
            codeSender: smsSender.map { _ in
                QueuedOneTimeCodeSender(
                    queue: smsQueue, wording: smsWording, lifetimeMinutes: Int(ProofSettings().codeLifetime / 60))
            },
            proofState: SQLiteProofStateStore(database: database),
            proofStateFailed: { [logger] error in
                logger.warning(
                    "identity proofs not written; they hold until a restart",
                    metadata: ["kiosk.error.type": "\(String(reflecting: type(of: error)))"])
            },
            speech: SpeechSettings(
                recordings: [configuration.voiceDirectory], cache: configuration.speechCacheDirectory))
        // Screen sessions and proofs given before a restart hold for their remaining minutes.
        do {
            try await dependencies.identityProofs.restore()
        } catch {
            logger.warning(
                "identity proofs of before the restart not read; visitors prove again",
                metadata: ["kiosk.error.type": "\(String(reflecting: type(of: error)))"])
        }
        let appointments = SQLiteAppointmentRepository(
            database: database,
            reminders: smsSender.map { _ in AppointmentReminders(rules: smsQueue.rules, wording: smsWording) })
        // Leave days entered before they were shared go to the office's other devices, once.
        let shared = try await appointments.shareEarlierLeave(officeCode: office.code)
        if shared > 0 {
            logger.notice(
                "earlier leave days sent to the office's other devices", metadata: ["kiosk.leave": "\(shared)"])
        }
        dependencies.appointments = appointments
        dependencies.counsellors = staff
        dependencies.officeCalendar = OfficeCalendar(
            hours: services.first?.hours ?? .standard, closedDays: configuration.closedDays)
        dependencies.programmes = SQLiteProgrammeRepository(database: database)
        dependencies.indicatorBreakdowns = SQLiteDashboardSource(database: database, office: office)
        dependencies.cases = SQLiteCaseRepository(database: database, office: office)
        dependencies.caseSummaries = HubCaseSummaries(engine: sync.engine)
        // The hub's newest questionnaire when one came, else the file; read again at each use, so
        // one that arrives while the kiosk serves is asked from the next profile on.
        let questionnaires = SQLiteQuestionnaires(
            database: database,
            bundled: try Self.loadQuestionnaire(
                dataDirectory: configuration.dataDirectory, kioskDirectory: kioskDirectory)
        ) { [logger] questionnaire, receivedAt in
            logger.notice(
                receivedAt == nil ? "profiling questionnaire from the file" : "profiling questionnaire from the hub",
                metadata: [
                    "kiosk.profiling.version": "\(questionnaire.version)",
                    "kiosk.profiling.received": "\(receivedAt ?? "-")",
                ])
        }
        _ = try await questionnaires.current()
        dependencies.questionnaires = questionnaires
        if smsSender != nil {
            dependencies.messages = SQLiteMessagesOverview(
                queue: smsQueue, route: configuration.smsRoute.rawValue,
                gammu: configuration.smsRoute == .gammu
                    ? (configuration.smsSmsdrc, configuration.smsSpoolDirectory) : nil)
            dependencies.ticketTexts = SQLiteTicketTexts(database: database)
            dependencies.messageFigures = SQLiteMessageFigures(database: database)
            dependencies.vacancyLinks = SQLiteVacancyLinks(database: database)
        }
        dependencies.employers = SQLiteEmployerRepository(
            database: database, officeCode: office.code, followUpTexts: followUpTexts)
        dependencies.documentRenderer = OfficeDocumentPDF()
        if let tlsPort = configuration.tlsPort {
            dependencies.otherURLs = ["https://\(configuration.tlsHost):\(tlsPort)"]
        }
        let router = try await KioskRouter.build(dependencies)
        let notifier = SystemdNotifier.fromEnvironment()
        self.notifier = notifier
        // Slow or idle clients cannot hold every connection: see `ConnectionGuard`.
        let connections = ConnectionGuard(
            maxConnections: ConnectionGuard.maxConnections(openFileLimit: Self.raiseOpenFileLimit()))
        application = Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [connections.handler()])),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "lswo-kiosk"),
            onServerRunning: { channel in
                logger.notice(
                    "kiosk serving",
                    metadata: [
                        "kiosk.address": "\(channel.localAddress?.description ?? "?")",
                        "kiosk.office": "\(office.code)", "kiosk.time_zone": "\(office.timeZone.identifier)",
                    ])
                // Ready for systemd (Type=notify) once it listens: the database is open and migrated.
                notifier?.send("READY=1\nSTATUS=serving office \(office.code)")
            },
            logger: logger)
        secureApplication = try configuration.tlsPort.map { port in
            let (certificate, key) = configuration.tlsFiles
            let tls: TLSConfiguration
            do {
                tls = TLSConfiguration.makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            } catch {
                throw ConfigurationError(
                    key: "tls_cert_file",
                    problem: "\(certificate) and \(key) cannot be read as a PEM certificate and key (\(error))")
            }
            return Application(
                responder: SecureCookies(inner: router.buildResponder()),
                server: try .tls(.http1(), tlsConfiguration: tls),
                configuration: .init(address: .hostname(configuration.tlsHost, port: port), serverName: "lswo-kiosk"),
                onServerRunning: { channel in
                    logger.notice(
                        "kiosk serving HTTPS for staff",
                        metadata: ["kiosk.address": "\(channel.localAddress?.description ?? "?")"])
                },
                logger: logger)
        }
        try DataFolder.secure(configuration.dataDirectory)
    }

    public static let softwareVersion = "0.6.0"

    /// The sender for the configured route: gammu-smsd's spool (its folders made here), the hub's
    /// operator gateway (signed like a sync round, through the enrolled hub), or none.
    static func smsSender(
        _ configuration: KioskConfiguration, queue: SQLiteSMSQueue, engine: SyncEngine, logger: Logger
    ) throws -> SMSSender? {
        switch configuration.smsRoute {
        case .none:
            return nil
        case .gammu:
            let transport = GammuSMSTransport(spool: configuration.smsSpoolDirectory)
            do {
                try transport.prepare()
            } catch {
                throw ConfigurationError(
                    key: "sms_spool", problem: "\(transport.spool.path) cannot be made (\(error))")
            }
            return SMSSender(queue: queue, transport: transport, logger: logger)
        case .hub:
            return SMSSender(queue: queue, transport: HubSMSTransport(engine: engine), logger: logger)
        }
    }

    /// Raises the soft limit of open files to the hard one (systemd's default soft limit is 1024,
    /// the unit sets `LimitNOFILE`), and returns the limit now in force.
    static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = min(limit.rlim_max, 65536)
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Demo office accounts (PIN `demoPIN`), created only when `demo_staff` is on and no staff exist.
    public static let demoStaff: [(String, String, StaffRole)] = [
        ("ajiltan1", "Бат-Эрдэнэ", .staff), ("ajiltan2", "Сарангэрэл", .staff), ("darga", "Оюунчимэг", .head),
        ("tekhnik", "Ганбат", .technician),
    ]
    public static let demoPIN = SignInPolicy.demoPIN

    /// The office's services from a JSON file (an array of `QueueService`), or the demo set.
    public static func loadServices(_ path: String?) throws -> [QueueService] {
        guard let path else { return QueueService.demo }
        let services: [QueueService]
        do {
            services = try JSONDecoder().decode([QueueService].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ConfigurationError(key: "services_file", problem: "cannot be read as a list of services (\(error))")
        }
        let codes = services.map(\.code)
        guard !services.isEmpty, Set(codes).count == codes.count,
            codes.allSatisfy({
                $0.count == 1 && RegistryNumber.isCyrillicLetter(Character($0)) && $0 == $0.uppercased()
            }),
            services.allSatisfy({ !$0.counters.isEmpty })
        else {
            throw ConfigurationError(
                key: "services_file", problem: "needs distinct one-letter Cyrillic codes and at least one counter each")
        }
        return services
    }

    /// The fingerprint reader the settings ask for.
    static func fingerprintReader(_ configuration: KioskConfiguration, kioskDirectory: URL, logger: Logger) throws -> (
        (any FingerprintReaderPort)?, FingerprintLifecycle?
    ) {
        let images =
            configuration.fingerprintImages.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? kioskDirectory.appendingPathComponent("fingerprints/demo", isDirectory: true)
        switch configuration.fingerprintReader {
        case "none":
            return (nil, nil)
        case "virtual":
            let reader = VirtualFingerprintReader(directory: images)
            return (reader, nil)
        case "usb":
            do {
                let reader = try USBFingerprintReader()
                return (reader, FingerprintLifecycle(start: { await reader.start() }, stop: { await reader.stop() }))
            } catch {
                throw ConfigurationError(key: "fingerprint_reader", problem: "usb: libusb cannot start (\(error))")
            }
        default:
            let fallback = VirtualFingerprintReader(directory: images)
            guard let usb = try? USBFingerprintReader() else {
                logger.warning("libusb cannot start; using the virtual fingerprint reader")
                return (fallback, nil)
            }
            let reader = FallbackFingerprintReader(primary: usb, fallback: fallback)
            return (reader, FingerprintLifecycle(start: { await reader.start() }, stop: { await reader.stop() }))
        }
    }

    /// Which printers, from the settings.
    public static func printConfiguration(_ configuration: KioskConfiguration) throws -> PrintConfiguration {
        let server: PrintServer
        if let configured = configuration.cupsServer {
            guard let parsed = PrintServer(configured) else {
                throw ConfigurationError(key: "cups_server", problem: "must be host, host:port or a socket path")
            }
            server = parsed
        } else {
            server = .systemDefault
        }
        let status: PrintConfiguration.StatusSource
        switch configuration.thermalStatus {
        case "auto": status = .automatic
        case "none": status = .none
        default:
            guard let endpoint = StatusEndpoint(configuration.thermalStatus) else {
                throw ConfigurationError(
                    key: "thermal_status", problem: "must be auto, none, host:port or a /dev/ path")
            }
            status = .endpoint(endpoint)
        }
        return PrintConfiguration(
            server: server, thermalQueue: configuration.thermalQueue.isEmpty ? nil : configuration.thermalQueue,
            a4Queue: configuration.a4Queue.isEmpty ? nil : configuration.a4Queue,
            paper: configuration.thermalPaper == .mm58 ? .mm58 : .mm80, thermalStatus: status)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
    public func run(logger: Logger) async throws {
        let secure: [ServiceGroupConfiguration.ServiceConfiguration] =
            secureApplication.map { [.init(service: $0)] } ?? []
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: application), .init(service: PrinterMonitor(printing: printing)),
                    .init(service: sync), .init(service: VacancyWarmer(catalog: vacancies)),
                    .init(
                        service: NightlyBackup(
                            database: database,
                            dataDirectory: URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true),
                            officeCode: configuration.officeCode, softwareVersion: Self.softwareVersion,
                            schedule: BackupSchedule(timeZone: configuration.office.timeZone), logger: logger)),
                ] + (smsSender.map { [.init(service: SMSSenderService(sender: $0))] } ?? [])
                    + (vacancyDigests.map { digests in
                        [
                            .init(
                                service: FiveMinuteChore(
                                    work: { try await digests.run(at: Date()) }, done: "vacancy digests queued",
                                    failed: "vacancy digests could not be queued", logger: logger))
                        ]
                    } ?? [])
                    + (smsSender.map { _ in
                        let texts = SQLiteTicketTexts(database: database)
                        let zone = configuration.office.timeZone
                        return [
                            .init(
                                service: FiveMinuteChore(
                                    work: { try await texts.forgetTicketPhones(today: CivilDate(Date(), in: zone)) },
                                    done: "ticket phones forgotten", failed: "ticket phones could not be forgotten",
                                    logger: logger))
                        ]
                    } ?? [])
                    + secure + (fingerprintLifecycle.map { [.init(service: $0)] } ?? [])
                    + (notifier.map { notifier in
                        let database = database
                        return [
                            .init(
                                service: SystemdWatchdog(
                                    notifier: notifier, healthy: { await database.isUsable() }, logger: logger))
                        ]
                    } ?? []),
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    /// `Kiosk/` as configured, else next to the working directory, else beside the executable
    /// (`.build/debug/kiosk` → `Kiosk/`), else the installed copy.
    public static func locateKioskDirectory(_ configured: String?) throws -> URL {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        if let configured {
            candidates = [URL(fileURLWithPath: configured, isDirectory: true)]
        } else {
            candidates.append(URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent("Kiosk"))
            var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
                .deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent("Kiosk"))
                directory = directory.deletingLastPathComponent()
            }
            candidates.append(URL(fileURLWithPath: "/usr/share/lswo-kiosk", isDirectory: true))
        }
        for candidate in candidates
        where fileManager.fileExists(atPath: candidate.appendingPathComponent("templates").path) {
            return candidate
        }
        throw ConfigurationError(
            key: "kiosk_dir", problem: "not found (looked in \(candidates.map(\.path).joined(separator: ", ")))")
    }
}

extension KioskServer {
    /// The printer, reader and checks a heartbeat carries, as the serving process knows them.
    static func deviceState(printing: PrintService, reader: (any FingerprintReaderPort)?, database: AppDatabase) async
        -> SyncEngine.DeviceState
    {
        let printers = await printing.health()
        let thermal = printers.first { $0.role == .thermal }
        let readerState = await reader?.status().state ?? .absent
        var checks = [
            Heartbeat.Check(name: "database", verdict: await database.isUsable() ? "ok" : "fault"),
            Heartbeat.Check(name: "storage", verdict: await database.isWritable() ? "ok" : "fault"),
        ]
        for printer in printers {
            checks.append(
                .init(
                    name: "printer.\(printer.role.rawValue)", verdict: printer.isReady ? "ok" : "fault",
                    detail: printer.faults.map(\.rawValue).joined(separator: ",")))
        }
        checks.append(.init(name: "reader", verdict: readerState == .absent ? "warning" : "ok"))
        return SyncEngine.DeviceState(
            printer: thermal.map { $0.faults.first?.rawValue ?? "ready" },
            reader: readerState == .absent ? "absent" : "ready", checks: checks)
    }
}

/// Checks the printers every few seconds for the staff console, until shutdown.
struct PrinterMonitor: Service {
    let printing: PrintService

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await printing.monitor(every: .seconds(5))
        }
    }
}

/// Loads the vacancies' facts as soon as they change (a sync round, `kiosk sync now`), so that
/// the next visitor's search does not wait for it.
struct VacancyWarmer: Service {
    let catalog: SQLiteVacancyCatalog

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await catalog.refresh()
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }
}

/// Hands queued text messages to the route and collects reports and replies, until shutdown.
struct SMSSenderService: Service {
    let sender: SMSSender

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await sender.run()
        }
    }
}

/// A chore done at start and every five minutes after, until shutdown: the weekly vacancy
/// digests (each person once a week: the queue's dedupe key), forgetting phones typed for
/// tickets that are over. `work` returns how many things it did; a count above 0 is logged.
struct FiveMinuteChore: Service {
    let work: @Sendable () async throws -> Int
    /// What was done (logged with the count under `kiosk.chore.count`) and what failed.
    let done: Logger.Message
    let failed: Logger.Message
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    do {
                        let count = try await work()
                        if count > 0 { logger.info(done, metadata: ["kiosk.chore.count": "\(count)"]) }
                    } catch {
                        logger.error(failed, metadata: ["kiosk.error": "\(error)"])
                    }
                    try await Task.sleep(for: .seconds(300))
                }
            }
        } catch is CancellationError {
            return
        }
    }
}

/// Starts the fingerprint reader (hot-plug following) with the service group and stops it on shutdown.
struct FingerprintLifecycle: Service {
    let start: @Sendable () async -> Void
    let stop: @Sendable () async -> Void

    func run() async throws {
        await start()
        try? await gracefulShutdown()
        await stop()
    }
}

extension KioskConfiguration {
    /// This office and program, for the label of the copy taken before the database is migrated.
    public var backupOwner: BackupOwner {
        BackupOwner(officeCode: officeCode, softwareVersion: KioskServer.softwareVersion)
    }
}
