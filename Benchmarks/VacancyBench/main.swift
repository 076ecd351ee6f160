// Figures of issue 7 on 50,000 open vacancies in a kiosk database (release build, through
// Benchmarks/run.sh):
//   1. search plus filters: 400 queries of words a visitor types, with and without filters;
//   2. ranked matches for one jobseeker: 200 people;
//   3. the 500-row A4 list printed end to end: POST /api/v1/vacancies/print to the release
//      `kiosk serve`, until the PDF lands at the print lab's IPP Everywhere printer.
// `vacancy-bench --quick` uses 5,000 vacancies; `--no-print` stops before the printing figure.
import Foundation
import KioskCore
import KioskStore
import KioskTestSupport

let quick = CommandLine.arguments.contains("--quick")
let vacancyCount = quick ? 5_000 : 50_000
// The same vacancies on every run (`Xorshift` and the figures: KioskTestSupport).
var random = Xorshift(state: 2026)

let reference = try Fixtures.bundledReferenceData()
let catalog = ReferenceCatalog(reference)
let groups = reference.occupations.filter { $0.code.count == 2 }
let units = catalog.topLevelUnits
let jobs: [(mn: String, en: String)] = [
    ("жолооч", "driver"), ("туслах ажилтан", "assistant"), ("нягтлан бодогч", "accountant"),
    ("худалдагч", "salesperson"),
    ("тогооч", "cook"), ("үйлчлэгч", "cleaner"), ("барилгачин", "builder"), ("өрлөгчин", "bricklayer"),
    ("гагнуурчин", "welder"), ("цахилгаанчин", "electrician"), ("багш", "teacher"), ("сувилагч", "nurse"),
    ("харуул хамгаалагч", "security guard"), ("нярав", "storekeeper"), ("менежер", "manager"),
    ("оператор", "operator"), ("механик", "mechanic"), ("оёдолчин", "tailor"), ("малчин", "herder"),
    ("мэргэжилтэн", "specialist"),
]
let qualifiers = ["ахлах", "дадлагажигч", "ээлжийн", "үйлдвэрийн", "оффисын", "агуулахын", "", "", "", ""]
let skills = [
    "жолоо барих", "гар багаж", "цэвэрлэгээ", "компьютер", "Excel", "англи хэл", "орос хэл", "гагнуур", "өрлөг",
    "нягтлан бодох бүртгэл", "худалдаа", "харилцаа", "үйлчилгээ", "хоол хийх", "оёдол", "мал аж ахуй",
    "цахилгаан угсралт", "сантехник", "ачаа тээвэр", "агуулах", "касс", "хүүхэд харах", "анхны тусламж", "будаг",
    "мужаан", "хүнд машин", "трактор", "засвар", "борлуулалт", "бараа тооллого",
]
let employers = (0..<400).map { index in
    ["Өргөө", "Түмэн", "Монгол", "Үүрийн гэгээ", "Эрдэнэ", "Говь", "Хангай", "Сүлд", "Номин", "Оюу"][index % 10]
        + " \(["ХХК", "ТӨХК", "ХК", "ББСБ"][index % 4]) \(index)"
}
let educationCodes = [nil, nil, "primary", "lower_secondary", "upper_secondary", "vocational", "bachelor"]
let hoursValues = ["fullTime", "fullTime", "fullTime", "partTime", "shift", "seasonal"]

func day(_ offset: Int) -> String { CivilDate(year: 2026, month: 11, day: 23)!.adding(days: -offset).description }

var vacancies: [Vacancy] = []
vacancies.reserveCapacity(vacancyCount)
for index in 0..<vacancyCount {
    let job = jobs.randomElement(using: &random)!
    let qualifier = qualifiers.randomElement(using: &random)!
    let group = groups.randomElement(using: &random)!
    let unit = units.randomElement(using: &random)!
    let soums = catalog.children(of: unit.code)
    let low = 600_000 + Int.random(in: 0..<40, using: &random) * 50_000
    vacancies.append(
        Vacancy(
            reference: String(format: "V-2026-%06d", index),
            title: qualifier.isEmpty ? job.mn : "\(qualifier) \(job.mn)",
            titleEn: job.en, iscoCode: group.code + String(format: "%02d", Int.random(in: 11..<40, using: &random)),
            employer: employers.randomElement(using: &random)!, aimagCode: unit.code,
            soumCode: soums.randomElement(using: &random)?.code, wageMin: low,
            wageMax: low + Int.random(in: 0..<20, using: &random) * 50_000,
            hours: hoursValues.randomElement(using: &random)!,
            education: educationCodes.randomElement(using: &random)!,
            skills: Array(skills.shuffled(using: &random).prefix(Int.random(in: 0...4, using: &random))),
            licences: Int.random(in: 0..<10, using: &random) == 0 ? ["driving-c"] : [],
            experienceYears: Int.random(in: 0...5, using: &random), posts: 1 + index % 3,
            postedOn: day(Int.random(in: 0..<90, using: &random)),
            closesOn: day(-Int.random(in: 1..<60, using: &random)),
            howToApply: "Анкетаа ажилтан 3-т өгнө үү. Утас 7011-\(1000 + index % 9000)."))
}

