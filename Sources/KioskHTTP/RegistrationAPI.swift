import Foundation
import Hummingbird
import KioskCore

/// `/api/v1/registrations`: create, read, update, look up by registry number, validate a step.
struct RegistrationAPI: Sendable {
    let environment: KioskHTTPEnvironment

    var strict: StrictJSON { StrictJSON(locales: environment.locales, maxBodyBytes: environment.maxBodyBytes) }
    var locales: Locales { environment.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.post("registrations") { request, _ in try await create(request) }
        group.post("registrations/lookup") { request, _ in try await lookup(request) }
        group.post("registrations/validate") { request, _ in try await validate(request) }
        // Reading a whole registration is for staff: it holds contact details.
        group.get("registrations/:id") { request, context in
            _ = try await StaffAuthentication(environment: environment).require(.readPeople, request)
            return try await read(context.parameters.require("id"))
        }
        group.put("registrations/:id") { request, context in
            try await update(request, id: context.parameters.require("id"))
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
            created.fingerprints = try await FingerprintAPI(environment: environment).store(
                enrolment: enrolment, for: registration.id, by: nil)
        } catch let error as APIError {
            created.fingerprintProblem = error.code
        } catch {
            created.fingerprintProblem = "fingerprintsUnavailable"
        }
    }

    func create(_ request: Request) async throws -> Response {
        let form = try await strict.decode(
            RegistrationForm.self, from: request, allowedKeys: RegistrationForm.fieldNames)
        let now = environment.now()
        let details = try validated(form, now: now)
        do {
            let registration = try await environment.registrations.register(details, at: now)
            var created = Created(registration)
            await enrolFingers(request, for: registration, into: &created)
            var response = try JSON.response(created, status: .created)
            response.headers[.location] = "/api/v1/registrations/\(registration.id.uuidString.lowercased())"
            return response
        } catch let error as RegistrationStoreError where error.existingID != nil {
            var apiError = APIError(
                status: .conflict, code: "alreadyRegistered", message: locales.both("api.alreadyRegistered"),
                field: RegistrationField.registryNumber.rawValue)
            apiError.existingID = error.existingID
            throw apiError
        }
    }

    func update(_ request: Request, id raw: String) async throws -> Response {
        let id = try registrationID(raw)
        var form = try await strict.decode(
            RegistrationForm.self, from: request, allowedKeys: RegistrationForm.fieldNames)
        if form.keepPhone == true, (form.phone ?? "").isEmpty {
            guard let existing = try await environment.registrations.registration(id: id) else { throw notFound }
            form.phone = existing.details.phone.digits
        }
        let now = environment.now()
        let details = try validated(form, now: now)
        do {
            let registration = try await environment.registrations.update(id: id, with: details, at: now)
            var created = Created(registration)
            await enrolFingers(request, for: registration, into: &created)
            return try JSON.response(created)
        } catch let error as RegistrationStoreError where error == .notFound {
            throw notFound
        } catch let error as RegistrationStoreError where error == .registryNumberChanged {
            throw APIError(
                status: .unprocessableContent, code: "registryNumberChanged",
                message: locales.both("api.registryNumberChanged"), field: RegistrationField.registryNumber.rawValue)
        }
    }

    func read(_ raw: String) async throws -> Response {
        guard let registration = try await environment.registrations.registration(id: try registrationID(raw)) else {
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
        let number: RegistryNumber
        do {
            number = try RegistryNumber(
                parsing: body.registryNumber, today: environment.office.today(at: environment.now()))
        } catch {
            throw validationFailure([FieldError(field: .registryNumber, registryNumber: error)])
        }
        guard let existing = try await environment.registrations.registration(registryNumber: number) else {
            return try JSON.response(
                LookupResult(
                    status: "new", birthDate: number.birthDate.description, sex: number.sex.rawValue, id: nil,
                    reference: nil,
                    displayName: nil, maskedPhone: nil, prefill: nil))
        }
        let enrolled = try await environment.fingerprints?.isEnrolled(existing.id) ?? false
        return try JSON.response(known(existing, fingerprintsEnrolled: enrolled))
    }

    /// What the screen may show about a returning person found by registry number or finger.
    func known(_ existing: Registration, fingerprintsEnrolled: Bool) -> LookupResult {
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
        let today = environment.office.today(at: environment.now())
        let errors = environment.validator.errors(in: form, fields: fields, today: today)
        return try JSON.response(StepErrors(errors: APIError.invalidFields(errors, locales).fieldErrors))
    }

    // MARK: - Helpers

    func validated(_ form: RegistrationForm, now: Date) throws -> RegistrationDetails {
        switch environment.validator.validate(form, today: environment.office.today(at: now), now: now) {
        case .success(let details): return details
        case .failure(let failure): throw validationFailure(failure.errors)
        }
    }

    func validationFailure(_ errors: [FieldError]) -> APIError { .invalidFields(errors, locales) }

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
