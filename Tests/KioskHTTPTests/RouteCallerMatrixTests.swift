import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTP
import KioskHTTPTestSupport
import KioskTestSupport
import NIOCore
import Testing

/// Every route the kiosk's router registers, read from the router itself (not a hand list), with
/// the callers it is for, in one table; every other caller is refused on the server with 401 or
/// 403 and a message in both languages (a console page sends whoever is not signed in to the
/// sign-in page), and no caller gets a 5xx. A route missing from the table fails, so a new route
/// cannot slip in without saying who may call it.
@Suite("Every kiosk route against every caller")
struct RouteCallerMatrixTests {
    /// Who calls.
    enum Caller: String, CaseIterable, CustomStringConvertible {
        /// A kiosk screen with a session and nobody proved (anyone at the touchscreen, or on the LAN).
        case screen
        /// A kiosk screen holding a visitor's proof (`X-Kiosk-Proof`) for the person of `{id}`.
        case proof
        case staff, head, technician

        var role: StaffRole? { StaffRole(rawValue: rawValue) }
        var description: String { rawValue }
    }

    /// Who a route is for.
    enum Access: CustomStringConvertible {
        /// Everyone: the visitor's screens and steps, the display, the sign-in, health.
        case anyone
        /// The screen holding the person's proof, or staff whose role allows the permission.
        case person(StaffPermission)
        /// Staff whose role allows the permission.
        case staff(StaffPermission)
        /// Any signed-in member of staff (their own session).
        case signedIn
        /// A console page (HTML): staff whose role allows the permission; anyone else is sent to
        /// the sign-in page, or refused.
        case page(StaffPermission)

        func allows(_ caller: Caller) -> Bool {
            switch self {
            case .anyone: true
            case .person(let permission): caller == .proof || caller.role?.allows(permission) == true
            case .staff(let permission), .page(let permission): caller.role?.allows(permission) == true
            case .signedIn: caller.role != nil
            }
        }

        var description: String {
            switch self {
            case .anyone: "anyone"
            case .person(let permission): "proof or \(permission)"
            case .staff(let permission): "\(permission)"
            case .signedIn: "signed in"
            case .page(let permission): "page \(permission)"
            }
        }
    }

