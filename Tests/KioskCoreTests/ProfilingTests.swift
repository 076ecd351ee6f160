import Foundation
import KioskCore
import KioskTestSupport
import Testing

@Suite("Profiling: the suggested group and the reasons that drove it")
struct ProfilingTests {
    /// Three questions whose weights make each threshold easy to reach exactly.
    static let small = ProfilingQuestionnaire(
        version: "test-1", thresholds: .init(medium: 3, high: 6),
        questions: [
            .init(
                id: "time", text: LocalizedText(mn: "Хугацаа", en: "Time"),
                answers: [
                    .init(id: "short", text: LocalizedText(mn: "Богино", en: "Short"), weight: 0),
                    .init(
                        id: "long", text: LocalizedText(mn: "Урт", en: "Long"), weight: 3,
                        reason: LocalizedText(mn: "Удаан ажилгүй", en: "Long out of work")),
                ]),
            .init(
                id: "care", text: LocalizedText(mn: "Асаргаа", en: "Care"),
                answers: [
                    .init(id: "no", text: LocalizedText(mn: "Үгүй", en: "No"), weight: 0),
                    .init(
                        id: "some", text: LocalizedText(mn: "Заримдаа", en: "Some"), weight: 2,
                        reason: LocalizedText(mn: "Асаргаа", en: "Care duties")),
                ]),
            .init(
                id: "reading", text: LocalizedText(mn: "Унших", en: "Reading"),
                answers: [
                    .init(id: "fine", text: LocalizedText(mn: "Чадна", en: "Fine"), weight: 0),
                    .init(
                        id: "hard", text: LocalizedText(mn: "Хэцүү", en: "Hard"), weight: 1,
                        reason: LocalizedText(mn: "Уншихад хэцүү", en: "Reading is hard"), atLeast: .medium),
                ]),
        ])

    @Test(
        "The score against the thresholds, and an answer that raises the group on its own",
        arguments: [
            (["time": "short", "care": "no", "reading": "fine"], ProfileGroup.ready, 0, [String](), false),
            (["time": "short", "care": "some", "reading": "fine"], .ready, 2, ["care"], false),
            (["time": "long", "care": "no", "reading": "fine"], .medium, 3, ["time"], false),
            (["time": "long", "care": "some", "reading": "fine"], .medium, 5, ["time", "care"], false),
            (["time": "long", "care": "some", "reading": "hard"], .high, 6, ["time", "care", "reading"], false),
            (["time": "short", "care": "no", "reading": "hard"], .medium, 1, ["reading"], true),
        ])
    func suggestion(answers: [String: String], group: ProfileGroup, score: Int, reasons: [String], raised: Bool)
        throws
    {
        let suggestion = try Self.small.suggest(answers)
        #expect(suggestion.group == group)
        #expect(suggestion.score == score)
        #expect(suggestion.reasons.map(\.questionID) == reasons, "heaviest reason first")
        #expect(suggestion.raisedByAnswer == raised)
        #expect(suggestion.version == "test-1")
    }

    @Test("Left-out questions, unknown answers and unknown questions are named, each one")
    func refusals() {
        #expect(
            throws: ValidationFailure(errors: [
                FieldError(field: "answers.care", code: "required"),
                FieldError(field: "answers.reading", code: "unknownCode"),
                FieldError(field: "answers.zodiac", code: "unknownCode"),
            ])
        ) {
            try Self.small.suggest(["time": "long", "reading": "maybe", "zodiac": "goat"])
        }
    }

    @Test("A questionnaire whose thresholds are out of order, or whose counting answer gives no reason, is refused")
    func checks() {
        var reversed = Self.small
        reversed.thresholds = .init(medium: 6, high: 3)
        #expect(throws: ProfilingQuestionnaire.Invalid.self) { try reversed.check() }
        var silent = Self.small
        silent.questions[1].answers[1].reason = nil
        #expect(throws: ProfilingQuestionnaire.Invalid.self) { try silent.check() }
        var doubled = Self.small
        doubled.questions[2].id = "time"
        #expect(throws: ProfilingQuestionnaire.Invalid.self) { try doubled.check() }
    }

    @Test("The bundled questionnaire: 12 questions in both languages, from ready to high barriers")
    func bundled() throws {
        let questionnaire = try ProfilingQuestionnaire.load(
            Data(contentsOf: Fixtures.kioskDirectory.appendingPathComponent("reference/profiling.json")))
        #expect(questionnaire.questions.count == 12)
        for question in questionnaire.questions {
            #expect(!question.text.mn.isEmpty && !question.text.en.isEmpty)
            #expect(question.text.mn.unicodeScalars.contains { (0x0400...0x04FF).contains($0.value) })
        }
        let easiest = Dictionary(
            uniqueKeysWithValues: questionnaire.questions.map { q in
                (q.id, q.answers.min { $0.weight < $1.weight }!.id)
            })
        let hardest = Dictionary(
            uniqueKeysWithValues: questionnaire.questions.map { q in
                (q.id, q.answers.max { $0.weight < $1.weight }!.id)
            })
        #expect(try questionnaire.suggest(easiest).group == .ready)
        #expect(try questionnaire.suggest(easiest).reasons.isEmpty)
        let high = try questionnaire.suggest(hardest)
        #expect(high.group == .high && high.reasons.count == 12)
        // Only reading and writing: medium on its own, whatever the small score.
        var reading = easiest
        reading["literacy"] = "reading"
        let raised = try questionnaire.suggest(reading)
        #expect(raised.group == .medium && raised.raisedByAnswer)
        #expect(raised.reasons.map(\.text.en) == ["Difficulty reading and writing"])
    }
}
