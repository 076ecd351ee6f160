public import Foundation

/// The payload of a `fingerprints.enrolled` outbox record.
public struct FingerprintsEnrolled: Codable, Sendable, Hashable {
    public struct Fingerprints: Codable, Sendable, Hashable {
        public var registrationID: String
        public var officeCode: String
        /// Finger names (`rightIndex`), in the order of the record's views.
        public var fingers: [String]
        /// Base64 of the ISO/IEC 19794-2:2005 record: one view per finger, its best template.
        public var isoRecord: String
        public var enrolledAt: Date
        public var staffID: String?

        public init(
            registrationID: String, officeCode: String, fingers: [String], isoRecord: String, enrolledAt: Date,
            staffID: String?
        ) {
            self.registrationID = registrationID
            self.officeCode = officeCode
            self.fingers = fingers
            self.isoRecord = isoRecord
            self.enrolledAt = enrolledAt
            self.staffID = staffID
        }
    }

    public var fingerprints: Fingerprints

    public init(fingerprints: Fingerprints) { self.fingerprints = fingerprints }
}
