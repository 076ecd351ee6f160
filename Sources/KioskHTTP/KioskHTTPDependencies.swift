public import Foundation
public import KioskCore

/// The ports and settings of the kiosk's HTTP service, as the composition root (`KioskServer`,
/// the router tests) hands them in. It only builds the use cases and route groups: each route
/// group is given what it uses, never this whole set.
public struct KioskHTTPDependencies: Sendable {
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
    /// Other addresses staff reach this service at (the TLS listener's), for the same-origin
    /// check of cookie-authenticated changes; `publicURL` and the request's own host always count.
    public var otherURLs: [String] = []
    /// Version of the consent text in the locale files; stored with each consent.
    public var consentTextVersion: String
    /// Cap for JSON request bodies.
    public var maxBodyBytes: Int
    /// Wall clock, injectable for tests.
    public var now: @Sendable () -> Date
    /// Whether the database can be used, for `/healthz`.
    public var healthCheck: @Sendable () async -> Bool
    /// Whether the database takes writes (a full disk does not), for `/healthz` and the console.
    public var storageWritable: @Sendable () async -> Bool
    /// Answers kept under the screens' idempotency keys; nil where every request is done anew.
    public var storedAnswers: (any StoredAnswerRepository)?
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
    /// The dashboard's indicators broken down (sex, age group, …); nil where the kiosk keeps none.
    public var indicatorBreakdowns: (any IndicatorBreakdownSource)?
    /// Grievances filed at the kiosk and triaged by staff; nil where the kiosk keeps none.
    public var grievances: (any GrievanceRepository)?
    /// Visitors' ratings of finished tickets; nil where the kiosk keeps none.
    public var feedback: (any FeedbackRepository)?
    /// The office's enrolled fingers (1:N and 1:1); nil where the kiosk keeps none.
    public var fingerprints: FingerprintIdentity?
    /// Fingers being enrolled at the reader, before they are stored.
    public let enrolments = FingerprintEnrolments()
    /// Screen sessions and the proofs of who a returning visitor is (kept across a restart with
    /// a `ProofStateStore`; the composition root calls `restore()` before serving).
    public let identityProofs: IdentityProofs
    /// Per-client throttles of lookups, identifications and ratings.
    let throttles: Throttles
    /// Where the kiosk's voice comes from (recorded sets, the cache of synthesised clips).
    public var speech: SpeechSettings
    /// Booked meetings; nil where the kiosk keeps none. Set after `init` with `counsellors`.
    public var appointments: (any AppointmentRepository)? = nil
    /// Who appointments may be booked with.
    public var counsellors: (any CounsellorDirectory)? = nil
    /// The days and hours the office takes appointments (its closed days).
    public var officeCalendar = OfficeCalendar()
    /// Referrals to employment promotion programmes; nil where the kiosk keeps none.
    public var programmes: (any ProgrammeRepository)? = nil
    /// Case files (profiles, plans, notes) and the profiling questionnaire; nil where the kiosk keeps none.
    public var cases: (any CaseRepository)?
    public var questionnaires: (any QuestionnaireSource)?
    /// The hub's case summaries of people registered at other offices; nil where there is no hub.
    public var caseSummaries: (any CaseSummaryLookup)?
    /// The office's text messages for staff; nil where it sends none (`sms_route = none`).
    public var messages: (any MessagesOverviewSource)?
    /// Message counts for the dashboard; nil where the office sends none.
    public var messageFigures: (any MessageFiguresSource)?
    /// Texts asked for at the kiosk with a ticket (a typed phone, consents); nil where it sends none.
    public var ticketTexts: (any TicketTextsStore)?
    /// Employers, the vacancies the office takes in, outcomes and follow-ups; nil where the kiosk keeps none.
    public var employers: (any EmployerRepository)?
    /// Renders the employer's A4 documents to PDF; nil where the kiosk renders none.
    public var documentRenderer: (any OfficeDocumentRenderer)?
    /// The weekly digest's links to a person's vacancy list; nil where the office sends no texts.
    public var vacancyLinks: (any VacancyLinkSource)?

