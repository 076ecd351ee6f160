public import Foundation

/// The payload of a `calendar.changed` outbox record (issue 23): a counsellor's leave day added or
/// taken back on one device, for the office's other devices. The hub keeps, per office, kind,
/// counsellor and day, the change with the latest `at` (`lmis_apply_record`, hub v30), and hands
/// it to the office's devices only in its change feed (`kind` `calendar`).
public struct CalendarChanged: Codable, Sendable, Hashable {
    public struct Change: Codable, Sendable, Hashable {
        /// The change's own id (a UUIDv7): the same change applied twice changes nothing.
        public var id: String
        public var officeCode: String
        /// `leave`: a counsellor's day away.
        public var kind: String
        public var staffID: String
        /// Office-local date, `2026-12-08`.
        public var day: String
        /// `added` or `removed`.
        public var action: String
        /// Who made the change (the head or the counsellor).
        public var by: String
        /// When, by the device's clock: the latest change of a day wins on the hub and on every device.
        public var at: Date

        public init(
            id: String, officeCode: String, kind: String, staffID: String, day: String, action: String, by: String,
            at: Date
        ) {
            self.id = id
            self.officeCode = officeCode
            self.kind = kind
            self.staffID = staffID
            self.day = day
            self.action = action
            self.by = by
            self.at = at
        }
    }

    public var change: Change

    public init(change: Change) { self.change = change }
}
