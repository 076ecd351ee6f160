public import Foundation
public import Hummingbird
import KioskCore
import KioskHTTP
public import KioskStore
public import Logging
public import ServiceLifecycle
import UnixSignals

/// The composition root: opens the database, loads reference data and screens, and returns the
/// services that `kiosk serve` runs in one `ServiceGroup`.
public struct KioskServer: Sendable {
    public let configuration: KioskConfiguration
    public let database: AppDatabase
    public let application: any Service
    public let kioskDirectory: URL

    public init(configuration: KioskConfiguration, logger: Logger) async throws {
        self.configuration = configuration
        let kioskDirectory = try Self.locateKioskDirectory(configuration.kioskDirectory)
        self.kioskDirectory = kioskDirectory
        let office = configuration.office
        let database = try AppDatabase(directory: URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true))
        self.database = database

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

        let environment = KioskHTTPEnvironment(
            office: office,
            registrations: SQLiteRegistrationRepository(database: database, officeCode: office.code),
            summaries: SQLiteOfficeSummarySource(database: database, officeCode: office.code),
            catalog: catalog,
            locales: try Locales(directory: kioskDirectory.appendingPathComponent("locales")),
            kioskDirectory: kioskDirectory,
            settings: ScreenSettings(
                idleSeconds: configuration.idleSeconds, countdownSeconds: configuration.countdownSeconds,
                defaultLanguage: configuration.defaultLanguage),
            healthCheck: { await database.isUsable() })
        let router = try await KioskRouter.build(environment)
        application = Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "lswo-kiosk"),
            onServerRunning: { channel in
                logger.notice(
                    "kiosk serving",
                    metadata: [
                        "kiosk.address": "\(channel.localAddress?.description ?? "?")",
                        "kiosk.office": "\(office.code)", "kiosk.time_zone": "\(office.timeZone.identifier)",
                    ])
            },
            logger: logger)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
    public func run(logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: application)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    /// `Kiosk/` as configured, else next to the working directory, else beside the executable
    /// (`.build/debug/kiosk` → `Kiosk/`), else the installed copy.
    static func locateKioskDirectory(_ configured: String?) throws -> URL {
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