    public init(
        office: Office, registrations: any RegistrationRepository, summaries: any OfficeSummarySource,
        queue: any QueueRepository, staff: any StaffRepository, services: [QueueService],
        catalog: ReferenceCatalog, locales: Locales,
        kioskDirectory: URL, settings: ScreenSettings = ScreenSettings(), printer: (any DocumentPrinter)? = nil,
        fingerprintReader: (any FingerprintReaderPort)? = nil,
        publicURL: String = "http://127.0.0.1:8080", consentTextVersion: String = "2026-2",
        maxBodyBytes: Int = 64 * 1024, now: @escaping @Sendable () -> Date = { Date() },
        healthCheck: @escaping @Sendable () async -> Bool,
        storageWritable: @escaping @Sendable () async -> Bool = { true },
        storedAnswers: (any StoredAnswerRepository)? = nil,
        syncStatus: @escaping @Sendable () async -> SyncStatus? = { nil },
        requestSync: @escaping @Sendable () -> Void = {},
        vacancies: (any VacancyCatalog)? = nil, referrals: (any ReferralRepository)? = nil,
        fingerprints: FingerprintIdentity? = nil, feedback: (any FeedbackRepository)? = nil,
        grievances: (any GrievanceRepository)? = nil, dashboard: (any DashboardSource)? = nil,
        proofSettings: ProofSettings = ProofSettings(), codeSender: (any OneTimeCodeSender)? = nil,
        proofState: (any ProofStateStore)? = nil,
        proofStateFailed: @escaping @Sendable (any Error) -> Void = { _ in },
        speech: SpeechSettings? = nil
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
        self.storageWritable = storageWritable
        self.storedAnswers = storedAnswers
        self.syncStatus = syncStatus
        self.requestSync = requestSync
        self.vacancies = vacancies
        self.referrals = referrals
        self.fingerprints = fingerprints
        self.feedback = feedback
        self.grievances = grievances
        self.dashboard = dashboard
        let reader = fingerprintReader
        identityProofs = IdentityProofs(
            registrations: Registrations(
                repository: registrations,
                validator: RegistrationValidator(catalog: catalog, consentTextVersion: consentTextVersion),
                office: office, now: now),
            fingerprints: fingerprints, codeSender: codeSender,
            readerPresent: {
                guard let reader else { return false }
                return await reader.status().state != .absent
            },
            settings: proofSettings, stateStore: proofState, saveFailed: proofStateFailed, now: now)
        throttles = Throttles(now: now)
        self.speech =
            speech
            ?? SpeechSettings(
                recordings: [],
                cache: FileManager.default.temporaryDirectory.appendingPathComponent("lswo-kiosk-speech"))
    }

    // MARK: - Use cases

    var registrationDesk: Registrations {
        Registrations(
            repository: registrations,
            validator: RegistrationValidator(catalog: catalog, consentTextVersion: consentTextVersion), office: office,
            now: now)
    }

    var ticketDesk: TicketDesk {
        TicketDesk(queue: queue, registrations: registrations, services: services, office: office, now: now)
    }

    var staffSessions: StaffSessions { StaffSessions(staff: staff, services: services, now: now) }

    var referralDesk: Referrals? {
        guard let referrals, let vacancies else { return nil }
        return Referrals(
            referrals: referrals, registrations: registrations, vacancies: vacancies, office: office, now: now)
    }

    var vacancySearch: VacancySearch? {
        vacancies.map {
            VacancySearch(
                catalog: $0, registrations: registrations, referrals: referrals, reference: catalog, office: office,
                now: now)
        }
    }

    var grievanceDesk: Grievances? {
        grievances.map { Grievances(repository: $0, office: office, now: now) }
    }

    var feedbackDesk: FeedbackDesk? { feedback.map { FeedbackDesk(repository: $0, office: office, now: now) } }

    var appointmentDesk: Appointments? {
        guard let appointments, let counsellors else { return nil }
        return Appointments(
            repository: appointments, registrations: registrations, desk: ticketDesk, office: office,
            calendar: officeCalendar, counsellors: counsellors, now: now)
    }

