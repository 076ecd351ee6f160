public import Foundation
public import KioskCore

/// Everything the HTTP layer needs, handed in by the composition root.
public struct KioskHTTPEnvironment: Sendable {
    public var office: Office
    public var registrations: any RegistrationRepository
    public var summaries: any OfficeSummarySource
    public var queue: any QueueRepository
    public var staff: any StaffRepository
    public var services: [QueueService]
    public var catalog: ReferenceCatalog
    public var locales: Locales
    /// `Kiosk/` folder: `templates/`, `assets/`.
    public var kioskDirectory: URL
    public var settings: ScreenSettings
    /// The kiosk's printers; `nil` when the kiosk prints nothing.
    public var printer: (any DocumentPrinter)?
    /// The fingerprint reader (USB or virtual); `nil` when the kiosk has none.
    public var fingerprintReader: (any FingerprintReaderPort)?
    /// Where phones reach this service (the QR code on a ticket points there).
    public var publicURL: String
    /// Version of the consent text in the locale files; stored with each consent.
    public var consentTextVersion: String
    /// Cap for JSON request bodies.
    public var maxBodyBytes: Int
    /// Wall clock, injectable for tests.
    public var now: @Sendable () -> Date
    /// Whether the database can be used, for `/healthz`.
    public var healthCheck: @Sendable () async -> Bool
    /// Where the kiosk stands with the LMIS, for the staff console; nil when unknown.
    public var syncStatus: @Sendable () async -> SyncStatus?
    /// Open vacancies downloaded from the LMIS; nil where the kiosk has none.
    public var vacancies: (any VacancyCatalog)?
    /// Asks for a sync round now (staff's "sync now").
    public var requestSync: @Sendable () -> Void
    /// Referrals staff record; nil where the kiosk keeps none.
    public var referrals: (any ReferralRepository)?
    /// The office's figures for a period; nil where the kiosk keeps none.
    public var dashboard: (any DashboardSource)?
    /// Grievances filed at the kiosk and triaged by staff; nil where the kiosk keeps none.
    public var grievances: (any GrievanceRepository)?
    /// Visitors' ratings of finished tickets; nil where the kiosk keeps none.
    public var feedback: (any FeedbackRepository)?
    /// The office's enrolled fingers (1:N and 1:1); nil where the kiosk keeps none.
    public var fingerprints: FingerprintIdentity?
    /// Fingers being enrolled at the reader, before they are stored.
    public let enrolments = FingerprintEnrolments()

    public init(
        office: Office, registrations: any RegistrationRepository, summaries: any OfficeSummarySource,
        queue: any QueueRepository, staff: any StaffRepository, services: [QueueService],
        catalog: ReferenceCatalog, locales: Locales,
        kioskDirectory: URL, settings: ScreenSettings = ScreenSettings(), printer: (any DocumentPrinter)? = nil,
        fingerprintReader: (any FingerprintReaderPort)? = nil,
        publicURL: String = "http://127.0.0.1:8080", consentTextVersion: String = "2026-1",
        maxBodyBytes: Int = 64 * 1024, now: @escaping @Sendable () -> Date = { Date() },
        healthCheck: @escaping @Sendable () async -> Bool,
        syncStatus: @escaping @Sendable () async -> SyncStatus? = { nil },
        requestSync: @escaping @Sendable () -> Void = {},
        vacancies: (any VacancyCatalog)? = nil, referrals: (any ReferralRepository)? = nil,
        fingerprints: FingerprintIdentity? = nil, feedback: (any FeedbackRepository)? = nil,
        grievances: (any GrievanceRepository)? = nil, dashboard: (any DashboardSource)? = nil
    ) {
        self.office = office
        self.registrations = registrations
        self.summaries = summaries
        self.queue = queue
        self.staff = staff
        self.services = services
        self.catalog = catalog
        self.locales = locales
        self.kioskDirectory = kioskDirectory
        self.settings = settings
        self.printer = printer
        self.fingerprintReader = fingerprintReader
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.consentTextVersion = consentTextVersion
        self.maxBodyBytes = maxBodyBytes
        self.now = now
        self.healthCheck = healthCheck
        self.syncStatus = syncStatus
        self.requestSync = requestSync
        self.vacancies = vacancies
        self.referrals = referrals
        self.fingerprints = fingerprints
        self.feedback = feedback
        self.grievances = grievances
        self.dashboard = dashboard
    }

    var validator: RegistrationValidator {
        RegistrationValidator(catalog: catalog, consentTextVersion: consentTextVersion)
    }

    /// The registration use case over this office's store, validator and clock.
    var registrationDesk: Registrations {
        Registrations(repository: registrations, validator: validator, office: office, now: now)
    }
}

/// How the touchscreen behaves.
public struct ScreenSettings: Sendable, Equatable {
    /// Seconds without a touch before the "do you need more time?" countdown appears.
    public var idleSeconds: Int
    /// Seconds the countdown gives the visitor to answer before the session resets.
    public var countdownSeconds: Int
    public var defaultLanguage: Language

    public init(idleSeconds: Int = 60, countdownSeconds: Int = 20, defaultLanguage: Language = .mn) {
        self.idleSeconds = idleSeconds
        self.countdownSeconds = countdownSeconds
        self.defaultLanguage = defaultLanguage
    }
}
