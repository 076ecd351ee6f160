public import Foundation

/// The texts a visitor asks for at the kiosk when taking a ticket (issue 22): "turn near" to a
/// phone typed for that ticket (or the one on file), and, for a registered person who proved who
/// they are, the other kinds to their phone on file.
public enum TicketTexts {
    /// What a proved, registered person may agree to at the kiosk besides "turn near". One-time
    /// codes need no consent; grievance updates are agreed to when filing.
    public static let personKinds: [SMSKind] = [.vacancyDigest, .appointmentReminder, .followUp]

    /// What a visitor chose: a consent for each kind offered, true to receive it.
    public struct Choice: Sendable, Equatable {
        /// The phone typed on the screen for this ticket; nil to use the phone on file.
        public var phone: PhoneNumber?
        public var turnNear: Bool
        /// Kinds for the phone on file (only a proved person's), granted or withdrawn.
        public var personKinds: [SMSKind: Bool]

        public init(phone: PhoneNumber?, turnNear: Bool, personKinds: [SMSKind: Bool] = [:]) {
            self.phone = phone
            self.turnNear = turnNear
            self.personKinds = personKinds
        }
    }
}

/// Where the kiosk's consents and ticket phones are kept (the SQLite queue's tables).
public protocol TicketTextsStore: Sendable {
    /// The phone on file of a registered person, if any.
    func phoneOnFile(registrationID: UUID) async throws -> PhoneNumber?
    /// The kinds `phone` agrees to now.
    func consents(phone: PhoneNumber) async throws -> Set<SMSKind>
    /// Records the choice in one transaction: the ticket's own phone for "turn near" (or none),
    /// its consent (source kiosk), and the person's kinds for `onFile`.
    func record(ticketID: UUID, _ choice: TicketTexts.Choice, onFile: PhoneNumber?, at: Date) async throws
}
