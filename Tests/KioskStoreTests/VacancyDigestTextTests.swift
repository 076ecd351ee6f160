import Foundation
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

/// The weekly digest names the new vacancies that fit its parts, then "+N more", and links to the
/// person's list by a random token that expires (issue 22).
@Suite("Weekly vacancy digest: titles and link")
struct VacancyDigestTextTests {
    /// The locales' wording (Kiosk/locales `sms.text.vacancyDigest*`), read from the files.
    static func wording(latin: Bool = false) throws -> SMSWording {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Kiosk/locales")
        var templates: [String: LocalizedText] = [:]
        var texts: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(language.rawValue).json"))
            let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let sms = try #require(root["sms"] as? [String: Any])
            texts[language] = try #require(sms["text"] as? [String: String])
        }
        for name in ["vacancyDigest", "vacancyDigestMore"] {
            templates[name] = LocalizedText(mn: texts[.mn]?[name] ?? "", en: texts[.en]?[name] ?? "")
        }
        return SMSWording(templates: templates, latin: latin ? [.vacancyDigest] : [])
    }

    static let titles = [
        "Ачааны машины жолооч", "Автобусны жолооч", "Такси жолооч", "Хүнд машин механизмын оператор",
        "Түргэн тусламжийн жолооч", "Хүргэлтийн жолооч",
    ]
    static let link = "https://ub-sb.example.mn/v/AbCdEfGhJkMnPqRs"

    @Test func cyrillicListsTheTitlesThatFitInTwoPartsAndCountsTheRest() throws {
        let text = try Self.wording().digest(count: 6, titles: Self.titles, link: Self.link, .mn, parts: 2)
        #expect(SMSText.encoding(of: text) == .ucs2)
        #expect(SMSText.parts(text) <= 2)
        #expect(text.hasPrefix("ХХҮХ: танд 6 шинэ ажил: Ачааны машины жолооч"))
        let shown = Self.titles.filter { text.contains($0) }.count
        #expect(shown >= 1 && shown < 6)
        #expect(text.contains("+\(6 - shown) бусад"))
        #expect(text.contains(Self.link) && text.hasSuffix("ЗОГС-болих"))
        // One part leaves no room for a title beside the link: the count and "+6 more" only.
        let short = try Self.wording().digest(count: 6, titles: Self.titles, link: Self.link, .mn, parts: 1)
        #expect(!Self.titles.contains { short.contains($0) } && short.contains("+6 бусад") && short.contains(Self.link))
    }

    @Test func latinFitsMoreTitlesInTheSameParts() throws {
        let cyrillic = try Self.wording().digest(count: 6, titles: Self.titles, link: Self.link, .mn, parts: 2)
        let latin = try Self.wording(latin: true).digest(count: 6, titles: Self.titles, link: Self.link, .mn, parts: 2)
        #expect(SMSText.encoding(of: latin) == .gsm7)
        #expect(SMSText.parts(latin) <= 2)
        #expect(latin.hasPrefix("KhKhÜKh: tand 6 shine ajil: Achaany mashiny jolooch"))
        let count = { (text: String) in Self.titles.map(SMSText.transliterated).filter { text.contains($0) }.count }
        #expect(count(latin) > Self.titles.filter { cyrillic.contains($0) }.count)
        #expect(latin.contains(Self.link))
    }

    @Test func allTitlesAndNoMoreWhenTheyFit() throws {
        let text = try Self.wording().digest(count: 1, titles: ["Жолооч"], link: Self.link, .mn, parts: 2)
        #expect(text == "ХХҮХ: танд 1 шинэ ажил: Жолооч. Бүгд: \(Self.link) ЗОГС-болих")
        let english = try Self.wording().digest(count: 2, titles: ["Driver", "Cook"], link: Self.link, .en, parts: 2)
        #expect(english == "Labour office: 2 new jobs for you: Driver, Cook. All: \(Self.link) Reply STOP to end.")
    }

    @Test func theQueuedDigestNamesTheVacancyAndItsLinkOpensThePersonsListUntilItExpires() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let person = try await SQLiteRegistrationRepository(database: temp.database, officeCode: "UB-SB").register(
            try Fixtures.details(), at: Fixtures.now)
        try await SQLiteSMSQueue(database: temp.database, rules: SMSRules(timeZone: Fixtures.office.timeZone))
            .setConsent(
                phone: try PhoneNumber(parsing: "99112233"), kind: .vacancyDigest, granted: true, source: .staff,
                at: Fixtures.now)
        try await VacancyFixtures.store(
            [
                VacancyFixtures.vacancy(
                    "V-2026-00001", "Ачааны машины жолооч", isco: "8332", skills: ["жолоо барих"], posted: "2026-11-20"),
                // Posted more than a week ago: not new.
                VacancyFixtures.vacancy(
                    "V-2026-00002", "Автобусны жолооч", isco: "8331", skills: ["жолоо барих"], posted: "2026-11-01"),
            ], in: temp.database)
        let digests = VacancyDigests(
            database: temp.database, catalog: SQLiteVacancyCatalog(database: temp.database),
            matcher: JobMatcher(reference: try Fixtures.catalog()), rules: SMSRules(timeZone: Fixtures.office.timeZone),
            wording: try Self.wording(), publicURL: "https://ub-sb.example.mn")
        #expect(try await digests.run(at: Fixtures.now) == 1)
        let rows = try await temp.database.testSQL("SELECT text, parts FROM sms_message WHERE kind = 'vacancy_digest'")
        let text = try #require(rows.first?.first ?? nil)
        #expect(text.hasPrefix("ХХҮХ: танд 1 шинэ ажил: Ачааны машины жолооч. Бүгд: https://ub-sb.example.mn/v/"))
        #expect(!text.contains("Автобусны") && !text.contains("Сарангэрэл") && !text.contains("УБ90051223"))
        let token = try #require(text.split(separator: "/v/").last?.split(separator: " ").first.map(String.init))
        #expect(VacancyLink.isWellFormed(token))
        // Only the token's digest is kept.
        #expect(
            try await temp.database.testSQL(
                "SELECT count(*) FROM vacancy_link WHERE token_sha256 = ?", arguments: [token]) == [["0"]])
        let links = SQLiteVacancyLinks(database: temp.database)
        #expect(try await links.registration(token: token, at: Fixtures.now) == person.id)
        #expect(
            try await links.registration(token: token, at: Fixtures.now.addingTimeInterval(13 * 86400)) == person.id)
        #expect(try await links.registration(token: token, at: Fixtures.now.addingTimeInterval(14 * 86400)) == nil)
        #expect(try await links.registration(token: "AbCdEfGhJkMnPqRs", at: Fixtures.now) == nil)
        #expect(try await links.registration(token: "' OR 1=1 --", at: Fixtures.now) == nil)
        // A second run the same week queues nothing and makes no second link.
        #expect(try await digests.run(at: Fixtures.now.addingTimeInterval(3600)) == 0)
        #expect(try await temp.database.testSQL("SELECT count(*) FROM vacancy_link") == [["1"]])
        // Next week's run (no new vacancy then) deletes the expired link.
        #expect(try await digests.run(at: Fixtures.now.addingTimeInterval(15 * 86400)) == 0)
        #expect(try await temp.database.testSQL("SELECT count(*) FROM vacancy_link") == [["0"]])
    }
}
