public import Foundation

/// The payload of a `fingerprints.deleted` outbox record.
public struct FingerprintsDeleted: Codable, Sendable, Hashable {
    public struct Fingerprints: Codable, Sendable, Hashable {
        public var registrationID: String
        public var officeCode: String
        public var deletedAt: Date
        public var staffID: String

        public init(registrationID: String, officeCode: String, deletedAt: Date, staffID: String) {
            self.registrationID = registrationID
            self.officeCode = officeCode
            self.deletedAt = deletedAt
            self.staffID = staffID
        }
    }

    public var fingerprints: Fingerprints

    public init(fingerprints: Fingerprints) { self.fingerprints = fingerprints }
}
