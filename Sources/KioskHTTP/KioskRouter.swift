import Foundation
public import Hummingbird
import KioskCore

/// Builds the kiosk's router: screens, assets, JSON API and health.
public enum KioskRouter {
    public static func build(_ dependencies: KioskHTTPDependencies) async throws -> Router<KioskRequestContext> {
        let router = Router(context: KioskRequestContext.self)
        router.add(middleware: ErrorMiddleware(locales: dependencies.locales))
        router.add(middleware: SameOriginMiddleware(locales: dependencies.locales, origins: dependencies.origins))
        if let answers = dependencies.storedAnswers {
            router.add(
                middleware: IdempotencyMiddleware(
                    answers: answers, locales: dependencies.locales, now: dependencies.now))
        }
        router.add(
            middleware: FileMiddleware(
                dependencies.kioskDirectory.appendingPathComponent("assets").path, urlBasePath: "/assets",
                cacheControl: .init([(MediaType(type: .any), [.maxAge(300)])])))
        let healthCheck = dependencies.healthCheck
        let storageWritable = dependencies.storageWritable
        router.get("/healthz") { _, _ -> Response in
            let usable = await healthCheck()
            let writable = usable ? await storageWritable() : false
            return try JSON.response(
                [
                    "status": usable && writable ? "ok" : "unavailable",
                    "database": writable ? "writable" : "notWritable",
                ],
                status: usable && writable ? .ok : .serviceUnavailable)
        }
        let api = router.group("/api/v1")
        dependencies.registrationAPI.addRoutes(to: api)
        dependencies.identityAPI.addRoutes(to: api)
        dependencies.referenceAPI.addRoutes(to: api)
        // Before the tickets' `tickets/:id/:action`, so `tickets/:id/print` and `…/feedback` are matched here.
        dependencies.printAPI.addRoutes(to: api)
        let feedback = dependencies.feedbackAPI
        feedback.addRoutes(to: api)
        feedback.addFormRoute(to: router)
        dependencies.ticketTextsAPI.addRoutes(to: api)
        dependencies.ticketAPI.addRoutes(to: api)
        dependencies.syncNowAPI.addRoutes(to: api)
        dependencies.staffSessionAPI.addRoutes(to: api)
        dependencies.displayFeedAPI.addRoutes(to: api)
        try dependencies.voiceAPI().addRoutes(to: api)
        dependencies.fingerprintAPI.addRoutes(to: api)
        dependencies.grievanceAPI.addRoutes(to: api)
        dependencies.dashboardAPI.addRoutes(to: api)
        dependencies.indicatorBreakdownAPI.addRoutes(to: api)
        dependencies.vacancyAPI.addRoutes(to: api)
        dependencies.appointmentAPI.addRoutes(to: api)
        dependencies.programmeAPI.addRoutes(to: api)
        dependencies.caseAPI.addRoutes(to: api)
        try await dependencies.caseScreens().addRoutes(to: router)
        MessagesAPI(
            source: dependencies.messages, authentication: dependencies.authentication, strict: dependencies.strict,
            now: dependencies.now
        )
        .addRoutes(to: api)
        dependencies.employerAPI.addRoutes(to: api)
        try await dependencies.screens().addRoutes(to: router)
        try await VacancyLinkScreen(dependencies).addRoutes(to: router)
        return router
    }
}
