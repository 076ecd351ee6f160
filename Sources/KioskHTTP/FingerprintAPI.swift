import Fingerprint
import Foundation
import Hummingbird
import KioskCore

/// The fingerprint reader for the kiosk screen: its status as server-sent events, captures,
/// recognising a returning visitor (1:N), confirming a claimed identity (1:1) and enrolling
/// fingers. Recognition and confirmation are proofs (`IdentityProofs`): they answer the
/// person's greeting with a token for the screen session that asked. Only verdicts, greetings
/// and tokens leave this API, never images or templates.
struct FingerprintAPI: Sendable {
    /// The fingerprint reader (USB or virtual); `nil` when the kiosk has none.
    let reader: (any FingerprintReaderPort)?
    let fingers: EnrolledFingers
    let registrations: Registrations
    let authentication: StaffAuthentication
    let proofs: IdentityProofs
    let throttles: Throttles
    let strict: StrictJSON
    let now: @Sendable () -> Date

    var locales: Locales { strict.locales }
    var enrolments: FingerprintEnrolments { fingers.enrolments }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("fingerprint/events") { _, _ in events() }
        group.post("fingerprint/capture") { _, _ in try await capture() }
        group.delete("fingerprint/capture") { _, _ in
            await reader?.cancelCapture()
            return Response(status: .noContent)
        }
        group.get("fingerprint/status") { _, _ in try await status() }
        group.post("fingerprint/identify") { request, context in
            try Throttles.take(throttles.identifications, context, locales)
            return try await identify(request)
        }
        group.post("fingerprint/verify") { request, context in
            try Throttles.take(throttles.identifications, context, locales)
            return try await verify(request)
        }
        group.post("fingerprint/enrolments") { _, _ in
            try JSON.response(EnrolmentView(id: await enrolments.start()), status: .created)
        }
        group.post("fingerprint/enrolments/:id/capture") { request, context in
            try await enrolCapture(request, id: context.parameters.require("id"))
        }
        group.delete("fingerprint/enrolments/:id") { _, context in
            await enrolments.discard(try context.parameters.require("id"))
            return Response(status: .noContent)
        }
        // Staff: a person's enrolled fingers, deleting them, enrolling them again.
        group.get("staff/registrations/:id/fingerprints") { request, context in
            _ = try await authentication.require(.readPeople, request)
            return try await enrolled(context.parameters.require("id"))
        }
        group.delete("staff/registrations/:id/fingerprints") { request, context in
            let session = try await authentication.require(.manageFingerprints, request)
            return try await delete(context.parameters.require("id"), by: session)
        }
        group.put("staff/registrations/:id/fingerprints") { request, context in
            let session = try await authentication.require(.manageFingerprints, request)
            return try await reenrol(request, id: context.parameters.require("id"), by: session)
        }
    }

    struct CaptureView: Encodable {
        let accepted: Bool
        let problem: String?
        let message: LocalizedText
    }

    struct EnrolmentView: Encodable {
        let id: String
    }

    func message(_ problem: CaptureProblem?) -> LocalizedText {
        locales.both(problem.map { "fingerprint.problems.\($0.rawValue)" } ?? "fingerprint.accepted")
    }

    func capture() async throws -> Response {
        let result = await read()
        return try JSON.response(
            CaptureView(accepted: result.accepted, problem: result.problem?.rawValue, message: message(result.problem)))
    }

    /// One capture with the office's reader (20 s for the finger to come).
    func read() async -> FingerprintCapture {
        guard let reader = reader else { return FingerprintCapture(problem: .absent) }
        return await reader.capture(timeout: .seconds(20))
    }

    func status() async throws -> Response {
        let status = await reader?.status() ?? FingerprintReaderStatus(state: .absent)
        return try JSON.response(status)
    }

    /// `event: status` with the reader's status, at once and on every change.
    func events() -> Response {
        let reader = reader
        return EventStream.response { events in
            guard let reader else {
                events.yield(try EventStream.event("status", FingerprintReaderStatus(state: .absent)))
                return
            }
            // Ends when the stream's task is cancelled (shutdown, or the screen has gone).
            for await status in await reader.statusUpdates() {
                events.yield(try EventStream.event("status", status))
            }
        }
    }

    // MARK: - Recognising people

    /// `known` with the person's greeting and prefill and the proof for this screen session;
    /// `unknown` when the finger is nobody's here; `retry` with the reason when the capture was
    /// not good enough.
    struct IdentifyView: Encodable {
        let status: String
        let problem: String?
        let message: LocalizedText?
        let person: PersonView?
        let proof: ProofView?
    }

    func identity() throws -> FingerprintIdentity { try fingers.identity() }

    /// 1:N among the office's enrolled people, for the screen session of `X-Kiosk-Session`.
    func identify(_ request: Request) async throws -> Response {
        _ = try identity()
        let session = PersonAccess.session(of: request)
        guard await proofs.isLive(session) else { throw ProofError.sessionRequired }
        let capture = await read()
        guard let template = capture.template else {
            return try JSON.response(
                IdentifyView(
                    status: "retry", problem: capture.problem?.rawValue, message: message(capture.problem),
                    person: nil, proof: nil))
        }
        guard let (proof, registration) = try await proofs.proveByIdentification(session: session, probe: template)
        else {
            return try JSON.response(
                IdentifyView(
                    status: "unknown", problem: nil, message: locales.both("fingerprint.identify.unknown"),
                    person: nil, proof: nil))
        }
        return try JSON.response(
            IdentifyView(
                status: "known", problem: nil, message: nil,
                person: PersonView(registration, fingerprintsEnrolled: true), proof: ProofView(proof, now: now())))
    }

    struct VerifyRequest: Decodable {
        let registryNumber: String
    }

    struct VerifyView: Encodable {
        let status: String
        let problem: String?
        let message: LocalizedText
        let person: PersonView?
        let proof: ProofView?
    }

    /// Whether the finger on the reader is one enrolled for the person with `registryNumber`
    /// (1:1, `FingerprintIdentity.verify`): `verified` with the person and the proof for this
    /// screen session, `notVerified`, or `retry` with the reason. 404 `proof.notEnrolled` when the
    /// person has no fingers here (asked before the reader is).
    func verify(_ request: Request) async throws -> Response {
        let body = try await strict.decode(VerifyRequest.self, from: request, allowedKeys: ["registryNumber"])
        _ = try identity()
        let session = PersonAccess.session(of: request)
        let id = try await proofs.fingerCandidate(session: session, registryNumber: body.registryNumber)
        let capture = await read()
        guard let template = capture.template else {
            return try JSON.response(
                VerifyView(
                    status: "retry", problem: capture.problem?.rawValue, message: message(capture.problem),
                    person: nil, proof: nil))
        }
        guard let proof = try await proofs.proveByFinger(session: session, registrationID: id, probe: template),
            let registration = try await registrations.registration(id: id)
        else {
            return try JSON.response(
                VerifyView(
                    status: "notVerified", problem: nil, message: locales.both("fingerprint.verify.failed"),
                    person: nil, proof: nil))
        }
        return try JSON.response(
            VerifyView(
                status: "verified", problem: nil, message: locales.both("fingerprint.verify.verified"),
                person: PersonView(registration, fingerprintsEnrolled: true), proof: ProofView(proof, now: now())))
    }

    // MARK: - Enrolling

    struct FingerRequest: Decodable {
        let finger: String
    }

    struct EnrolCaptureView: Encodable {
        let accepted: Bool
        let problem: String?
        let message: LocalizedText
        let progress: FingerprintEnrolments.Progress?
    }

    /// Captures one impression of `finger` for the enrolment `id`.
    func enrolCapture(_ request: Request, id: String) async throws -> Response {
        let body = try await strict.decode(FingerRequest.self, from: request, allowedKeys: ["finger"])
        guard let finger = FingerPosition(rawValue: body.finger) else {
            throw APIError(
                status: .unprocessableContent, code: "invalidFinger", message: locales.both("api.invalidFinger"),
                field: "finger")
        }
        let capture = await read()
        guard let template = capture.template else {
            return try JSON.response(
                EnrolCaptureView(
                    accepted: false, problem: capture.problem?.rawValue, message: message(capture.problem),
                    progress: nil))
        }
        let progress: FingerprintEnrolments.Progress
        do {
            progress = try await enrolments.add(template, finger: finger, to: id)
        } catch FingerprintEnrolments.EnrolmentError.unknownEnrolment {
            throw unknownEnrolment
        } catch {
            throw APIError(
                status: .conflict, code: "tooManyFingers", message: locales.both("api.tooManyFingers"),
                field: "finger")
        }
        let key =
            progress.complete
            ? "fingerprint.enrol.complete"
            : progress.restarted ? "fingerprint.enrol.restarted" : "fingerprint.enrol.again"
        return try JSON.response(
            EnrolCaptureView(accepted: true, problem: nil, message: locales.both(key), progress: progress))
    }

    var unknownEnrolment: APIError { fingers.unknownEnrolment }

    func store(enrolment id: String, for registrationID: UUID, by actor: StaffActor?) async throws -> Int {
        try await fingers.store(enrolment: id, for: registrationID, by: actor)
    }

    // MARK: - Staff

    struct EnrolledView: Encodable {
        struct Finger: Encodable {
            let finger: String
            let templates: Int
            let enrolledAt: Date
            let enrolledBy: String?
        }
        let registrationId: String
        let fingers: [Finger]
    }

    func enrolled(_ raw: String) async throws -> Response {
        let id = try APIError.uuid(raw, locales)
        guard try await registrations.registration(id: id) != nil else { throw APIError.notFound(locales) }
        let fingers = try await identity().repository.fingers(registrationID: id)
        return try JSON.response(
            EnrolledView(
                registrationId: id.uuidString.lowercased(),
                fingers: fingers.map {
                    EnrolledView.Finger(
                        finger: $0.finger.rawValue, templates: $0.templates.count, enrolledAt: $0.enrolledAt,
                        enrolledBy: $0.enrolledBy)
                }))
    }

    struct DeletedView: Encodable {
        let deleted: Int
    }

    func delete(_ raw: String, by session: StaffSession) async throws -> Response {
        let id = try APIError.uuid(raw, locales)
        let removed = try await identity().delete(
            registrationID: id, by: StaffActor(staffID: session.staffID, counter: session.counter),
            at: fingers.now())
        return try JSON.response(DeletedView(deleted: removed))
    }

    struct ReenrolRequest: Decodable {
        let enrolment: String
    }

    struct ReenrolledView: Encodable {
        let registrationId: String
        let fingers: Int
    }

    func reenrol(_ request: Request, id raw: String, by session: StaffSession) async throws -> Response {
        let body = try await strict.decode(ReenrolRequest.self, from: request, allowedKeys: ["enrolment"])
        let id = try APIError.uuid(raw, locales)
        guard try await registrations.registration(id: id) != nil else { throw APIError.notFound(locales) }
        let count = try await store(
            enrolment: body.enrolment, for: id, by: StaffActor(staffID: session.staffID, counter: session.counter))
        guard count > 0 else {
            throw APIError(
                status: .unprocessableContent, code: "noFingerEnrolled", message: locales.both("api.noFingerEnrolled"))
        }
        return try JSON.response(ReenrolledView(registrationId: id.uuidString.lowercased(), fingers: count))
    }
}

