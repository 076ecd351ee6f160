public import Foundation
public import HTTPTypes
public import Hummingbird
public import KioskCore
public import KioskHTTP
public import KioskStore
public import KioskTestSupport
public import Logging
import NIOCore

/// A kiosk router over a fresh temporary database, called in-process by `RouterTestClient`: the
/// router tests' harness (`KioskHTTPTests`, `KioskHTTPPrintTests`).
public struct TestApp: Sendable {
    public let temp: TemporaryDatabase
    public let environment: KioskHTTPDependencies
    public let client: RouterTestClient

    public init(
        healthy: Bool = true, now: Date = Fixtures.now, settings: ScreenSettings = ScreenSettings(),
        printer: (any DocumentPrinter)? = nil, fingerprintReader: (any FingerprintReaderPort)? = nil,
        clock: TestClock? = nil, registrations: (any RegistrationRepository)? = nil, logger: Logger? = nil
    ) async throws {
        temp = try TemporaryDatabase()
        let database = temp.database
        let sealer = TemplateSealer(deviceSecret: try DeviceSecret.loadOrCreate(in: temp.directory))
        let store: any RegistrationRepository =
            registrations ?? SQLiteRegistrationRepository(database: database, officeCode: Fixtures.office.code)
        let clock = clock ?? TestClock(now)
        let wallClock: @Sendable () -> Date = { clock.now() }
        var environment = KioskHTTPDependencies(
            office: Fixtures.office,
            registrations: store,
            summaries: SQLiteOfficeSummarySource(database: database, officeCode: Fixtures.office.code),
            queue: SQLiteQueueRepository(
                database: database, office: Fixtures.office, services: QueueService.demo, policy: QueuePolicy()),
            // The demo office: its demo PIN signs in.
            staff: SQLiteStaffRepository(
                database: database, hasher: YescryptPINHasher(), policy: SignInPolicy(demoMode: true),
                counters: [1, 2, 3, 4, 5, 6]),
            services: QueueService.demo,
            catalog: try Fixtures.catalog(),
            locales: try Locales(directory: Fixtures.kioskDirectory.appendingPathComponent("locales")),
            kioskDirectory: Fixtures.kioskDirectory,
            settings: settings,
            printer: printer,
            fingerprintReader: fingerprintReader,
            publicURL: "http://kiosk.example:8080/",
            now: wallClock,
            healthCheck: { healthy ? await database.isUsable() : false },
            storageWritable: { await database.isWritable() },
            storedAnswers: SQLiteStoredAnswerRepository(database: database),
            vacancies: SQLiteVacancyCatalog(database: database),
            referrals: SQLiteReferralRepository(database: database, officeCode: Fixtures.office.code),
            fingerprints: FingerprintIdentity(
                repository: SQLiteFingerprintRepository(
                    database: database, officeCode: Fixtures.office.code, sealer: sealer)),
            feedback: SQLiteFeedbackRepository(database: database),
            grievances: SQLiteGrievanceRepository(database: database, office: Fixtures.office),
            dashboard: SQLiteDashboardSource(database: database, office: Fixtures.office),
            speech: SpeechSettings(
                recordings: [temp.directory.appendingPathComponent("voice")],
                cache: temp.directory.appendingPathComponent("speech-cache")))
        environment.appointments = SQLiteAppointmentRepository(database: database)
        environment.counsellors = environment.staff as? SQLiteStaffRepository
        environment.officeCalendar = OfficeCalendar(hours: QueueService.demo[0].hours)
        environment.programmes = SQLiteProgrammeRepository(database: database)
        environment.indicatorBreakdowns = SQLiteDashboardSource(database: database, office: Fixtures.office)
        environment.cases = SQLiteCaseRepository(database: database, office: Fixtures.office)
        environment.questionnaires = SQLiteQuestionnaires(
            database: database,
            bundled: try ProfilingQuestionnaire.load(
                Data(contentsOf: Fixtures.kioskDirectory.appendingPathComponent("reference/profiling.json"))))
        environment.employers = SQLiteEmployerRepository(database: database, officeCode: Fixtures.office.code)
        self.environment = environment
        client = RouterTestClient(
            router: try await KioskRouter.build(environment), logger: logger ?? Logger(label: "kiosk-test"))
    }