    var programmeDesk: Programmes? {
        programmes.map { Programmes(repository: $0, registrations: registrations, office: office, now: now) }
    }

    var slips: Slips {
        Slips(
            office: office, services: services, publicURL: publicURL, text: { [locales] in locales.both($0) }, now: now)
    }

    // MARK: - Route groups

    /// `scheme://host[:port]` of `publicURL` and `otherURLs`.
    var origins: Set<String> {
        Set(([publicURL] + otherURLs).compactMap { SameOriginMiddleware<KioskRequestContext>.origin(ofURL: $0) })
    }

    var strict: StrictJSON { StrictJSON(locales: locales, maxBodyBytes: maxBodyBytes) }

    var authentication: StaffAuthentication { StaffAuthentication(sessions: staffSessions, locales: locales) }

    var fingers: EnrolledFingers {
        EnrolledFingers(stored: fingerprints, enrolments: enrolments, locales: locales, now: now)
    }

    var personAccess: PersonAccess { PersonAccess(proofs: identityProofs, authentication: authentication) }

    var registrationAPI: RegistrationAPI {
        RegistrationAPI(
            registrations: registrationDesk, fingers: fingers, authentication: authentication, access: personAccess,
            proofs: identityProofs, throttles: throttles, strict: strict, office: office, now: now)
    }

    var identityAPI: IdentityAPI {
        IdentityAPI(
            proofs: identityProofs, registrations: registrationDesk, fingers: fingers, authentication: authentication,
            strict: strict, throttles: throttles, now: now)
    }

    var referenceAPI: ReferenceAPI { ReferenceAPI(catalog: catalog, locales: locales) }

    var printAPI: PrintAPI {
        PrintAPI(
            desk: ticketDesk, registrations: registrationDesk, printer: printer, slips: slips,
            authentication: authentication, access: personAccess, feedback: feedbackDesk, strict: strict)
    }

    var ticketTextsAPI: TicketTextsAPI {
        TicketTextsAPI(
            store: ticketTexts, desk: ticketDesk, feedback: feedbackDesk, access: personAccess, strict: strict, now: now
        )
    }
    var feedbackAPI: FeedbackAPI { FeedbackAPI(feedback: feedbackDesk, throttles: throttles, strict: strict) }

    var ticketAPI: TicketAPI {
        TicketAPI(
            desk: ticketDesk, authentication: authentication, strict: strict,
            defaultLanguage: settings.defaultLanguage, printer: printer, slips: slips, syncStatus: syncStatus,
            storageWritable: storageWritable)
    }

    var staffSessionAPI: StaffSessionAPI {
        StaffSessionAPI(sessions: staffSessions, authentication: authentication, strict: strict)
    }

    var displayFeedAPI: DisplayFeedAPI { DisplayFeedAPI(queue: queue, now: now) }

    /// The voice's routes over the phrase catalogue of the locale files, `phrases.json`, the
    /// office's services and the profiling questionnaire asked now (built again when it changes).
    func voiceAPI() throws -> VoiceAPI {
        var localeFiles: [Language: Data] = [:]
        for language in Language.allCases {
            localeFiles[language] = try Data(
                contentsOf: kioskDirectory.appendingPathComponent("locales/\(language.rawValue).json"))
        }
        let phrasesFile = try Data(contentsOf: kioskDirectory.appendingPathComponent("assets/audio/phrases.json"))
        let (services, officeName, speech, locales) = (services, office.name, speech, localeFiles)
        // Read once here, so a broken file stops the start rather than the first spoken word.
        _ = try SpeechCatalog.load(localeFiles: localeFiles, phrasesFile: phrasesFile, services: services)
        let live = LiveSpeech(questionnaires: questionnaires) { questionnaire in
            SpeechClips(
                catalog: try SpeechCatalog.load(
                    localeFiles: locales, phrasesFile: phrasesFile, services: services, officeName: officeName,
                    questionnaire: questionnaire),
                settings: speech)
        }
        return VoiceAPI(speech: live, throttle: throttles.speech, locales: self.locales, strict: strict)
    }

