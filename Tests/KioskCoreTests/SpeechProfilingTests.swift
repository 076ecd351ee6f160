import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// The voice speaks the profiling questionnaire the kiosk asks: each question and answer is a
/// phrase of the catalogue, in both languages, so audio mode reads the profiling screens.
@Suite struct SpeechProfilingTests {
    @Test func everyQuestionAndAnswerIsAPhraseInBothLanguages() throws {
        let kiosk = Fixtures.kioskDirectory
        var files: [Language: Data] = [:]
        for language in Language.allCases {
            files[language] = try Data(contentsOf: kiosk.appendingPathComponent("locales/\(language.rawValue).json"))
        }
        let questionnaire = try ProfilingQuestionnaire.load(
            Data(contentsOf: kiosk.appendingPathComponent("reference/profiling.json")))
        let phrases = try Data(contentsOf: kiosk.appendingPathComponent("assets/audio/phrases.json"))
        let catalog = try SpeechCatalog.load(
            localeFiles: files, phrasesFile: phrases, services: QueueService.demo, questionnaire: questionnaire)
        let without = try SpeechCatalog.load(localeFiles: files, phrasesFile: phrases, services: QueueService.demo)
        #expect(questionnaire.questions.count >= 10)
        for language in Language.allCases {
            for question in questionnaire.questions {
                let plan = catalog.plan(question.text[language], language)
                #expect(plan == SpeechPlan(keys: ["profiling.\(question.id)"], unknownWords: 0), "\(language)")
                #expect(without.plan(question.text[language], language).keys != ["profiling.\(question.id)"])
                for answer in question.answers {
                    #expect(
                        catalog.plan(answer.text[language], language).unknownWords == 0,
                        "\(language) \(question.id).\(answer.id)")
                    #expect(catalog.text("profiling.\(question.id).\(answer.id)", language) != nil)
                }
            }
        }
    }
}
