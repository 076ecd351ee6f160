import KioskCore

/// The voice's clips over the phrase catalogue, built again when the profiling questionnaire the
/// kiosk asks changes (one the hub sent arrived), so the profiling screen's spoken plan follows
/// the questions on the screen without a restart.
actor LiveSpeech {
    let questionnaires: (any QuestionnaireSource)?
    let build: @Sendable (ProfilingQuestionnaire?) throws -> SpeechClips
    private var built: (version: String?, clips: SpeechClips)?

    init(
        questionnaires: (any QuestionnaireSource)?,
        build: @escaping @Sendable (ProfilingQuestionnaire?) throws -> SpeechClips
    ) {
        self.questionnaires = questionnaires
        self.build = build
    }

    /// The clips of the questionnaire asked now; when it cannot be read, those last built.
    func clips() async throws -> SpeechClips {
        let questionnaire: ProfilingQuestionnaire?
        do {
            questionnaire = try await questionnaires?.current()
        } catch {
            if let built { return built.clips }
            throw error
        }
        if let built, built.version == questionnaire?.version { return built.clips }
        let clips = try build(questionnaire)
        built = (questionnaire?.version, clips)
        return clips
    }
}
