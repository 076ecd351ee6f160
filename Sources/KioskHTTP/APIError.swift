public import Foundation
public import Hummingbird
public import KioskCore

/// An error answered as JSON: `{"error": {"code", "message": {"mn", "en"}, ...}}`.
/// The only place where failures become status codes.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: LocalizedText
    public var field: String?
    public var fieldErrors: [FieldErrorBody] = []
    public var existingID: UUID?
    /// The ways of proving who one is (`finger`, `code`, `staff`), where a known person is named.
    public var proofs: [String]?
    /// Sent as `Retry-After` (a locked account, for example).
    public var retryAfterSeconds: Int?
    /// The reference of an unexpected failure, as logged: what the visitor gives to staff.
    public var requestID: String?

    public init(status: HTTPResponse.Status, code: String, message: LocalizedText, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public struct FieldErrorBody: Codable, Sendable {
        public let field: String
        public let code: String
        public let message: LocalizedText
    }

    struct Envelope: Encodable {
        struct Body: Encodable {
            let code: String
            let message: LocalizedText
            let field: String?
            let fields: [FieldErrorBody]?
            let existingId: String?
            let proofs: [String]?
            let requestId: String?
        }
        let error: Body
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let envelope = Envelope(
            error: .init(
                code: code, message: message, field: field, fields: fieldErrors.isEmpty ? nil : fieldErrors,
                existingId: existingID?.uuidString.lowercased(), proofs: proofs, requestId: requestID))
        var response = try JSON.response(envelope, status: status)
        if let retryAfterSeconds { response.headers[.retryAfter] = String(retryAfterSeconds) }
        if status == .methodNotAllowed || status == .unsupportedMediaType { response.headers[.connection] = "close" }
        return response
    }
}

