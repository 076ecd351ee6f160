import Foundation
public import KioskApp
import KioskStore
import LMISProtocol
import LMISSync
public import Logging

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

    var dataDirectory: URL { URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true) }

    /// `kiosk update URL`: downloads the bundle over HTTPS into `DATA/updates` (resumable, at most
    /// `update_max_mib`, checked against `size` and `sha256` when given), then installs it as
    /// `installOutput(bundle:)` does and deletes it. A download that does not match is deleted and
    /// nothing is backed up or installed.
    public func downloadOutput(url: String, sha256: String?, size: Int64?, curl: String) async -> CommandOutput {
        let download = BundleDownload(
            url: url, sha256: sha256, sizeBytes: size, maxBytes: Int64(configuration.updateMaxMiB) << 20,
            caFile: configuration.updateCAFile, directory: dataDirectory.appendingPathComponent("updates"), curl: curl)
        let started = Date()
        let bundle: URL
        do {
            bundle = try download.run()
        } catch {
            return CommandOutput(["not updated: \(error)"], exitCode: 1)
        }
        let bytes = download.fileSize(bundle) ?? 0
        var lines = [
            "downloaded \(bytes >> 20) MiB in \(Int(Date().timeIntervalSince(started))) s"
                + (sha256 == nil ? " (no SHA-256 given: RAUC's signature check only)" : ", SHA-256 as published")
        ]
        let installed = await installOutput(bundle: bundle.path)
        try? FileManager.default.removeItem(at: bundle)
        lines += installed.lines
        return CommandOutput(lines, exitCode: installed.exitCode)
    }

    /// `kiosk update --latest`: a heartbeat asks the hub which bundle is published for this kiosk's
    /// channel (`update_channel`), then that bundle is downloaded, checked and installed. Nothing is
    /// installed when none is published or it is the version running.
    public func latestOutput(curl: String, logger: Logger) async -> CommandOutput {
        let offer: UpdateOffer
        do {
            let sync = try SyncAdministration(configuration: configuration, logger: logger)
            let answer = try await sync.engine.heartbeatNow()
            await sync.engine.shutdown()
            try await sync.engine.store.close()
            DataFiles.handOver(in: configuration.dataDirectory)
            guard answer != nil else {
                return CommandOutput(
                    ["not updated: not enrolled with a hub, or the hub takes no heartbeats"], exitCode: 1)
            }
            guard let published = answer?.update else {
                return CommandOutput(
                    ["not updated: the hub publishes no update for channel \(configuration.updateChannel)"], exitCode: 1
                )
            }
            offer = published
        } catch {
            return CommandOutput(["not updated: the hub could not be asked (\(error))"], exitCode: 1)
        }
        guard offer.version != KioskServer.softwareVersion else {
            return CommandOutput(["version \(offer.version) (channel \(offer.channel)) is already running"])
        }
        let installed = await downloadOutput(url: offer.url, sha256: offer.sha256, size: offer.sizeBytes, curl: curl)
        return CommandOutput(
            ["channel \(offer.channel): version \(offer.version), \(offer.sizeBytes) bytes from \(offer.url)"]
                + installed.lines, exitCode: installed.exitCode)
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
