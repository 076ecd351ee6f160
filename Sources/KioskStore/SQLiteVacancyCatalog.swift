import Foundation
import GRDB
public import KioskCore
import Synchronization

/// Vacancy search and matching on the office database.
///
/// The facts that filters and matching read (`VacancyFacts`) are kept in memory for every
/// vacancy, newest first, and loaded again when `vacancy_version` (counted by triggers, whoever
/// writes) has moved. A search asks FTS5 only for the row ids that hold the words, and
/// whether they are in a title; filtering, counting and ordering happen on the facts; only the
/// page's vacancies are read from disk. Words found in a title (Mongolian or English) rank
/// before words found only in the employer or skills; within each, the newest first.
public final class SQLiteVacancyCatalog: VacancyCatalog {
    let database: AppDatabase
    private let loaded = Mutex<Facts?>(nil)

    public init(database: AppDatabase) { self.database = database }

    /// Every vacancy's facts, ordered by posting date (newest first), then reference.
    struct Facts: Sendable {
        let version: Int64
        let rowids: [Int64]
        let facts: [VacancyFacts]
        let position: [Int64: Int]
        let byReference: [String: Int]
        let skills: SkillIndex
    }

    func facts(_ db: Database) throws -> Facts {
        let version = try Int64.fetchOne(db, sql: "SELECT value FROM vacancy_version WHERE id = 1") ?? 0
        if let current = loaded.withLock({ $0 }), current.version == version { return current }
        var rowids: [Int64] = []
        var facts: [VacancyFacts] = []
        let rows = try VacancyFactsRow.fetchCursor(
            db, sql: "SELECT \(VacancyFactsRow.selection) FROM vacancy ORDER BY posted_on DESC, reference")
        while let row = try rows.next() {
            rowids.append(row.rowid)
            facts.append(row.facts)
        }
        var position: [Int64: Int] = [:]
        position.reserveCapacity(rowids.count)
        var byReference: [String: Int] = [:]
        byReference.reserveCapacity(rowids.count)
        for (index, rowid) in rowids.enumerated() {
            position[rowid] = index
            byReference[facts[index].reference] = index
        }
        let fresh = Facts(
            version: version, rowids: rowids, facts: facts, position: position, byReference: byReference,
            skills: SkillIndex(facts))
        // A slower load from an older snapshot must not replace a newer one.
        loaded.withLock { if ($0?.version ?? .min) <= fresh.version { $0 = fresh } }
        return fresh
    }

    /// Loads the facts now if the vacancies changed since they were last loaded.
    public func refresh() async throws {
        _ = try await database.writer.read { db in try self.facts(db) }
    }

    public func search(_ query: VacancyQuery, today: CivilDate) async throws -> VacancyPage {
        let todayText = today.description
        let since = query.postedWithinDays.map { today.adding(days: -$0).description }
        return try await database.writer.read { db in
            let all = try self.facts(db)
            var chosen: [Int] = []
            if let expression = query.ftsExpression {
                var found = [UInt8](repeating: 0, count: all.rowids.count)
                let match = "SELECT rowid FROM vacancy_fts WHERE vacancy_fts MATCH ?"
                for (mark, words) in [(UInt8(1), expression), (2, "{title title_en} : (\(expression))")] {
                    let rowids = try Int64.fetchCursor(db, sql: match, arguments: [words])
                    while let rowid = try rowids.next() {
                        if let index = all.position[rowid] { found[index] = mark }
                    }
                }
                var rest: [Int] = []
                for index in found.indices where found[index] > 0 {
                    guard query.admits(all.facts[index], today: todayText, postedSince: since) else { continue }
                    if found[index] == 2 { chosen.append(index) } else { rest.append(index) }
                }
                chosen += rest
            } else {
                for index in all.facts.indices
                where query.admits(all.facts[index], today: todayText, postedSince: since) {
                    chosen.append(index)
                }
            }
            let start = min(chosen.count, (query.page - 1) * query.pageSize)
            let page = chosen[start..<min(chosen.count, start + query.pageSize)]
            return VacancyPage(
                total: chosen.count, vacancies: try Self.vacancies(db, rowids: page.map { all.rowids[$0] }))
        }
    }

    public func vacancy(reference: String, today: CivilDate) async throws -> Vacancy? {
        try await database.writer.read { db in
            try VacancyRow.filter(VacancyRow.Columns.reference == reference)
                .filter(VacancyRow.Columns.closesOn >= today.description).fetchOne(db)?.vacancy()
        }
    }

    public func vacancies(references: [String], today: CivilDate) async throws -> [Vacancy] {
        try await database.writer.read { db in
            let all = try self.facts(db)
            let rowids = references.compactMap { reference in
                all.byReference[reference].flatMap {
                    all.facts[$0].closesOn >= today.description ? all.rowids[$0] : nil
                }
            }
            return try Self.vacancies(db, rowids: rowids)
        }
    }

    public func matches(
        for profile: JobseekerProfile, matcher: JobMatcher, today: CivilDate, page: Int, pageSize: Int
    ) async throws -> MatchPage {
        try await database.writer.read { db in
            let all = try self.facts(db)
            let ranked = matcher.rank(profile, all.facts, index: all.skills, today: today.description)
            let start = min(ranked.count, max(0, page - 1) * pageSize)
            let slice = Array(ranked[start..<min(ranked.count, start + pageSize)])
            let rowids = slice.compactMap { all.byReference[$0.reference].map { all.rowids[$0] } }
            let vacancies = Dictionary(
                try Self.vacancies(db, rowids: rowids).map { ($0.reference, $0) }, uniquingKeysWith: { a, _ in a })
            return MatchPage(
                total: ranked.count,
                matches: slice.compactMap { match in
                    vacancies[match.reference].map { MatchedVacancy(match: match, vacancy: $0) }
                })
        }
    }

    /// The vacancies of `rowids`, in that order.
    static func vacancies(_ db: Database, rowids: [Int64]) throws -> [Vacancy] {
        guard !rowids.isEmpty else { return [] }
        var byRowid: [Int64: Vacancy] = [:]
        let placeholders = Array(repeating: "?", count: rowids.count).joined(separator: ",")
        let rows = try VacancyDataRow.fetchCursor(
            db, sql: "SELECT rowid, data FROM vacancy WHERE rowid IN (\(placeholders))",
            arguments: StatementArguments(rowids))
        let decoder = JSONDecoder()
        while let row = try rows.next() {
            byRowid[row.rowid] = try decoder.decode(Vacancy.self, from: Data(row.data.utf8))
        }
        return rowids.compactMap { byRowid[$0] }
    }
}
