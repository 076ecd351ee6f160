public import Foundation
import GRDB
public import KioskCore

/// The kiosk's consents and ticket phones in SQLite (`sms_consent`, `ticket_phone`).
public struct SQLiteTicketTexts: TicketTextsStore {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func phoneOnFile(registrationID: UUID) async throws -> PhoneNumber? {
        try await database.writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT phone FROM registration WHERE id = ?",
                arguments: [registrationID.uuidString.lowercased()]
            ).flatMap { try? PhoneNumber(parsing: $0) }
        }
    }

    public func consents(phone: PhoneNumber) async throws -> Set<SMSKind> {
        try await database.writer.read { db in
            Set(
                try String.fetchAll(
                    db, sql: "SELECT kind FROM sms_consent WHERE phone = ? AND withdrawn_at IS NULL",
                    arguments: [phone.digits]
                ).compactMap(SMSKind.init(rawValue:)))
        }
    }

    public func record(ticketID: UUID, _ choice: TicketTexts.Choice, onFile: PhoneNumber?, at now: Date)
        async throws
    {
        try await database.write { db in
            let id = ticketID.uuidString.lowercased()
            if let phone = choice.phone, choice.turnNear {
                try db.execute(
                    sql: """
                        INSERT INTO ticket_phone (ticket_id, phone, recorded_at) VALUES (?, ?, ?)
                        ON CONFLICT (ticket_id) DO UPDATE SET phone = excluded.phone, recorded_at = excluded.recorded_at
                        """,
                    arguments: [id, phone.digits, Outbox.utcTimestamp(now)])
            } else {
                try db.execute(sql: "DELETE FROM ticket_phone WHERE ticket_id = ?", arguments: [id])
            }
            if let phone = choice.phone ?? onFile {
                try db.setSMSConsent(phone: phone, kind: .turnNear, granted: choice.turnNear, source: .kiosk, at: now)
            }
            if let onFile {
                for (kind, granted) in choice.personKinds.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    try db.setSMSConsent(phone: onFile, kind: kind, granted: granted, source: .kiosk, at: now)
                }
            }
        }
    }

    /// Forgets the phones typed for one ticket once that ticket is over (finished, not come, or
    /// from an earlier office day than `today`): the number was given for that ticket's "turn
    /// near" texts only. The "turn near" consent given at the kiosk with such a number goes too,
    /// unless the number is a registered person's phone on file or is typed for a ticket still
    /// open. Returns how many typed phones were forgotten.
    @discardableResult
    public func forgetTicketPhones(today: CivilDate) async throws -> Int {
        try await database.write { db in
            try db.execute(
                sql: """
                    DELETE FROM ticket_phone WHERE ticket_id IN (
                        SELECT id FROM ticket WHERE state IN ('finished', 'noShow') OR office_day < ?)
                    """,
                arguments: [today.description])
            let forgotten = db.changesCount
            try db.execute(
                sql: """
                    DELETE FROM sms_consent
                    WHERE kind = ? AND source = ?
                      AND phone NOT IN (SELECT phone FROM ticket_phone)
                      AND phone NOT IN (SELECT phone FROM registration WHERE phone IS NOT NULL)
                    """,
                arguments: [SMSKind.turnNear.rawValue, SMSConsentSource.kiosk.rawValue])
            return forgotten
        }
    }
}
