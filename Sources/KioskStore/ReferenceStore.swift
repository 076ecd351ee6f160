public import Foundation
import GRDB
public import KioskCore

/// Reference data in the database: bundled with the software at first, replaced by LMIS downloads later.
public struct ReferenceStore: Sendable {
    public enum Source: String, Sendable { case bundled, lmis }

    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// The installed version and where it came from, nil before the first install.
    public func installed() async throws -> (version: String, source: Source)? {
        try await database.writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT version, source FROM reference_meta WHERE id = 1") else {
                return nil
            }
            return (row["version"], Source(rawValue: row["source"]) ?? .bundled)
        }
    }

    /// Installs the bundled set unless the same version, or a set downloaded from the LMIS, is installed.
    /// Returns true when it installed something.
    @discardableResult
    public func installBundled(_ data: ReferenceData, at instant: Date) async throws -> Bool {
        if let current = try await installed(), current.source == .lmis || current.version == data.version {
            return false
        }
        try await install(data, source: .bundled, at: instant)
        return true
    }

    /// Replaces all reference data in one transaction.
    public func install(_ data: ReferenceData, source: Source, at instant: Date) async throws {
        let problems = data.problems()
        guard problems.isEmpty else { throw ReferenceDataError(problems: problems) }
        try await database.writer.write { db in
            try db.execute(sql: "DELETE FROM admin_unit WHERE parent_code IS NOT NULL")
            try db.execute(sql: "DELETE FROM admin_unit")
            try db.execute(sql: "DELETE FROM education_level")
            try db.execute(sql: "DELETE FROM occupation")
            try db.execute(sql: "DELETE FROM programme")
            for (position, programme) in data.programmes.enumerated() {
                try db.execute(
                    sql: "INSERT INTO programme (code, position, document) VALUES (?, ?, ?)",
                    arguments: [programme.code, position, try Self.document(programme)])
            }
            // Parents first so the self-reference holds at each insert.
            let ordered = data.adminUnits.enumerated().sorted {
                ($0.element.parentCode != nil ? 1 : 0) < ($1.element.parentCode != nil ? 1 : 0)
            }
            for (position, unit) in ordered {
                try db.execute(
                    sql:
                        "INSERT INTO admin_unit (code, kind, parent_code, name_mn, name_en, time_zone, position) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        unit.code, unit.kind.rawValue, unit.parentCode, unit.name.mn, unit.name.en, unit.timeZone,
                        position,
                    ])
            }
            for level in data.educationLevels {
                try db.execute(
                    sql: "INSERT INTO education_level (code, rank, name_mn, name_en) VALUES (?, ?, ?, ?)",
                    arguments: [level.code, level.rank, level.name.mn, level.name.en])
            }
            for occupation in data.occupations {
                try db.execute(
                    sql: "INSERT INTO occupation (code, name_mn, name_en, keywords) VALUES (?, ?, ?, ?)",
                    arguments: [
                        occupation.code, occupation.name.mn, occupation.name.en,
                        Self.storedKeywords(occupation.keywords),
                    ])
            }
            try db.execute(
                sql: """
                    INSERT INTO reference_meta (id, version, source, installed_at) VALUES (1, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET version = excluded.version, source = excluded.source,
                        installed_at = excluded.installed_at
                    """, arguments: [data.version, source.rawValue, Outbox.utcTimestamp(instant)])
        }
    }

    /// The installed set, in its original order.
    public func load() async throws -> ReferenceData {
        try await database.writer.read { db in
            let version = try String.fetchOne(db, sql: "SELECT version FROM reference_meta WHERE id = 1") ?? ""
            let units = try Row.fetchAll(db, sql: "SELECT * FROM admin_unit ORDER BY position").map { row in
                AdminUnit(
                    code: row["code"], kind: AdminUnit.Kind(rawValue: row["kind"]) ?? .soum,
                    parentCode: row["parent_code"],
                    name: LocalizedText(mn: row["name_mn"], en: row["name_en"]), timeZone: row["time_zone"])
            }
            let levels = try Row.fetchAll(db, sql: "SELECT * FROM education_level ORDER BY rank").map { row in
                EducationLevel(
                    code: row["code"], rank: row["rank"], name: LocalizedText(mn: row["name_mn"], en: row["name_en"]))
            }
            let occupations = try Row.fetchAll(db, sql: "SELECT * FROM occupation ORDER BY code").map { row in
                Occupation(
                    code: row["code"], name: LocalizedText(mn: row["name_mn"], en: row["name_en"]),
                    keywords: Self.keywords(stored: row["keywords"]))
            }
            return ReferenceData(
                version: version, adminUnits: units, educationLevels: levels, occupations: occupations,
                programmes: try Self.programmes(db))
        }
    }
}

extension ReferenceStore {
    /// The installed programmes in the hub's order.
    static func programmes(_ db: Database) throws -> [Programme] {
        try String.fetchAll(db, sql: "SELECT document FROM programme ORDER BY position").map {
            try JSONDecoder().decode(Programme.self, from: Data($0.utf8))
        }
    }

    static func document(_ programme: Programme) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(programme), as: UTF8.self)
    }

    /// Keywords as stored: one a line, trimmed, blanks dropped (a keyword never holds a line break).
    static func storedKeywords(_ keywords: [String]) -> String {
        keywords.map {
            $0.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        }
        .filter { !$0.isEmpty }.joined(separator: "\n")
    }

    static func keywords(stored: String) -> [String] {
        stored.split(separator: "\n").map(String.init)
    }
}

public struct ReferenceDataError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "reference data refused: " + problems.prefix(5).joined(separator: "; ") }
}
