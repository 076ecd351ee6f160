/// Where the profiling questionnaire comes from. It is asked at every use, so a questionnaire the
/// hub sends is asked from the next profile on, without a restart; a profile begun under an
/// earlier version is finished and read under that version.
public protocol QuestionnaireSource: Sendable {
    /// The questionnaire new profiles are asked.
    func current() async throws -> ProfilingQuestionnaire
    /// The questionnaire of `version` when the kiosk knows it (the current one, one the hub sent
    /// before, or the bundled one); nil otherwise.
    func questionnaire(version: String) async throws -> ProfilingQuestionnaire?
}

/// One questionnaire that never changes (a kiosk without a hub, tests).
public struct FixedQuestionnaire: QuestionnaireSource {
    public let questionnaire: ProfilingQuestionnaire

    public init(_ questionnaire: ProfilingQuestionnaire) { self.questionnaire = questionnaire }

    public func current() async throws -> ProfilingQuestionnaire { questionnaire }

    public func questionnaire(version: String) async throws -> ProfilingQuestionnaire? {
        version == questionnaire.version ? questionnaire : nil
    }
}
