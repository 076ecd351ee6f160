import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite struct VacancySearchTests {
    static func vacancy(
        _ reference: String, _ title: String, titleEn: String? = nil, isco: String = "9313", employer: String = "ХХК",
        aimag: String = "UB-SB", soum: String? = "UB-SB-05", wage: (Int?, Int?) = (nil, nil),
        hours: String = "fullTime", skills: [String] = [], posted: String = "2026-11-10", closes: String = "2026-12-31"
    ) -> Vacancy {
        VacancyFixtures.vacancy(
            reference, title, titleEn: titleEn, isco: isco, employer: employer, aimag: aimag, soum: soum, wage: wage,
            hours: hours, skills: skills, posted: posted, closes: closes)
    }

    static func store(_ vacancies: [Vacancy], in database: AppDatabase) async throws {
        try await VacancyFixtures.store(vacancies, in: database)
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

    @Test func wordsInATitleRankBeforeWordsInSkillsOrEmployerThenTheNewestFirst() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        try await Self.store(
            [
                Self.vacancy("SKILL", "Нярав", skills: ["жолооч"], posted: "2026-11-22"),
                Self.vacancy("OLD", "Жолооч", posted: "2026-11-01"),
                Self.vacancy("NEW", "Ачааны жолооч", posted: "2026-11-20"),
                Self.vacancy("EMPLOYER", "Нягтлан", employer: "Жолооч ХХК", posted: "2026-11-21"),
                Self.vacancy("EN", "Тээврийн ажилтан", titleEn: "Jolooch (driver)", posted: "2026-11-05"),
            ], in: temp.database)
        let catalog = SQLiteVacancyCatalog(database: temp.database)
        #expect(try await search(catalog) { $0.text = "жолооч" } == ["NEW", "OLD", "SKILL", "EMPLOYER"])
        #expect(try await search(catalog) { $0.text = "jolooch" } == ["EN"])
        let page = try await catalog.search(
            {
                var query = VacancyQuery()
                query.text = "жолооч"
                query.pageSize = 2
                query.page = 2
                return query
            }(), today: today)
        #expect(page.total == 4 && page.vacancies.map(\.reference) == ["SKILL", "EMPLOYER"])
        #expect(
            try await catalog.vacancies(references: ["SKILL", "NOPE", "OLD"], today: today).map(\.reference) == [
                "SKILL", "OLD",
            ])
    }

    @Test func changesMadeThroughAnotherConnectionShowAtTheNextSearch() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        try await Self.store([Self.vacancy("V-1", "Тогооч", aimag: "UB-SB")], in: temp.database)
        let catalog = SQLiteVacancyCatalog(database: temp.database)
        #expect(try await search(catalog) { $0.aimagCode = "HOVD" }.isEmpty)
        // `kiosk sync now` writes from its own process.
        let other = try AppDatabase(path: temp.path)
        try await other.writer.write { db in
            try db.execute(sql: "UPDATE vacancy SET aimag_code = 'HOVD' WHERE reference = 'V-1'")
        }
        #expect(try await search(catalog) { $0.aimagCode = "HOVD" } == ["V-1"])
        try await Self.store([Self.vacancy("V-2", "Тогооч", aimag: "HOVD", closes: "2026-11-23")], in: other)
        #expect(
            try await search(catalog) {
                $0.text = "тогооч"; $0.aimagCode = "HOVD"
            } == ["V-1", "V-2"])
        try other.close()
    }

    @Test func matchesComeRankedWithTheirVacancies() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        var truck = Self.vacancy("TRUCK", "Ачааны жолооч", isco: "8332", skills: ["жолоо"])
        truck.licences = ["driving-c"]
        try await Self.store(
            [
                truck, Self.vacancy("TAXI", "Таксины жолооч", isco: "8322", soum: "UB-SB-01", skills: ["жолоо"]),
                Self.vacancy("COOK", "Тогооч", isco: "5120", skills: ["хоол"]),
                Self.vacancy("GONE", "Жолооч", isco: "8332", skills: ["жолоо"], closes: "2026-11-01"),
            ], in: temp.database)
        let catalog = SQLiteVacancyCatalog(database: temp.database)
        let matcher = JobMatcher(educationRanks: [:])
        var person = JobseekerProfile(
            occupationCodes: ["8332"], skills: ["жолоо"], educationCode: "upper_secondary", experienceYears: 3,
            aimagCode: "UB-SB", soumCode: "UB-SB-05")
        let without = try await catalog.matches(for: person, matcher: matcher, today: today, page: 1, pageSize: 10)
        #expect(without.matches.map(\.vacancy.reference) == ["TAXI"])
        person.licences = ["driving-c"]
        let with = try await catalog.matches(for: person, matcher: matcher, today: today, page: 1, pageSize: 1)
        #expect(with.total == 2)
        #expect(with.matches.map(\.vacancy.reference) == ["TRUCK"])
        #expect(with.matches.first?.match.reasons == [.yourOccupation, .skills(matched: 1, required: 1), .inYourSoum])
    }

    @Test func badQueriesNameTheirField() {
        var query = VacancyQuery()
        query.occupationGroup = "8x"
        query.hours = "sometimes"
        query.pageSize = 500
        #expect(query.problems.map { String($0.prefix { $0 != ":" }) } == ["occupation", "hours", "pageSize"])
    }
}
