// Text messages (issue 22): 10 000 queued messages handed to gammu-smsd's outbox (each written,
// synced and renamed into the spool, then marked handed), with the time and the peak memory;
// then the delay from a message queued (the transaction of the event that causes it, such as
// "3 people ahead") to its file in the daemon's outbox, with the sender's loop running as in
// `kiosk serve`: p50 and p95 of 200 messages queued 50 ms apart. No daemon runs: the figures are
// the kiosk's side of the hand-over (the daemon then sends about one a second on a modem).
//
// Then the weekly vacancy digest for `--digest-people` (20 000) people who agreed to it, with 200
// vacancies posted that week: the time of the run that matches everyone and queues their
// messages (titles, "+N more", link), the messages and parts queued, and a second run the same week
// (which finds every message already queued).
//
// Usage: .build-release/release/sms-bench [--messages N] [--digest-people N]
import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import Logging

func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
func peakMemoryMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

let arguments = CommandLine.arguments
let count = arguments.firstIndex(of: "--messages").flatMap { Int(arguments[$0 + 1]) } ?? 10_000
let temp = try TemporaryDatabase()
let spool = FileManager.default.temporaryDirectory.appendingPathComponent("sms-bench-\(UUID().uuidString)")
defer {
    temp.remove()
    try? FileManager.default.removeItem(at: spool)
}
let transport = GammuSMSTransport(spool: spool)
try transport.prepare()
let rules = SMSRules(timeZone: TimeZone(identifier: "Asia/Ulaanbaatar")!, dailyLimit: 1_000_000)
let queue = SQLiteSMSQueue(database: temp.database, rules: rules)
var logger = Logger(label: "sms-bench")
logger.logLevel = .error
let sender = SMSSender(queue: queue, transport: transport, logger: logger)

// Distinct numbers in the 99 range (the per-number daily limit is per number).
let phones = try (0..<count).map { try PhoneNumber(parsing: String(format: "99%06d", $0)) }
let queuedStart = ContinuousClock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    for chunk in stride(from: 0, to: count, by: count / 8 + 1) {
        group.addTask {
            for index in chunk..<min(count, chunk + count / 8 + 1) {
                try await queue.queue(
                    kind: .oneTimeCode, to: phones[index], text: "Таны нэг удаагийн код: \(100_000 + index). 5 минут.",
                    at: Date())
            }
        }
    }
    try await group.waitForAll()
}
let queuedTime = ContinuousClock.now - queuedStart
let handStart = ContinuousClock.now
let handed = try await sender.handDue()
let handTime = ContinuousClock.now - handStart
let files = try FileManager.default.contentsOfDirectory(atPath: spool.appendingPathComponent("outbox").path).count
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
say(
    String(
        format:
            "sms: %d messages queued in %.2f s (8 writers); handed to the outbox in %.2f s (%.0f a second), %d files; peak memory %.0f MB",
        count, seconds(queuedTime), seconds(handTime), Double(handed) / seconds(handTime), files, peakMemoryMB()))

// The delay from queued to the file in the outbox, with the sender's loop running: the queue
// time is the message id's (UUIDv7, milliseconds), the file's is its change time (the rename).
let loop = Task { await sender.run() }
var queuedAt: [String: Date] = [:]
for n in 0..<200 {
    let phone = phones[n]
    try await queue.setConsent(phone: phone, kind: .turnNear, granted: true, source: .kiosk, at: Date())
    let id = try await queue.queue(kind: .turnNear, to: phone, text: "А\(n): таны өмнө 3 хүн байна.", at: Date())
    queuedAt[id.uuidString.lowercased().replacingOccurrences(of: "-", with: "")] = UUIDv7.timestamp(of: id)
    try await Task.sleep(for: .milliseconds(50))
}
try await Task.sleep(for: .seconds(1))
loop.cancel()
let outbox = spool.appendingPathComponent("outbox")
var delays: [Double] = []
for name in try FileManager.default.contentsOfDirectory(atPath: outbox.path) {
    guard let dot = name.lastIndex(of: "."), let underscore = name[..<dot].lastIndex(of: "_"),
        let queued = queuedAt[String(name[name.index(after: underscore)..<dot])]
    else { continue }
    var info = stat()
    guard stat(outbox.appendingPathComponent(name).path, &info) == 0 else { continue }
    let changed = Double(info.st_ctim.tv_sec) + Double(info.st_ctim.tv_nsec) / 1e9
    delays.append((changed - queued.timeIntervalSince1970) * 1000)
}
let sorted = delays.sorted()
func percentile(_ values: [Double], _ p: Double) -> Double {
    values.isEmpty ? .nan : values[min(values.count - 1, Int(Double(values.count) * p))]
}
say(
    String(
        format: "sms: queued to the daemon's outbox, %d messages: p50 %.0f ms, p95 %.0f ms, max %.0f ms",
        sorted.count, percentile(sorted, 0.5), percentile(sorted, 0.95), sorted.last ?? .nan))

