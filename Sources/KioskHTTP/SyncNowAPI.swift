import Hummingbird
import KioskCore

/// `/api/v1/sync`: staff ask for a round with the LMIS now, instead of at the next interval.
struct SyncNowAPI: Sendable {
    let authentication: StaffAuthentication
    /// Asks the sync service for a round; it answers at once and syncs in the background.
    let requestSync: @Sendable () -> Void

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.post("sync") { request, _ in
            _ = try await authentication.require(.syncNow, request)
            requestSync()
            return try JSON.response(["requested": true], status: .accepted)
        }
    }
}
