public import Foundation
import GRDB
public import KioskCore
import Synchronization

extension AppDatabase {
    /// The newest profiling questionnaire the hub sent (`profiling_questionnaire`, checked when it
    /// came), with when it came; nil when none has come.
    public func receivedQuestionnaire() async throws -> (questionnaire: ProfilingQuestionnaire, receivedAt: String)? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "\(Self.newestQuestionnaire) LIMIT 1") else { return nil }
            let document: String = row["document"]
            return (try ProfilingQuestionnaire.load(Data(document.utf8)), row["received_at"])
        }
    }

    static let newestQuestionnaire = """
        SELECT version, document, received_at FROM profiling_questionnaire
        ORDER BY received_at DESC, version DESC
        """
}

/// The questionnaire a running kiosk asks: the newest the hub sent (read again at each use, so
/// one that arrives in a sync round is asked from the next profile on), else the bundled one.
/// Earlier versions the hub sent stay readable, so a profile begun under one is finished under it.
public final class SQLiteQuestionnaires: QuestionnaireSource {
    let database: AppDatabase
    let bundled: ProfilingQuestionnaire
    /// Called once each time the questionnaire asked changes (for the log).
    let changed: @Sendable (ProfilingQuestionnaire, String?) -> Void
    /// The one last asked, parsed once per version.
    private let last = Mutex<ProfilingQuestionnaire?>(nil)

    public init(
        database: AppDatabase, bundled: ProfilingQuestionnaire,
        changed: @escaping @Sendable (ProfilingQuestionnaire, String?) -> Void = { _, _ in }
    ) {
        self.database = database
        self.bundled = bundled
        self.changed = changed
    }

    public func current() async throws -> ProfilingQuestionnaire {
        let newest = try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT version, received_at FROM (\(AppDatabase.newestQuestionnaire)) LIMIT 1")
                .map { (version: $0["version"] as String, receivedAt: $0["received_at"] as String) }
        }
        if let known = last.withLock({ $0 }), known.version == (newest?.version ?? bundled.version) { return known }
        let questionnaire =
            if let newest { try await questionnaire(version: newest.version) ?? bundled } else { bundled }
        let isNew = last.withLock { last in
            defer { last = questionnaire }
            return last?.version != questionnaire.version
        }
        if isNew { changed(questionnaire, newest?.receivedAt) }
        return questionnaire
    }

    public func questionnaire(version: String) async throws -> ProfilingQuestionnaire? {
        if let known = last.withLock({ $0 }), known.version == version { return known }
        let document = try await database.writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT document FROM profiling_questionnaire WHERE version = ?", arguments: [version])
        }
        // Stored only when it read as a questionnaire (`SQLiteSyncStore.applyQuestionnaire`).
        if let document { return try ProfilingQuestionnaire.load(Data(document.utf8)) }
        return version == bundled.version ? bundled : nil
    }
}
