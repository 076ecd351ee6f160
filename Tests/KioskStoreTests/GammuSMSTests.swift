import Foundation
import KioskCore
import KioskTestSupport
import Logging
import Testing

@testable import KioskStore

/// The text-message queue against the real `gammu-smsd` driving gammu's dummy phone.
@Suite("Text messages through gammu-smsd", .enabled(if: GammuLab.available), .serialized)
struct GammuSMSTests {
    /// Quiet hours two hours ahead of now in Ulaanbaatar: the messages these tests queue "now" are
    /// of kinds quiet hours hold, and the suite runs at any hour (the rules' own test is below).
    let rules: SMSRules = {
        let zone = TimeZone(identifier: "Asia/Ulaanbaatar")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let hour = calendar.component(.hour, from: Date())
        return SMSRules(timeZone: zone, quietFrom: (hour + 2) % 24, quietUntil: (hour + 3) % 24)
    }()
    let phone = try! PhoneNumber(parsing: "99112233")

    func sender(_ database: AppDatabase, _ lab: GammuLab, now: @escaping @Sendable () -> Date = { Date() })
        -> SMSSender
    {
        SMSSender(
            queue: SQLiteSMSQueue(database: database, rules: rules), transport: lab.transport,
            logger: Logger(label: "test"), now: now)
    }

    func withLab(
        started: Bool, _ body: (TemporaryDatabase, GammuLab, SMSSender) async throws -> Void
    ) async throws {
        let temp = try TemporaryDatabase()
        let lab = try GammuLab()
        defer {
            lab.remove()
            temp.remove()
        }
        if started { try lab.start() }
        try await body(temp, lab, sender(temp.database, lab))
    }

    @Test func aQueuedCodeReachesTheDummyPhoneOnceInCyrillic() async throws {
        try await withLab(started: true) { temp, lab, sender in
            let id = try await sender.queue.queue(
                kind: .oneTimeCode, to: phone, text: "Таны нэг удаагийн код: 123456. 5 минут хүчинтэй.", at: Date())
            #expect(try await sender.handDue() == 1)
            #expect(await GammuLab.wait { lab.files("sent").count == 1 })
            #expect(lab.transport.sentTexts()[id] == "Таны нэг удаагийн код: 123456. 5 минут хүчинтэй.")
            // Handed again (a crash before it was marked handed): the same file, not a second message.
            try await lab.transport.hand(OutgoingSMS(id: id, to: phone, text: "x"))
            try await Task.sleep(for: .seconds(2))
            #expect(lab.files("sent").count == 1)
            #expect(lab.files("outbox").isEmpty)
            #expect(try await sender.handDue() == 0)
            let state = try await temp.database.testSQL("SELECT state, parts, encoding FROM sms_message")
            #expect(state == [["handed", "1", "ucs2"]])
        }
    }

    @Test func deliveryReportsAndRepliesAreRecordedAndStopEndsThatKind() async throws {
        try await withLab(started: true) { temp, lab, sender in
            await #expect(throws: SMSRefusal.noConsent) {
                try await sender.queue.queue(kind: .grievanceUpdate, to: phone, text: "Гомдол", at: Date())
            }
            try await sender.queue.setConsent(
                phone: phone, kind: .grievanceUpdate, granted: true, source: .kiosk, at: Date())
            let id = try await sender.queue.queue(
                kind: .grievanceUpdate, to: phone, text: "Таны гомдлыг хүлээн авлаа", at: Date())
            try await sender.handDue()
            #expect(await GammuLab.wait { lab.files("sent").count == 1 })

            try lab.report(to: phone.digits, status: "Delivered")
            try lab.receive(from: phone.digits, text: "Баярлалаа, хэзээ ирэх вэ?")
            #expect(await GammuLab.wait { lab.files("inbox").count == 2 })
            let collection = try await sender.collect()
            #expect(
                collection.reports == [
                    SMSDeliveryReport(messageID: id, outcome: .delivered, at: collection.reports[0].at)
                ])
            #expect(collection.received.map(\.text) == ["Баярлалаа, хэзээ ирэх вэ?"])
            #expect(lab.files("inbox").isEmpty)
            #expect(lab.files("done").count == 1)
            #expect(try await temp.database.testSQL("SELECT state FROM sms_message") == [["delivered"]])
            #expect(try await sender.queue.replies().map(\.text) == ["Баярлалаа, хэзээ ирэх вэ?"])