/// The office's enrolled fingers with the enrolments under way at the reader: what the
/// registration routes store after a save, and the fingerprint routes use.
struct EnrolledFingers: Sendable {
    /// Nil where the kiosk keeps no fingers.
    let stored: FingerprintIdentity?
    /// Fingers being enrolled at the reader, before they are stored.
    let enrolments: FingerprintEnrolments
    let locales: Locales
    let now: @Sendable () -> Date

    func identity() throws -> FingerprintIdentity {
        guard let stored else {
            throw APIError(
                status: .serviceUnavailable, code: "fingerprintsUnavailable",
                message: locales.both("api.fingerprintsUnavailable"))
        }
        return stored
    }

    var unknownEnrolment: APIError {
        APIError(status: .notFound, code: "unknownEnrolment", message: locales.both("api.unknownEnrolment"))
    }

    /// Stores the complete fingers of enrolment `id` for a person (after their registration is
    /// saved); answers how many fingers were stored. A person who has fingers enrolled already
    /// keeps them: only staff replace fingers.
    func store(enrolment id: String, for registrationID: UUID, by actor: StaffActor?) async throws -> Int {
        guard let fingers = await enrolments.take(id) else { throw unknownEnrolment }
        guard !fingers.isEmpty else { return 0 }
        try await identity().enrol(registrationID: registrationID, fingers: fingers, by: actor, at: now())
        return fingers.count
    }

    /// Whether the person has fingers enrolled (false where the kiosk keeps none).
    func isEnrolled(_ registrationID: UUID) async throws -> Bool {
        try await stored?.isEnrolled(registrationID) ?? false
    }
}
