import Foundation
import Hummingbird
import KioskCore

/// Screen sessions of the kiosk and the proofs bound to them: the page starts a session when it
/// loads (and after each reset) and finishes it on "Finish" or the idle reset; an officer at a
/// counter confirms a visitor for the session code the screen shows; the one-time code to the
/// phone on file where the office can send one. Proofs by finger are in `FingerprintAPI`.
struct IdentityAPI: Sendable {
    let proofs: IdentityProofs
    let registrations: Registrations
    let fingers: EnrolledFingers
    let authentication: StaffAuthentication
    let strict: StrictJSON
    let throttles: Throttles
    let now: @Sendable () -> Date

    var locales: Locales { strict.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.post("kiosk/sessions") { _, context in
            try Throttles.take(throttles.sessions, context, locales)
            let started = await proofs.startSession()
            return try JSON.response(SessionView(session: started.id, code: started.code), status: .created)
        }
        group.get("kiosk/sessions/current") { request, _ in try await current(request) }
        group.post("kiosk/sessions/finish") { request, _ in
            await proofs.endSession(PersonAccess.session(of: request))
            return Response(status: .noContent)
        }
        group.post("kiosk/proofs/code") { request, context in
            try Throttles.take(throttles.identifications, context, locales)
            return try await sendCode(request)
        }
        group.post("kiosk/proofs/code/verify") { request, context in
            try Throttles.take(throttles.identifications, context, locales)
            return try await verifyCode(request)
        }
        // An officer who has seen the visitor's ID card confirms them for a kiosk screen.
        group.post("staff/kiosk-proofs") { request, _ in
            _ = try await authentication.require(.readPeople, request)
            return try await release(request)
        }
    }

    struct SessionView: Encodable {
        /// The session's secret: sent back as `X-Kiosk-Session`, kept in the page's memory only.
        let session: String
        /// Shown on screen for an officer to confirm the visitor (six digits).
        let code: String
    }

    /// A person the screen now holds the proof of, with that proof.
    struct ProvedView: Encodable {
        let status: String
        let person: PersonView?
        let proof: ProofView?
    }

    func proved(_ proof: Proof) async throws -> ProvedView {
        guard let registration = try await registrations.registration(id: proof.registrationID) else {
            throw APIError.notFound(locales)
        }
        return ProvedView(
            status: "proved",
            person: PersonView(registration, fingerprintsEnrolled: try await fingers.isEnrolled(registration.id)),
            proof: ProofView(proof, now: now()))
    }

    /// `waiting`, or `proved` with the person and the proof once an officer has released them
    /// (handed over once).
    func current(_ request: Request) async throws -> Response {
        guard let released = try await proofs.collectReleased(PersonAccess.session(of: request)) else {
            return try JSON.response(ProvedView(status: "waiting", person: nil, proof: nil))
        }
        return try JSON.response(try await proved(released))
    }

    struct ReleaseRequest: Decodable {
        let sessionCode: String
        let registryNumber: String
    }

    struct ReleasedView: Encodable {
        let released: Bool
        let registrationId: String
        let reference: String
        let name: String
    }

    func release(_ request: Request) async throws -> Response {
        let body = try await strict.decode(
            ReleaseRequest.self, from: request, allowedKeys: ["sessionCode", "registryNumber"])
        let person = try await proofs.release(sessionCode: body.sessionCode, registryNumber: body.registryNumber)
        return try JSON.response(
            ReleasedView(
                released: true, registrationId: person.id.uuidString.lowercased(), reference: person.reference,
                name: person.details.displayName))
    }

    struct CodeRequest: Decodable {
        let registryNumber: String
        let language: String?
    }

    func sendCode(_ request: Request) async throws -> Response {
        let body = try await strict.decode(
            CodeRequest.self, from: request, allowedKeys: ["registryNumber", "language"])
        try await proofs.sendCode(
            session: PersonAccess.session(of: request), registryNumber: body.registryNumber,
            language: body.language.flatMap(Language.init(code:)) ?? .mn)
        return try JSON.response(["status": "sent"], status: .accepted)
    }

    struct VerifyCodeRequest: Decodable {
        let code: String
    }

    func verifyCode(_ request: Request) async throws -> Response {
        let body = try await strict.decode(VerifyCodeRequest.self, from: request, allowedKeys: ["code"])
        let proof = try await proofs.proveByCode(session: PersonAccess.session(of: request), code: body.code)
        return try JSON.response(try await proved(proof))
    }
}