    var syncNowAPI: SyncNowAPI { SyncNowAPI(authentication: authentication, requestSync: requestSync) }

    var fingerprintAPI: FingerprintAPI {
        FingerprintAPI(
            reader: fingerprintReader, fingers: fingers, registrations: registrationDesk,
            authentication: authentication, proofs: identityProofs, throttles: throttles, strict: strict, now: now)
    }

    var grievanceAPI: GrievanceAPI {
        GrievanceAPI(
            grievances: grievanceDesk, authentication: authentication, strict: strict, printer: printer, slips: slips)
    }

    var dashboardAPI: DashboardAPI {
        DashboardAPI(
            dashboard: dashboard.map { Dashboard(source: $0, office: office, now: now) },
            authentication: authentication, office: office, now: now)
    }

    var indicatorBreakdownAPI: IndicatorBreakdownAPI {
        IndicatorBreakdownAPI(source: indicatorBreakdowns, dashboard: dashboardAPI, catalog: catalog)
    }

    var vacancyAPI: VacancyAPI {
        VacancyAPI(
            reference: catalog, vacancies: vacancySearch, referrals: referralDesk, registrations: registrationDesk,
            authentication: authentication, access: personAccess, strict: strict, office: office, printer: printer,
            now: now)
    }

    var appointmentAPI: AppointmentAPI {
        AppointmentAPI(
            appointments: appointmentDesk, registrations: registrationDesk, tickets: ticketAPI,
            authentication: authentication, access: personAccess, strict: strict, office: office,
            messages: messages, now: now)
    }

    var programmeAPI: ProgrammeAPI {
        ProgrammeAPI(programmes: programmeDesk, authentication: authentication, strict: strict)
    }

    var caseDesk: Cases? {
        guard let cases, let questionnaires else { return nil }
        return Cases(
            repository: cases, registrations: registrations, questionnaires: questionnaires, office: office, now: now)
    }

    var caseAPI: CaseAPI {
        CaseAPI(
            cases: caseDesk, registrations: registrationDesk, referrals: referrals, queue: queue,
            authentication: authentication, access: personAccess, strict: strict,
            wording: ActionPlanWording(office: office, text: { [locales] in locales.both($0) }, now: now),
            printer: printer, summaries: caseSummaries, appointments: appointmentDesk)
    }

    func caseScreens() async throws -> CaseScreens {
        try await CaseScreens(
            office: office, authentication: authentication, locales: locales, kioskDirectory: kioskDirectory,
            settings: settings,
            hasCases: caseDesk != nil, hasPrinter: printer != nil)
    }

    var employerDesk: EmployerDesk? {
        employers.map {
            EmployerDesk(repository: $0, registrations: registrations, catalog: catalog, office: office, now: now)
        }
    }

    var employerAPI: EmployerAPI {
        EmployerAPI(
            desk: employerDesk, referrals: referralDesk, registrations: registrations,
            documents: EmployerDocuments(
                catalog: catalog, office: office, text: { [locales] in locales.text($0, $1) }, now: now),
            renderer: documentRenderer, printer: printer, authentication: authentication, strict: strict,
            office: office, now: now)
    }

    func screens() async throws -> Screens {
        var screens = try await Screens(
            office: office, locales: locales, kioskDirectory: kioskDirectory, settings: settings, catalog: catalog,
            desk: ticketDesk, feedback: feedbackDesk, summaries: summaries, dashboardAPI: dashboardAPI,
            hasPrinter: printer != nil, hasFingerprintReader: fingerprintReader != nil,
            consentTextVersion: consentTextVersion, now: now)
        screens.appointments = appointmentDesk
        screens.programmes = programmeDesk
        screens.texts = messages != nil
        screens.ticketTexts = ticketTexts != nil
        screens.messageFigures = messageFigures
        screens.indicatorBreakdowns = indicatorBreakdowns
        if let employers {
            screens.employerFigures = { try await employers.figures(from: $0, to: $1) }
        }
        screens.hasCases = caseDesk != nil
        if let desk = caseDesk {
            screens.caseload = { try await desk.caseload() }
        }
        return screens
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