// The weekly digest over many people.
let digestPeople = arguments.firstIndex(of: "--digest-people").flatMap { Int(arguments[$0 + 1]) } ?? 20_000
let digestTemp = try TemporaryDatabase()
defer { digestTemp.remove() }
let reference = try Fixtures.catalog()
let validator = RegistrationValidator(catalog: reference, consentTextVersion: "bench")
var random = Xorshift(state: 22)
let occupations = ["8332", "8331", "7112", "7115", "9313", "5120", "9412", "5223", "4110", "2411", "7231", "8322"]
let skillWords = [
    "жолоо барих", "ачаа тээвэр", "өрлөг", "гагнуур", "хоол хийх", "англи хэл", "excel", "харилцаа", "засвар",
    "цахилгаан", "мод", "борлуулалт", "нягтлан бодох", "компьютер", "угсралт", "будаг",
]
let places = reference.children(of: "UB-SB").map(\.code) + reference.children(of: "UB-BZ").map(\.code)
var people: [Registration] = []
for index in 0..<digestPeople {
    var form = Fixtures.form(registryNumber: Fixtures.registryNumber(index))
    let place = places.randomElement(using: &random)!
    form.phone = String(format: "88%06d", index)
    form.aimagCode = String(place.prefix(5))
    form.soumCode = place
    form.occupationCode = occupations.randomElement(using: &random)
    form.desiredOccupationCode = occupations.randomElement(using: &random)
    form.skills = (0..<Int.random(in: 1...4, using: &random)).map { _ in skillWords.randomElement(using: &random)! }
    form.language = index % 5 == 0 ? "en" : "mn"
    let details = try validator.validate(form, today: Fixtures.office.today(at: Fixtures.now), now: Fixtures.now).get()
    people.append(
        Registration(
            id: UUIDv7.make(at: Fixtures.now.addingTimeInterval(Double(index))),
            reference: Registration.reference(officeCode: "UB-SB", number: Int64(index + 1)), officeCode: "UB-SB",
            revision: 1, details: details, createdAt: Fixtures.now, updatedAt: Fixtures.now))
}
try await digestTemp.database.insertRegistrations(people)
_ = try await digestTemp.database.testSQL(
    """
    INSERT INTO sms_consent (phone, kind, granted_at, source)
    SELECT phone, 'vacancy_digest', '2026-11-22T06:00:00.000Z', 'kiosk' FROM registration
    """)
let titles = ["Ачааны машины жолооч", "Барилгын өрлөгчин", "Тогооч", "Нягтлан бодогч", "Цахилгаанчин", "Худалдагч"]
try await VacancyFixtures.store(
    (0..<200).map { index in
        VacancyFixtures.vacancy(
            String(format: "V-2026-%05d", index), "\(titles[index % titles.count]) \(index)",
            isco: occupations[index % occupations.count], aimag: String(places[index % places.count].prefix(5)),
            soum: places[index % places.count],
            skills: Array(skillWords.shuffled(using: &random).prefix(1 + index % 3)), posted: "2026-12-05",
            closes: "2027-01-31")
    }, in: digestTemp.database)
let monday = try Outbox.parseUTCTimestamp("2026-12-07T04:00:00.000Z")  // Monday 12:00 in Ulaanbaatar
let wording = SMSWording(
    templates: [
        "vacancyDigest": LocalizedText(
            mn: "ХХҮХ: танд {count} шинэ ажил: {titles}. Бүгд: {link} ЗОГС-болих",
            en: "Labour office: {count} new jobs for you: {titles}. All: {link} Reply STOP to end."),
        "vacancyDigestMore": LocalizedText(mn: "+{more} бусад", en: "+{more} more"),
    ])
let digests = VacancyDigests(
    database: digestTemp.database, catalog: SQLiteVacancyCatalog(database: digestTemp.database),
    matcher: JobMatcher(reference: reference), rules: rules, wording: wording,
    publicURL: "https://ub-sb.hudulmur.mn")
let digestStart = ContinuousClock.now
let digested = try await digests.run(at: monday)
let digestTime = ContinuousClock.now - digestStart
let againStart = ContinuousClock.now
let again = try await digests.run(at: monday.addingTimeInterval(300))
let againTime = ContinuousClock.now - againStart
let shape = try await digestTemp.database.testSQL(
    "SELECT count(*), sum(parts), max(parts) FROM sms_message WHERE kind = 'vacancy_digest'")
say(
    String(
        format:
            "digest: %d people who agreed, 200 new vacancies: %d messages queued in %.2f s (%d parts, at most %d a message); the same week again: %d in %.2f s; peak memory %.0f MB",
        digestPeople, digested, seconds(digestTime), Int(shape[0][1] ?? "") ?? 0, Int(shape[0][2] ?? "") ?? 0, again,
        seconds(againTime), peakMemoryMB()))
