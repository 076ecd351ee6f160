public import Foundation

/// The payload of a `case.profiled` outbox record: a person's answers to the profiling
/// questionnaire and the group they suggest.
public struct CaseProfiled: Codable, Sendable, Hashable {
    public struct Profile: Codable, Sendable, Hashable {
        public var id: String
        public var registrationID: String
        public var officeCode: String
        public var questionnaireVersion: String
        public var answers: [String: String]
        public var score: Int
        public var suggestedGroup: String
        /// `question.answer` of each answer that counted, heaviest first.
        public var reasons: [String]
        /// Nil when the visitor answered at the kiosk.
        public var staffID: String?
        public var at: Date

        public init(
            id: String, registrationID: String, officeCode: String, questionnaireVersion: String,
            answers: [String: String], score: Int, suggestedGroup: String, reasons: [String], staffID: String?,
            at: Date
        ) {
            self.id = id
            self.registrationID = registrationID
            self.officeCode = officeCode
            self.questionnaireVersion = questionnaireVersion
            self.answers = answers
            self.score = score
            self.suggestedGroup = suggestedGroup
            self.reasons = reasons
            self.staffID = staffID
            self.at = at
        }
    }

    public var profile: Profile

    public init(profile: Profile) { self.profile = profile }
}
