import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import LMISProtocol
import Testing

@testable import LMISSync

/// The hub's indicators broken down by sex, age group, education, disability and time out of
/// work (hub migration v22), from what a kiosk uploaded, over a real PostgreSQL.
@Suite(.serialized) struct IndicatorBreakdownTests {
    @Test func peopleAreCountedByEachDimensionAndAddUpToTheTotals() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        var people: [Registration] = []
        for (index, education, disability, status) in [
            (3, "vocational", false, "unemployed"), (14, "bachelor", true, "unemployed"),
            (25, "vocational", false, "student"), (2000, "upper_secondary", false, "unemployed"),
        ] {
            var form = Fixtures.form(registryNumber: Fixtures.registryNumber(index))
            form.educationCode = education
            form.hasDisability = disability
            form.disabilityDetail = disability ? "Хараа муу" : nil
            form.status = status
            people.append(try await kiosk.registrations.register(try Fixtures.details(form), at: Date()))
        }
        // One profiled as out of work over two years; a visit without a registration.
        let questionnaire = try ProfilingQuestionnaire.load(
            Data(contentsOf: Fixtures.kioskDirectory.appendingPathComponent("reference/profiling.json")))
        var answers = Dictionary(
            uniqueKeysWithValues: questionnaire.questions.map { question in
                (question.id, question.answers.min { $0.weight < $1.weight }!.id)
            })
        answers["timeOutOfWork"] = "over2y"
        try await SQLiteCaseRepository(database: kiosk.temp.database, office: kiosk.office).saveProfile(
            CaseProfile(
                id: UUIDv7.make(at: Date()), registrationID: people[1].id, answers: answers,
                suggestion: try questionnaire.suggest(answers), answeredAt: Date(), answeredBy: nil), by: nil)
        try await kiosk.visit(outcome: .counselled)
        #expect(try await kiosk.syncUntilDone().error == nil)

        let today = kiosk.office.today(at: Date())
        let month = String(today.description.prefix(7))
        let (status, body) = try await hub.call("GET", "/admin/offices/UB-SB/indicators/breakdown?month=\(month)")
        #expect(status == 200)
        let breakdown = try LMISCoding.decoder.decode(IndicatorBreakdown.self, from: body)
        #expect(breakdown.totals.registeredJobseekers == 4 && breakdown.totals.registeredUnemployed == 3)
        #expect(breakdown.totals.careerGuidanceBeneficiaries == 1)
        #expect(breakdown.notBrokenDown == ["registeredVacancies", "newlyCreatedJobs"])
        #expect(breakdown.dimensions.map(\.name) == ["sex", "ageGroup", "education", "disability", "timeUnemployed"])

        func groups(_ name: String) -> [String: IndicatorBreakdown.Group] {
            let dimension = breakdown.dimensions.first { $0.name == name }
            return Dictionary(uniqueKeysWithValues: (dimension?.groups ?? []).map { ($0.value, $0) })
        }
        // Every dimension adds up to the totals; the visit without a registration is `unknown`.
        for dimension in breakdown.dimensions {
            #expect(dimension.groups.reduce(0) { $0 + $1.registeredJobseekers } == 4, "\(dimension.name)")
            #expect(dimension.groups.reduce(0) { $0 + $1.registeredUnemployed } == 3, "\(dimension.name)")
            #expect(dimension.groups.reduce(0) { $0 + $1.careerGuidanceBeneficiaries } == 1, "\(dimension.name)")
            #expect(groups(dimension.name)["unknown"]?.careerGuidanceBeneficiaries == 1, "\(dimension.name)")
            if dimension.name != "education" {
                #expect(dimension.groups.allSatisfy { $0.label != nil }, "\(dimension.name) labelled in mn and en")
            }
        }
        // Sex and age group as the registry numbers give them, at the month's last day.
        let sexes = Dictionary(grouping: people, by: { $0.details.sex.rawValue }).mapValues { Int64($0.count) }
        #expect(groups("sex")["female"]?.registeredJobseekers == sexes["female"] ?? 0)
        #expect(groups("sex")["male"]?.registeredJobseekers == sexes["male"] ?? 0)
        #expect(groups("sex")["female"]?.label?.mn == "Эмэгтэй")
        var next = CivilDate(year: today.year, month: today.month, day: 1)!.adding(days: 31)
        next = CivilDate(year: next.year, month: next.month, day: 1)!
        let lastDay = next.adding(days: -1)
        let ages = people.map { person -> String in
            switch person.details.birthDate.age(on: lastDay) {
            case ..<25: "15-24"
            case ..<35: "25-34"
            case ..<55: "35-54"
            default: "55+"
            }
        }
        for group in ["15-24", "25-34", "35-54", "55+"] {
            #expect(
                groups("ageGroup")[group]?.registeredJobseekers == Int64(ages.filter { $0 == group }.count), "\(group)")
        }
        #expect(groups("education")["vocational"]?.registeredJobseekers == 2)
        #expect(groups("education")["vocational"]?.registeredUnemployed == 1)
        #expect(groups("education")["bachelor"]?.registeredJobseekers == 1)
        #expect(groups("education")["upper_secondary"]?.registeredUnemployed == 1)
        #expect(groups("disability")["yes"]?.registeredJobseekers == 1)
        #expect(groups("disability")["no"]?.registeredJobseekers == 3)
        #expect(groups("timeUnemployed")["over2y"]?.registeredUnemployed == 1)
        #expect(groups("timeUnemployed")["notProfiled"]?.registeredJobseekers == 3)
        #expect(groups("timeUnemployed")["under3m"]?.registeredJobseekers == 0, "listed with zero")

        // Operators only; a malformed month is refused clearly.
        let anonymous = try await hub.admin.send(
            "GET", "/admin/offices/UB-SB/indicators/breakdown", body: nil, signer: nil, extraHeaders: [:])
        #expect(anonymous.status == 401)
        let (bad, badBody) = try await hub.call("GET", "/admin/offices/UB-SB/indicators/breakdown?month=2026-1")
        #expect(bad == 400 && String(decoding: badBody, as: UTF8.self).contains("YYYY-MM"))
        await kiosk.engine.shutdown()
        await hub.stop()
    }
}
