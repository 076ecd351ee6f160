import Foundation
import GRDB
import KioskCore
import KioskStore
import KioskTestSupport
import Testing

@Suite struct VacancySearchTests {
    static func vacancy(
        _ reference: String, _ title: String, titleEn: String? = nil, isco: String = "9313", employer: String = "ХХК",
        aimag: String = "UB-SB", soum: String? = "UB-SB-05", wage: (Int?, Int?) = (nil, nil),
        hours: String = "fullTime",
        skills: [String] = [], posted: String = "2026-11-10", closes: String = "2026-12-31"
    ) -> Vacancy {
        Vacancy(
            reference: reference, title: title, titleEn: titleEn, iscoCode: isco, employer: employer, aimagCode: aimag,
            soumCode: soum, wageMin: wage.0, wageMax: wage.1, hours: hours, education: nil, skills: skills,
            experienceYears: 0, posts: 1, postedOn: posted, closesOn: closes, howToApply: "Ажилтан 3")
    }

    /// Writes vacancies the way the sync service does (the search index follows by trigger).
    static func store(_ vacancies: [Vacancy], in database: AppDatabase) async throws {
        try await database.writer.write { db in
            for v in vacancies {
                try db.execute(
                    sql: """
                        INSERT INTO vacancy (reference, title, isco_code, employer, aimag_code, soum_code, wage_min,
                            wage_max, hours, posted_on, closes_on, data, generation, title_en, skills)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)
                        """,
                    arguments: [
                        v.reference, v.title, v.iscoCode, v.employer, v.aimagCode, v.soumCode, v.wageMin, v.wageMax,
                        v.hours, v.postedOn, v.closesOn, String(decoding: try JSONEncoder().encode(v), as: UTF8.self),
                        v.titleEn ?? "", v.skills.joined(separator: ", "),
                    ])
            }
        }
    }

    let today = CivilDate(year: 2026, month: 11, day: 23)!

    func search(_ catalog: SQLiteVacancyCatalog, _ configure: (inout VacancyQuery) -> Void) async throws -> [String] {
        var query = VacancyQuery()
        configure(&query)
        return try await catalog.search(query, today: today).vacancies.map(\.reference)
    }

    @Test func findsWordsInEitherLanguageWhateverTheCaseAndOnlyOpenVacancies() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        try await Self.store(
            [
                Self.vacancy(
                    "V-1", "Өрөмдлөгийн мастер", titleEn: "Drilling foreman", isco: "8113", skills: ["өрөмдлөг"]),
                Self.vacancy("V-2", "Үйлчлэгч", titleEn: "Cleaner", isco: "9112", wage: (800_000, 900_000)),
                Self.vacancy(
                    "V-3", "Ачааны машины жолооч", titleEn: "Truck driver", isco: "8332", wage: (1_500_000, 2_000_000),
                    hours: "shift", posted: "2026-11-20"),
                Self.vacancy("V-4", "Жолооч", titleEn: "Driver", isco: "8322", aimag: "HOVD", soum: "HOVD-01"),
                Self.vacancy("V-5", "Хаагдсан жолооч", closes: "2026-11-22"),
            ], in: temp.database)
        let catalog = SQLiteVacancyCatalog(database: temp.database)
        #expect(try await search(catalog) { $0.text = "ӨРӨМДЛӨГ" } == ["V-1"])
        #expect(try await search(catalog) { $0.text = "өрөм" } == ["V-1"])
        #expect(try await search(catalog) { $0.text = "үйлчлэгч" } == ["V-2"])
        #expect(try await search(catalog) { $0.text = "ҮЙЛЧЛЭГЧ" } == ["V-2"])
        #expect(try await search(catalog) { $0.text = "driver" }.sorted() == ["V-3", "V-4"])
        // The closed one (closes yesterday) never shows.
        #expect(Set(try await search(catalog) { $0.text = "жолооч" }) == ["V-3", "V-4"])
        #expect(
            try await search(catalog) {
                $0.text = "жолооч"; $0.aimagCode = "HOVD"
            } == ["V-4"])
        #expect(try await search(catalog) { $0.occupationGroup = "83" } == ["V-3", "V-4"])
        #expect(try await search(catalog) { $0.minimumWage = 1_000_000 } == ["V-3"])
        #expect(try await search(catalog) { $0.hours = "shift" } == ["V-3"])
        #expect(try await search(catalog) { $0.postedWithinDays = 7 } == ["V-3"])
        // Without words: newest first; paging.
        let all = try await catalog.search(VacancyQuery(), today: today)
        #expect(all.total == 4 && all.vacancies.first?.reference == "V-3")
        var second = VacancyQuery()
        second.pageSize = 3
        second.page = 2
        #expect(try await catalog.search(second, today: today).vacancies.count == 1)
        #expect(try await catalog.vacancy(reference: "V-5", today: today) == nil)
        #expect(try await catalog.vacancy(reference: "V-2", today: today)?.wageMax == 900_000)
        // Odd characters in the words cannot break the search expression.
        #expect(try await search(catalog) { $0.text = "\"жолооч\" OR (NEAR" }.isEmpty)
    }

    @Test func theIndexFollowsUpdatesAndDeletions() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        try await Self.store([Self.vacancy("V-1", "Тогооч", titleEn: "Cook")], in: temp.database)
        try await temp.database.writer.write { db in
            try db.execute(sql: "UPDATE vacancy SET title = 'Нярав', title_en = 'Storekeeper' WHERE reference = 'V-1'")
        }
        let catalog = SQLiteVacancyCatalog(database: temp.database)
        #expect(try await search(catalog) { $0.text = "тогооч" }.isEmpty)
        #expect(try await search(catalog) { $0.text = "нярав" } == ["V-1"])
        try await temp.database.writer.write { db in try db.execute(sql: "DELETE FROM vacancy") }
        #expect(try await search(catalog) { $0.text = "нярав" }.isEmpty)
    }

    @Test func badQueriesNameTheirField() {
        var query = VacancyQuery()
        query.occupationGroup = "8x"
        query.hours = "sometimes"
        query.pageSize = 500
        #expect(query.problems.map { String($0.prefix { $0 != ":" }) } == ["occupation", "hours", "pageSize"])
    }
}
