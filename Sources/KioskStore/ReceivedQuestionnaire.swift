public import Foundation
import GRDB
public import KioskCore

extension AppDatabase {
    /// The newest profiling questionnaire the hub sent (`profiling_questionnaire`, checked when it
    /// came), with when it came; nil when none has come.
    public func receivedQuestionnaire() async throws -> (questionnaire: ProfilingQuestionnaire, receivedAt: String)? {
        try await writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT document, received_at FROM profiling_questionnaire
                        ORDER BY received_at DESC, version DESC LIMIT 1
                        """)
            else { return nil }
            let document: String = row["document"]
            return (try ProfilingQuestionnaire.load(Data(document.utf8)), row["received_at"])
        }
    }
}
