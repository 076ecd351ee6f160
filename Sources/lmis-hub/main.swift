import ArgumentParser
import Foundation
import JournalLogging
import LMISHub
import Logging
import ServiceLifecycle
import UnixSignals

@main
struct LMISHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lmis-hub",
        abstract: "The reference central LMIS server that LSWO kiosks sync with.",
        subcommands: [Serve.self, Migrate.self, EnrolmentCode.self, RotateEpoch.self])
}

struct Options: ParsableArguments {
    @Option(name: .long, help: "A `key = value` settings file (LMIS_HUB_<KEY> variables override it).")
    var config: String?

    func load() throws -> HubConfiguration {
        var configuration = HubConfiguration()
        if let config {
            try configuration.apply(fileContents: String(contentsOfFile: config, encoding: .utf8), path: config)
        }
        try configuration.apply(environment: ProcessInfo.processInfo.environment)
        return configuration
    }
}

func makeLogger(_ configuration: HubConfiguration) -> Logger {
    let journal = JournalLogHandler.standardErrorIsJournal()
    LoggingSystem.bootstrap { label -> any LogHandler in
        journal ? JournalLogHandler(label: label) : StreamLogHandler.standardError(label: label)
    }
    var logger = Logger(label: "lmis-hub")
    logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
    return logger
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Migrate the database, then serve kiosks and operators.")
    @OptionGroup var options: Options

    func run() async throws {
        let configuration = try options.load()
        let logger = makeLogger(configuration)
        let hub = try HubServer(configuration: configuration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: hub.application)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

func withStore<T: Sendable>(_ configuration: HubConfiguration, _ body: @escaping @Sendable (HubStore) async throws -> T)
    async throws -> T
{
    try await HubServer.withStore(configuration: configuration, logger: makeLogger(configuration), body)
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the database schema up to date and exit.")
    @OptionGroup var options: Options

    func run() async throws {
        _ = try await withStore(try options.load()) { _ in true }
        print("database is up to date")
    }
}

struct EnrolmentCode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrolment-code", abstract: "Issue a one-time code a technician types at a new kiosk.")
    @OptionGroup var options: Options
    @Option(help: "The office the kiosk belongs to.") var office: String
    @Option(help: "Hours the code stays valid.") var hours = 72

    func run() async throws {
        let (code, expires) = try await withStore(try options.load()) { store in
            try await store.issueEnrolmentCode(office: office, validFor: hours)
        }
        print("\(code)  (office \(office), valid until \(expires.formatted(.iso8601)))")
    }
}

struct RotateEpoch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-epoch",
        abstract: "Make every kiosk fetch vacancies and reference data again from the start.",
        discussion: """
            The epoch changes by itself when the database comes back from a backup into another \
            database or cluster, or after a point-in-time recovery. After restoring a backup into \
            the same database (pg_restore --clean), run this.
            """)
    @OptionGroup var options: Options

    func run() async throws {
        let epoch = try await withStore(try options.load()) { store in
            try await store.rotateEpoch()
            return try await store.epoch()
        }
        print("new epoch \(epoch)")
    }
}
