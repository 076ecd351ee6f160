import Foundation
import Hummingbird
import KioskCore

/// `/api/v1/registrations`: create, read, update, look up by registry number, validate a step.
/// A person's details open only to the screen holding their proof (`PersonAccess`) or to staff.
struct RegistrationAPI: Sendable {
    let registrations: Registrations
    /// Fingers enrolled with a save (`?fingerprints=<enrolment id>`).
    let fingers: EnrolledFingers
    let authentication: StaffAuthentication
    let access: PersonAccess
    let proofs: IdentityProofs
    let throttles: Throttles
    let strict: StrictJSON
    let office: Office
    let now: @Sendable () -> Date

    var locales: Locales { strict.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.post("registrations") { request, _ in try await create(request) }
        group.post("registrations/lookup") { request, context in
            try Throttles.take(throttles.lookups, context, locales)
            return try await lookup(request)
        }
        group.post("registrations/validate") { request, _ in try await validate(request) }
        // The person's details: to the screen holding their proof (masked phone), or to staff (whole).
        group.get("registrations/:id") { request, context in
            try await read(request, context.parameters.require("id"))
        }
        group.put("registrations/:id") { request, context in
            try await update(request, id: context.parameters.require("id"))
        }
        // A person's kept revisions (what changed, when, through which channel): staff only.
        group.get("staff/registrations/:id/revisions") { request, context in
            _ = try await authentication.require(.readPeople, request)
            return try await revisions(context.parameters.require("id"))
        }
    }

    struct Created: Encodable {
        let id: String
        let reference: String
        let revision: Int
        /// Fingers enrolled with this save (`?fingerprints=<enrolment id>`).
        var fingerprints: Int = 0
        /// Why the fingers were not stored (`unknownEnrolment`, `alreadyEnrolled`, `staff.role`);
        /// the save stands.
        var fingerprintProblem: String?
        /// For a registration made at a screen session (`X-Kiosk-Session`): the proof of the
        /// person just registered, so the screen can go on to their matches and receipt.
        var proof: ProofView?
    }

    /// Stores the fingers of the enrolment named by `?fingerprints=` for the person just saved.
    /// The registration is saved whatever happens to the fingers.
    func enrolFingers(_ request: Request, for registration: Registration, into created: inout Created) async {
        guard let enrolment = request.uri.queryParameters.get("fingerprints"), !enrolment.isEmpty else { return }
        do {
            created.fingerprints = try await fingers.store(enrolment: enrolment, for: registration.id, by: nil)
        } catch {
            created.fingerprintProblem =
                (error as? APIError ?? APIError(domain: error, locales: locales))?.code ?? "fingerprintsUnavailable"
        }
    }

    /// A new person. A registry number already registered is answered 409 `alreadyRegistered`
    /// with the ways of proving, as a lookup answers `known`: never the registration's id.
    func create(_ request: Request) async throws -> Response {
        let form = try await strict.decode(
            RegistrationForm.self, from: request, allowedKeys: RegistrationForm.fieldNames)
        let registration: Registration
        do {
            registration = try await registrations.register(
                form, by: await channel(of: request),
                requestKey: request.requestKey)
        } catch let failure as RegistrationStoreError {
            guard let existing = failure.existingID, var error = APIError(domain: failure, locales: locales) else {
                throw failure
            }
            error.proofs = await proofs.methods(for: existing).map(\.rawValue)
            throw error
        }
        var created = Created(registration)
        await enrolFingers(request, for: registration, into: &created)
        let session = PersonAccess.session(of: request)
        if !session.isEmpty,
            let proof = try? await proofs.proveNewRegistration(
                session: session, registrationID: registration.id)
        {
            created.proof = ProofView(proof, now: now())
        }
        var response = try JSON.response(created, status: .created)
        response.headers[.location] = "/api/v1/registrations/\(registration.id.uuidString.lowercased())"
        return response
    }

    /// Updates a person's details: with their proof at the kiosk, or by staff at a counter.
    /// Fingers (`?fingerprints=`) are enrolled only for a person who has none, and by staff only
    /// with the role to manage fingerprints.
    func update(_ request: Request, id raw: String) async throws -> Response {
        let id = try registrationID(raw)
        let holder = try await access.require(.readPeople, for: id, request)
        let form = try await strict.decode(
            RegistrationForm.self, from: request, allowedKeys: RegistrationForm.fieldNames)
        let channel: RegistrationChannel =
            switch holder {
            case .visitor: .kiosk
            case .staff(let session): .staff(id: session.staffID, name: session.displayName, counter: session.counter)
            }
        let registration = try await registrations.update(id: id, with: form, by: channel)
        var created = Created(registration)
        if case .staff(let session) = holder, !session.role.allows(.manageFingerprints),
            request.uri.queryParameters.get("fingerprints") != nil
        {
            created.fingerprintProblem = "staff.role"
        } else {
            await enrolFingers(request, for: registration, into: &created)
        }
        return try JSON.response(created)
    }

