// A counsellor's case page for a person with five years of history (issue 23's target: under
// 200 ms). The office: five years of 250 office days with 120 tickets a day (150 000 tickets, a
// third of them of 15 000 registered people); the person: 12 revisions of their details, two
// visits a month (120 tickets), 10 profiles with 2 decisions each, 250 notes, a plan of 60 steps,
// 40 referrals, and the access lines all that wrote. Written into a fresh database file, then
// read through HTTP from the kiosk binary beside this one (`kiosk serve` on the same file): the
// case as the page asks for it (`/api/v1/staff/cases/ID`, every read recorded) and the page
// itself. Median of 15 each. Then a counsellor's due list of follow-ups over 20 000 placed
// cases: median and p95 of 40.
//
// Usage: .build/debug/case-bench or .build-release/release/case-bench (from the repository's
// root: the page needs `Kiosk/`).
import Foundation
import KioskCore
import KioskStore
import KioskTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let temp = try TemporaryDatabase()
defer { temp.remove() }
let office = Fixtures.office
let started = ContinuousClock.now
let fiveYearsAgo = Fixtures.now.addingTimeInterval(-5 * 365 * 86_400)
var days: [CivilDate] = []
var date = office.today(at: fiveYearsAgo)
while days.count < 1250 {
    let weekday = office.calendar.component(
        .weekday,
        from: office.calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 12))!)
    if weekday != 1 && weekday != 7 { days.append(date) }
    date = date.adding(days: 1)
}
var registrations: [BareRegistration] = []
for number in 0..<15_000 {
    registrations.append(
        BareRegistration(
            id: UUID().uuidString.lowercased(), number: number, officeCode: office.code, status: "unemployed",
            createdAt: fiveYearsAgo))
}
let repository = SQLiteRegistrationRepository(database: temp.database, officeCode: office.code)
var person = try await repository.register(try Fixtures.details(), at: fiveYearsAgo)
let services = ["А", "Б", "В", "Г", "Д", "Е"]
var tickets: [Ticket] = []
for (dayIndex, day) in days.enumerated() {
    let opening = office.calendar.date(
        from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 8, minute: 30))!
    // Two visits a month for the person: every tenth office day.
    let personVisits = dayIndex % 10 == 0
    for index in 0..<120 {
        let issued = opening.addingTimeInterval(Double(index) * 250)
        let owner: UUID? =
            personVisits && index == 7
            ? person.id : index % 3 == 0 ? UUID(uuidString: registrations[(dayIndex * 40 + index) % 15_000].id) : nil
        var ticket = Ticket(
            id: UUIDv7.make(at: issued), officeCode: office.code, officeDay: day,
            serviceCode: services[index % services.count], number: index + 1, priority: nil, registrationID: owner,
            language: .mn, issuedAt: issued)
        ticket.state = .finished
        ticket.calledAt = issued.addingTimeInterval(600)
        ticket.servingStartedAt = issued.addingTimeInterval(660)
        ticket.finishedAt = issued.addingTimeInterval(1200)
        ticket.counter = 1 + index % 6
        ticket.staffID = "ajiltan1"
        ticket.outcome = .counselled
        tickets.append(ticket)
    }
}
// The people first: a ticket names its person.
try await temp.database.insertHistory(tickets: [], feedback: [], registrations: registrations)
try await temp.database.insertHistory(tickets: tickets, feedback: [], registrations: [])
for revision in 1...12 {
    var details = person.details
    details.experienceYears = 6 + revision
    person = try await repository.update(
        id: person.id, with: details, at: fiveYearsAgo.addingTimeInterval(Double(revision) * 150 * 86_400),
        by: .staff(id: "ajiltan1", name: "Ажилтан", counter: 1))
}
let cases = SQLiteCaseRepository(database: temp.database, office: office)
let officer = StaffSession(
    token: "t", staffID: "ajiltan1", displayName: "Ажилтан", role: .staff, counter: 1, expiresAt: .distantFuture)
let questionnaire = try ProfilingQuestionnaire.load(
    Data(contentsOf: URL(fileURLWithPath: "Kiosk/reference/profiling.json")))
