public import Foundation
public import KioskApp
public import KioskCore
import KioskStore

/// The technician's voice commands: the phrase list an office records, and the check and import
/// of a recorded set (`DIR/mn/<key>.wav`, `DIR/en/<key>.wav`) into the data folder, where the
/// kiosk's voice takes a recording before synthesising a phrase.
public struct VoiceAdministration: Sendable {
    public let catalog: SpeechCatalog
    /// Where imported sets go and what `check` reads without a folder.
    public let voiceDirectory: URL

    public init(catalog: SpeechCatalog, voiceDirectory: URL) {
        self.catalog = catalog
        self.voiceDirectory = voiceDirectory
    }

    /// The settings as every command reads them: the `Kiosk/` folder's locales and phrase list, the
    /// office's services, the data folder, and the profiling questionnaire the kiosk asks (the
    /// newest the hub sent, kept in the office database, else the file).
    public init(source: ConfigurationSource) async throws {
        let configuration = try source.load()
        let kiosk = try KioskServer.locateKioskDirectory(configuration.kioskDirectory)
        var localeFiles: [Language: Data] = [:]
        for language in Language.allCases {
            localeFiles[language] = try Data(
                contentsOf: kiosk.appendingPathComponent("locales/\(language.rawValue).json"))
        }
        self.init(
            catalog: try SpeechCatalog.load(
                localeFiles: localeFiles,
                phrasesFile: try Data(contentsOf: kiosk.appendingPathComponent("assets/audio/phrases.json")),
                services: try KioskServer.loadServices(configuration.servicesFile),
                officeName: configuration.office.name,
                questionnaire: try await Self.questionnaire(configuration, kioskDirectory: kiosk)),
            voiceDirectory: configuration.voiceDirectory)
    }

    /// The questionnaire `kiosk serve` asks now: the newest one the hub sent when the office
    /// database holds one (a data folder without a database is not given one), else the file.
    static func questionnaire(_ configuration: KioskConfiguration, kioskDirectory: URL) async throws
        -> ProfilingQuestionnaire
    {
        let bundled = try KioskServer.loadQuestionnaire(
            dataDirectory: configuration.dataDirectory, kioskDirectory: kioskDirectory)
        let data = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        guard FileManager.default.fileExists(atPath: data.appendingPathComponent("kiosk.sqlite").path) else {
            return bundled
        }
        let database = try AppDatabase(directory: data, owner: configuration.backupOwner)
        return try await SQLiteQuestionnaires(database: database, bundled: bundled).current()
    }

    /// One language's part of a recorded set, as checked.
    public struct LanguageReport: Sendable, Equatable {
        public var language: Language
        public var phrases: Int
        /// Keys with a usable clip.
        public var usable: [String]
        /// Keys without a clip.
        public var missing: [String]
        /// Key → what is wrong with its clip.
        public var unusable: [String: [String]]
        /// `.wav` files named by no phrase.
        public var unknown: [String]
    }

    /// Checks the set in `directory`: every phrase present, each clip 16-bit PCM mono at a usual
    /// rate, neither too short, too long nor silent.
    public func check(_ directory: URL) -> [LanguageReport] {
        Language.allCases.map { language in
            let folder = directory.appendingPathComponent(language.rawValue)
            let files = Set(
                ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
                    $0.lowercased().hasSuffix(".wav")
                })
            let keys = catalog.keys(language)
            var report = LanguageReport(
                language: language, phrases: keys.count, usable: [], missing: [], unusable: [:],
                unknown: files.filter { catalog.text(String($0.dropLast(4)), language) == nil }.sorted())
            for key in keys {
                guard files.contains("\(key).wav") else {
                    report.missing.append(key)
                    continue
                }
                let data = (try? Data(contentsOf: folder.appendingPathComponent("\(key).wav"))) ?? Data()
                guard let clip = WAVClip(data) else {
                    report.unusable[key] = ["not a WAV file"]
                    continue
                }
                let problems = clip.problems()
                if problems.isEmpty { report.usable.append(key) } else { report.unusable[key] = problems }
            }
            return report
        }
    }

    /// `kiosk voice phrases`: `key<TAB>text`, one phrase a line, the script to record.
    /// Nil for a language the kiosk does not speak.
    public func phrasesOutput(language code: String) -> CommandOutput? {
        guard let language = Language(code: code) else { return nil }
        return CommandOutput(catalog.keys(language).map { "\($0)\t\(catalog.text($0, language) ?? "")" })
    }

    /// `kiosk voice check [DIR]`: what a set has, lacks and cannot use; exit 1 unless complete and usable.
    public func checkOutput(_ directory: URL?) -> CommandOutput {
        let directory = directory ?? voiceDirectory
        let reports = check(directory)
        var lines = ["recorded set \(directory.path)"]
        for report in reports {
            lines.append(
                "\(report.language.rawValue): \(report.usable.count) of \(report.phrases) phrases recorded and usable, "
                    + "\(report.missing.count) missing, \(report.unusable.count) unusable, "
                    + "\(report.unknown.count) not in the phrase list")
            for key in report.unusable.keys.sorted() {
                lines.append(
                    "  unusable \(report.language.rawValue)/\(key).wav: "
                        + (report.unusable[key] ?? []).joined(separator: "; "))
            }
            for file in report.unknown { lines.append("  not in the phrase list: \(report.language.rawValue)/\(file)") }
            for key in report.missing {
                lines.append(
                    "  missing \(report.language.rawValue)/\(key).wav\t\(catalog.text(key, report.language) ?? "")")
            }
        }
        if reports.contains(where: { !$0.missing.isEmpty }) {
            lines.append("Phrases without a recording are spoken by espeak-ng (Mongolian by its Kyrgyz voice).")
        }
        let perfect = reports.allSatisfy { $0.missing.isEmpty && $0.unusable.isEmpty && $0.unknown.isEmpty }
        return CommandOutput(lines, exitCode: perfect ? 0 : 1)
    }

    /// `kiosk voice import DIR`: copies the usable clips of the set into the data folder (each
    /// written whole, then renamed), leaving out what the check refuses; exit 1 when a clip was
    /// left out or nothing was imported.
    public func importOutput(_ directory: URL) -> CommandOutput {
        let reports = check(directory)
        var lines: [String] = []
        var imported = 0
        for report in reports {
            let target = voiceDirectory.appendingPathComponent(report.language.rawValue)
            do {
                if !report.usable.isEmpty {
                    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
                }
                for key in report.usable {
                    let data = try Data(
                        contentsOf: directory.appendingPathComponent("\(report.language.rawValue)/\(key).wav"))
                    try data.write(to: target.appendingPathComponent("\(key).wav"), options: .atomic)
                }
            } catch {
                return CommandOutput(lines + ["cannot write \(target.path): \(error)"], exitCode: 1)
            }
            imported += report.usable.count
            lines.append(
                "\(report.language.rawValue): imported \(report.usable.count) clips, refused \(report.unusable.count), "
                    + "\(report.missing.count) of \(report.phrases) phrases not in the set")
            for key in report.unusable.keys.sorted() {
                lines.append(
                    "  refused \(report.language.rawValue)/\(key).wav: "
                        + (report.unusable[key] ?? []).joined(separator: "; "))
            }
            for file in report.unknown { lines.append("  not in the phrase list: \(report.language.rawValue)/\(file)") }
        }
        lines.append("into \(voiceDirectory.path); `kiosk voice check` lists what is still missing")
        let refused = reports.contains { !$0.unusable.isEmpty || !$0.unknown.isEmpty }
        return CommandOutput(lines, exitCode: refused || imported == 0 ? 1 : 0)
    }
}