/// Resident memory of this process, from /proc.
func residentMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
}

let temp = try TemporaryDatabase()
defer { temp.remove() }
let stored = try await ContinuousClock().measure { try await VacancyFixtures.store(vacancies, in: temp.database) }
let vacancyCatalog = SQLiteVacancyCatalog(database: temp.database)
let today = CivilDate(year: 2026, month: 11, day: 23)!
let residentBefore = residentMegabytes()
let firstLoad = try await ContinuousClock().measure {
    _ = try await vacancyCatalog.search(VacancyQuery(), today: today)
}
let residentAfter = residentMegabytes()
say(
    "\(vacancyCount) vacancies written in \(String(format: "%.1f", milliseconds(stored) / 1000)) s; "
        + "facts loaded into memory in \(String(format: "%.0f", milliseconds(firstLoad))) ms (in the background"
        + " after a sync), resident memory +\(String(format: "%.0f", residentAfter - residentBefore)) MB")

// 1. Search.
let words = [
    "жолооч", "туслах", "ажилтан", "нягтлан", "ТОГООЧ", "үйлчлэгч", "өрлөг", "гагнуур", "багш", "сувилагч",
    "харуул", "driver", "cook", "welder", "teacher", "Өргөө", "говь", "excel", "англи хэл", "жолоо барих",
    "ахлах нягтлан", "менежер", "оператор", "механик", "", "", "ххк", "мэргэжилтэн",
]
var searchTimes: [Double] = []
var wordTimes: [Double] = []
var found = 0
for index in 0..<400 {
    var query = VacancyQuery()
    query.text = words[index % words.count]
    if index % 3 == 0 { query.aimagCode = units[index % units.count].code }
    if index % 4 == 0 { query.minimumWage = 1_200_000 }
    if index % 5 == 0 { query.hours = "fullTime" }
    if index % 7 == 0 { query.postedWithinDays = 30 }
    if index % 11 == 0 { query.occupationGroup = "8" }
    query.page = 1 + index % 3
    let clock = ContinuousClock()
    let begin = clock.now
    found += try await vacancyCatalog.search(query, today: today).total
    let elapsed = milliseconds(clock.now - begin)
    searchTimes.append(elapsed)
    if !query.text.isEmpty && query.aimagCode == nil { wordTimes.append(elapsed) }
}
say("search plus filters (\(vacancyCount) open, 400 queries): \(figures(searchTimes)) — target p95 < 50 ms")
say("  of which words without a place filter (\(wordTimes.count)): \(figures(wordTimes))")
var everything = VacancyQuery()
everything.text = "ххк"  // in every employer's name: the most a word can match
let worst = try await (0..<20).asyncMap { _ in
    try await ContinuousClock().measure { _ = try await vacancyCatalog.search(everything, today: today) }
}.map(milliseconds)
say("  a word in every vacancy (\"ххк\", 20 runs): \(figures(worst))")

// 2. Matches.
let matcher = JobMatcher(reference: catalog)
var matchTimes: [Double] = []
var matched = 0
for index in 0..<200 {
    let unit = units[index % units.count]
    let profile = JobseekerProfile(
        occupationCodes: [groups[index % groups.count].code], skills: Array(skills.shuffled(using: &random).prefix(3)),
        educationCode: ["lower_secondary", "upper_secondary", "vocational", "bachelor"][index % 4],
        licences: index % 5 == 0 ? ["driving-c"] : [], experienceYears: index % 8, aimagCode: unit.code,
        soumCode: catalog.children(of: unit.code).first?.code)
    let begin = ContinuousClock.now
    matched += try await vacancyCatalog.matches(for: profile, matcher: matcher, today: today, page: 1, pageSize: 10)
        .total
    matchTimes.append(milliseconds(ContinuousClock.now - begin))
}
say(
    "ranked matches for one jobseeker (200 people, \(matched / 200) matches each on average): \(figures(matchTimes))"
        + " — target < 100 ms")

