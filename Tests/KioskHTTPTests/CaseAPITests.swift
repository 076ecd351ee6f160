import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTPTestSupport
import KioskStore
import KioskTestSupport
import NIOCore
import Testing

@testable import KioskHTTP

@Suite("Case API: profiling, the group decision, notes, the plan, and who may read a case")
struct CaseAPITests {
    func cookie(_ client: RouterTestClient, _ app: TestApp, _ id: String, _ role: StaffRole) async throws -> String {
        try await app.staffCookie(client, id, role, displayName: "Officer \(id)", counter: 2)
    }

    func send(
        _ client: RouterTestClient, _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil,
        cookie: String
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let response = try await client.execute(
            uri: uri, method: method,
            headers: [.cookie: cookie, .origin: TestApp.origin, .contentType: "application/json"],
            body: body.map { ByteBuffer(string: $0) }
        ) { $0 }
        return (response.status, response.jsonObject)
    }

    static let answers = """
        {"timeOutOfWork": "over2y", "education": "secondary", "skillsInDemand": "no", "experience": "1to5y",
         "health": "no", "care": "fullTime", "housingTransport": "transport", "literacy": "digital",
         "ageGroup": "35to54", "herding": "no", "jobSearch": "little", "motivation": "now"}
        """

    @Test("Technicians get 403 on every case route; strangers 401")
    func technicians() async throws {
        let printer = RecordingPrinter()
        let app = try await TestApp(printer: printer)
        try await app.test { client in
            let person = try await app.environment.registrations.register(try Fixtures.details(), at: Fixtures.now)
            let id = person.id.uuidString.lowercased()
            let technician = try await cookie(client, app, "tech", .technician)
            for (method, uri, body) in [
                (HTTPRequest.Method.get, "/api/v1/staff/cases/\(id)", nil as String?),
                (.get, "/api/v1/staff/cases?q=Болд", nil),
                (.post, "/api/v1/staff/cases/\(id)/notes", #"{"kind": "phone", "text": "Утсаар ярьсан"}"#),
                (.put, "/api/v1/staff/cases/\(id)/plan", #"{"counsellorId": "tech", "goals": "Ажил"}"#),
                (.post, "/api/v1/staff/cases/\(id)/profile", #"{"answers": \#(Self.answers)}"#),
                (.post, "/api/v1/staff/cases/\(id)/plan/print", #"{"paper": "a4"}"#),
                (.get, "/api/v1/staff/cases/\(id)/access", nil),
            ] {
                let (status, body) = try await send(client, method, uri, body, cookie: technician)
                #expect(status == .forbidden, "\(method) \(uri)")
                #expect(body.error["code"] as? String == "staff.role")
                let (stranger, _) = try await send(client, method, uri, body == nil ? nil : "{}", cookie: "")
                #expect(stranger == .unauthorized, "\(method) \(uri)")
            }
            #expect(try await app.temp.database.testSQL("SELECT COUNT(*) FROM case_access") == [["0"]])
            #expect(printer.documents.isEmpty)
        }
    }

    @Test(
        "An officer profiles, decides the group (a change needs a reason), writes notes and a plan; all recorded and sent once"
    )
    func caseWork() async throws {
        let printer = RecordingPrinter()
        let app = try await TestApp(printer: printer)
        try await app.test { client in
            let person = try await app.environment.registrations.register(try Fixtures.details(), at: Fixtures.now)
            let id = person.id.uuidString.lowercased()
            let officer = try await cookie(client, app, "oyuna", .staff)
            try await app.environment.staff.addStaff(
                id: "bat", displayName: "Officer bat", role: .staff, pin: "2468", at: Fixtures.now)

            let (found, people) = try await send(client, .get, "/api/v1/staff/cases?q=болд", cookie: officer)
            #expect(found == .ok)
            #expect((people["people"] as? [[String: Any]])?.first?["id"] as? String == id)
            let (byNumber, exact) = try await send(client, .get, "/api/v1/staff/cases?q=уб90051223", cookie: officer)
            #expect(byNumber == .ok && (exact["people"] as? [[String: Any]])?.count == 1)
            let (short, shortBody) = try await send(client, .get, "/api/v1/staff/cases?q=Б", cookie: officer)
            #expect(short == .badRequest && shortBody.error["code"] as? String == "case.query")

            let (empty, emptyCase) = try await send(client, .get, "/api/v1/staff/cases/\(id)", cookie: officer)
            #expect(empty == .ok)
            #expect(emptyCase["profile"] == nil && emptyCase["plan"] == nil)

            let (incomplete, incompleteBody) = try await send(
                client, .post, "/api/v1/staff/cases/\(id)/profile", #"{"answers": {"care": "fullTime"}}"#,
                cookie: officer)
            #expect(incomplete == .unprocessableContent)
            #expect(incompleteBody.codes(for: "answers.timeOutOfWork") == ["required"])

            let (profiled, profiledCase) = try await send(
                client, .post, "/api/v1/staff/cases/\(id)/profile", #"{"answers": \#(Self.answers)}"#, cookie: officer)
            #expect(profiled == .created)
            let profile = try #require(profiledCase["profile"] as? [String: Any])
            // 3 + 1 + 2 + 1 + 3 + 1 + 1 + 1 = 13: high barriers (threshold 11).
            #expect(profile["score"] as? Int == 13 && profile["suggestedGroup"] as? String == "high")
            let reasons = try #require(profile["reasons"] as? [[String: Any]])
            // Heaviest first, equal weights in the questionnaire's order.
            #expect(
                reasons.compactMap { $0["question"] as? String } == [
                    "timeOutOfWork", "care", "skillsInDemand", "education", "experience", "housingTransport",
                    "literacy", "jobSearch",
                ])

            let (noReason, noReasonBody) = try await send(
                client, .post, "/api/v1/staff/cases/\(id)/decision", #"{"group": "medium"}"#, cookie: officer)
            #expect(noReason == .unprocessableContent && noReasonBody.codes(for: "reason") == ["required"])
            let (changed, changedCase) = try await send(
                client, .post, "/api/v1/staff/cases/\(id)/decision",
                #"{"group": "medium", "reason": "Асаргааг ах нь хуваалцана"}"#, cookie: officer)
            #expect(changed == .ok)
            #expect((changedCase["profile"] as? [String: Any])?["decidedGroup"] as? String == "medium")

            let (noted, notedCase) = try await send(
                client, .post, "/api/v1/staff/cases/\(id)/notes",
                #"{"kind": "phone", "text": "Утсаар ярьсан, маргааш ирнэ"}"#,
                cookie: officer)
            #expect(noted == .created)
            let noteID = try #require((notedCase["notes"] as? [[String: Any]])?.first?["id"] as? String)
            let (corrected, correctedCase) = try await send(
                client, .post, "/api/v1/staff/cases/\(id)/notes",
                #"{"kind": "phone", "text": "Нөгөөдөр ирнэ", "corrects": "\#(noteID)"}"#, cookie: officer)
            #expect(corrected == .created)
            let notes = try #require(correctedCase["notes"] as? [[String: Any]])
            #expect(notes.count == 2 && notes.first?["corrects"] as? String == noteID)
            #expect(
                notes.last?["text"] as? String == "Утсаар ярьсан, маргааш ирнэ", "the note corrected stays as it was")
            await #expect(throws: (any Error).self) {
                try await app.temp.database.testSQL("UPDATE case_note SET text = 'x'")
            }

            let (noPlan, noPlanBody) = try await send(
                client, .post, "/api/v1/staff/cases/\(id)/plan/steps",
                #"{"horizon": "month", "kind": "counselling", "text": "Уулзалт", "dueOn": "2026-11-30"}"#,
                cookie: officer)
            #expect(noPlan == .conflict && noPlanBody.error["code"] as? String == "case.noPlan")
            let (stranger, strangerBody) = try await send(
                client, .put, "/api/v1/staff/cases/\(id)/plan", #"{"counsellorId": "nobody", "goals": "Ажил"}"#,
                cookie: officer)
            #expect(stranger == .unprocessableContent && strangerBody.codes(for: "counsellorId") == ["unknownCode"])
            let (planned, _) = try await send(
                client, .put, "/api/v1/staff/cases/\(id)/plan",
                #"{"counsellorId": "bat", "goals": "Жолоочийн ажилд орох"}"#, cookie: officer)
            #expect(planned == .ok)
            let (late, lateBody) = try await send(
                client, .post, "/api/v1/staff/cases/\(id)/plan/steps",
                #"{"horizon": "month", "kind": "counselling", "text": "Уулзалт", "dueOn": "2027-03-01"}"#,
                cookie: officer)
            #expect(late == .unprocessableContent && lateBody.codes(for: "dueOn") == ["outOfRange"])
            _ = try await send(
                client, .post, "/api/v1/staff/cases/\(id)/plan/steps",
                #"{"horizon": "month", "kind": "applyToVacancies", "text": "3 ажлын байранд өргөдөл", "dueOn": "2026-12-10"}"#,
                cookie: officer)
            let (stepped, steppedCase) = try await send(
                client, .post, "/api/v1/staff/cases/\(id)/plan/steps",
                #"{"horizon": "year", "kind": "attendProgramme", "text": "Мэргэжлийн сургалт", "dueOn": "2027-06-01"}"#,
                cookie: officer)
            #expect(stepped == .created)
            let plan = try #require(steppedCase["plan"] as? [String: Any])
            #expect(plan["counsellorName"] as? String == "Officer bat")
            let steps = try #require(plan["steps"] as? [[String: Any]])
            #expect(steps.map { $0["status"] as? String } == ["planned", "planned"])
            let stepID = try #require(steps.first?["id"] as? String)
            let (done, _) = try await send(
                client, .post, "/api/v1/staff/cases/\(id)/plan/steps/\(stepID)", #"{"status": "done"}"#,
                cookie: officer)
            #expect(done == .ok)
            let (again, againBody) = try await send(
                client, .post, "/api/v1/staff/cases/\(id)/plan/steps/\(stepID)", #"{"status": "missed"}"#,
                cookie: officer)
            #expect(again == .conflict && againBody.error["code"] as? String == "case.stepClosed")

            // The next meeting, booked with the key counsellor, is printed with the plan.
            let (bookedNext, _) = try await send(
                client, .post, "/api/v1/staff/appointments",
                #"{"registrationId": "\#(id)", "serviceCode": "Б", "date": "2026-11-23", "time": "10:30", "staffId": "bat"}"#,
                cookie: officer)
            #expect(bookedNext == .created)
            let (printed, printBody) = try await send(
                client, .post, "/api/v1/staff/cases/\(id)/plan/print", #"{"paper": "receipt"}"#, cookie: officer)
            #expect(printed == .ok && printBody["status"] as? String == "sent")
            guard case .actionPlan(let receipt)? = printer.documents.last else {
                Issue.record("no plan printed")
                return
            }
            #expect(receipt.paper == .receipt && receipt.title == "Миний үйл ажиллагааны төлөвлөгөө")
            #expect(receipt.sections.flatMap(\.lines) == ["2027-06-01 · Хөтөлбөрт хамрагдах: Мэргэжлийн сургалт"])
            #expect(receipt.nextAppointment == "Дараагийн уулзалт: 2026-11-23 10:30 · Officer bat")

            // The caseload: one person profiled, decided medium; one plan open (a step still to do).
            let (load, caseload) = try await send(client, .get, "/api/v1/staff/caseload", cookie: officer)
            #expect(load == .ok)
            #expect(caseload["profiled"] as? [String: Int] == ["ready": 0, "medium": 1, "high": 0])
            #expect(caseload["openPlans"] as? Int == 1 && caseload["overdueSteps"] as? Int == 0)
            #expect((caseload["counsellors"] as? [[String: Any]])?.first?["staffID"] as? String == "bat")

            // Every read and change, with who.
            let (_, log) = try await send(client, .get, "/api/v1/staff/cases/\(id)/access", cookie: officer)
            let actions = (log["access"] as? [[String: Any]] ?? []).map { $0["action"] as? String ?? "" }
            #expect(
                actions == [
                    "read", "profile", "read", "decide", "read", "note", "read", "note", "read", "plan", "read",
                    "step", "read", "step", "read", "stepStatus", "read", "read",
                ])
            #expect(
                try await app.temp.database.testSQL("SELECT DISTINCT staff_id FROM case_access") == [["oyuna"]])
            // Each change went to the outbox once.
            let outbox = try await app.temp.database.testSQL(
                "SELECT record_type, COUNT(*) FROM outbox WHERE record_type LIKE 'case.%' GROUP BY 1 ORDER BY 1")
            #expect(
                outbox == [
                    ["case.groupDecided", "1"], ["case.noted", "2"], ["case.planChanged", "4"],
                    ["case.profiled", "1"],
                ])
        }
    }

    @Test("A visitor profiles at the kiosk only with their own proof; the answer names no group")
    func visitor() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let person = try await app.environment.registrations.register(try Fixtures.details(), at: Fixtures.now)
            let body = #"{"registrationId": "\#(person.id.uuidString.lowercased())", "answers": \#(Self.answers)}"#
            let (refused, refusal) = try await client.json(.post, "/api/v1/profiling", body)
            #expect(refused.status == .unauthorized && refusal.error["code"] as? String == "proof.required")
            let (questions, questionnaire) = try await client.json(.get, "/api/v1/profiling/questionnaire")
            #expect(questions.status == .ok)
            let first = try #require((questionnaire["questions"] as? [[String: Any]])?.first)
            #expect((first["answers"] as? [[String: Any]])?.allSatisfy { $0["weight"] as? Int == 0 } == true)
        }
    }

    @Test("The ticket being served opens its person's case; a ticket taken without registering names nobody")
    func fromTicket() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let person = try await app.environment.registrations.register(try Fixtures.details(), at: Fixtures.now)
            let service = try #require(QueueService.demo.first)
            let theirs = try await app.environment.queue.issue(
                service: service, priority: nil, registrationID: person.id, language: .mn, at: Fixtures.now)
            let anonymous = try await app.environment.queue.issue(
                service: service, priority: nil, registrationID: nil, language: .mn, at: Fixtures.now)
            let officer = try await cookie(client, app, "oyuna", .staff)
            let (found, body) = try await send(
                client, .get, "/api/v1/staff/cases?ticket=\(theirs.ticket.id.uuidString.lowercased())", cookie: officer)
            #expect(found == .ok)
            #expect(
                (body["people"] as? [[String: Any]])?.map { $0["id"] as? String } == [person.id.uuidString.lowercased()]
            )
            let (nobody, refusal) = try await send(
                client, .get, "/api/v1/staff/cases?ticket=\(anonymous.ticket.id.uuidString.lowercased())",
                cookie: officer)
            #expect(nobody == .notFound && refusal.error["code"] as? String == "case.ticketWithoutPerson")
            let (bad, _) = try await send(client, .get, "/api/v1/staff/cases?ticket=nonsense", cookie: officer)
            #expect(bad == .badRequest)
        }
    }

    @Test("Without the LMIS the case at other offices cannot be asked for, and the answer says so in both languages")
    func elsewhereOffline() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let person = try await app.environment.registrations.register(try Fixtures.details(), at: Fixtures.now)
            let officer = try await cookie(client, app, "oyuna", .staff)
            let (status, body) = try await send(
                client, .get, "/api/v1/staff/cases/\(person.id.uuidString.lowercased())/elsewhere", cookie: officer)
            #expect(status == .serviceUnavailable && body.error["code"] as? String == "case.hubUnreachable")
            let message = try #require(body.error["message"] as? [String: String])
            #expect(message["en"]?.contains("could not be reached") == true && message["mn"]?.isEmpty == false)
            let technician = try await cookie(client, app, "tech", .technician)
            let (refused, _) = try await send(
                client, .get, "/api/v1/staff/cases/\(person.id.uuidString.lowercased())/elsewhere", cookie: technician)
            #expect(refused == .forbidden)
        }
    }
}
