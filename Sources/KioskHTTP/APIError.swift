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
    /// Sent as `Retry-After` (a locked account, for example).
    public var retryAfterSeconds: Int?

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
        }
        let error: Body
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let envelope = Envelope(
            error: .init(
                code: code, message: message, field: field, fields: fieldErrors.isEmpty ? nil : fieldErrors,
                existingId: existingID?.uuidString.lowercased()))
        var response = try JSON.response(envelope, status: status)
        if let retryAfterSeconds { response.headers[.retryAfter] = String(retryAfterSeconds) }
        if status == .methodNotAllowed || status == .unsupportedMediaType { response.headers[.connection] = "close" }
        return response
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
