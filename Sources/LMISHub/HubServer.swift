public import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOSSL
public import PostgresNIO
public import ServiceLifecycle

/// The composition root of `lmis-hub serve`: the PostgreSQL client, migrations, the router and
/// HTTP(S) server, as services of one group.
public struct HubServer: Sendable {
    public let store: HubStore
    public let application: any Service
    public let client: PostgresClient

    /// A connection that sends nothing for two minutes, idle or in the middle of a request's body,
    /// is closed: a kiosk whose line dropped mid-upload does not hold a request (and its place
    /// under `maxConcurrentSync`) for ever. Longer than the kiosks' own idle limit (60 s), so the
    /// hub never closes a connection a kiosk is about to use.
    static let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(120))

    /// `onRunning` hears the bound port (useful with port 0).
    public init(
        configuration: HubConfiguration, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    )
        throws
    {
        var postgres = PostgresClient.Configuration(
            host: configuration.postgresHost, port: configuration.postgresPort, username: configuration.postgresUser,
            password: configuration.postgresPassword, database: configuration.postgresDatabase,
            tls: configuration.postgresTLS == "require" ? .require(.makeClientConfiguration()) : .disable)
        postgres.options.maximumConnections = configuration.postgresConnections
        // An unreachable database is known in a second or two, not after the default 10 s per attempt.
        postgres.options.connectTimeout = .seconds(2)
        let client = PostgresClient(configuration: postgres, backgroundLogger: logger)
        self.client = client
        let store = HubStore(client: client, logger: logger)
        self.store = store
        let registry = SimulatedCivilRegistry(client: client, logger: logger)
        let probe = try ProbeConnection(configuration: configuration, logger: logger)
        var services: [any Service] = [client, probe]
        var sms: SMSRelay?
        let gateway: (any SMSGateway)? =
            switch configuration.smsGateway {
            case "simulated": SimulatedSMSGateway(client: client, logger: logger)
            case "https":
                try OperatorHTTPSGateway(
                    baseURL: configuration.smsGatewayURL ?? "", token: configuration.smsGatewayToken ?? "",
                    caFile: configuration.smsGatewayCAFile)
            default: nil
            }
        if let gateway {
            let relay = SMSRelay(
                client: client, gateway: gateway, logger: logger,
                reclaimAfter: .seconds(configuration.smsReclaimSeconds),
                retention: .seconds(configuration.smsRetentionDays * 86_400))
            sms = relay
            services.append(
                SMSForwarder(relay: relay, interval: .milliseconds(configuration.smsPollMilliseconds), logger: logger))
        }
        let router = HubRouter(
            store: store, registry: registry, configuration: configuration, logger: logger, sms: sms, probe: probe
        ).build()
        let server: HTTPServerBuilder
        if let certificate = configuration.tlsCertificate, let key = configuration.tlsKey {
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            server = try .tls(.http1(configuration: Self.http1), tlsConfiguration: tls)
        } else {
            server = .http1(configuration: Self.http1)
        }
        var application = Application(
            router: router, server: server,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "lmis-hub"),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.notice("lmis-hub serving", metadata: ["hub.port": "\(port)"])
                await onRunning(port)
            },
            logger: logger)
        application.beforeServerStarts { try await store.migrate() }
        self.application = application
    }

    /// Runs `body` with a migrated store and its PostgreSQL client running, without serving.
    public static func withStore<T: Sendable>(
        configuration: HubConfiguration, logger: Logger, _ body: @escaping @Sendable (HubStore) async throws -> T
    ) async throws -> T {
        let hub = try HubServer(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await hub.client.run()
                return nil
            }
            group.addTask {
                try await hub.store.migrate()
                return try await body(hub.store)
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let value = next { return value }
            }
            throw CancellationError()
        }
    }
}