    /// The table: every route (`METHOD /path` as the router names it) and its callers.
    static let table: [String: Access] = [
        // Health, the screens and the sign-in page.
        "GET /healthz": .anyone,
        "GET /": .anyone,
        "GET /kiosk": .anyone,
        "GET /kiosk/{lang}/register": .anyone,
        "GET /kiosk/{lang}/grievance": .anyone,
        "GET /kiosk/{lang}/vacancies": .anyone,
        "GET /kiosk/{lang}/profiling": .anyone,
        "GET /display": .anyone,
        "GET /staff": .anyone,
        "GET /t/{id}": .anyone,
        "POST /t/{id}/feedback": .anyone,
        // Console pages.
        "GET /staff/dashboard": .page(.readDashboard),
        "GET /staff/appointments": .page(.readCases),
        "GET /staff/programmes": .page(.readCases),
        "GET /staff/messages": .page(.readMessages),
        "GET /staff/employers": .page(.manageEmployers),
        "GET /staff/cases": .page(.readCases),
        "GET /staff/cases/{id}": .page(.readCases),
        // Registrations.
        "POST /api/v1/registrations": .anyone,
        "POST /api/v1/registrations/lookup": .anyone,
        "POST /api/v1/registrations/validate": .anyone,
        "GET /api/v1/registrations/{id}": .person(.readPeople),
        "PUT /api/v1/registrations/{id}": .person(.readPeople),
        "GET /api/v1/staff/registrations/{id}/revisions": .staff(.readPeople),
        "POST /api/v1/registrations/{id}/receipt": .person(.readPeople),
        "GET /api/v1/registrations/{id}/matches": .person(.readPeople),
        // Proving who one is.
        "POST /api/v1/kiosk/sessions": .anyone,
        "GET /api/v1/kiosk/sessions/current": .anyone,
        "POST /api/v1/kiosk/sessions/finish": .anyone,
        "POST /api/v1/kiosk/proofs/code": .anyone,
        "POST /api/v1/kiosk/proofs/code/verify": .anyone,
        "POST /api/v1/staff/kiosk-proofs": .staff(.readPeople),
        // Reference lists.
        "GET /api/v1/reference/admin-units": .anyone,
        "GET /api/v1/reference/education-levels": .anyone,
        "GET /api/v1/reference/occupations": .anyone,
        "GET /api/v1/reference/statuses": .anyone,
        // Tickets, the queue, feedback and the ticket's texts.
        "GET /api/v1/services": .anyone,
        "POST /api/v1/tickets": .anyone,
        "GET /api/v1/tickets/{id}": .anyone,
        "POST /api/v1/tickets/{id}/print": .anyone,
        "POST /api/v1/tickets/{id}/feedback": .anyone,
        "GET /api/v1/tickets/{id}/feedback": .anyone,
        "POST /api/v1/feedback/ticket": .anyone,
        "GET /api/v1/tickets/{id}/texts": .anyone,
        "POST /api/v1/tickets/{id}/texts": .anyone,
        "POST /api/v1/tickets/{id}/{action}": .staff(.serveQueue),
        "POST /api/v1/counters/{counter}/call-next": .staff(.serveQueue),
        "GET /api/v1/queue": .staff(.watchQueue),
        "GET /api/v1/printers": .staff(.checkDevices),
        "POST /api/v1/sync": .staff(.syncNow),
        // Staff sessions.
        "POST /api/v1/staff/sessions": .anyone,
        "GET /api/v1/staff/session": .signedIn,
        "DELETE /api/v1/staff/sessions": .signedIn,
        "POST /api/v1/staff/accounts/{username}/unlock": .staff(.manageStaff),
        // The display and speech.
        "GET /api/v1/display/events": .anyone,
        "GET /api/v1/display/voices": .anyone,
        "GET /api/v1/speech/clips/{language}/{key}": .anyone,
        "POST /api/v1/speech/plan": .anyone,
        // The kiosk's fingerprint reader (the screen's own steps) and staff's view of fingers.
        "GET /api/v1/fingerprint/events": .anyone,
        "POST /api/v1/fingerprint/capture": .anyone,
        "DELETE /api/v1/fingerprint/capture": .anyone,
        "GET /api/v1/fingerprint/status": .anyone,
        "POST /api/v1/fingerprint/identify": .anyone,
        "POST /api/v1/fingerprint/verify": .anyone,
        "POST /api/v1/fingerprint/enrolments": .anyone,
        "POST /api/v1/fingerprint/enrolments/{id}/capture": .anyone,
        "DELETE /api/v1/fingerprint/enrolments/{id}": .anyone,
        "GET /api/v1/staff/registrations/{id}/fingerprints": .staff(.readPeople),
        "DELETE /api/v1/staff/registrations/{id}/fingerprints": .staff(.manageFingerprints),
        "PUT /api/v1/staff/registrations/{id}/fingerprints": .staff(.manageFingerprints),
        // Grievances.
        "POST /api/v1/grievances": .anyone,
        "GET /api/v1/grievances/{code}": .anyone,
        "POST /api/v1/grievances/{code}/print": .anyone,
        "GET /api/v1/staff/grievances": .staff(.triageGrievances),
        "GET /api/v1/staff/grievances/{code}": .staff(.triageGrievances),
        "POST /api/v1/staff/grievances/{code}/steps": .staff(.triageGrievances),
        // Figures.
        "GET /api/v1/staff/dashboard": .staff(.readDashboard),
        "GET /api/v1/staff/dashboard/{table}": .staff(.readDashboard),
        "GET /api/v1/staff/indicator-breakdown": .staff(.readDashboard),
        // Vacancies and referrals.
        "GET /api/v1/vacancies": .anyone,
        "GET /api/v1/vacancies/{reference}": .anyone,
        "POST /api/v1/vacancies/print": .anyone,
        "GET /api/v1/staff/matches": .staff(.readPeople),
        "POST /api/v1/referrals": .staff(.referPeople),
        // Appointments.
        // By the registry number typed at the kiosk (anyone); by a registration id, the proof or staff.
        "POST /api/v1/appointments/check-in": .anyone,
        "POST /api/v1/staff/appointments": .staff(.writeCases),
        "GET /api/v1/staff/appointments": .staff(.readCases),
        "GET /api/v1/staff/appointments/find": .staff(.readCases),
        "GET /api/v1/staff/appointments/reminders": .staff(.readCases),
        "GET /api/v1/staff/appointments/figures": .staff(.readDashboard),
        "GET /api/v1/staff/appointments/person/{id}": .staff(.readCases),
        "POST /api/v1/staff/appointments/{id}/cancel": .staff(.writeCases),
        "GET /api/v1/staff/appointments/leave": .staff(.readCases),
        "POST /api/v1/staff/appointments/leave": .staff(.writeCases),
        "POST /api/v1/staff/appointments/leave/remove": .staff(.writeCases),
        "GET /api/v1/staff/appointments/free-days": .staff(.readCases),
        // Programmes.
        "GET /api/v1/staff/programmes": .staff(.readCases),
        "GET /api/v1/staff/programmes/eligibility/{id}": .staff(.readCases),
        "GET /api/v1/staff/programmes/referrals/person/{id}": .staff(.readCases),
        "POST /api/v1/staff/programmes/referrals": .staff(.writeCases),
        "POST /api/v1/staff/programmes/referrals/{id}/outcome": .staff(.writeCases),
        // The case file.
        "GET /api/v1/profiling/questionnaire": .anyone,
        "POST /api/v1/profiling": .person(.writeCases),
        "GET /api/v1/staff/cases": .staff(.readCases),
        "GET /api/v1/staff/caseload": .staff(.readCases),
        "GET /api/v1/staff/cases/{id}": .staff(.readCases),
        "POST /api/v1/staff/cases/{id}/profile": .staff(.writeCases),
        "POST /api/v1/staff/cases/{id}/decision": .staff(.writeCases),
        "POST /api/v1/staff/cases/{id}/notes": .staff(.writeCases),
        "PUT /api/v1/staff/cases/{id}/plan": .staff(.writeCases),
        "POST /api/v1/staff/cases/{id}/plan/steps": .staff(.writeCases),
        "POST /api/v1/staff/cases/{id}/plan/steps/{step}": .staff(.writeCases),
        "POST /api/v1/staff/cases/{id}/plan/print": .staff(.writeCases),
        "GET /api/v1/staff/cases/{id}/elsewhere": .staff(.readCases),
        "GET /api/v1/staff/cases/{id}/access": .staff(.readCases),
        // Text messages.
        "GET /api/v1/staff/messages": .staff(.readMessages),
        "POST /api/v1/staff/messages/consent": .staff(.readMessages),
        // Employers.
        "GET /api/v1/staff/employers": .staff(.manageEmployers),
        "POST /api/v1/staff/employers": .staff(.manageEmployers),
        "GET /api/v1/staff/employers/{id}": .staff(.manageEmployers),
        "POST /api/v1/staff/employers/{id}/vacancies": .staff(.manageEmployers),
        "GET /api/v1/staff/office-vacancies/{reference}": .staff(.manageEmployers),
        "PUT /api/v1/staff/office-vacancies/{reference}": .staff(.manageEmployers),
        "POST /api/v1/staff/office-vacancies/{reference}/close": .staff(.manageEmployers),
        "GET /api/v1/staff/office-vacancies/{reference}/candidates": .staff(.manageEmployers),
        "POST /api/v1/staff/office-vacancies/{reference}/referrals": .staff(.manageEmployers),
        "GET /api/v1/staff/office-vacancies/{reference}/confirmation.pdf": .staff(.manageEmployers),
        "GET /api/v1/staff/office-vacancies/{reference}/shortlist.pdf": .staff(.manageEmployers),
        "POST /api/v1/staff/office-vacancies/{reference}/confirmation/print": .staff(.manageEmployers),
        "POST /api/v1/staff/office-vacancies/{reference}/shortlist/print": .staff(.manageEmployers),
        "POST /api/v1/staff/vacancy-referrals/{id}/outcome": .staff(.manageEmployers),
        "GET /api/v1/staff/follow-ups": .staff(.manageEmployers),
        "POST /api/v1/staff/follow-ups/{id}/answer": .staff(.manageEmployers),
        "GET /api/v1/staff/employer-figures": .staff(.readDashboard),
        "GET /api/v1/staff/employer-figures.csv": .staff(.readDashboard),
    ]