// 3. The 500-row A4 list through the release kiosk, a private cupsd and ippeveprinter.
let kioskBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
    "kiosk")
if CommandLine.arguments.contains("--no-print") { exit(0) }
guard FileManager.default.fileExists(atPath: kioskBinary.path) else {
    say("A4 list end to end: skipped (build the release kiosk first: Benchmarks/run.sh)")
    exit(0)
}
let lab = try PrintLab.shared.get()
let port = 20_000 + Int.random(in: 0..<20_000)
let kiosk = Process()
kiosk.executableURL = kioskBinary
kiosk.arguments = [
    "serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", temp.directory.path, "--kiosk-dir",
    Fixtures.kioskDirectory.path,
]
var environment = ProcessInfo.processInfo.environment
environment["KIOSK_CUPS_SERVER"] = lab.cupsServer
environment["KIOSK_A4_QUEUE"] = "A4"
environment["KIOSK_THERMAL_QUEUE"] = "Thermal"
environment["KIOSK_FINGERPRINT_READER"] = "none"
environment["KIOSK_LOG_LEVEL"] = "error"
environment["KIOSK_SYNC_INTERVAL"] = "3600"
kiosk.environment = environment
try kiosk.run()
defer { kiosk.terminate() }

/// `curl` the kiosk; the answer body.
func curl(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-sS", "--max-time", "30"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice  // "connection refused" while the kiosk starts
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
let base = "http://127.0.0.1:\(port)"
var ready = false
for _ in 0..<400 where !ready {
    ready = (try? curl(["-f", base + "/healthz"]))?.contains("ok") == true
    if !ready { try await Task.sleep(for: .milliseconds(50)) }
}
guard ready else {
    say("A4 list end to end: the kiosk did not start")
    exit(1)
}
let body = #"{"printer": "a4", "language": "mn", "search": "q=%D0%B0%D0%B6%D0%B8%D0%BB%D1%82%D0%B0%D0%BD"}"#  // ажилтан
var answered: [Double] = []
var printed: [Double] = []
var pages = ""
var lastDocument: URL?
for run in 0..<6 {
    // One list on an idle printer, as at a kiosk: cupsd's ipp backend stays about a second after
    // each job to see it completed, and a job sent meanwhile waits for it.
    try await lab.quiesce()
    let before = lab.a4Documents().count
    let begin = ContinuousClock.now
    let answer = try curl([
        "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body, base + "/api/v1/vacancies/print",
    ])
    let sent = milliseconds(ContinuousClock.now - begin)
    guard answer.contains("\"sent\"") else {
        say("A4 list end to end: not sent: \(answer)")
        exit(1)
    }
    let documents = try await lab.waitForA4(before + 1, timeout: .seconds(30))
    let landed = milliseconds(ContinuousClock.now - begin)
    lastDocument = documents.last
    if run == 0 {
        let text = try PDFText.extract(try Data(contentsOf: documents.last!))
        let rows = text.components(separatedBy: "V-2026-").count - 1
        pages = "\(rows) rows, \(text.components(separatedBy: "\u{0C}").count - 1) pages"
        continue  // the first run warms the kiosk's fonts and the facts
    }
    answered.append(sent)
    printed.append(landed)
}
say(
    "A4 list, 500 rows (\(pages)) end to end: from the kiosk's request to the job accepted by cupsd"
        + " \(figures(answered)) — target < 1 s")
// What the lab's printer adds on its own: the same PDF handed to cupsd by `lp`, until it lands.
var alone: [Double] = []
for _ in 0..<5 {
    try await lab.quiesce()
    let before = lab.a4Documents().count
    let begin = ContinuousClock.now
    let lp = Process()
    lp.executableURL = URL(fileURLWithPath: "/usr/bin/lp")
    lp.arguments = ["-h", lab.cupsServer, "-d", "A4", lastDocument!.path]
    lp.standardOutput = FileHandle.nullDevice
    try lp.run()
    lp.waitUntilExit()
    _ = try await lab.waitForA4(before + 1, timeout: .seconds(30))
    alone.append(milliseconds(ContinuousClock.now - begin))
}
say(
    "  until the PDF lands at the lab's IPP Everywhere printer: \(figures(printed)); the same PDF sent by `lp`"
        + " alone lands in \(figures(alone))")

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
