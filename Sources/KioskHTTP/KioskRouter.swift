import Foundation
public import Hummingbird
import KioskCore

/// Builds the kiosk's router: screens, assets, JSON API and health.
public enum KioskRouter {
    public static func build(_ environment: KioskHTTPEnvironment) async throws -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ErrorMiddleware(locales: environment.locales))
        router.add(
            middleware: FileMiddleware(
                environment.kioskDirectory.appendingPathComponent("assets").path, urlBasePath: "/assets",
                cacheControl: .init([(MediaType(type: .any), [.maxAge(300)])])))
        router.get("/healthz") { _, _ -> Response in
            let usable = await environment.healthCheck()
            return try JSON.response(
                ["status": usable ? "ok" : "unavailable"], status: usable ? .ok : .serviceUnavailable)
        }
        let api = router.group("/api/v1")
        RegistrationAPI(environment: environment).addRoutes(to: api)
        ReferenceAPI(environment: environment).addRoutes(to: api)
        // Before the queue's `tickets/:id/:action`, so `tickets/:id/print` and `…/feedback` are matched here.
        PrintAPI(environment: environment).addRoutes(to: api)
        FeedbackAPI(environment: environment).addRoutes(to: api)
        FeedbackAPI(environment: environment).addFormRoute(to: router)
        QueueAPI(environment: environment).addRoutes(to: api)
        FingerprintAPI(environment: environment).addRoutes(to: api)
        GrievanceAPI(environment: environment).addRoutes(to: api)
        DashboardAPI(environment: environment).addRoutes(to: api)
        VacancyAPI(environment: environment).addRoutes(to: api)
        try await Screens(environment: environment).addRoutes(to: router)
        return router
    }
}