extension APIError {
    /// The answer to a domain error, or nil when `error` is none the API knows: the one mapping
    /// of the use cases' errors to statuses.
    init?(domain error: any Error, locales: Locales) {
        switch error {
        case let failure as ValidationFailure:
            self = .invalidFields(failure.errors, locales)
        case let failure as RegistrationStoreError:
            if failure.existingID != nil {
                // Never the registration's id: that the number is known is all anyone learns
                // without proof (the registration route adds the ways of proving).
                self.init(
                    status: .conflict, code: "alreadyRegistered", message: locales.both("api.alreadyRegistered"),
                    field: RegistrationField.registryNumber.rawValue)
            } else if failure == .registryNumberChanged {
                self.init(
                    status: .unprocessableContent, code: "registryNumberChanged",
                    message: locales.both("api.registryNumberChanged"),
                    field: RegistrationField.registryNumber.rawValue)
            } else {
                self = .notFound(locales)
            }
        case let failure as TicketActionError where failure == .noTicketWaiting:
            self.init(
                status: .notFound, code: "queue.noTicketWaiting", message: locales.both("errors.queue.noTicketWaiting"))
        case let failure as TicketActionError:
            // Another counter's ticket is not this officer's to touch; other refusals are conflicts.
            self.init(
                status: failure == .wrongCounter ? .forbidden : .conflict, code: "queue.\(failure.identifier)",
                message: locales.both("errors.queue.\(failure.identifier)"))
        case let failure as TicketDeskError:
            let (code, key) =
                failure == .closed
                ? ("queue.closed", "errors.queue.closed") : ("print.ticketNotWaiting", "errors.print.ticketNotWaiting")
            self.init(status: .conflict, code: code, message: locales.both(key))
        case let failure as SignInError:
            switch failure.identifier {
            case "locked":
                self.init(status: .tooManyRequests, code: "staff.locked", message: locales.both("errors.staff.locked"))
            case "unknownCounter":
                self = .invalidFields([FieldError(field: "counter", code: "staff.unknownCounter")], locales)
            default:
                self.init(
                    status: .unauthorized, code: "staff.wrongUsernameOrPIN",
                    message: locales.both("errors.staff.wrongUsernameOrPIN"))
            }
        case is QueueStoreError:
            self = .notFound(locales)
        case let failure as GrievanceError:
            switch failure {
            case .notFound: self = .notFound(locales)
            case .forbidden:
                self.init(
                    status: .forbidden, code: "grievance.headOnly", message: locales.both("errors.grievance.headOnly"))
            case .closed, .alreadyAcknowledged, .assigneeRequired:
                self.init(
                    status: .conflict, code: "grievance.\(failure)",
                    message: locales.both("errors.grievance.\(failure)"))
            }
        case let failure as FeedbackError:
            switch failure {
            case .ticketNotFound: self = .notFound(locales)
            case .notFinished, .alreadyGiven:
                let code = failure == .notFinished ? "notFinished" : "alreadyGiven"
                self.init(status: .conflict, code: "feedback.\(code)", message: locales.both("errors.feedback.\(code)"))
            case .wrongCode:
                self.init(
                    status: .forbidden, code: "feedback.wrongCode", message: locales.both("errors.feedback.wrongCode"),
                    field: "code")
            }
        case let failure as ProofError:
            let code = failure.identifier
            let status: HTTPResponse.Status =
                switch failure {
                case .otherPerson: .forbidden
                case .unknownSessionCode, .notEnrolled: .notFound
                case .codeUnavailable: .conflict
                default: .unauthorized
                }
            self.init(status: status, code: "proof.\(code)", message: locales.both("errors.proof.\(code)"))
        case let failure as ReferralError:
            switch failure {
            case .unknownRegistration: self = .notFound(locales)
            case .alreadyReferred(let existing):
                self.init(
                    status: .conflict, code: "alreadyReferred", message: locales.both("errors.referral.already"),
                    field: "vacancyReference")
                existingID = existing.id
            }
        case let failure as ReferralRequestError:
            switch failure {
            case .invalidNote:
                self.init(
                    status: .unprocessableContent, code: "invalidNote", message: locales.both("errors.referral.note"),
                    field: "note")
            case .invalidRegistrationID:
                self.init(
                    status: .badRequest, code: "invalidID", message: locales.both("api.invalidID"),
                    field: "registrationId")
            default:
                self.init(
                    status: .notFound, code: "vacancyNotFound", message: locales.both("errors.referral.vacancy"),
                    field: "vacancyReference")
            }
        case let failure as VacancySearchError:
            guard let field = failure.field else {
                self = .notFound(locales)
                return
            }
            self.init(
                status: .badRequest, code: "invalidQuery", message: locales.both("api.invalidQuery"), field: field)
        case FingerprintStoreError.alreadyEnrolled:
            self.init(status: .conflict, code: "alreadyEnrolled", message: locales.both("api.alreadyEnrolled"))
        case FingerprintStoreError.unknownRegistration:
            self = .notFound(locales)
        case let failure as StorageError:
            // The disk is full (or the file cannot be written): nothing was saved; the screen asks
            // the visitor to see staff, and the same request succeeds once space returns.
            self.init(
                status: .init(code: 507, reasonPhrase: "Insufficient Storage"),
                code: failure == .full ? "storage.full" : "storage.ioFailure",
                message: locales.both("api.storageNotWritable"))
        case let failure as AppointmentError:
            let status: HTTPResponse.Status =
                switch failure {
                case .notFound, .noneToday, .unknownRegistration: .notFound
                case .slotTaken, .notBooked, .onLeave: .conflict
                case .notYourLeave: .forbidden
                default: .unprocessableContent
                }
            self.init(
                status: status, code: "appointment.\(failure.code)",
                message: locales.both("appointment.error.\(failure.code)"))
        case let failure as ProgrammeError:
            let status: HTTPResponse.Status =
                switch failure {
                case .unknownProgramme, .unknownRegistration, .referralNotFound: .notFound
                case .quotaFull, .alreadyEnrolled, .outcomeRecorded: .conflict
                default: .unprocessableContent
                }
            self.init(
                status: status, code: "programme.\(failure.code)",
                message: locales.both("programme.error.\(failure.code)"))
        default:
            return nil
        }
    }

    /// 422 with one entry per refused field.
    static func invalidFields(_ errors: [FieldError], _ locales: Locales) -> APIError {
        var error = APIError(
            status: .unprocessableContent, code: "invalidFields", message: locales.both("api.invalidFields"))
        error.fieldErrors = errors.map {
            FieldErrorBody(field: $0.field, code: $0.code, message: locales.message(for: $0))
        }
        return error
    }

    static func notFound(_ locales: Locales) -> APIError {
        APIError(status: .notFound, code: "notFound", message: locales.both("api.notFound"))
    }

    /// The UUID in a path, or a 400 naming it (`message`: the text that says what the id is of).
    static func uuid(_ raw: String, _ locales: Locales, message: String = "api.invalidID") throws -> UUID {
        guard let id = UUID(uuidString: raw) else {
            throw APIError(status: .badRequest, code: "invalidID", message: locales.both(message), field: "id")
        }
        return id
    }
}

enum JSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
