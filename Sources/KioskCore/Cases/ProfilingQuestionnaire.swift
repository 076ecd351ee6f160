public import Foundation

/// The group a jobseeker is profiled into: ready for work (services straight away), medium
/// barriers or high barriers (both get an individual action plan).
public enum ProfileGroup: String, CaseIterable, Sendable, Codable, Comparable {
    case ready
    case medium
    case high

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The profiling questions on barriers to work, with each answer's weight and the thresholds of
/// the groups: data (`Kiosk/reference/profiling.json`, replaceable by the hub under a new
/// version), never code.
public struct ProfilingQuestionnaire: Sendable, Codable, Equatable {
    public struct Thresholds: Sendable, Codable, Equatable {
        /// A score at or above this suggests medium barriers.
        public var medium: Int
        /// A score at or above this suggests high barriers.
        public var high: Int

        public init(medium: Int, high: Int) {
            self.medium = medium
            self.high = high
        }
    }

    public struct Answer: Sendable, Codable, Equatable {
        public var id: String
        public var text: LocalizedText
        public var weight: Int
        /// What the officer reads when this answer counts towards the suggestion.
        public var reason: LocalizedText?
        /// A group this answer alone brings the suggestion up to (reading and writing, most work
        /// limited by health), whatever the score.
        public var atLeast: ProfileGroup?

        public init(
            id: String, text: LocalizedText, weight: Int, reason: LocalizedText? = nil, atLeast: ProfileGroup? = nil
        ) {
            self.id = id
            self.text = text
            self.weight = weight
            self.reason = reason
            self.atLeast = atLeast
        }
    }

    public struct Question: Sendable, Codable, Equatable {
        public var id: String
        public var text: LocalizedText
        public var answers: [Answer]

        public init(id: String, text: LocalizedText, answers: [Answer]) {
            self.id = id
            self.text = text
            self.answers = answers
        }
    }

    public var version: String
    public var thresholds: Thresholds
    public var questions: [Question]

    public init(version: String, thresholds: Thresholds, questions: [Question]) {
        self.version = version
        self.thresholds = thresholds
        self.questions = questions
    }

    /// Reads and checks a questionnaire (the bundled file or one the hub sent).
    public static func load(_ data: Data) throws -> Self {
        let questionnaire = try JSONDecoder().decode(Self.self, from: data)
        try questionnaire.check()
        return questionnaire
    }

    /// Why a questionnaire cannot be used: a description for the technician's log.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Unique question and answer ids, thresholds in order, at least two answers a question, no
    /// negative weight, and a reason for every answer that counts (the officer is told why).
    public func check() throws(Invalid) {
        guard !version.isEmpty else { throw Invalid(description: "a questionnaire has a version") }
        guard thresholds.medium > 0, thresholds.high > thresholds.medium else {
            throw Invalid(description: "thresholds must be 0 < medium < high")
        }
        guard !questions.isEmpty, Set(questions.map(\.id)).count == questions.count else {
            throw Invalid(description: "question ids must be unique")
        }
        for question in questions {
            guard question.answers.count >= 2, Set(question.answers.map(\.id)).count == question.answers.count else {
                throw Invalid(description: "question \(question.id) needs two or more answers with unique ids")
            }
            for answer in question.answers {
                guard answer.weight >= 0 else {
                    throw Invalid(description: "answer \(question.id).\(answer.id) has a negative weight")
                }
                if answer.weight > 0 || answer.atLeast != nil, answer.reason == nil {
                    throw Invalid(description: "answer \(question.id).\(answer.id) counts but gives no reason")
                }
            }
        }
    }

    /// The suggestion for a full set of answers (question id → answer id). Throws
    /// `ValidationFailure` naming each question left out (`required`) or answered with an
    /// unknown answer (`unknownCode`), and any id that is no question of this version.
    public func suggest(_ answers: [String: String]) throws(ValidationFailure) -> ProfilingSuggestion {
        var errors: [FieldError] = []
        var reasons: [ProfilingReason] = []
        var score = 0
        var floor = ProfileGroup.ready
        for question in questions {
            guard let chosen = answers[question.id] else {
                errors.append(FieldError(field: "answers.\(question.id)", code: "required"))
                continue
            }
            guard let answer = question.answers.first(where: { $0.id == chosen }) else {
                errors.append(FieldError(field: "answers.\(question.id)", code: "unknownCode"))
                continue
            }
            score += answer.weight
            if let atLeast = answer.atLeast, atLeast > floor { floor = atLeast }
            if let reason = answer.reason, answer.weight > 0 || answer.atLeast != nil {
                reasons.append(
                    ProfilingReason(questionID: question.id, answerID: answer.id, weight: answer.weight, text: reason))
            }
        }
        let known = Set(questions.map(\.id))
        for id in answers.keys.sorted() where !known.contains(id) {
            errors.append(FieldError(field: "answers.\(id)", code: "unknownCode"))
        }
        guard errors.isEmpty else { throw ValidationFailure(errors: errors) }
        let byScore: ProfileGroup =
            score >= thresholds.high ? .high : score >= thresholds.medium ? .medium : .ready
        // The heaviest reasons first (what drove the suggestion most), equal ones in the questions' order.
        reasons = reasons.enumerated().sorted { ($0.element.weight, $1.offset) > ($1.element.weight, $0.offset) }
            .map(\.element)
        return ProfilingSuggestion(
            version: version, score: score, group: max(byScore, floor), reasons: reasons,
            raisedByAnswer: floor > byScore)
    }
}

/// One answer that counted towards a suggestion.
public struct ProfilingReason: Sendable, Codable, Equatable {
    public var questionID: String
    public var answerID: String
    public var weight: Int
    public var text: LocalizedText

    public init(questionID: String, answerID: String, weight: Int, text: LocalizedText) {
        self.questionID = questionID
        self.answerID = answerID
        self.weight = weight
        self.text = text
    }
}

/// The computed suggestion: the officer decides.
public struct ProfilingSuggestion: Sendable, Codable, Equatable {
    /// The questionnaire version that computed it.
    public var version: String
    public var score: Int
    public var group: ProfileGroup
    /// Heaviest first.
    public var reasons: [ProfilingReason]
    /// An answer of its own (`atLeast`) put the group above what the score gave.
    public var raisedByAnswer: Bool

    public init(version: String, score: Int, group: ProfileGroup, reasons: [ProfilingReason], raisedByAnswer: Bool) {
        self.version = version
        self.score = score
        self.group = group
        self.reasons = reasons
        self.raisedByAnswer = raisedByAnswer
    }
}
