public import Logging
import NIOSSL
import PostgresNIO
public import ServiceLifecycle

/// The database probe's own PostgreSQL connection, outside the pool that serves requests. Under
/// load every pooled connection may be busy applying batches for seconds; a probe waiting behind
/// them read that as "the database went away", answered every request 503 and cancelled the
/// batches in flight (`Benchmarks/hub_pair.py`, 300 kiosks). On this connection the probe asks
/// PostgreSQL itself. It is made on the first ping, made again after a failed one, and closed when
/// the hub stops; it counts one connection per instance against `max_connections`.
public actor ProbeConnection: Service {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private var connection: PostgresConnection?
    private var made = 0

    public init(configuration: HubConfiguration, logger: Logger) throws {
        var postgres = PostgresConnection.Configuration(
            host: configuration.postgresHost, port: configuration.postgresPort, username: configuration.postgresUser,
            password: configuration.postgresPassword, database: configuration.postgresDatabase,
            tls: configuration.postgresTLS == "require"
                ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable)
        postgres.options.connectTimeout = .seconds(2)
        self.configuration = postgres
        self.logger = logger
    }

    public func ping() async throws {
        let connection: PostgresConnection
        if let open = self.connection, !open.isClosed {
            connection = open
        } else {
            made += 1
            connection = try await PostgresConnection.connect(configuration: configuration, id: made, logger: logger)
            self.connection = connection
        }
        do {
            try await connection.query("SELECT 1", logger: logger)
        } catch {
            self.connection = nil
            try? await connection.close()
            throw error
        }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try? await connection?.close()
        connection = nil
    }
}
