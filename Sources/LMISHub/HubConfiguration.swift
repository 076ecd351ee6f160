import ConfigLines
public import Foundation

/// Everything `lmis-hub serve` can be told: a `key = value` file and `LMIS_HUB_<KEY>` variables,
/// like the kiosk's settings.
public struct HubConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8443
    /// PEM certificate chain and key: HTTPS when both are set, plain HTTP (behind a TLS proxy) otherwise.
    public var tlsCertificate: String?
    public var tlsKey: String?
    public var postgresHost = "127.0.0.1"
    public var postgresPort = 5432
    public var postgresUser = "lmis"
    public var postgresPassword: String?
    public var postgresDatabase = "lmis"
    /// `disable` (a local socket or loopback) or `require` (TLS to a database on another host).
    public var postgresTLS = "disable"
    /// Connections the hub keeps to PostgreSQL at most.
    public var postgresConnections = 20
    /// Bearer token of the admin endpoints; admin endpoints are closed while it is unset.
    public var adminToken: String?
    /// Sync requests served at once; more wait briefly, then get 503 with `Retry-After`.
    public var maxConcurrentSync = 32
    /// How long a receipts question waits for the asking device's uploads still coming in, and
    /// how long an upload may get no bytes before it is taken for dead (`UploadReceptions`).
    /// Not in the config file: tests on a loaded machine lengthen them.
    public var receiptsPatience: Duration = .seconds(5)
    public var uploadQuiet: Duration = .seconds(2)
    /// `simulated` (the hub's own table; tests and demos). A real XYP adapter adds its own value.
    public var civilRegistry = "simulated"
    /// The operator gateway SMS from offices without a modem go through: `none` (the route is
    /// closed), `simulated` (the hub's own tables; tests and demos) or `https` (the operator HTTPS
    /// adapter, `OperatorHTTPSGateway`, at `sms_gateway_url` with `sms_gateway_token`).
    public var smsGateway = "none"
    /// The operator's endpoint (`https://…`), its bearer token, and PEM roots to trust instead of
    /// the system's (empty: the system's).
    public var smsGatewayURL: String?
    public var smsGatewayToken: String?
    public var smsGatewayCAFile: String?
    /// How often the hub hands waiting SMS to the gateway and reads its reports and replies.
    public var smsPollMilliseconds = 1000
    /// A message a stopped hub left half handed to the gateway is handed again after this long
    /// (long enough that another hub on the same database is not still handing it).
    public var smsReclaimSeconds = 120
    /// Days a relayed message's number (after its final report) and a reply's number and text
    /// (after it arrived) are kept; then they are blanked and only the counts remain.
    public var smsRetentionDays = 30
    public var logLevel = "info"

    public init() {}

    public static let keys = [
        "host", "port", "tls_certificate", "tls_key", "postgres_host", "postgres_port", "postgres_user",
        "postgres_password", "postgres_database", "postgres_tls", "postgres_connections", "admin_token",
        "max_concurrent_sync",
        "civil_registry", "log_level", "sms_gateway", "sms_poll_milliseconds",
        "sms_reclaim_seconds", "sms_retention_days", "sms_gateway_url", "sms_gateway_token", "sms_gateway_ca_file",
    ]

    public mutating func set(_ key: String, _ value: String) throws(HubConfigurationError) {
        func int(_ range: ClosedRange<Int>) throws(HubConfigurationError) -> Int {
            guard let number = Int(value), range.contains(number) else {
                throw HubConfigurationError(key: key, problem: "must be a whole number in \(range)")
            }
            return number
        }
        switch key {
        case "host": host = value
        case "port": port = try int(0...65535)
        case "tls_certificate": tlsCertificate = value.isEmpty ? nil : value
        case "tls_key": tlsKey = value.isEmpty ? nil : value
        case "postgres_host": postgresHost = value
        case "postgres_port": postgresPort = try int(1...65535)
        case "postgres_user": postgresUser = value
        case "postgres_password": postgresPassword = value.isEmpty ? nil : value
        case "postgres_database": postgresDatabase = value
        case "postgres_tls":
            guard ["disable", "require"].contains(value) else {
                throw HubConfigurationError(key: key, problem: "must be disable or require")
            }
            postgresTLS = value
        case "postgres_connections": postgresConnections = try int(1...500)
        case "admin_token":
            guard value.isEmpty || value.count >= 16 else {
                throw HubConfigurationError(key: key, problem: "must be at least 16 characters")
            }
            adminToken = value.isEmpty ? nil : value
        case "max_concurrent_sync": maxConcurrentSync = try int(1...10_000)
        case "civil_registry":
            guard value == "simulated" else {
                throw HubConfigurationError(key: key, problem: "must be `simulated` (the only adapter so far)")
            }
            civilRegistry = value
        case "log_level": logLevel = value
        case "sms_gateway":
            guard ["none", "simulated", "https"].contains(value) else {
                throw HubConfigurationError(key: key, problem: "must be none, simulated or https")
            }
            smsGateway = value
        case "sms_gateway_url":
            guard value.isEmpty || value.lowercased().hasPrefix("https://") else {
                throw HubConfigurationError(key: key, problem: "must be an https:// address")
            }
            smsGatewayURL = value.isEmpty ? nil : value
        case "sms_gateway_token": smsGatewayToken = value.isEmpty ? nil : value
        case "sms_gateway_ca_file": smsGatewayCAFile = value.isEmpty ? nil : value
        case "sms_poll_milliseconds": smsPollMilliseconds = try int(50...60_000)
        case "sms_reclaim_seconds": smsReclaimSeconds = try int(1...86_400)
        case "sms_retention_days": smsRetentionDays = try int(1...366)
        default: throw HubConfigurationError(key: key, problem: "is not a setting")
        }
    }

    /// Reads a config file of `key = value` lines, as the kiosk reads its own (`ConfigLine`:
    /// whole-line and ` # ` comments, `"..."` values that may hold `#`).
    public mutating func apply(fileContents text: String, path: String) throws(HubConfigurationError) {
        for (index, line) in ConfigLine.lines(of: text).enumerated() {
            let setting: (key: String, value: String)?
            do {
                setting = try ConfigLine.setting(in: line)
            } catch {
                throw HubConfigurationError(key: "\(path):\(index + 1)", problem: error.problem)
            }
            guard let setting else { continue }
            do {
                try set(setting.key, setting.value)
            } catch {
                throw HubConfigurationError(key: "\(path):\(index + 1) \(error.key)", problem: error.problem)
            }
        }
    }

    public mutating func apply(environment: [String: String]) throws(HubConfigurationError) {
        for key in Self.keys {
            if let value = environment["LMIS_HUB_" + key.uppercased()] { try set(key, value) }
        }
    }
}

public struct HubConfigurationError: Error, CustomStringConvertible, Equatable {
    public let key: String
    public let problem: String

    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String { "\(key) \(problem)" }
}
