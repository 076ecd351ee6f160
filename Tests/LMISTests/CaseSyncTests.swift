import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import LMISProtocol
import Testing

@testable import LMISSync

/// The case file's records reach the hub (migration v14) once each, over a real PostgreSQL.
@Suite(.serialized) struct CaseSyncTests {
    @Test func profilesDecisionsNotesAndPlansReachTheHubOnce() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        let person = try await kiosk.register(0)
        _ = await kiosk.engine.round()
        let cases = SQLiteCaseRepository(database: kiosk.temp.database, office: kiosk.office)
        let officer = StaffSession(
            token: "t", staffID: "oyuna", displayName: "Оюунаа", role: .staff, counter: 2, expiresAt: Date() + 600)
        let questionnaire = try ProfilingQuestionnaire.load(
            Data(contentsOf: Fixtures.kioskDirectory.appendingPathComponent("reference/profiling.json")))
        var answers = Dictionary(
            uniqueKeysWithValues: questionnaire.questions.map { question in
                (question.id, question.answers.min { $0.weight < $1.weight }!.id)
            })
        answers["literacy"] = "reading"
        let suggestion = try questionnaire.suggest(answers)
        let profile = CaseProfile(
            id: UUIDv7.make(at: Date()), registrationID: person.id, answers: answers, suggestion: suggestion,
            answeredAt: Date(), answeredBy: nil)
        try await cases.saveProfile(profile, by: nil)
        _ = try await cases.decide(
            registrationID: person.id,
            ProfileDecision(group: .high, reason: "Бичиг үсэг тайлагдаагүй", staffID: "oyuna", at: Date()), by: officer)
        let note = CaseNote(
            id: UUIDv7.make(at: Date()), registrationID: person.id, kind: .homeVisit, staffID: "oyuna",
            text: "Сумын төвд уулзсан", at: Date(), corrects: nil)
        try await cases.addNote(note, by: officer)
        _ = try await cases.savePlan(
            registrationID: person.id, counsellorID: "oyuna", goals: "Унших чадвар сайжруулах", by: officer, at: Date())
        let plan = try await cases.addStep(
            registrationID: person.id,
            PlanStep(
                id: UUIDv7.make(at: Date()), horizon: .month, kind: .counselling, text: "Зөвлөгөө",
                dueOn: kiosk.office.today(at: Date()).adding(days: 7), status: .planned, changedAt: Date(),
                changedBy: "oyuna"), by: officer)
        _ = try await cases.setStep(
            registrationID: person.id, stepID: plan.steps[0].id, status: .done, by: officer, at: Date())

        #expect(await kiosk.engine.round().uploaded[.applied] == 6)
        let id = person.id.uuidString.lowercased()
        #expect(
            try hub.count(
                """
                SELECT count(*) FROM case_profile WHERE registration_id = '\(id)' AND suggested_group = 'medium'
                AND reasons = ARRAY['literacy.reading'] AND staff_id IS NULL AND answers ->> 'literacy' = 'reading'
                """) == 1)
        #expect(
            try hub.scalar("SELECT profile_group || ':' || staff_id FROM case_profile_decision") == "high:oyuna")
        #expect(try hub.scalar("SELECT kind || ':' || text FROM case_note") == "homeVisit:Сумын төвд уулзсан")
        #expect(
            try hub.scalar("SELECT revision || ':' || (steps -> 0 ->> 'status') FROM action_plan")
                == "3:done", "the newest revision of the plan")
        // Nothing is left to send, and a resend of what was applied changes nothing.
        #expect(await kiosk.engine.round().uploaded[.applied] ?? 0 == 0)
        #expect(try hub.count("SELECT count(*) FROM case_note") == 1)

        // Another office identifying the person asks the hub for the case: profile, open plan, outcomes.
        let summary = try await kiosk.engine.caseSummary(registryNumber: person.details.registryNumber.value)
        #expect(summary.found && summary.offices == ["UB-SB"])
        #expect(summary.profile?.group == "high" && summary.profile?.decided == true)
        #expect(summary.plan?.goals == "Унших чадвар сайжруулах" && summary.plan?.openSteps.isEmpty == true)
        let stranger = try await kiosk.engine.caseSummary(registryNumber: Fixtures.registryNumber(77))
        #expect(!stranger.found && stranger.profile == nil && stranger.plan == nil)
        await kiosk.engine.shutdown()
        await hub.stop()

        // Offline (here: never enrolled), the question fails and the kiosk says it could not ask.
        let offline = try KioskHarness()
        defer { offline.temp.remove() }
        await #expect(throws: SyncError.notEnrolled) {
            try await offline.engine.caseSummary(registryNumber: person.details.registryNumber.value)
        }
    }
}
