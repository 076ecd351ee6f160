import Foundation
import Hummingbird
import KioskCore

/// Texts asked for at the kiosk when taking a ticket (issue 22): `GET tickets/:id/texts` says what
/// the screen may offer, `POST tickets/:id/texts` records the visitor's choice.
///
/// Callers: the kiosk screen that issued the ticket. Recording needs the ticket's rating code
/// (given only to the screen that issued it, so a status link alone cannot attach a phone to
/// someone's ticket); kinds other than "turn near" and the person's current consents need the
/// proof of the person the ticket was issued to (`X-Kiosk-Proof`).
struct TicketTextsAPI: Sendable {
    let store: (any TicketTextsStore)?
    let desk: TicketDesk
    let feedback: FeedbackDesk?
    let access: PersonAccess
    let strict: StrictJSON
    let now: @Sendable () -> Date

    var locales: Locales { strict.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("tickets/:id/texts") { request, context in
            try await options(request, context.parameters.require("id"))
        }
        group.post("tickets/:id/texts") { request, context in
            try await record(request, context.parameters.require("id"))
        }
    }

    struct OptionsView: Encodable {
        /// Kinds the screen offers: `turn_near` always, the person's kinds to a proved person
        /// with a phone on file.
        let offered: [String]
        /// Of those, what the phone on file agrees to now (a proved person only).
        let granted: [String]
        /// `•••• 1234` when the proved person has a phone on file; the number itself is never sent.
        let maskedPhoneOnFile: String?
    }

    struct Context {
        let ticket: Ticket
        let store: any TicketTextsStore
        /// The proved person's phone on file; nil for a visitor without proof or without a phone.
        let onFile: PhoneNumber?
    }

    /// The ticket (waiting or parked, so "turn near" can still come) and, with a proof of its
    /// holder, their phone on file.
    func context(_ request: Request, _ raw: String, needsProof: Bool) async throws -> Context {
        guard let store else {
            throw APIError(
                status: .serviceUnavailable, code: "sms.unavailable", message: locales.both("sms.unavailable"))
        }
        let id = try APIError.uuid(raw, locales, message: "api.invalidTicketID")
        guard let ticket = try await desk.ticket(id: id)?.ticket else { throw APIError.notFound(locales) }
        guard ticket.state == .waiting || ticket.state == .parked else {
            throw APIError(
                status: .conflict, code: "smsKiosk.ticketDone", message: locales.both("smsKiosk.errors.ticketDone"))
        }
        var onFile: PhoneNumber?
        if let person = ticket.registrationID, request.headers[PersonAccess.proofHeader] != nil || needsProof {
            _ = try await access.require(.readPeople, for: person, request)
            onFile = try await store.phoneOnFile(registrationID: person)
        } else if needsProof {
            throw ProofError.required
        }
        return Context(ticket: ticket, store: store, onFile: onFile)
    }

    func options(_ request: Request, _ raw: String) async throws -> Response {
        let context = try await context(request, raw, needsProof: false)
        var offered = [SMSKind.turnNear]
        var granted: [SMSKind] = []
        if let phone = context.onFile {
            offered += TicketTexts.personKinds
            let agreed = try await context.store.consents(phone: phone)
            granted = offered.filter(agreed.contains)
        }
        return try JSON.response(
            OptionsView(
                offered: offered.map(\.rawValue), granted: granted.map(\.rawValue),
                maskedPhoneOnFile: context.onFile?.masked))
    }

    struct ChoiceRequest: Decodable {
        /// The code the screen got with the ticket.
        let ratingCode: String
        /// Typed on the screen's keys; absent or empty to use the phone on file.
        let phone: String?
        /// The kinds the visitor wants, of those offered; the others offered are withdrawn.
        let kinds: [String]
    }

    struct ChoiceView: Encodable {
        let granted: [String]
        /// Where "turn near" goes, masked.
        let maskedPhone: String?
    }

    func record(_ request: Request, _ raw: String) async throws -> Response {
        let body = try await strict.decode(
            ChoiceRequest.self, from: request, allowedKeys: ["ratingCode", "phone", "kinds"])
        var kinds = Set<SMSKind>()
        for name in body.kinds {
            guard let kind = SMSKind(rawValue: name), kind == .turnNear || TicketTexts.personKinds.contains(kind)
            else {
                throw fieldError("kinds", "kind")
            }
            kinds.insert(kind)
        }
        let needsProof = !kinds.subtracting([.turnNear]).isEmpty
        let context = try await context(request, raw, needsProof: needsProof)
        guard try await feedback?.holds(ticketID: context.ticket.id, code: body.ratingCode) == true else {
            throw APIError(
                status: .forbidden, code: "smsKiosk.notThisTicket",
                message: locales.both("smsKiosk.errors.notThisTicket"))
        }
        var typed: PhoneNumber?
        if let text = body.phone, !text.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                typed = try PhoneNumber(parsing: text)
            } catch {
                throw fieldError("phone", "phone.\(error.rawValue)")
            }
        }
        if needsProof, context.onFile == nil {
            throw fieldError("kinds", "noPhoneOnFile")
        }
        let turnNearPhone = typed ?? context.onFile
        if kinds.contains(.turnNear), turnNearPhone == nil {
            throw fieldError("phone", "phone.required")
        }
        var personKinds: [SMSKind: Bool] = [:]
        if context.onFile != nil {
            for kind in TicketTexts.personKinds { personKinds[kind] = kinds.contains(kind) }
        }
        try await context.store.record(
            ticketID: context.ticket.id,
            TicketTexts.Choice(phone: typed, turnNear: kinds.contains(.turnNear), personKinds: personKinds),
            onFile: context.onFile, at: now())
        return try JSON.response(
            ChoiceView(
                granted: ([SMSKind.turnNear] + TicketTexts.personKinds).filter(kinds.contains).map(\.rawValue),
                maskedPhone: kinds.contains(.turnNear) ? turnNearPhone?.masked : nil))
    }

    /// 422 naming one field, worded from `smsKiosk.errors.<key>`.
    func fieldError(_ field: String, _ key: String) -> APIError {
        var error = APIError(
            status: .unprocessableContent, code: "invalidFields", message: locales.both("api.invalidFields"))
        error.fieldErrors = [
            .init(field: field, code: "smsKiosk.\(key)", message: locales.both("smsKiosk.errors.\(key)"))
        ]
        return error
    }
}
