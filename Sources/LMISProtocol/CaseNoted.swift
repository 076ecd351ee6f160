public import Foundation

/// The payload of a `case.noted` outbox record: one entry of a person's case journal.
public struct CaseNoted: Codable, Sendable, Hashable {
    public struct Note: Codable, Sendable, Hashable {
        public var id: String
        public var registrationID: String
        public var officeCode: String
        /// `visit`, `phone`, `smsReply`, `homeVisit`.
        public var kind: String
        public var staffID: String
        public var text: String
        /// The note this one corrects.
        public var corrects: String?
        public var at: Date

        public init(
            id: String, registrationID: String, officeCode: String, kind: String, staffID: String, text: String,
            corrects: String?, at: Date
        ) {
            self.id = id
            self.registrationID = registrationID
            self.officeCode = officeCode
            self.kind = kind
            self.staffID = staffID
            self.text = text
            self.corrects = corrects
            self.at = at
        }
    }

    public var note: Note

    public init(note: Note) { self.note = note }
}
