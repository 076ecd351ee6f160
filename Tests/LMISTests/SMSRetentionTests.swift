import Foundation
import KioskCore
import KioskTestSupport
import LMISHub
import LMISSync
import Testing

/// The hub keeps the numbers and texts of the SMS it relays only as long as it needs them
/// (issue 22): the forwarder's hourly purge blanks them once the final report (or the reply) is
/// older than `sms_retention_days`, and the counts stay. Real hub, real PostgreSQL.
@Suite("SMS retention at the hub", .serialized)
struct SMSRetentionTests {
    static let counts = """
        SELECT string_agg(state || ':' || n, ',' ORDER BY state) FROM (
            SELECT state, count(*) AS n FROM sms_message GROUP BY state) s
        """

    @Test("numbers and reply texts past their retention are blanked at the forwarder's start; counts stay")
    func purgeAfterRetention() async throws {
        let hub = try await SMSRelayTests.smsHub()
        let kiosk = try KioskHarness()
        try await kiosk.enrol(hub)
        let transport = HubSMSTransport(engine: kiosk.engine)
        let old = try SMSRelayTests.message("88112233", "Хуучин мессеж")
        let recent = try SMSRelayTests.message("99112233", "Шинэ мессеж")
        try await transport.hand([old, recent])
        _ = try await SMSRelayTests.collect(transport) { $0.reports.count == 2 }
        _ = try await hub.call(
            "POST", "/admin/simulated-sms-gateway/replies", SMSRelayTests.Reply(from: "88112233", text: "ЗОГС"))
        _ = try await hub.call(
            "POST", "/admin/simulated-sms-gateway/replies", SMSRelayTests.Reply(from: "99112233", text: "1"))
        _ = try await SMSRelayTests.collect(transport) { $0.received.count == 2 }
        let before = try hub.scalar(Self.counts)
        #expect(before == "delivered:2")
        // The first message's report and the first reply are 31 days old; the others 29.
        let id = old.id.uuidString.lowercased()
        _ = try hub.scalar(
            "UPDATE sms_message SET outcome_at = now() - interval '31 days' WHERE id = '\(id)' RETURNING 1")
        _ = try hub.scalar(
            "UPDATE sms_message SET outcome_at = now() - interval '29 days' WHERE id <> '\(id)' RETURNING 1")
        _ = try hub.scalar(
            "UPDATE sms_reply SET received_at = now() - interval '31 days' WHERE from_number = '88112233' RETURNING 1")
        _ = try hub.scalar(
            "UPDATE sms_reply SET received_at = now() - interval '29 days' WHERE from_number = '99112233' RETURNING 1")
        await hub.stop()

        // The forwarder purges when it starts, then hourly.
        let back = try await SMSRelayTests.smsHub(database: hub.database)
        defer { Task { await back.stop() } }
        let deadline = Date() + 10
        while try back.count("SELECT count(*) FROM sms_message WHERE purged_at IS NOT NULL") == 0, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(
            try back.scalar("SELECT coalesce(to_number, 'NULL') || '|' || body FROM sms_message WHERE id = '\(id)'")
                == "NULL|")
        #expect(try back.scalar("SELECT to_number FROM sms_message WHERE id <> '\(id)'") == "99112233")
        #expect(try back.count("SELECT count(*) FROM sms_message WHERE to_number = '88112233'") == 0)
        #expect(
            try back.count(
                "SELECT count(*) FROM sms_reply WHERE from_number IS NULL AND body = '' AND purged_at IS NOT NULL") == 1
        )
        #expect(try back.scalar("SELECT body FROM sms_reply WHERE from_number = '99112233'") == "1")
        // Nothing else about the number is left in the hub's SMS tables.
        #expect(try back.count("SELECT count(*) FROM sms_reply WHERE body = 'ЗОГС'") == 0)
        // The counts stay: the rows, their states, offices and times.
        #expect(try back.scalar(Self.counts) == before)
        #expect(try back.count("SELECT count(*) FROM sms_reply") == 2)
        #expect(
            try back.count("SELECT count(*) FROM sms_message WHERE office_code = 'UB-SB' AND outcome_at IS NOT NULL")
                == 2)
    }

    @Test("the retention is a setting: 1 to 366 days, 30 by default")
    func retentionSetting() throws {
        var configuration = HubConfiguration()
        #expect(configuration.smsRetentionDays == 30)
        try configuration.set("sms_retention_days", "90")
        #expect(configuration.smsRetentionDays == 90)
        #expect(throws: HubConfigurationError.self) { try configuration.set("sms_retention_days", "0") }
        #expect(throws: HubConfigurationError.self) { try configuration.set("sms_retention_days", "many") }
    }
}
