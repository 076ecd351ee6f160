public import Foundation

/// The payload of a `case.groupDecided` outbox record: an officer confirmed or changed the
/// suggested group of a profile.
public struct CaseGroupDecided: Codable, Sendable, Hashable {
    public struct Decision: Codable, Sendable, Hashable {
        public var profileID: String
        public var registrationID: String
        public var officeCode: String
        /// Numbered per profile from 1, so a decision arriving twice is kept once.
        public var position: Int
        public var group: String
        public var reason: String?
        public var staffID: String
        public var at: Date

        public init(
            profileID: String, registrationID: String, officeCode: String, position: Int, group: String,
            reason: String?, staffID: String, at: Date
        ) {
            self.profileID = profileID
            self.registrationID = registrationID
            self.officeCode = officeCode
            self.position = position
            self.group = group
            self.reason = reason
            self.staffID = staffID
            self.at = at
        }
    }

    public var decision: Decision

    public init(decision: Decision) { self.decision = decision }
}
