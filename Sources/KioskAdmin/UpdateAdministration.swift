import Foundation
public import KioskApp
import KioskStore

/// `kiosk update BUNDLE`: a backup of the office database, then RAUC installs the signed bundle
/// into the root slot that is not running (A/B; `Provisioning/image/rauc/`). The new slot is
/// started by the next boot and kept only when `kiosk-mark-good` saw its service answer.
public struct UpdateAdministration: Sendable {
    public let configuration: KioskConfiguration
    /// The `rauc` program: it asks RAUC's service (D-Bus) to install.
    public var rauc: String

    public init(configuration: KioskConfiguration, rauc: String) {
        self.configuration = configuration
        self.rauc = rauc
    }

    /// Backs up, installs; exit 1 (nothing installed) when the backup or RAUC fails, e.g. a bundle
    /// whose signature the keyring does not accept or made for another system.
    public func installOutput(bundle: String) async -> CommandOutput {
        var lines: [String] = []
        let database = URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("kiosk.sqlite")
        if FileManager.default.fileExists(atPath: database.path) {
            do {
                let file = try await BackupAdministration.backUp(
                    configuration: configuration, to: nil, kind: "pre-update")
                lines.append("backup before the update: \(file.url.path) (outbox up to #\(file.label.sequence))")
            } catch {
                return CommandOutput(["not updated: the backup before the update failed (\(error))"], exitCode: 1)
            }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: rauc)
        process.arguments = ["install", bundle]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            return CommandOutput(lines + ["not updated: cannot run \(rauc) (\(error))"], exitCode: 1)
        }
        let said = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let raucLines = said.split(separator: "\n").map { "rauc: \($0)" }
        guard process.terminationStatus == 0 else {
            return CommandOutput(
                lines + raucLines + ["not updated: rauc install exited with \(process.terminationStatus)"], exitCode: 1)
        }
        return CommandOutput(
            lines + raucLines + [
                "installed into the other slot; it starts at the next boot (systemctl reboot) and is kept once "
                    + "kiosk.service answers /healthz there, else the boot after falls back to this one"
            ])
    }
}
