import Foundation
import HTTPTypes
import Hummingbird
import KioskCore

/// Who may see or change one person: the kiosk screen holding that person's proof (the token in
/// `X-Kiosk-Proof`, from `IdentityProofs`), or a signed-in member of staff whose role allows it.
/// Every route about a person's details goes through it, on the server.
struct PersonAccess: Sendable {
    /// The proof token of the person the screen is serving.
    static let proofHeader = HTTPField.Name("X-Kiosk-Proof")!
    /// The screen session a proof is asked for (and bound to).
    static let sessionHeader = HTTPField.Name("X-Kiosk-Session")!

    enum Holder: Sendable {
        /// The person, at the kiosk, with their proof.
        case visitor
        case staff(StaffSession)
    }

    let proofs: IdentityProofs
    let authentication: StaffAuthentication

    /// The proof for `id`, or staff allowed `permission`. Throws `ProofError` (401 `proof.required`,
    /// `proof.expired`, `proof.invalid`; 403 `proof.otherPerson`) or the staff refusals.
    func require(_ permission: StaffPermission, for id: UUID, _ request: Request) async throws -> Holder {
        if let token = request.headers[Self.proofHeader] {
            try await proofs.authorize(token, for: id)
            return .visitor
        }
        if Self.hasStaffCredentials(request) {
            return .staff(try await authentication.require(permission, request))
        }
        throw ProofError.required
    }

    /// Before a body naming the person is read: a proof (checked against the person later, by
    /// `require`), or staff allowed `permission`; anyone else is refused at once (401
    /// `proof.required`, or the staff refusals), before anything they sent is looked at.
    func requireCaller(_ permission: StaffPermission, _ request: Request) async throws {
        if request.headers[Self.proofHeader] != nil { return }
        guard Self.hasStaffCredentials(request) else { throw ProofError.required }
        _ = try await authentication.require(permission, request)
    }

    /// The screen session the request names (`X-Kiosk-Session`), or "" (which no session has).
    static func session(of request: Request) -> String {
        request.headers[sessionHeader] ?? ""
    }

    static func hasStaffCredentials(_ request: Request) -> Bool {
        if request.headers[.authorization]?.hasPrefix("Bearer ") == true { return true }
        return (request.headers[.cookie] ?? "").contains("\(StaffAuthentication.cookie)=")
    }
}

/// What the kiosk screen may show about a person it holds the proof of: the greeting, the
/// reference and the details to prefill for updating. The phone number is masked; it must be
/// typed again to change it.
struct PersonView: Encodable {
    let id: String
    let reference: String
    let displayName: String
    let maskedPhone: String
    let birthDate: String
    let sex: String
    let prefill: RegistrationForm
    /// The person has fingers enrolled (none are asked for again).
    let fingerprintsEnrolled: Bool

    init(_ registration: Registration, fingerprintsEnrolled: Bool) {
        let d = registration.details
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
        id = registration.id.uuidString.lowercased()
        reference = registration.reference
        displayName = d.displayName
        maskedPhone = d.phone.masked
        birthDate = d.birthDate.description
        sex = d.sex.rawValue
        self.prefill = prefill
        self.fingerprintsEnrolled = fingerprintsEnrolled
    }
}

/// A proof as the screen receives it: the token to send with each request about the person, and
/// how long it lasts unused.
struct ProofView: Encodable {
    let token: String
    let method: String
    let expiresInSeconds: Int

    init(_ proof: Proof, now: Date) {
        token = proof.token
        method = proof.method.rawValue
        expiresInSeconds = max(0, Int(proof.expiresAt.timeIntervalSince(now)))
    }
}
