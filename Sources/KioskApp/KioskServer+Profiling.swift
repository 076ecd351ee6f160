public import Foundation
public import KioskCore
import LMISProtocol
import LMISSync

extension KioskServer {
    /// The profiling questionnaire: the version the hub sent (`DATA/reference/profiling.json`)
    /// when there is one, else the bundled `Kiosk/reference/profiling.json`. A file that does not
    /// read as a questionnaire stops the start with a reason naming it.
    public static func loadQuestionnaire(dataDirectory: String, kioskDirectory: URL) throws -> ProfilingQuestionnaire {
        let sent = URL(fileURLWithPath: dataDirectory, isDirectory: true).appendingPathComponent(
            "reference/profiling.json")
        let file =
            FileManager.default.fileExists(atPath: sent.path)
            ? sent : kioskDirectory.appendingPathComponent("reference/profiling.json")
        do {
            return try ProfilingQuestionnaire.load(Data(contentsOf: file))
        } catch {
            throw ConfigurationError(key: "profiling", problem: "\(file.path) is not a usable questionnaire: \(error)")
        }
    }
}

/// The case summaries the hub answers, through the sync engine's signed requests.
struct HubCaseSummaries: CaseSummaryLookup {
    let engine: SyncEngine

    func summary(registryNumber: String) async throws -> RemoteCaseSummary {
        let summary = try await engine.caseSummary(registryNumber: registryNumber)
        // The same shape on both sides of the wire.
        return try JSONDecoder().decode(RemoteCaseSummary.self, from: try JSONEncoder().encode(summary))
    }
}
