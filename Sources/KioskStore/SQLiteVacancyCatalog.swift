import Foundation
import GRDB
public import KioskCore

/// Vacancy search on the office database: FTS5 over titles, employer and skills, with filters,
/// newest first (or best match first when words are given).
public struct SQLiteVacancyCatalog: VacancyCatalog {
    let database: AppDatabase

    public init(database: AppDatabase) { self.database = database }

    public func search(_ query: VacancyQuery, today: CivilDate) async throws -> VacancyPage {
        var conditions = ["v.closes_on >= ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [today.description]
        if let aimag = query.aimagCode {
            conditions.append("v.aimag_code = ?")
            arguments.append(aimag)
        }
        if let soum = query.soumCode {
            conditions.append("v.soum_code = ?")
            arguments.append(soum)
        }
        if let group = query.occupationGroup {
            conditions.append("substr(v.isco_code, 1, ?) = ?")
            arguments += [group.count, group]
        }
        if let hours = query.hours {
            conditions.append("v.hours = ?")
            arguments.append(hours)
        }
        if let wage = query.minimumWage {
            conditions.append("COALESCE(v.wage_max, v.wage_min) >= ?")
            arguments.append(wage)
        }
        if let days = query.postedWithinDays {
            conditions.append("v.posted_on >= ?")
            arguments.append(today.adding(days: -days).description)
        }
        var from = "vacancy v"
        var order = "v.posted_on DESC, v.reference"
        if let expression = query.ftsExpression {
            // CROSS JOIN keeps the full-text match as the outer loop (SQLite never reorders it).
            from = "vacancy_fts f CROSS JOIN vacancy v ON v.rowid = f.rowid"
            conditions.insert("vacancy_fts MATCH ?", at: 0)
            arguments.insert(expression, at: 0)
            order = "bm25(vacancy_fts, 4.0, 4.0, 1.0, 2.0), v.posted_on DESC"
        }
        let filter = conditions.joined(separator: " AND ")
        let countSQL = "SELECT COUNT(*) FROM \(from) WHERE \(filter)"
        let pageSQL = "SELECT v.data FROM \(from) WHERE \(filter) ORDER BY \(order) LIMIT ? OFFSET ?"
        let countArguments = StatementArguments(arguments)
        let pageArguments = StatementArguments(arguments + [query.pageSize, (query.page - 1) * query.pageSize])
        return try await database.writer.read { db in
            let total = try Int.fetchOne(db, sql: countSQL, arguments: countArguments)!
            let rows = try String.fetchAll(db, sql: pageSQL, arguments: pageArguments)
            return VacancyPage(
                total: total, vacancies: try rows.map { try JSONDecoder().decode(Vacancy.self, from: Data($0.utf8)) })
        }
    }

    public func vacancy(reference: String, today: CivilDate) async throws -> Vacancy? {
        try await database.writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT data FROM vacancy WHERE reference = ? AND closes_on >= ?",
                arguments: [reference, today.description]
            ).map { try JSONDecoder().decode(Vacancy.self, from: Data($0.utf8)) }
        }
    }
}
