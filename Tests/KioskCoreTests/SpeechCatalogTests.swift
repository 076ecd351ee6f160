import Foundation
import KioskTestSupport
import Testing

@testable import KioskCore

@Suite("Speech: the phrase catalogue, plans of a screen's text, recorded clips")
struct SpeechCatalogTests {
    static let letters = "АБВГДЕЁЖЗИЙКЛМНОӨПРСТУҮФХЦЧШЩЪЫЬЭЮЯ"

    /// A small catalogue written here, so the rules are tested whatever the locale files say.
    static func catalog() -> SpeechCatalog {
        var numbers: [String: String] = ["n1": "нэг", "n2": "хоёр", "n5": "тав", "n10a": "арван", "n20a": "хорин"]
        numbers["ticket"] = "Дугаар"
        numbers["letter00"] = "а"
        numbers["letter01"] = "бэ"
        return SpeechCatalog(
            locales: [
                .mn: [
                    "steps.service.title": "Үйлчилгээгээ сонгоно уу",
                    "steps.ticket.ahead": "Таны өмнө {n} хүн байна",
                    "steps.hint": "<strong>Анхаар:</strong> дугаараа хадгална уу",
                    "console.callNext": "Дараагийнхыг дуудах",
                ],
                .en: ["steps.service.title": "Choose a service"],
            ],
            notSpoken: ["console"], announcements: [.mn: numbers, .en: ["n5": "five", "n15": "fifteen"]],
            letters: letters,
            services: [
                QueueService(
                    code: "Б", name: LocalizedText(mn: "Ажлын байрны зуучлал", en: "Job placement"), counters: [1],
                    hours: QueueService.demo[0].hours, requiresRegistration: false)
            ],
            officeName: LocalizedText(mn: "Сүхбаатар дүүрэг", en: "Sükhbaatar district"))
    }

    @Test("the catalogue holds the screens' strings, fragments around placeholders, services; not the console")
    func phrases() {
        let catalog = Self.catalog()
        #expect(catalog.text("steps.service.title", .mn) == "Үйлчилгээгээ сонгоно уу")
        #expect(catalog.text("steps.ticket.ahead", .mn) == nil)
        #expect(catalog.text("steps.ticket.ahead.1", .mn) == "Таны өмнө")
        #expect(catalog.text("steps.ticket.ahead.2", .mn) == "хүн байна")
        #expect(catalog.text("steps.hint", .mn) == "Анхаар: дугаараа хадгална уу")
        #expect(catalog.text("console.callNext", .mn) == nil)
        #expect(catalog.text("service.01", .mn) == "Ажлын байрны зуучлал")
        #expect(catalog.text("service.01", .en) == "Job placement")
        #expect(catalog.text("office.name", .en) == "Sükhbaatar district")
    }

