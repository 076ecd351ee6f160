import Crypto
public import Foundation
import LMISProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk update URL`: fetches an update bundle over HTTPS into `DATA/updates` (on the data
/// partition, which no update touches) with curl: resumed where an interrupted download of the same
/// address stopped, never larger than the limit, and checked against the size and SHA-256 the hub
/// published before RAUC sees it. A bundle that does not match is deleted.
public struct BundleDownload: Sendable {
    public var url: String
    public var sha256: String?
    public var sizeBytes: Int64?
    public var maxBytes: Int64
    public var caFile: String?
    public var directory: URL
    public var curl: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(
        url: String, sha256: String?, sizeBytes: Int64?, maxBytes: Int64, caFile: String?, directory: URL,
        curl: String = "/usr/bin/curl"
    ) {
        self.url = url
        self.sha256 = sha256?.lowercased()
        self.sizeBytes = sizeBytes
        self.maxBytes = maxBytes
        self.caFile = caFile
        self.directory = directory
        self.curl = curl
    }

    /// The partial download of this address: one file an address, so a second try resumes it.
    var partial: URL {
        let name = SHA256.hash(data: Data(url.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return directory.appendingPathComponent("bundle-\(name).raucb.part")
    }

    /// Downloads (or resumes) and checks; answers the complete bundle's file.
    public func run() throws -> URL {
        let parsed = URL(string: url)
        guard parsed?.scheme == "https", !(parsed?.host ?? "").isEmpty else {
            throw Failure(description: "only https:// addresses are downloaded (got \(url))")
        }
        if let sha256, !UpdateOffer.isSHA256(sha256) {
            throw Failure(description: "--sha256 must be 64 hexadecimal digits")
        }
        if let sizeBytes, sizeBytes > maxBytes {
            throw Failure(
                description: "the bundle is \(sizeBytes) bytes, more than the limit of \(maxBytes) (update_max_mib)")
        }
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let have = fileSize(partial) ?? 0
        if let sizeBytes, have > sizeBytes { try FileManager.default.removeItem(at: partial) }
        let needed = (sizeBytes ?? maxBytes) - (fileSize(partial) ?? 0) + (64 << 20)
        var space = statvfs()
        if statvfs(directory.path, &space) == 0 {
            let free = Int64(space.f_bavail) * Int64(space.f_frsize)
            guard free >= needed else {
                throw Failure(
                    description: "\(directory.path) has \(free >> 20) MiB free; the download needs \(needed >> 20) MiB")
            }
        }
        if sizeBytes == nil || fileSize(partial) != sizeBytes { try fetch() }
        let got = fileSize(partial) ?? 0
        if let sizeBytes, got != sizeBytes {
            try? FileManager.default.removeItem(at: partial)
            throw Failure(description: "the download has \(got) bytes, not the \(sizeBytes) published; deleted")
        }
        guard got <= maxBytes else {
            try? FileManager.default.removeItem(at: partial)
            throw Failure(description: "the download is over the limit of \(maxBytes) bytes; deleted")
        }
        if let sha256 {
            let found = try Self.digest(partial)
            guard found == sha256 else {
                try? FileManager.default.removeItem(at: partial)
                throw Failure(
                    description: "the download's SHA-256 is \(found), not the \(sha256) published; deleted, "
                        + "nothing installed")
            }
        }
        let bundle = partial.deletingPathExtension()
        try? FileManager.default.removeItem(at: bundle)
        try FileManager.default.moveItem(at: partial, to: bundle)
        return bundle
    }

    /// curl, resuming the partial file; HTTPS only, redirects too; stops a stalled link.
    func fetch() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: curl)
        var arguments = [
            "--fail", "--location", "--proto", "=https", "--proto-redir", "=https", "--max-filesize", "\(maxBytes)",
            "--continue-at", "-", "--output", partial.path, "--retry", "3", "--connect-timeout", "30",
            "--speed-limit", "1024", "--speed-time", "120", "--show-error",
            isatty(2) == 1 ? "--progress-bar" : "--silent",
        ]
        if let caFile { arguments += ["--cacert", caFile] }
        process.arguments = arguments + ["--", url]
        let errors = Pipe()
        process.standardError = isatty(2) == 1 ? FileHandle.standardError : errors
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot run \(curl) (\(error))")
        }
        let said =
            isatty(2) == 1 ? "" : String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let reason = said.split(separator: "\n").last.map(String.init) ?? "exit \(process.terminationStatus)"
            throw Failure(
                description: "the download stopped (curl \(process.terminationStatus): \(reason)); "
                    + "\(fileSize(partial) ?? 0) bytes kept, run the command again to resume")
        }
    }

    func fileSize(_ url: URL) -> Int64? {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value
    }

    static func digest(_ url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hash = SHA256()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty { hash.update(data: block) }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
