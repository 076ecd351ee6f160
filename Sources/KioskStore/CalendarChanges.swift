import Foundation
import GRDB
import KioskCore
import LMISProtocol

/// Leave days shared by the devices of an office (issue 23). A change made here is kept in
/// `calendar_change` and sent as a `calendar.changed` outbox record in the transaction of the
/// change; the hub hands each day's latest change to the office's devices in its change feed
/// (`calendar`), and `applyReceived` applies it here.
///
/// Conflicts: the last change by its own time wins (the device's clock when it was made; the
/// change id breaks a tie). A change older than the day's latest known change, made here or
/// received, is not applied, so every device and the hub settle on the same day whatever order
/// the changes travel in. A change coming back from the hub is the latest already: nothing moves.
enum CalendarChanges {
    /// Keeps a change of `staffID`'s leave on `day` made here as the day's latest and sends it to
    /// the hub, in the current transaction.
    static func recordLocal(
        _ db: Database, officeCode: String, staffID: String, day: CivilDate, removed: Bool, by: String, at instant: Date
    ) throws {
        let id = UUIDv7.make(at: instant).uuidString.lowercased()
        try keep(db, staffID: staffID, day: day.description, removed: removed, id: id, by: by, at: instant)
        try Outbox.append(
            db, officeCode: officeCode, type: .calendarChanged,
            payload: CalendarChanged(
                change: .init(
                    id: id, officeCode: officeCode, kind: "leave", staffID: staffID, day: day.description,
                    action: removed ? "removed" : "added", by: by, at: instant)), at: instant)
    }

    /// Sends the leave days entered before leave days were shared (kept by migration v49 with
    /// no change id) to the hub, each once, as added when it was entered; answers how many.
    static func shareEarlier(_ db: Database, officeCode: String) throws -> Int {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.staff_id, c.day, c.changed_by, c.changed_at FROM calendar_change c
                JOIN counsellor_leave l ON l.staff_id = c.staff_id AND l.day = c.day
                WHERE c.kind = 'leave' AND c.change_id = '' AND NOT c.removed ORDER BY c.changed_at
                """)
        for row in rows {
            let dayText: String = row["day"]
            let stamp: String = row["changed_at"]
            try recordLocal(
                db, officeCode: officeCode, staffID: row["staff_id"],
                day: try CivilDate(iso8601: dayText).orThrow(StoredValueError(id: dayText)), removed: false,
                by: row["changed_by"], at: try Outbox.parseUTCTimestamp(stamp))
        }
        return rows.count
    }

    private static func keep(
        _ db: Database, staffID: String, day: String, removed: Bool, id: String, by: String, at instant: Date
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO calendar_change (kind, staff_id, day, removed, change_id, changed_by, changed_at)
                VALUES ('leave', ?, ?, ?, ?, ?, ?)
                ON CONFLICT (kind, staff_id, day) DO UPDATE SET removed = excluded.removed,
                    change_id = excluded.change_id, changed_by = excluded.changed_by, changed_at = excluded.changed_at
                """, arguments: [staffID, day, removed, id, by, Outbox.utcTimestamp(instant)])
    }

    /// Applies a day's change from the hub's feed when it is later than the one this device
    /// knows: the leave day is added or taken back. Changes of another kind, of a malformed day
    /// or of another office are left alone (the hub sends only this office's).
    static func applyReceived(_ change: Change, officeCode: String?, _ db: Database) throws {
        guard let data = change.data, data["kind"]?.string == "leave",
            let staffID = data["staffID"]?.string, !staffID.isEmpty,
            let dayText = data["day"]?.string, let day = CivilDate(iso8601: dayText),
            let action = data["action"]?.string, ["added", "removed"].contains(action),
            let id = data["id"]?.string, let by = data["by"]?.string,
            let atText = data["at"]?.string, let at = LMISTime.parse(atText)
        else { return }
        if let officeCode, let office = data["officeCode"]?.string, office != officeCode { return }
        let stamp = Outbox.utcTimestamp(at)
        if let row = try Row.fetchOne(
            db,
            sql: "SELECT change_id, changed_at FROM calendar_change WHERE kind = 'leave' AND staff_id = ? AND day = ?",
            arguments: [staffID, day.description])
        {
            let knownAt: String = row["changed_at"]
            let knownID: String = row["change_id"]
            // Last change by its own time wins; the same or an older change leaves the day as it is.
            guard (stamp, id) > (knownAt, knownID) else { return }
        }
        let removed = action == "removed"
        try keep(db, staffID: staffID, day: day.description, removed: removed, id: id, by: by, at: at)
        if removed {
            try db.execute(
                sql: "DELETE FROM counsellor_leave WHERE staff_id = ? AND day = ?",
                arguments: [staffID, day.description])
        } else {
            try db.execute(
                sql: """
                    INSERT INTO counsellor_leave (staff_id, day, entered_by, entered_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (staff_id, day) DO UPDATE SET entered_by = excluded.entered_by,
                        entered_at = excluded.entered_at
                    """, arguments: [staffID, day.description, by, stamp])
        }
    }
}