            try lab.receive(from: phone.digits, text: "ЗОГС")
            #expect(await GammuLab.wait { lab.files("inbox").count == 1 })
            try await sender.collect()
            #expect(try await sender.queue.replies().count == 1)
            await #expect(throws: SMSRefusal.noConsent) {
                try await sender.queue.queue(kind: .grievanceUpdate, to: phone, text: "Дахин", at: Date())
            }
            let consent = try await temp.database.testSQL("SELECT source, withdrawn_at IS NOT NULL FROM sms_consent")
            #expect(consent == [["reply", "1"]])
        }
    }

    @Test func whileTheDaemonIsStoppedMessagesWaitAndGoOnceItIsBack() async throws {
        try await withLab(started: false) { temp, lab, sender in
            for n in 0..<5 {
                try await sender.queue.queue(kind: .oneTimeCode, to: phone, text: "Код \(n)", at: Date())
            }
            #expect(try await sender.handDue() == 5)
            #expect(lab.files("outbox").count == 5)
            try lab.start()
            #expect(await GammuLab.wait { lab.files("sent").count == 5 })
            #expect(lab.files("outbox").isEmpty && lab.files("error").isEmpty)
        }
    }

    @Test func aSpoolThatRefusesLeavesTheMessageQueuedWithBackOff() async throws {
        let temp = try TemporaryDatabase()
        let lab = try GammuLab()
        defer {
            lab.remove()
            temp.remove()
        }
        let clock = TestClock(Date())
        let sender = sender(temp.database, lab, now: clock.now)
        try await sender.queue.queue(kind: .oneTimeCode, to: phone, text: "Код", at: clock.now())
        // The spool's folders are gone (a disk unmounted, a modem's daemon reinstalled).
        try FileManager.default.removeItem(at: lab.transport.spool.appendingPathComponent("staging"))
        #expect(try await sender.handDue() == 0)
        let row = try await temp.database.testSQL("SELECT state, attempts, last_error IS NOT NULL FROM sms_message")
        #expect(row == [["queued", "1", "1"]])
        #expect(try await sender.handDue() == 0)
        try lab.transport.prepare()
        clock.advance(by: 4)
        #expect(try await sender.handDue() == 0)
        clock.advance(by: 2)
        #expect(try await sender.handDue() == 1)
        #expect(sender.backOff(afterAttempts: 3) == 40)
        #expect(sender.backOff(afterAttempts: 30) == 600)
    }
}

@Suite("Text message rules")
struct SMSRulesTests {
    let rules = SMSRules(timeZone: TimeZone(identifier: "Asia/Ulaanbaatar")!, dailyLimit: 2)

    func date(_ text: String) -> Date { try! Outbox.parseUTCTimestamp(text) }

    @Test func quietHoursHoldAllButCodesAndTurnNearUntilEightInTheMorning() {
        // 22:30 in Ulaanbaatar (UTC+8) is 14:30 UTC.
        let late = date("2026-12-07T14:30:00.000Z")
        #expect(rules.isQuiet(late))
        #expect(rules.dueTime(for: .oneTimeCode, queuedAt: late) == late)
        #expect(rules.dueTime(for: .turnNear, queuedAt: late) == late)
        #expect(rules.dueTime(for: .grievanceUpdate, queuedAt: late) == date("2026-12-08T00:00:00.000Z"))
        // 06:00 local: the same morning at 08:00.
        let early = date("2026-12-07T22:00:00.000Z")
        #expect(rules.dueTime(for: .vacancyDigest, queuedAt: early) == date("2026-12-08T00:00:00.000Z"))
        let noon = date("2026-12-08T04:00:00.000Z")
        #expect(!rules.isQuiet(noon))
        #expect(rules.dueTime(for: .grievanceUpdate, queuedAt: noon) == noon)
    }