    /// Routes that end what a caller holds (a staff session, the screen's proof): run after the rest.
    static let endsCredentials: Set<String> = ["DELETE /api/v1/staff/sessions", "POST /api/v1/kiosk/sessions/finish"]

    /// A service this office runs without (no SMS route, no LMIS link in the test): 503 with the
    /// service named, in both languages, is the one 5xx answer.
    static let unavailableServices: Set<String> = ["sms.unavailable", "case.hubUnreachable"]

    /// The refusals of who is calling (not of what they sent).
    static let refusalCodes: Set<String> = [
        "staff.signInRequired", "staff.role", "proof.required", "proof.expired", "proof.invalid", "proof.otherPerson",
    ]

    static func routes(of app: TestApp) async throws -> [String] {
        try await KioskRouter.build(app.environment).routes.map(\.description)
    }

    /// The path with each `{parameter}` filled in: `{id}` is the proved person's id (a ticket,
    /// appointment or referral of that id does not exist, which is answered 404 after the caller
    /// is let in).
    static func uri(_ template: String, person: String) -> String {
        let values = [
            "{id}": person, "{lang}": "mn", "{reference}": "V-UB-SB-0001", "{code}": "GR-AAAA-AAAA",
            "{counter}": "1", "{action}": "start", "{table}": "byService.csv", "{username}": "nobody",
            "{language}": "mn", "{key}": "welcome", "{step}": "01930000-0000-7000-8000-000000000000",
        ]
        return values.reduce(template) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
    }

