import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskHTTP
import KioskStore
import KioskTestSupport
import Logging
import NIOCore

/// A kiosk application over a fresh temporary database, for `app.test(.router)`.
struct TestApp {
    let temp: TemporaryDatabase
    let environment: KioskHTTPDependencies
    let application: Application<RouterResponder<BasicRequestContext>>

    init(
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
        environment = KioskHTTPDependencies(
            office: Fixtures.office,
            registrations: store,
            summaries: SQLiteOfficeSummarySource(database: database, officeCode: Fixtures.office.code),
            queue: SQLiteQueueRepository(
                database: database, office: Fixtures.office, services: QueueService.demo, policy: QueuePolicy()),
            staff: SQLiteStaffRepository(
                database: database, hasher: YescryptPINHasher(), counters: [1, 2, 3, 4, 5, 6]),
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
            vacancies: SQLiteVacancyCatalog(database: database),
            referrals: SQLiteReferralRepository(database: database, officeCode: Fixtures.office.code),
            fingerprints: FingerprintIdentity(
                repository: SQLiteFingerprintRepository(
                    database: database, officeCode: Fixtures.office.code, sealer: sealer)),
            feedback: SQLiteFeedbackRepository(database: database),
            grievances: SQLiteGrievanceRepository(database: database, office: Fixtures.office),
            dashboard: SQLiteDashboardSource(database: database, office: Fixtures.office))
        application = Application(
            router: try await KioskRouter.build(environment), logger: logger ?? Logger(label: "kiosk-test"))
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        defer { temp.remove() }
        try await application.test(.router, body)
    }
}

extension TestClientProtocol {
    @discardableResult
    func json(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil) async throws -> (
        TestResponse, [String: Any]
    ) {
        let response = try await execute(
            uri: uri, method: method, headers: [.contentType: "application/json"],
            body: body.map { ByteBuffer(string: $0) }
        ) { $0 }
        let object =
            (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
        return (response, object)
    }
}

func encoded(_ form: RegistrationForm) -> String {
    String(decoding: try! JSONEncoder().encode(form), as: UTF8.self)
}

extension Dictionary where Key == String, Value == Any {
    var error: [String: Any] { self["error"] as? [String: Any] ?? [:] }
    var fieldErrors: [[String: Any]] { error["fields"] as? [[String: Any]] ?? [] }
    func codes(for field: String) -> [String] {
        fieldErrors.filter { $0["field"] as? String == field }.compactMap { $0["code"] as? String }
    }
}

extension TestClientProtocol {
    /// Signs in a demo officer at counter 1 and returns the `Cookie` header value.
    func staffCookie(_ app: TestApp) async throws -> String {
        try await app.environment.staff.addStaff(
            id: "tester", displayName: "Тест", role: .staff, pin: "2468", at: Fixtures.now)
        let response = try await execute(
            uri: "/api/v1/staff/sessions", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: "{\"username\": \"tester\", \"pin\": \"2468\", \"counter\": 1}")
        ) { $0 }
        return String((response.headers[.setCookie] ?? "").split(separator: ";").first ?? "")
    }

    /// GET as a signed-in officer.
    func staffGet(_ uri: String, cookie: String) async throws -> (TestResponse, [String: Any]) {
        let response = try await execute(uri: uri, method: .get, headers: [.cookie: cookie]) { $0 }
        let object =
            (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
        return (response, object)
    }

    /// POST a JSON body as a signed-in officer.
    func staffPost(_ uri: String, _ body: String, cookie: String) async throws -> (TestResponse, [String: Any]) {
        let response = try await execute(
            uri: uri, method: .post, headers: [.cookie: cookie, .contentType: "application/json"],
            body: ByteBuffer(string: body)
        ) { $0 }
        let object =
            (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
        return (response, object)
    }
}
