import Foundation
import Hummingbird
import KioskCore

/// `/api/v1/registrations`: create, read, update, look up by registry number, validate a step.
struct RegistrationAPI: Sendable {
    let registrations: Registrations
    /// Fingers enrolled with a save (`?fingerprints=<enrolment id>`).
    let fingers: EnrolledFingers
    let authentication: StaffAuthentication
    let strict: StrictJSON
    let office: Office

    var locales: Locales { strict.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.post("registrations") { request, _ in try await create(request) }
        group.post("registrations/lookup") { request, _ in try await lookup(request) }
        group.post("registrations/validate") { request, _ in try await validate(request) }
        // Reading a whole registration is for staff: it holds contact details.
        group.get("registrations/:id") { request, context in
            _ = try await authentication.require(.readPeople, request)
            return try await read(context.parameters.require("id"))
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
        /// Why the fingers were not stored (`unknownEnrolment`, `alreadyEnrolled`); the save stands.
        var fingerprintProblem: String?
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

    func create(_ request: Request) async throws -> Response {
        let form = try await strict.decode(
            RegistrationForm.self, from: request, allowedKeys: RegistrationForm.fieldNames)
        let registration = try await registrations.register(form, by: await channel(of: request))
        var created = Created(registration)
        await enrolFingers(request, for: registration, into: &created)
        var response = try JSON.response(created, status: .created)
        response.headers[.location] = "/api/v1/registrations/\(registration.id.uuidString.lowercased())"
        return response
    }

    func update(_ request: Request, id raw: String) async throws -> Response {
        let id = try registrationID(raw)
        let form = try await strict.decode(
            RegistrationForm.self, from: request, allowedKeys: RegistrationForm.fieldNames)
        let registration = try await registrations.update(id: id, with: form, by: await channel(of: request))
        var created = Created(registration)
        await enrolFingers(request, for: registration, into: &created)
        return try JSON.response(created)
    }

    /// A signed-in member of staff makes the change at their counter; anyone else at the kiosk.
    func channel(of request: Request) async -> RegistrationChannel {
        guard let session = try? await authentication.requireStaff(request) else {
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

    func read(_ raw: String) async throws -> Response {
        guard let registration = try await registrations.registration(id: try registrationID(raw)) else {
            throw notFound
        }
        return try JSON.response(RegistrationSnapshot(registration))
    }

    struct LookupRequest: Decodable {
        let registryNumber: String
    }

    /// What the screen may show about a returning person: the greeting and non-contact details
    /// to prefill. The phone number is masked; it must be typed again to change it.
    struct LookupResult: Encodable {
        let status: String
        let birthDate: String?
        let sex: String?
        let id: String?
        let reference: String?
        let displayName: String?
        let maskedPhone: String?
        let prefill: RegistrationForm?
        /// Whether the person has fingers enrolled (the screen then asks for one to confirm).
        var fingerprintsEnrolled: Bool = false
    }

    func lookup(_ request: Request) async throws -> Response {
        let body = try await strict.decode(LookupRequest.self, from: request, allowedKeys: ["registryNumber"])
        let number = try registrations.registryNumber(body.registryNumber)
        guard let existing = try await registrations.registration(registryNumber: number) else {
            return try JSON.response(
                LookupResult(
                    status: "new", birthDate: number.birthDate.description, sex: number.sex.rawValue, id: nil,
                    reference: nil,
                    displayName: nil, maskedPhone: nil, prefill: nil))
        }
        let enrolled = try await fingers.isEnrolled(existing.id)
        return try JSON.response(Self.known(existing, fingerprintsEnrolled: enrolled))
    }

    /// What the screen may show about a returning person found by registry number or finger.
    static func known(_ existing: Registration, fingerprintsEnrolled: Bool) -> LookupResult {
        let d = existing.details
        var prefill = RegistrationForm()
        prefill.registryNumber = d.registryNumber.value
        prefill.familyName = d.familyName
        prefill.givenName = d.givenName
        prefill.aimagCode = d.address.aimagCode
        prefill.soumCode = d.address.soumCode
        prefill.educationCode = d.educationCode
        prefill.occupationCode = d.occupationCode
        prefill.skills = d.skills
        prefill.licences = d.licences
        prefill.experienceYears = d.experienceYears
        prefill.desiredOccupationCode = d.desiredOccupationCode
        prefill.desiredJob = d.desiredJob
        prefill.hasDisability = d.hasDisability
        prefill.disabilityDetail = d.disabilityDetail
        prefill.status = d.status.rawValue
        return LookupResult(
            status: "known", birthDate: d.birthDate.description, sex: d.sex.rawValue,
            id: existing.id.uuidString.lowercased(), reference: existing.reference, displayName: d.displayName,
            maskedPhone: d.phone.masked, prefill: prefill, fingerprintsEnrolled: fingerprintsEnrolled)
    }

    struct StepErrors: Encodable {
        let errors: [APIError.FieldErrorBody]
    }

    /// Checks the fields named in `?fields=a,b` and answers 200 with their errors (empty when fine).
    func validate(_ request: Request) async throws -> Response {
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
