import Foundation
import KioskAdmin
import KioskCore
import Testing

/// `kiosk voice check` and `kiosk voice import` over sets recorded here with espeak-ng (the real
/// synthesiser stands in for an office's recorder), some of them spoiled as recordings go wrong.
@Suite("kiosk voice: checking and importing a recorded set")
struct VoiceAdministrationTests {
    static let phrases = ["a.one": "Сайн байна уу", "a.two": "Баярлалаа", "a.three": "Дугаар", "a.four": "Цонх"]

    let root = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-voice-\(UUID())")

    var administration: VoiceAdministration {
        VoiceAdministration(
            catalog: SpeechCatalog(
                locales: [.mn: Self.phrases, .en: Self.phrases.mapValues { _ in "Hello" }], notSpoken: [],
                announcements: [:], letters: "", services: []),
            voiceDirectory: root.appendingPathComponent("data/voice"))
    }

    /// Records `text` with espeak-ng into `file`.
    func record(_ text: String, _ file: URL, voice: String = "ky") throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
        process.arguments = ["-v", voice, "-w", file.path, "--", text]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// A recorded set: Mongolian with one clip silent, one at a wrong rate, one missing and a file
    /// of no phrase; English complete.
    func spoiledSet() throws -> URL {
        let set = root.appendingPathComponent("set")
        for (key, text) in Self.phrases where key != "a.four" {
            try record(text, set.appendingPathComponent("mn/\(key).wav"))
        }
        for key in Self.phrases.keys {
            try record("Hello", set.appendingPathComponent("en/\(key).wav"), voice: "en-gb")
        }
        // Silence: the header kept, every sample zero.
        let silent = set.appendingPathComponent("mn/a.two.wav")
        var bytes = [UInt8](try Data(contentsOf: silent))
        for i in 44..<bytes.count { bytes[i] = 0 }
        try Data(bytes).write(to: silent)
        // A telephone rate written into the header (8000 Hz).
        let slow = set.appendingPathComponent("mn/a.three.wav")
        bytes = [UInt8](try Data(contentsOf: slow))
        bytes.replaceSubrange(24..<28, with: [0x40, 0x1F, 0, 0])
        try Data(bytes).write(to: slow)
        try record("extra", set.appendingPathComponent("mn/extra.wav"))
        return set
    }

    @Test("check names every missing phrase, the silent clip, the wrong rate and the stray file; exit 1")
    func check() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let set = try spoiledSet()
        let reports = administration.check(set)
        let mn = try #require(reports.first { $0.language == .mn })
        #expect(mn.phrases == 4)
        #expect(mn.usable == ["a.one"])
        #expect(mn.missing == ["a.four"])
        #expect(mn.unusable["a.two"] == ["silent (peak 0)"])
        #expect(mn.unusable["a.three"]?.first?.hasPrefix("sample rate 8000 Hz") == true)
        #expect(mn.unknown == ["extra.wav"])
        let en = try #require(reports.first { $0.language == .en })
        #expect(en.usable.count == 4 && en.missing.isEmpty && en.unusable.isEmpty)

        let output = administration.checkOutput(set)
        #expect(output.exitCode == 1)
        #expect(output.lines.contains("  missing mn/a.four.wav\tЦонх"))
        #expect(output.lines.contains("  unusable mn/a.two.wav: silent (peak 0)"))
        #expect(output.lines.contains("  not in the phrase list: mn/extra.wav"))
        #expect(output.lines.contains { $0.hasPrefix("mn: 1 of 4 phrases recorded and usable, 1 missing, 2 unusable") })
    }

    @Test("import takes the usable clips only and says what it refused; the imported set is then checked as it is")
    func importSet() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let set = try spoiledSet()
        let output = administration.importOutput(set)
        #expect(output.exitCode == 1)
        #expect(output.lines.contains("mn: imported 1 clips, refused 2, 1 of 4 phrases not in the set"))
        #expect(output.lines.contains("en: imported 4 clips, refused 0, 0 of 4 phrases not in the set"))
        let imported = root.appendingPathComponent("data/voice")
        let files = try FileManager.default.contentsOfDirectory(atPath: imported.appendingPathComponent("mn").path)
        #expect(files == ["a.one.wav"])
        let again = administration.checkOutput(nil)
        #expect(again.exitCode == 1)
        #expect(again.lines.contains { $0.hasPrefix("mn: 1 of 4 phrases recorded and usable, 3 missing, 0 unusable") })
        #expect(again.lines.contains { $0.hasPrefix("en: 4 of 4 phrases recorded and usable, 0 missing") })
    }

    @Test("a complete, usable set passes the check; the phrase list is the script to record")
    func completeSet() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let set = root.appendingPathComponent("good")
        for (key, text) in Self.phrases {
            try record(text, set.appendingPathComponent("mn/\(key).wav"))
            try record("Hello", set.appendingPathComponent("en/\(key).wav"), voice: "en-gb")
        }
        #expect(administration.checkOutput(set).exitCode == 0)
        #expect(administration.importOutput(set).exitCode == 0)
        #expect(administration.phrasesOutput(language: "mn")?.lines.contains("a.four\tЦонх") == true)
        #expect(administration.phrasesOutput(language: "de") == nil)
    }
}