    /// A signed-in member of staff makes the change at their counter; anyone else at the kiosk.
    func channel(of request: Request) async -> RegistrationChannel {
        guard PersonAccess.hasStaffCredentials(request), let session = try? await authentication.requireStaff(request)
        else {
            return .kiosk
        }
        return .staff(id: session.staffID, name: session.displayName, counter: session.counter)
    }

    struct RevisionBody: Encodable {
        let revision: Int
        let at: Date
        /// `at` on the office's clock (`2026-11-23 14:00`), as staff read it.
        let localTime: String
        let channel: String
        let staff: String?
        let counter: Int?
        let changedFields: [String]
        let registration: RegistrationSnapshot
    }

    func revisions(_ raw: String) async throws -> Response {
        let revisions = try await registrations.revisions(of: try registrationID(raw))
        return try JSON.response([
            "revisions": revisions.reversed().map {
                RevisionBody(
                    revision: $0.revision, at: $0.at, localTime: office.localTimestamp($0.at),
                    channel: $0.channel.name, staff: $0.channel.staffName,
                    counter: $0.channel.counter, changedFields: $0.changedFields.map(\.rawValue),
                    registration: $0.snapshot)
            }
        ])
    }

    /// The whole registration for staff; for the screen holding the person's proof, what it may
    /// show (`PersonView`: the phone masked).
    func read(_ request: Request, _ raw: String) async throws -> Response {
        let id = try registrationID(raw)
        let holder = try await access.require(.readPeople, for: id, request)
        guard let registration = try await registrations.registration(id: id) else { throw notFound }
        switch holder {
        case .staff: return try JSON.response(RegistrationSnapshot(registration))
        case .visitor:
            return try JSON.response(
                PersonView(registration, fingerprintsEnrolled: try await fingers.isEnrolled(registration.id)))
        }
    }

    struct LookupRequest: Decodable {
        let registryNumber: String
    }

    /// All a lookup without proof says: `new` (with the birth date and sex the number itself
    /// tells), or `known` with the ways this person can prove who they are. Never a name, a
    /// detail or an id.
    struct LookupResult: Encodable {
        let status: String
        let birthDate: String?
        let sex: String?
        /// `finger` (enrolled fingers and a reader here), `code` (where a one-time code can be
        /// sent to the phone on file), `staff` (always: an officer at a counter).
        let proofs: [String]?
    }

    func lookup(_ request: Request) async throws -> Response {
        let body = try await strict.decode(LookupRequest.self, from: request, allowedKeys: ["registryNumber"])
        switch try await proofs.lookup(body.registryNumber) {
        case .new(let number):
            return try JSON.response(
                LookupResult(
                    status: "new", birthDate: number.birthDate.description, sex: number.sex.rawValue, proofs: nil))
        case .known(let methods):
            return try JSON.response(
                LookupResult(status: "known", birthDate: nil, sex: nil, proofs: methods.map(\.rawValue)))
        }
    }

    struct StepErrors: Encodable {
        let errors: [APIError.FieldErrorBody]
    }

    /// Checks the fields named in `?fields=a,b` and answers 200 with their errors (empty when fine).
    func validate(_ request: Request) async throws -> Response {
        // A returning visitor working through their details keeps their proof alive.
        if let token = request.headers[PersonAccess.proofHeader] { await proofs.keepAlive(token) }
        let form = try await strict.decode(
            RegistrationForm.self, from: request, allowedKeys: RegistrationForm.fieldNames)
        let names = (request.uri.queryParameters.get("fields") ?? "").split(separator: ",").map(String.init)
        var fields = Set<RegistrationField>()
        for name in names {
            guard let field = RegistrationField(rawValue: name) else {
                throw APIError(
                    status: .badRequest, code: "unknownField", message: locales.both("api.unknownField"), field: name)
            }
            fields.insert(field)
        }
        let errors = registrations.errors(in: form, fields: fields)
        return try JSON.response(StepErrors(errors: APIError.invalidFields(errors, locales).fieldErrors))
    }

    // MARK: - Helpers

    func registrationID(_ raw: String) throws -> UUID { try APIError.uuid(raw, locales) }

    var notFound: APIError { .notFound(locales) }
}

extension RegistrationAPI.Created {
    init(_ registration: Registration) {
        self.init(
            id: registration.id.uuidString.lowercased(), reference: registration.reference,
            revision: registration.revision)
    }
}
