import Foundation
import Hummingbird
import KioskCore

/// Ratings of finished tickets, from the kiosk or the ticket's status page (the QR code): JSON for
/// scripts, and a plain HTML form on the status page that works on any phone without JavaScript.
/// Whoever holds the ticket may rate it, once: rating needs the code printed on it (and in its QR
/// code), never only its number or id. Ratings and finding a ticket by number are throttled.
struct FeedbackAPI: Sendable {
    /// Nil where the kiosk keeps no ratings.
    let feedback: FeedbackDesk?
    let throttles: Throttles
    let strict: StrictJSON

    var locales: Locales { strict.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.post("tickets/:id/feedback") { request, context in
            try Throttles.take(throttles.ratings, context, locales)
            return try await submitJSON(request, id: context.parameters.require("id"))
        }
        group.get("tickets/:id/feedback") { _, context in try await read(context.parameters.require("id")) }
        group.post("feedback/ticket") { request, context in
            try Throttles.take(throttles.ratings, context, locales)
            return try await findByNumber(request)
        }
    }

    /// The status page's form (`/t/:id/feedback`), answered with a redirect back to the page.
    func addFormRoute(to router: Router<some RequestContext>) {
        router.post("/t/:id/feedback") { request, context in
            try await submitForm(request, id: context.parameters.require("id"), client: Throttles.client(of: context))
        }
    }

    struct FeedbackRequest: Decodable {
        let rating: Int?
        let comment: String?
        /// The rating code printed on the ticket.
        let code: String?
    }

    struct FeedbackView: Encodable {
        let ticketId: String
        let rating: Int
        let comment: String?
        let createdAt: Date

        init(_ feedback: Feedback) {
            ticketId = feedback.ticketID.uuidString.lowercased()
            rating = feedback.rating
            comment = feedback.comment
            createdAt = feedback.createdAt
        }
    }

    func desk() throws -> FeedbackDesk {
        guard let feedback else {
            throw APIError(status: .serviceUnavailable, code: "unavailable", message: locales.both("api.notFound"))
        }
        return feedback
    }

    func submitJSON(_ request: Request, id raw: String) async throws -> Response {
        let id = try APIError.uuid(raw, locales)
        let body = try await strict.decode(
            FeedbackRequest.self, from: request, allowedKeys: ["rating", "comment", "code"])
        let feedback = try await record(id, code: body.code, rating: body.rating, comment: body.comment)
        return try JSON.response(FeedbackView(feedback), status: .created)
    }

    struct FindRequest: Decodable {
        let number: String
        let code: String
    }

    /// `{"number": "А-012", "code": "XXXX-XXXX"}`: the visitor back at the kiosk finds their
    /// finished ticket by its number and the rating code printed on it (today, finished within
    /// `Feedback.kioskRatingWindow`, not yet rated) to rate it. Without the code, nothing.
    func findByNumber(_ request: Request) async throws -> Response {
        let body = try await strict.decode(FindRequest.self, from: request, allowedKeys: ["number", "code"])
        guard let found = try await desk().ticketToRate(number: body.number, code: body.code) else {
            throw APIError(
                status: .notFound, code: "feedback.noTicket", message: locales.both("errors.feedback.noTicket"))
        }
        return try JSON.response(["ticketId": found.id.uuidString.lowercased(), "number": found.number])
    }

    func read(_ raw: String) async throws -> Response {
        let id = try APIError.uuid(raw, locales)
        guard let feedback = try await desk().feedback(ticketID: id) else { throw APIError.notFound(locales) }
        return try JSON.response(FeedbackView(feedback))
    }

    /// Checks and stores a rating; refusals as API errors in both languages.
    func record(_ id: UUID, code: String?, rating: Int?, comment: String?) async throws -> Feedback {
        do {
            return try await desk().rate(ticketID: id, code: code, rating: rating, comment: comment)
        } catch {
            // The form route reads the refusal's code, so it is the API's answer already here.
            throw APIError(domain: error, locales: locales) ?? error
        }
    }

    func submitForm(_ request: Request, id raw: String, client: String) async throws -> Response {
        guard let id = UUID(uuidString: raw) else { throw HTTPError(.notFound) }
        let body = try await request.body.collect(upTo: strict.maxBodyBytes)
        let fields = Self.formFields(String(buffer: body))
        let language = fields["lang"].flatMap { Language(code: $0) }
        var location = "/t/\(id.uuidString.lowercased())"
        var query: [String] = language.map { ["lang=\($0.rawValue)"] } ?? []
        // The code goes back to the page with the answer, so the form stays open to its holder.
        let code = (fields["k"] ?? "").filter { $0.isLetter || $0.isNumber }
        if !code.isEmpty { query.append("k=\(code)") }
        do {
            if let wait = throttles.ratings.take(client) {
                var error = APIError(
                    status: .tooManyRequests, code: "throttled", message: locales.both("api.throttled"))
                error.retryAfterSeconds = wait
                throw error
            }
            _ = try await record(
                id, code: code, rating: fields["rating"].flatMap { Int($0) }, comment: fields["comment"])
            query.append("rated=1")
        } catch let error as APIError {
            // Back to the page with the reason; what was typed is short enough to go back too.
            // `feedback.alreadyGiven`, or the refused field and why (`comment.tooLong`).
            let problem = error.fieldErrors.first.map { "\($0.field).\($0.code)" } ?? error.code
            query.append("problem=\(problem)")
            if let comment = fields["comment"], !comment.isEmpty,
                let encoded = comment.prefix(Feedback.maxCommentLength + 1).addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics)
            {
                query.append("comment=\(encoded)")
            }
        }
        if !query.isEmpty { location += "?" + query.joined(separator: "&") }
        return Response(status: .seeOther, headers: [.location: location])
    }

    /// `application/x-www-form-urlencoded` fields (`+` is a space); the last of a repeated name wins.
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = parts.first.flatMap(decode) else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) ?? "" : ""
        }
        return fields
    }
}