    @Test func aNumberGetsAtMostTheDailyLimitButCodesAlways() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let queue = SQLiteSMSQueue(database: temp.database, rules: rules)
        let phone = try PhoneNumber(parsing: "88112233")
        let now = date("2026-12-08T04:00:00.000Z")
        try await queue.setConsent(phone: phone, kind: .turnNear, granted: true, source: .kiosk, at: now)
        try await queue.queue(kind: .turnNear, to: phone, text: "1", at: now)
        try await queue.queue(kind: .turnNear, to: phone, text: "2", at: now)
        await #expect(throws: SMSRefusal.dailyLimit) {
            try await queue.queue(kind: .turnNear, to: phone, text: "3", at: now)
        }
        try await queue.queue(kind: .oneTimeCode, to: phone, text: "123456", at: now)
        // The next local day counts afresh.
        try await queue.queue(kind: .turnNear, to: phone, text: "4", at: now.addingTimeInterval(86_400))
        await #expect(throws: SMSRefusal.alreadyQueued) {
            try await queue.queue(
                kind: .turnNear, to: phone, text: "5", dedupeKey: "k", at: now.addingTimeInterval(86_400))
            try await queue.queue(
                kind: .turnNear, to: phone, text: "6", dedupeKey: "k", at: now.addingTimeInterval(86_400))
        }
    }

    @Test func cyrillicCountsInUCS2PartsAndLatinInGSMParts() {
        #expect(SMSText.encoding(of: "Таны ээлж ойртлоо") == .ucs2)
        #expect(SMSText.parts(String(repeating: "ө", count: 70)) == 1)
        #expect(SMSText.parts(String(repeating: "ө", count: 71)) == 2)
        #expect(SMSText.parts(String(repeating: "ө", count: 134)) == 2)
        #expect(SMSText.parts(String(repeating: "ө", count: 135)) == 3)
        #expect(SMSText.parts(String(repeating: "a", count: 160)) == 1)
        #expect(SMSText.parts(String(repeating: "a", count: 161)) == 2)
        #expect(SMSText.parts(String(repeating: "€", count: 80)) == 1)
        #expect(SMSText.parts(String(repeating: "€", count: 81)) == 2)
        let latin = SMSText.transliterated("Таны ээлж ойртлоо: Өмнө 3 хүн. Үйлчилгээ, Цагаан, Шинэ, Юу, Яаж")
        #expect(latin == "Tany eelj oirtloo: Ömnö 3 khün. Üilchilgee, Tsagaan, Shine, Yuu, Yaaj")
        #expect(SMSText.encoding(of: latin) == .gsm7)
    }

    @Test func stopRepliesInEitherScript() {
        #expect(SMSText.isStop(" зогс "))
        #expect(SMSText.isStop("STOP"))
        #expect(SMSText.isStop("Stop\n"))
        #expect(!SMSText.isStop("зогсоо"))
    }
}

@Suite("The modem's state from gammu-smsd", .enabled(if: GammuLab.available), .serialized)
struct GammuModemStatusTests {
    @Test func theRunningDaemonReportsItsDummyModemAndTheStoppedOneIsSaidToBeDown() async throws {
        let lab = try GammuLab()
        defer { lab.remove() }
        let phone = try PhoneNumber(parsing: "99112233")
        try await lab.transport.hand(OutgoingSMS(id: UUIDv7.make(at: Date()), to: phone, text: "Код"))
        let down = await GammuModemStatus.read(smsdrc: lab.configFile.path, spool: lab.transport.spool)
        #expect(!down.daemonRunning && down.waiting == 1)
        try lab.start()
        #expect(await GammuLab.wait { lab.files("sent").count == 1 })
        try await Task.sleep(for: .seconds(1))
        let up = await GammuModemStatus.read(smsdrc: lab.configFile.path, spool: lab.transport.spool)
        #expect(up.daemonRunning && up.modemPresent && up.simReady && up.onNetwork)
        #expect(up.waiting == 0 && up.errors == 0)
    }

    @Test func aMonitorLineIsReadFieldByField() {
        let status = GammuModemStatus.parse(
            monitorLine: "Gammu 1.42.0 on Linux;office;999999999999999;;3;1;0;100;0\n", waiting: 2, errors: 1)
        #expect(status.daemonRunning && status.modemPresent && !status.simReady && !status.onNetwork)
        #expect(status.sent == 3 && status.received == 1 && status.failed == 0 && status.waiting == 2)
        #expect(!GammuModemStatus.parse(monitorLine: "", waiting: 0, errors: 0).daemonRunning)
    }
}