    @Test("a screen's text is spoken by its phrases, numbers and letters; other words are counted, never spoken")
    func plans() {
        let catalog = Self.catalog()
        #expect(
            catalog.plan("  Үйлчилгээгээ   сонгоно уу! ", .mn)
                == SpeechPlan(keys: ["steps.service.title"], unknownWords: 0))
        #expect(
            catalog.plan("Таны өмнө 25 хүн байна", .mn)
                == SpeechPlan(keys: ["steps.ticket.ahead.1", "n20a", "n5", "steps.ticket.ahead.2"], unknownWords: 0))
        // A ticket's number: letter, then the number without its leading zero.
        #expect(
            catalog.plan("Дугаар А-012", .mn)
                == SpeechPlan(keys: ["ticket", "letter00", "n10a", "n2"], unknownWords: 0))
        #expect(catalog.plan("Б Ажлын байрны зуучлал", .mn).keys == ["letter01", "service.01"])
        #expect(
            catalog.plan("Choose a service, please", .en) == SpeechPlan(keys: ["steps.service.title"], unknownWords: 1))
        #expect(catalog.plan("abracadabra хадгална", .mn) == SpeechPlan(keys: [], unknownWords: 2))
        // Registry and phone numbers are said digit by digit.
        #expect(catalog.plan("1255", .mn).keys == ["n1", "n2", "n5", "n5"])
    }

    @Test("the synthesiser reads digits in a Mongolian phrase as Mongolian number words")
    func synthesisText() {
        let catalog = SpeechCatalog(
            locales: [.mn: ["keys": "2 дараагийнх, 25 өмнөх"], .en: ["keys": "2 next"]], notSpoken: [],
            announcements: [.mn: ["n2": "хоёр", "n5": "тав", "n20a": "хорин"], .en: [:]], letters: "", services: [])
        #expect(catalog.synthesisText("keys", .mn) == "хоёр дараагийнх, хорин тав өмнөх")
        #expect(catalog.synthesisText("keys", .en) == "2 next")
        #expect(catalog.synthesisText("nothing", .mn) == nil)
    }

    @Test(
        "number words: Mongolian attributive forms before another part, English teens whole",
        arguments: [
            (0, Language.mn, ["n0"]), (5, .mn, ["n5"]), (10, .mn, ["n10"]), (25, .mn, ["n20a", "n5"]),
            (100, .mn, ["n100"]), (115, .mn, ["n100a", "n10a", "n5"]), (15, .en, ["n15"]), (21, .en, ["n20", "n1"]),
            (305, .en, ["n300", "n5"]),
        ])
    func numbers(number: Int, language: Language, keys: [String]) {
        #expect(Self.catalog().numberKeys(number, language) == keys)
    }

    @Test("the kiosk's own phrase list: every visitor-facing string of both locale files, and every announcement word")
    func kioskPhraseList() throws {
        let kiosk = Fixtures.kioskDirectory
        var files: [Language: Data] = [:]
        for language in Language.allCases {
            files[language] = try Data(contentsOf: kiosk.appendingPathComponent("locales/\(language.rawValue).json"))
        }
        let phrasesFile = try Data(contentsOf: kiosk.appendingPathComponent("assets/audio/phrases.json"))
        let catalog = try SpeechCatalog.load(localeFiles: files, phrasesFile: phrasesFile, services: QueueService.demo)
        let mn = Set(catalog.keys(.mn))
        let list = try JSONSerialization.jsonObject(with: phrasesFile) as? [String: Any]
        let notSpoken = try #require(list?["notSpoken"] as? [String])
        // Every string of each locale file is a phrase, or its fragments are (`key.1`, …), but
        // for the sections no visitor screen shows.
        for language in Language.allCases {
            let keys = Set(catalog.keys(language))
            #expect(keys.count > 500)
            let strings = SpeechCatalog.flatten(try JSONSerialization.jsonObject(with: try #require(files[language])))
            // (A string without a word, "—" or "", says nothing.)
            for (key, text) in strings
            where !notSpoken.contains(where: { key.hasPrefix($0 + ".") }) && !SpeechCatalog.words(of: text).isEmpty {
                #expect(keys.contains(key) || keys.contains(key + ".1"), "\(language) \(key)")
            }
        }
        for key in [
            "attract.welcome", "speech.keys", "speech.selected", "ticket", "counter", "n900a", "letter34", "service.00",
        ] {
            #expect(mn.contains(key), "\(key)")
        }
        #expect(!mn.contains { $0.hasPrefix("console.") || $0.hasPrefix("dashboard.") })
        #expect(mn.allSatisfy(SpeechCatalog.isWellFormed(key:)))
        // What the attract screen and the journey's first step show is found whole.
        let welcome = try #require(catalog.text("attract.welcome", .mn))
        #expect(catalog.plan(welcome, .mn).keys == ["attract.welcome"])
    }

    @Test("keys that could leave the clip folder are not keys")
    func wellFormedKeys() {
        #expect(SpeechCatalog.isWellFormed(key: "steps.service.title"))
        for bad in ["", "../etc/passwd", "a/b", ".hidden", "кирилл", "a b"] {
            #expect(!SpeechCatalog.isWellFormed(key: bad), "\(bad)")
        }
    }

    // MARK: - Clips

    /// A WAV file of a 440 Hz tone (or silence), as a recorder writes it.
    static func wav(
        seconds: Double = 1, rate: Int = 22050, channels: Int = 1, bits: Int = 16, format: Int = 1,
        amplitude: Double = 8000
    ) -> Data {
        let frames = Int(seconds * Double(rate))
        var samples = Data()
        for i in 0..<frames {
            let value = Int16(amplitude * sin(2 * Double.pi * 440 * Double(i) / Double(rate)))
            for _ in 0..<channels {
                if bits == 8 {
                    samples.append(UInt8(truncatingIfNeeded: Int(value) / 256 + 128))
                } else {
                    withUnsafeBytes(of: value.littleEndian) { samples.append(contentsOf: $0) }
                }
            }
        }
        func le32(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(v).littleEndian) { Array($0) } }
        func le16(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt16(v).littleEndian) { Array($0) } }
        var data = Data("RIFF".utf8) + le32(36 + samples.count) + Data("WAVE".utf8)
        data += Data("fmt ".utf8) + le32(16) + le16(format) + le16(channels) + le32(rate)
        data += le32(rate * channels * bits / 8) + le16(channels * bits / 8) + le16(bits)
        data += Data("data".utf8) + le32(samples.count) + samples
        return data
    }

    @Test("a recorded clip is 16-bit PCM mono at a usual rate, neither too short, too long nor silent")
    func clipChecks() throws {
        let good = try #require(WAVClip(Self.wav()))
        #expect(good.problems().isEmpty)
        #expect(abs(good.seconds - 1) < 0.01)
        #expect(try #require(WAVClip(Self.wav(amplitude: 0))).problems() == ["silent (peak 0)"])
        #expect(try #require(WAVClip(Self.wav(seconds: 0.05))).problems() == ["too short (0.05 s)"])
        #expect(
            try #require(WAVClip(Self.wav(seconds: 0.2, rate: 8000))).problems().first?.hasPrefix("sample rate 8000 Hz")
                == true)
        #expect(try #require(WAVClip(Self.wav(channels: 2))).problems() == ["2 channels, not mono"])
        #expect(try #require(WAVClip(Self.wav(bits: 8))).problems() == ["8-bit samples, not 16-bit"])
        #expect(try #require(WAVClip(Self.wav(format: 3))).problems().contains("not PCM (format 3)"))
        #expect(WAVClip(Data("ID3 an mp3".utf8)) == nil)
        #expect(WAVClip(Data()) == nil)
    }
}
