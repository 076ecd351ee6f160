// Figures of issue 27 on 50,000 registered jobseekers in a kiosk database (release build):
// the candidates for a vacancy, ranked by `JobMatcher` from the vacancy's side without those
// already referred or placed, and the first page of 20 read as the console shows it.
//   - cold: the first query, which loads every person's profile from SQLite;
//   - warm: 200 queries over 20 vacancies of different occupations, skills and places;
//   - after a change: each query right after a registration changed (the changed person is read again).
// `employer-bench --quick` uses 5,000 people.
import Foundation
import KioskCore
import KioskStore
import KioskTestSupport

let quick = CommandLine.arguments.contains("--quick")
let peopleCount = quick ? 5_000 : 50_000
// The same people on every run (`Xorshift` and the figures: KioskTestSupport).
var random = Xorshift(state: 27)

let temp = try TemporaryDatabase()
defer { temp.remove() }
let catalog = try Fixtures.catalog()
let office = Fixtures.office
let validator = RegistrationValidator(catalog: catalog, consentTextVersion: "bench")
let today = office.today(at: Fixtures.now)

let occupations = ["8332", "8331", "83", "7112", "7115", "9313", "5120", "9412", "5223", "4110", "2411", "7231"]
let skillWords = [
    "жолоо барих", "ачаа тээвэр", "өрлөг", "гагнуур", "хоол хийх", "англи хэл", "excel", "харилцаа", "засвар",
    "цахилгаан", "мод", "борлуулалт", "нягтлан бодох", "компьютер", "угсралт", "будаг",
]
let places = catalog.children(of: "UB-SB").map(\.code) + catalog.children(of: "UB-BZ").map(\.code)
let educations = ["primary", "lower_secondary", "upper_secondary", "vocational", "bachelor"]
let statuses = ["unemployed", "unemployed", "unemployed", "employedLooking", "student", "herder"]

let started = ContinuousClock.now
var batch: [Registration] = []
for index in 0..<peopleCount {
    var form = Fixtures.form(registryNumber: Fixtures.registryNumber(index))
    let place = places.randomElement(using: &random)!
    form.aimagCode = String(place.prefix(5))
    form.soumCode = place
    form.occupationCode = occupations.randomElement(using: &random)
    form.desiredOccupationCode = occupations.randomElement(using: &random)
    form.skills = (0..<Int.random(in: 1...4, using: &random)).map { _ in skillWords.randomElement(using: &random)! }
    form.educationCode = educations.randomElement(using: &random)
    form.licences = Bool.random(using: &random) ? ["driving-c"] : []
    form.experienceYears = Int.random(in: 0...8, using: &random)
    form.status = statuses.randomElement(using: &random)
    let details = try validator.validate(form, today: today, now: Fixtures.now).get()
    batch.append(
        Registration(
            id: UUIDv7.make(at: Fixtures.now.addingTimeInterval(Double(index))),
            reference: Registration.reference(officeCode: office.code, number: Int64(index + 1)),
            officeCode: office.code, revision: 1, details: details, createdAt: Fixtures.now, updatedAt: Fixtures.now))
    if batch.count == 5_000 {
        try await temp.database.insertRegistrations(batch)
        batch.removeAll(keepingCapacity: true)
    }
}
try await temp.database.insertRegistrations(batch)
say(
    "\(peopleCount) registrations written in \(String(format: "%.1f", milliseconds(ContinuousClock.now - started) / 1000)) s"
)

let repository = SQLiteEmployerRepository(database: temp.database, officeCode: office.code)
let registrations = SQLiteRegistrationRepository(database: temp.database, officeCode: office.code)
let desk = EmployerDesk(
    repository: repository, registrations: registrations, catalog: catalog, office: office, now: { Fixtures.now })
let officer = StaffSession(
    token: "t", staffID: "bench", displayName: "Bench", role: .staff, counter: 1, expiresAt: .distantFuture)
let employer = try await desk.register(
    EmployerForm(
        name: "Тээвэр ХХК", registerNumber: "5012345", sector: "H", aimagCode: "UB-SB", soumCode: "UB-SB-05",
        contactName: "Б. Төмөр", phone: "99114455"), by: officer)
var references: [String] = []
for index in 0..<20 {
    let place = places[index % places.count]
    let vacancy = try await desk.recordVacancy(
        VacancyForm(
            title: "Ажлын байр \(index)", iscoCode: ["8332", "7112", "5120", "4110", "7231"][index % 5],
            skills: Array(skillWords.shuffled(using: &random).prefix(1 + index % 3)),
            education: index % 2 == 0 ? "upper_secondary" : nil, licences: index % 5 == 0 ? ["driving-c"] : [],
            experienceYears: index % 4, aimagCode: String(place.prefix(5)), soumCode: place, hours: "fullTime",
            posts: 3, closesOn: today.adding(days: 60).description, howToApply: "Ажилтан 3-т"),
        employerID: employer.id, by: officer)
    references.append(vacancy.reference)
}

/// One console query: the ranked candidates and the first page's 20 people read.
func query(_ reference: String) async throws -> Int {
    let ranked = try await desk.candidates(for: reference, filter: CandidateFilter())
    for candidate in ranked.prefix(20) { _ = try await registrations.registration(id: candidate.registrationID) }
    return ranked.count
}

var clock = ContinuousClock.now
let coldCount = try await query(references[0])
say(
    String(
        format: "cold (profiles loaded from SQLite): %.1f ms, %d candidates", milliseconds(ContinuousClock.now - clock),
        coldCount))

var times: [Double] = []
var found: [Int] = []
for round in 0..<200 {
    clock = ContinuousClock.now
    found.append(try await query(references[round % references.count]))
    times.append(milliseconds(ContinuousClock.now - clock))
}
say("warm, 200 queries over 20 vacancies (\(found.min()!)–\(found.max()!) candidates): \(figures(times))")

var changed: [Double] = []
for round in 0..<10 {
    _ = try await temp.database.testSQL(
        "UPDATE registration SET experience_years = ? WHERE rowid = ?",
        arguments: [String(round % 9), String(round + 1)])
    clock = ContinuousClock.now
    _ = try await query(references[round])
    changed.append(milliseconds(ContinuousClock.now - clock))
}
say("right after a registration changed (the changed person read again), 10 queries: \(figures(changed))")