    /// The kiosk's own origin (its `publicURL`): cookie-authenticated changes must come from it.
    public static let origin = "http://kiosk.example:8080"

    /// Runs `body` with the client, then removes the temporary database.
    public func test(_ body: @Sendable (RouterTestClient) async throws -> Void) async throws {
        defer { temp.remove() }
        try await body(client)
    }
}

extension RouterTestClient {
    @discardableResult
    public func json(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil) async throws -> (
        TestResponse, [String: Any]
    ) {
        try await json(method, uri, body, headers: [:])
    }
}

extension TestResponse {
    /// The body as a JSON object (empty when it is not one).
    public var jsonObject: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }
}

public func encoded(_ form: RegistrationForm) -> String {
    String(decoding: try! JSONEncoder().encode(form), as: UTF8.self)
}

extension Dictionary where Key == String, Value == Any {
    public var error: [String: Any] { self["error"] as? [String: Any] ?? [:] }
    public var fieldErrors: [[String: Any]] { error["fields"] as? [[String: Any]] ?? [] }
    public func codes(for field: String) -> [String] {
        fieldErrors.filter { $0["field"] as? String == field }.compactMap { $0["code"] as? String }
    }
}

extension RouterTestClient {
    /// Signs in a demo officer at counter 1 and returns the `Cookie` header value.
    public func staffCookie(_ app: TestApp) async throws -> String {
        try await app.environment.staff.addStaff(
            id: "tester", displayName: "Тест", role: .staff, pin: "2468", at: Fixtures.now)
        let response = try await execute(
            uri: "/api/v1/staff/sessions", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: "{\"username\": \"tester\", \"pin\": \"2468\", \"counter\": 1}")
        ) { $0 }
        return String((response.headers[.setCookie] ?? "").split(separator: ";").first ?? "")
    }

    /// GET as a signed-in officer.
    public func staffGet(_ uri: String, cookie: String) async throws -> (TestResponse, [String: Any]) {
        let response = try await execute(uri: uri, method: .get, headers: [.cookie: cookie]) { $0 }
        return (response, response.jsonObject)
    }

    /// POST a JSON body as a signed-in officer.
    public func staffPost(_ uri: String, _ body: String, cookie: String) async throws -> (TestResponse, [String: Any]) {
        let response = try await execute(
            uri: uri, method: .post,
            headers: [.cookie: cookie, .origin: TestApp.origin, .contentType: "application/json"],
            body: ByteBuffer(string: body)
        ) { $0 }
        return (response, response.jsonObject)
    }
}

extension RouterTestClient {
    /// A request with a JSON body (or none) and extra headers, answered with its JSON object.
    @discardableResult
    public func json(
        _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, headers extra: HTTPFields
    ) async throws -> (TestResponse, [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        let response = try await execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { $0 }
        return (response, response.jsonObject)
    }

    /// A new kiosk screen session: its id (for `X-Kiosk-Session`) and the code the screen shows.
    public func kioskSession() async throws -> (id: String, code: String) {
        let (_, body) = try await json(.post, "/api/v1/kiosk/sessions")
        return (body["session"] as? String ?? "", body["code"] as? String ?? "")
    }

    /// An officer (signed in with `cookie`) confirms the person with `registryNumber` for a new
    /// screen session; answers the session and the proof token the screen collects.
    public func staffProof(_ registryNumber: String, cookie: String) async throws -> (session: String, token: String) {
        let session = try await kioskSession()
        _ = try await staffPost(
            "/api/v1/staff/kiosk-proofs",
            #"{"sessionCode": "\#(session.code)", "registryNumber": "\#(registryNumber)"}"#, cookie: cookie)
        let (_, body) = try await json(.get, "/api/v1/kiosk/sessions/current", headers: .session(session.id))
        let proof = body["proof"] as? [String: Any]
        return (session.id, proof?["token"] as? String ?? "")
    }
}

extension HTTPFields {
    public static let proofName = HTTPField.Name("X-Kiosk-Proof")!
    public static let sessionName = HTTPField.Name("X-Kiosk-Session")!

    /// `X-Kiosk-Proof: token`.
    public static func proof(_ token: String) -> HTTPFields { [proofName: token] }
    /// `X-Kiosk-Session: id`.
    public static func session(_ id: String) -> HTTPFields { [sessionName: id] }
}
