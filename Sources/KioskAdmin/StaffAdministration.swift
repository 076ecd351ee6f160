public import Foundation
public import KioskApp
import KioskCore
import KioskStore

/// Technician commands for staff accounts, on the office database named by the configuration.
public struct StaffAdministration: Sendable {
    public let configuration: KioskConfiguration

    public init(configuration: KioskConfiguration) {
        self.configuration = configuration
    }

    /// The settings as every command reads them (`ConfigurationSource`).
    public init(source: ConfigurationSource) throws {
        self.init(configuration: try source.load())
    }

    /// Creates or replaces an account (a new PIN also clears a lock).
    public func add(username: String, displayName: String, role: String, pin: String) async throws {
        guard username.range(of: "^[a-z0-9][a-z0-9._-]{1,31}$", options: .regularExpression) != nil else {
            throw ConfigurationError(
                key: "username", problem: "must be 2-32 lower-case Latin letters, digits, . _ or -")
        }
        guard let role = StaffRole(rawValue: role) else {
            throw ConfigurationError(key: "role", problem: "must be staff, head or technician")
        }
        do {
            try configuration.signInPolicy.check(newPIN: pin)
        } catch {
            throw ConfigurationError(key: "pin", problem: "refused: \(error)")
        }
        let trimmedName = displayName.trimmingCharacters(in: .whitespaces)
        guard !trimmedName.isEmpty, trimmedName.count <= 60 else {
            throw ConfigurationError(key: "name", problem: "must be 1 to 60 characters")
        }
        let database = try AppDatabase(
            directory: URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true),
            owner: configuration.backupOwner)
        let staff = SQLiteStaffRepository(
            database: database, hasher: YescryptPINHasher(), policy: configuration.signInPolicy, counters: [])
        try await staff.addStaff(id: username, displayName: trimmedName, role: role, pin: pin, at: Date())
    }
}
