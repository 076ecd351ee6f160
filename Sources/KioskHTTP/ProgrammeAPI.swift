import Foundation
import Hummingbird
import KioskCore

/// Employment promotion programmes on the console: the office's places against its quota, who
/// is eligible and why, referring against the quota and recording outcomes (`readCases`,
/// `writeCases`).
struct ProgrammeAPI: Sendable {
    /// Nil where the kiosk keeps no programme referrals.
    let programmes: Programmes?
    let authentication: StaffAuthentication
    let strict: StrictJSON

    var locales: Locales { strict.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("staff/programmes") { request, _ in try await places(request) }
        group.get("staff/programmes/eligibility/:id") { request, context in
            try await eligibility(request, id: context.parameters.require("id"))
        }
        group.get("staff/programmes/referrals/person/:id") { request, context in
            try await referrals(request, id: context.parameters.require("id"))
        }
        group.post("staff/programmes/referrals") { request, _ in try await refer(request) }
        group.post("staff/programmes/referrals/:id/outcome") { request, context in
            try await outcome(request, id: context.parameters.require("id"))
        }
    }

    func use() throws -> Programmes {
        guard let programmes else { throw APIError.notFound(locales) }
        return programmes
    }

    static let profileGroups: Set<String> = ["ready", "medium", "high"]

    /// The optional profile group (`ready`, `medium`, `high`); 400 for another word.
    func profileGroup(_ raw: String?) throws -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        guard Self.profileGroups.contains(raw) else {
            throw APIError(
                status: .badRequest, code: "programme.profileGroup",
                message: locales.both("programme.error.profileGroup"), field: "profileGroup")
        }
        return raw
    }

    struct PlacesView: Encodable {
        let programmes: [Place]
        struct Place: Encodable {
            let code: String
            let name: LocalizedText
            let targetGroups: LocalizedText
            let starts: String
            let ends: String
            let quota: Int
            let used: Int
            let free: Int
            let completed: Int
            let droppedOut: Int
            let didNotGo: Int
        }
    }

    func places(_ request: Request) async throws -> Response {
        let programmes = try use()
        _ = try await authentication.require(.readCases, request)
        let all = try await programmes.all()
        let places = Dictionary(try await programmes.places().map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        return try JSON.response(
            PlacesView(
                programmes: all.compactMap { programme in
                    places[programme.code].map {
                        .init(
                            code: $0.code, name: $0.name, targetGroups: programme.targetGroups,
                            starts: programme.starts.description, ends: programme.ends.description, quota: $0.quota,
                            used: $0.used, free: $0.free, completed: $0.completed, droppedOut: $0.droppedOut,
                            didNotGo: $0.didNotGo)
                    }
                }))
    }

    struct AnswerView: Encodable {
        struct Reason: Encodable {
            let rule: String
            let result: String
            /// The rule and its result in both languages.
            let text: LocalizedText
        }
        let code: String
        let name: LocalizedText
        let eligible: Bool
        let reasons: [Reason]
    }

    func eligibility(_ request: Request, id raw: String) async throws -> Response {
        let programmes = try use()
        _ = try await authentication.require(.readCases, request)
        let id = try APIError.uuid(raw, locales)
        let group = try profileGroup(request.uri.queryParameters.get("profileGroup").map { String($0) })
        let answers = try await programmes.eligibility(registrationID: id, profileGroup: group)
        return try JSON.response([
            "programmes": answers.map { answer in
                AnswerView(
                    code: answer.programme.code, name: answer.programme.name, eligible: answer.eligible,
                    reasons: answer.reasons.map {
                        AnswerView.Reason(rule: $0.rule, result: $0.result.rawValue, text: text($0))
                    })
            }
        ])
    }

    /// `programme.rule.<rule>.<result>` with its `{min}`, `{max}`, `{value}`… filled in.
    func text(_ reason: EligibilityReason) -> LocalizedText {
        var text = locales.both("programme.rule.\(reason.rule).\(reason.result.rawValue)")
        for (key, value) in reason.values {
            text.mn = text.mn.replacingOccurrences(of: "{\(key)}", with: value)
            text.en = text.en.replacingOccurrences(of: "{\(key)}", with: value)
        }
        return text
    }

    struct ReferralView: Encodable {
        let id: String
        let registrationId: String
        let programmeCode: String
        let programmeName: LocalizedText?
        let staffId: String
        let referredAt: Date
        let referredOn: String
        let outcome: String?
        let outcomeOn: String?
    }

    func view(_ r: ProgrammeReferral, names: [String: LocalizedText] = [:]) -> ReferralView {
        ReferralView(
            id: r.id.uuidString.lowercased(), registrationId: r.registrationID.uuidString.lowercased(),
            programmeCode: r.programmeCode, programmeName: names[r.programmeCode], staffId: r.staffID,
            referredAt: r.referredAt,
            referredOn: r.referredOn.description, outcome: r.outcome?.rawValue, outcomeOn: r.outcomeOn?.description)
    }

    func referrals(_ request: Request, id raw: String) async throws -> Response {
        let programmes = try use()
        _ = try await authentication.require(.readCases, request)
        let id = try APIError.uuid(raw, locales)
        let names = Dictionary(try await programmes.all().map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        return try JSON.response([
            "referrals": try await programmes.referrals(registrationID: id).map { view($0, names: names) }
        ])
    }

    struct ReferRequest: Decodable {
        let registrationId: String
        let programmeCode: String
        let profileGroup: String?
    }

    func refer(_ request: Request) async throws -> Response {
        let programmes = try use()
        let staff = try await authentication.require(.writeCases, request)
        let body = try await strict.decode(
            ReferRequest.self, from: request, allowedKeys: ["registrationId", "programmeCode", "profileGroup"])
        let referral = try await programmes.refer(
            registrationID: try APIError.uuid(body.registrationId, locales), programmeCode: body.programmeCode,
            profileGroup: try profileGroup(body.profileGroup), by: staff)
        return try JSON.response(view(referral), status: .created)
    }

    struct OutcomeRequest: Decodable {
        let outcome: String
        let date: String
    }

    func outcome(_ request: Request, id raw: String) async throws -> Response {
        let programmes = try use()
        let staff = try await authentication.require(.writeCases, request)
        let id = try APIError.uuid(raw, locales)
        let body = try await strict.decode(OutcomeRequest.self, from: request, allowedKeys: ["outcome", "date"])
        guard let outcome = ProgrammeOutcome(rawValue: body.outcome) else {
            throw APIError(
                status: .unprocessableContent, code: "programme.outcome",
                message: locales.both("programme.error.outcome"), field: "outcome")
        }
        guard let date = CivilDate(iso8601: body.date) else {
            throw APIError(
                status: .unprocessableContent, code: "programme.outcomeDate",
                message: locales.both("programme.error.outcomeDate"), field: "date")
        }
        return try JSON.response(view(try await programmes.recordOutcome(id: id, outcome, on: date, by: staff)))
    }
}
