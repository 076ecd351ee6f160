import Foundation
import Hummingbird
import KioskCore

/// Ratings of finished tickets, from the kiosk or the ticket's status page (the QR code): JSON for
/// scripts, and a plain HTML form on the status page that works on any phone without JavaScript.
/// Whoever holds the ticket (its id) may rate it, once.
struct FeedbackAPI: Sendable {
    /// Nil where the kiosk keeps no ratings.
    let feedback: FeedbackDesk?
    let strict: StrictJSON

    var locales: Locales { strict.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.post("tickets/:id/feedback") { request, context in
            try await submitJSON(request, id: context.parameters.require("id"))
        }
        group.get("tickets/:id/feedback") { _, context in try await read(context.parameters.require("id")) }
        group.get("feedback/ticket") { request, _ in try await findByNumber(request) }
    }

    /// The status page's form (`/t/:id/feedback`), answered with a redirect back to the page.
    func addFormRoute(to router: Router<some RequestContext>) {
        router.post("/t/:id/feedback") { request, context in
            try await submitForm(request, id: context.parameters.require("id"))
        }
    }

    struct FeedbackRequest: Decodable {
        let rating: Int?
        let comment: String?
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
        let body = try await strict.decode(FeedbackRequest.self, from: request, allowedKeys: ["rating", "comment"])
        let feedback = try await record(id, rating: body.rating, comment: body.comment)
        return try JSON.response(FeedbackView(feedback), status: .created)
    }

    /// `?number=А-012`: the visitor back at the kiosk finds their finished ticket by its number
    /// (today, finished within `Feedback.kioskRatingWindow`, not yet rated) to rate it.
    func findByNumber(_ request: Request) async throws -> Response {
        let raw = request.uri.queryParameters.get("number").map { String($0) } ?? ""
        guard let found = try await desk().ticketToRate(number: raw) else {
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
    func record(_ id: UUID, rating: Int?, comment: String?) async throws -> Feedback {
        do {
            return try await desk().rate(ticketID: id, rating: rating, comment: comment)
        } catch {
            // The form route reads the refusal's code, so it is the API's answer already here.
            throw APIError(domain: error, locales: locales) ?? error
        }
    }

    func submitForm(_ request: Request, id raw: String) async throws -> Response {
        guard let id = UUID(uuidString: raw) else { throw HTTPError(.notFound) }
        let body = try await request.body.collect(upTo: strict.maxBodyBytes)
        let fields = Self.formFields(String(buffer: body))
        let language = fields["lang"].flatMap { Language(code: $0) }
        var location = "/t/\(id.uuidString.lowercased())"
        var query: [String] = language.map { ["lang=\($0.rawValue)"] } ?? []
        do {
            _ = try await record(id, rating: fields["rating"].flatMap { Int($0) }, comment: fields["comment"])
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