    @Test("The table names every route the router registers, and only those")
    func tableCoversTheRouter() async throws {
        let app = try await TestApp()
        try await app.test { _ in
            let registered = Set(try await Self.routes(of: app))
            let missing = registered.subtracting(Self.table.keys).sorted()
            let stale = Set(Self.table.keys).subtracting(registered).sorted()
            #expect(missing.isEmpty, "routes without their callers in the table: \(missing)")
            #expect(stale.isEmpty, "routes in the table the router no longer has: \(stale)")
            #expect(registered.count == Self.table.count)
        }
    }

    @Test("Each route answers its callers and refuses every other one, in both languages; no caller gets a 5xx")
    func everyRouteAgainstEveryCaller() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let officer = try await client.staffCookie(app)
            let person = try await app.environment.registrations.register(
                try Fixtures.details(Fixtures.form()), at: Fixtures.now)
            let personID = person.id.uuidString.lowercased()
            let proof = try await client.staffProof(person.details.registryNumber.value, cookie: officer)
            let screen = try await client.kioskSession()
            var headers: [Caller: HTTPFields] = [
                .screen: [.contentType: "application/json", HTTPFields.sessionName: screen.id],
                .proof: [
                    .contentType: "application/json", HTTPFields.sessionName: proof.session,
                    HTTPFields.proofName: proof.token,
                ],
            ]
            for (index, role) in StaffRole.allCases.enumerated() {
                let cookie = try await app.staffCookie(client, "matrix-\(role.rawValue)", role, counter: index + 2)
                headers[Caller(rawValue: role.rawValue)!] = [
                    .contentType: "application/json", .cookie: cookie, .origin: TestApp.origin,
                ]
            }
            let routes = try await Self.routes(of: app).sorted {
                (Self.endsCredentials.contains($0) ? 1 : 0, $0) < (Self.endsCredentials.contains($1) ? 1 : 0, $1)
            }
            var checked = 0
            for route in routes {
                guard let access = Self.table[route] else { continue }
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                let method = HTTPRequest.Method(parts[0])!
                let uri = Self.uri(parts[1], person: personID)
                let body: ByteBuffer? = method == .post || method == .put ? ByteBuffer(string: "{}") : nil
                for caller in Caller.allCases {
                    let response = try await client.request(method, uri, headers: headers[caller]!, body: body)
                    checked += 1
                    let text = String(buffer: response.body)
                    let said = "\(route) [\(access)] as \(caller): \(response.status.code) \(text.prefix(160))"
                    let error = response.jsonObject.error
                    let code = error["code"] as? String ?? ""
                    #expect(
                        response.status.code < 500
                            || (response.status == .serviceUnavailable && Self.unavailableServices.contains(code)),
                        "\(said)")
                    if access.allows(caller) {
                        #expect(!Self.refusalCodes.contains(code), "let in, but refused: \(said)")
                        if case .page = access {
                            #expect(response.status == .ok, "let in, but sent away: \(said)")
                        }
                        continue
                    }
                    if case .page = access, response.status == .seeOther {
                        #expect(response.headers[.location]?.hasPrefix("/staff?lang=") == true, "\(said)")
                        continue
                    }
                    let expected: HTTPResponse.Status = caller.role == nil ? .unauthorized : .forbidden
                    #expect(response.status == expected, "refused wrongly: \(said)")
                    #expect(Self.refusalCodes.contains(code), "refused without saying who may: \(said)")
                    let message = error["message"] as? [String: Any] ?? [:]
                    let mongolian = message["mn"] as? String ?? ""
                    let english = message["en"] as? String ?? ""
                    #expect(
                        mongolian.unicodeScalars.contains { (0x0400...0x04FF).contains($0.value) }
                            && !english.isEmpty && english != mongolian, "not in both languages: \(said)")
                }
            }
            #expect(checked == Self.table.count * Caller.allCases.count)
        }
    }
}
