public import Foundation
public import KioskCore

/// Where the kiosk's voice comes from: recorded sets first, then espeak-ng.
public struct SpeechSettings: Sendable {
    /// Folders of recorded sets, `<language>/<key>.wav`; the first that has a clip wins (the
    /// kiosk: the set `kiosk voice import` loaded into the data folder).
    public var recordings: [URL]
    /// Where synthesised clips are kept once made.
    public var cache: URL
    public var espeak: String
    /// espeak-ng's voice and speed (words a minute) per language. Mongolian: espeak-ng has no
    /// Mongolian voice; its Kyrgyz one reads Mongolian Cyrillic best of those it has (the same
    /// alphabet plus Ң, Ө and Ү as front rounded vowels, doubled letters as long vowels, г as
    /// uvular beside back vowels), where Kazakh reads «уу» as [w] and Russian spells out Ө and Ү.
    public var voices: [Language: Voice]

    public struct Voice: Sendable {
        public var name: String
        public var wordsPerMinute: Int

        public init(name: String, wordsPerMinute: Int) {
            self.name = name
            self.wordsPerMinute = wordsPerMinute
        }
    }

    public init(
        recordings: [URL], cache: URL, espeak: String = "/usr/bin/espeak-ng",
        voices: [Language: Voice] = [
            .mn: Voice(name: "ky", wordsPerMinute: 135), .en: Voice(name: "en-gb", wordsPerMinute: 140),
        ]
    ) {
        self.recordings = recordings
        self.cache = cache
        self.espeak = espeak
        self.voices = voices
    }
}

/// The clip of each phrase of the `SpeechCatalog`: a recording when the office has one, else
/// synthesised by espeak-ng once and kept in the cache (named by a hash of voice and text, so a
/// changed text is spoken anew). Only catalogue keys are ever synthesised.
public actor SpeechClips {
    public let catalog: SpeechCatalog
    let settings: SpeechSettings
    private var making: [String: Task<Data, any Error>] = [:]

    public enum Source: String, Sendable { case recorded, synthesised }

    public init(catalog: SpeechCatalog, settings: SpeechSettings) {
        self.catalog = catalog
        self.settings = settings
    }

    /// The recorded clip of `key`, if a recorded set has one.
    nonisolated func recording(_ key: String, _ language: Language) -> URL? {
        settings.recordings.lazy.map { $0.appendingPathComponent("\(language.rawValue)/\(key).wav") }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// How many phrases of `language` have a recording.
    public nonisolated func recordedCount(_ language: Language) -> Int {
        catalog.keys(language).count { recording($0, language) != nil }
    }

    /// Whether espeak-ng can be run to speak what is not recorded.
    public nonisolated var canSynthesise: Bool { FileManager.default.isExecutableFile(atPath: settings.espeak) }

    /// The WAV of `key`, or nil when `key` is no phrase of `language`.
    public func clip(_ key: String, _ language: Language) async throws -> (data: Data, source: Source)? {
        guard SpeechCatalog.isWellFormed(key: key), let text = catalog.synthesisText(key, language) else { return nil }
        if let recorded = recording(key, language) { return (try Data(contentsOf: recorded), .recorded) }
        guard let voice = settings.voices[language] else { throw SpeechUnavailable(reason: "no voice") }
        let file = settings.cache.appendingPathComponent(
            "\(language.rawValue)/\(key)-\(Self.fingerprint(voice.name, text)).wav")
        if let cached = try? Data(contentsOf: file) { return (cached, .synthesised) }
        if let task = making[file.path] { return (try await task.value, .synthesised) }
        let espeak = settings.espeak
        let task = Task { try await Self.synthesise(text, voice: voice, espeak: espeak, into: file) }
        making[file.path] = task
        defer { making[file.path] = nil }
        return (try await task.value, .synthesised)
    }

    /// Runs espeak-ng (never through a shell; the text is the catalogue's, after `--`) into a
    /// temporary file beside `file`, then renames it into place.
    static func synthesise(_ text: String, voice: SpeechSettings.Voice, espeak: String, into file: URL) async throws
        -> Data
    {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: espeak)
        process.arguments = ["-v", voice.name, "-s", String(voice.wordsPerMinute), "-w", temporary.path, "--", text]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: SpeechUnavailable(reason: "espeak-ng cannot be run"))
            }
        }
        let data = try Data(contentsOf: temporary)
        guard status == 0, WAVClip(data) != nil else {
            throw SpeechUnavailable(reason: "espeak-ng exited \(status)")
        }
        try? FileManager.default.removeItem(at: file)
        try FileManager.default.moveItem(at: temporary, to: file)
        return data
    }

    /// FNV-1a of voice and text, 16 hex digits.
    static func fingerprint(_ voice: String, _ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (voice + "\u{0}" + text).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// A clip could not be synthesised (espeak-ng missing or failing).
struct SpeechUnavailable: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