func day(_ n: Int) -> Date { fiveYearsAgo.addingTimeInterval(Double(n) * 86_400) }
for index in 0..<10 {
    let answers = Dictionary(
        uniqueKeysWithValues: questionnaire.questions.map { ($0.id, $0.answers[index % $0.answers.count].id) })
    try await cases.saveProfile(
        CaseProfile(
            id: UUIDv7.make(at: day(index * 180)), registrationID: person.id, answers: answers,
            suggestion: try questionnaire.suggest(answers), answeredAt: day(index * 180), answeredBy: "ajiltan1"),
        by: officer)
    for decision in 0..<2 {
        _ = try await cases.decide(
            registrationID: person.id,
            ProfileDecision(
                group: .medium, reason: "Ярилцсаны дараа", staffID: "ajiltan1", at: day(index * 180 + decision)),
            by: officer)
    }
}
for index in 0..<250 {
    try await cases.addNote(
        CaseNote(
            id: UUIDv7.make(at: day(index * 7)), registrationID: person.id,
            kind: CaseNoteKind.allCases[index % 4], staffID: "ajiltan1",
            text: "Утсаар ярьж, ажлын байрны мэдээлэл өгсөн. Дараагийн уулзалтыг тохирсон (\(index)).",
            at: day(index * 7), corrects: nil), by: officer)
}
_ = try await cases.savePlan(
    registrationID: person.id, counsellorID: "ajiltan1", goals: "Жолоочийн ажилд орох", by: officer, at: day(0))
var plan: ActionPlan?
for index in 0..<60 {
    plan = try await cases.addStep(
        registrationID: person.id,
        PlanStep(
            id: UUIDv7.make(at: day(index * 30)), horizon: index % 2 == 0 ? .month : .year,
            kind: PlanStepKind.allCases[index % 4], text: "Алхам \(index)",
            dueOn: office.today(at: day(index * 30 + 20)),
            status: .planned, changedAt: day(index * 30), changedBy: "ajiltan1"), by: officer)
}
for step in plan!.steps.prefix(50) {
    _ = try await cases.setStep(registrationID: person.id, stepID: step.id, status: .done, by: officer, at: day(1000))
}
let referrals = SQLiteReferralRepository(database: temp.database, officeCode: office.code)
for index in 0..<40 {
    _ = try await referrals.refer(
        registrationID: person.id, vacancyReference: String(format: "V-2026-%05d", index), note: nil,
        staffID: "ajiltan1", counter: 1, at: day(index * 45))
}
say(
    "data: \(tickets.count) tickets over \(days.count) office days (\(days.count / 10) of the person's),"
        + " \(registrations.count) other people, the person's case (12 revisions, 10 profiles, 250 notes,"
        + " 60 plan steps, 40 referrals) written in \(ContinuousClock.now - started)")

// MARK: The follow-ups due over 20 000 cases

// 5 000 more people (20 000 beside the person), each placed once by ajiltan1 over the last two
// years through one employer's vacancy: 60 000 follow-ups at 3, 6 and 12 months, those of every
// other placement answered once due. Written in bulk (the ids are valid UUIDs numbered by row).
let dueStarted = ContinuousClock.now
try await temp.database.insertHistory(
    tickets: [], feedback: [],
    registrations: (15_000..<20_000).map {
        BareRegistration(
            id: UUID().uuidString.lowercased(), number: $0, officeCode: office.code, status: "unemployed",
            createdAt: fiveYearsAgo)
    })
let today = office.today(at: Fixtures.now).description
let stamp = Outbox.utcTimestamp(Fixtures.now)
let employerID = "00000000-0000-4000-8000-0000000e0001"
let people = "SELECT id AS rid, row_number() OVER (ORDER BY id) AS k FROM registration WHERE id <> ?"
for statement in [
    """
    INSERT INTO employer (id, office_code, register_number, name, name_folded, sector, aimag_code, soum_code,
        contact_name, phone, staff_id, created_at)
    VALUES ('\(employerID)', '\(office.code)', '5099999', 'Тээвэр ХХК', 'тээвэр ххк', 'H', 'UB-SB', 'UB-SB-05',
        'Б. Төмөр', '99114455', 'ajiltan1', '\(stamp)')
    """,
    """
    INSERT INTO office_vacancy (reference, employer_id, office_code, status, posts, filled_posts, newly_created,
        revision, registered_on, staff_id, data, updated_at)
    VALUES ('V-UB-SB-2024-00001', '\(employerID)', '\(office.code)', 'open', 1, 0, 0, 1, '\(today)', 'ajiltan1',
        '{"title": "Ачааны машины жолооч"}', '\(stamp)')
    """,
    """
    INSERT INTO referral (id, office_code, registration_id, vacancy_reference, staff_id, counter, note, created_at)
    SELECT printf('00000000-0000-4000-8000-%012d', k), '\(office.code)', rid, 'V-UB-SB-2024-00001', 'ajiltan1', 1,
        NULL, '\(stamp)' FROM (\(people))
    """,
    """
    INSERT INTO placement (id, referral_id, registration_id, employer_id, vacancy_reference, isco_code,
        newly_created, placed_on, counsellor_id)
    SELECT printf('00000000-0000-4000-9000-%012d', k), printf('00000000-0000-4000-8000-%012d', k), rid,
        '\(employerID)', 'V-UB-SB-2024-00001', '8332', 0, date('\(today)', '-' || (k % 730) || ' days'), 'ajiltan1'
    FROM (\(people))
    """,
    """
    INSERT INTO follow_up (id, placement_id, months, due_on, counsellor_id, answer, channel, answered_on, answered_by)
    SELECT printf('00000000-0000-4000-a%03d-%012d', m.months, p.rowid), p.id, m.months,
        date(p.placed_on, '+' || m.months || ' months'), 'ajiltan1',
        CASE WHEN p.rowid % 2 = 0 AND date(p.placed_on, '+' || m.months || ' months') < '\(today)'
            THEN 'stillInJob' END,
        CASE WHEN p.rowid % 2 = 0 AND date(p.placed_on, '+' || m.months || ' months') < '\(today)' THEN 'call' END,
        CASE WHEN p.rowid % 2 = 0 AND date(p.placed_on, '+' || m.months || ' months') < '\(today)'
            THEN date(p.placed_on, '+' || m.months || ' months') END,
        CASE WHEN p.rowid % 2 = 0 AND date(p.placed_on, '+' || m.months || ' months') < '\(today)'
            THEN 'ajiltan1' END
    FROM placement p CROSS JOIN (SELECT 3 AS months UNION ALL SELECT 6 UNION ALL SELECT 12) m
    """,
] {
    _ = try await temp.database.testSQL(
        statement, arguments: statement.contains("<> ?") ? [person.id.uuidString.lowercased()] : [])
}
let counts = try await temp.database.testSQL(
    "SELECT count(*), sum(answer IS NULL AND due_on <= '\(today)') FROM follow_up")
say(
    "due list: \(counts[0][0] ?? "?") follow-ups of 20 000 placements, \(counts[0][1] ?? "?") open and due today,"
        + " written in \(ContinuousClock.now - dueStarted)")

// MARK: The page through HTTP

guard let kiosk = try await BenchKiosk.start(dataDirectory: temp.directory, portBase: 20_000) else { exit(0) }
defer { kiosk.stop() }
guard let cookie = try await kiosk.signIn("ajiltan1") else {
    say("page: sign-in refused")
    exit(1)
}
let id = person.id.uuidString.lowercased()
func measure(_ name: String, _ path: String, target: Double, runs: Int = 15) async throws {
    var times: [Double] = []
    var size = 0
    for _ in 0..<runs {
        let start = ContinuousClock.now
        let (status, body, _) = try await kiosk.fetch(path, cookie: cookie)
        let elapsed = ContinuousClock.now - start
        guard status == 200 else {
            say("\(name): \(status)")
            exit(1)
        }
        times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        size = body.count
    }
    times.sort()
    let p95 = times[min(times.count - 1, Int((Double(times.count) * 0.95).rounded(.up)) - 1)]
    say(
        "\(name): \(size / 1024) KiB, median \(String(format: "%.1f", times[times.count / 2])) ms, p95 "
            + String(format: "%.1f", p95)
            + " ms (min \(String(format: "%.1f", times[0])), max \(String(format: "%.1f", times[times.count - 1])))"
            + " — target < \(Int(target)) ms")
}
try await measure("case of five years, through HTTP (/api/v1/staff/cases/ID)", "/api/v1/staff/cases/\(id)", target: 200)
try await measure("case page (/staff/cases/ID)", "/staff/cases/\(id)?lang=mn", target: 200)
try await measure(
    "search by registry number",
    "/api/v1/staff/cases?q=\(person.details.registryNumber.value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)",
    target: 200)
try await measure(
    "a counsellor's due follow-ups over 20 000 cases (/api/v1/staff/follow-ups)", "/api/v1/staff/follow-ups",
    target: 200, runs: 40)
