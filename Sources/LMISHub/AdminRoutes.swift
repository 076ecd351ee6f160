import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import LMISProtocol
import Logging
import NIOCore

/// Operators' endpoints under `/admin`, behind `Authorization: Bearer <admin_token>`.
struct AdminRoutes {
    let hub: HubRouter

    struct OfficeBody: Codable {
        var name: String
        var adminUnit: String?
        var timeZone: String?
    }

    struct CodeRequest: Codable {
        var officeCode: String
        var validHours: Int?
    }

    struct CodeResponse: Codable {
        var code: String
        var officeCode: String
        var expiresAt: String
    }

    struct SimulatedPerson: Codable {
        var registryNumber: String
        var familyName: String
        var givenName: String
        var birthDate: String
        var sex: String
        /// base64 of a finger template the simulated registry expects.
        var template: String?
    }

    struct Count: Codable { var accepted: Int }

    /// `PUT /admin/update-channels/{channel}`: the bundle kiosks of the channel are offered.
    struct UpdateBody: Codable {
        var version: String
        var url: String
        var sizeBytes: Int64
        var sha256: String
        /// Set to roll a channel back to an older version than the one it offers.
        var allowDowngrade: Bool?
    }

    func add(to router: Router<BasicRequestContext>) {
        // Prometheus scrapes with the admin token (`authorization` in its scrape config).
        router.get("metrics") { request, _ in
            try await self.run(request) {
                let text = hub.metrics.exposition(
                    devices: FleetRules.assess(try await hub.store.devices(), now: Date()))
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: text)))
            }
        }
        router.get("admin/operations") { request, _ in
            try await self.run(request) {
                Self.page(
                    OperationsPage.render(FleetRules.assess(try await hub.store.devices(), now: Date()), now: Date()),
                    status: .ok)
            }
        }
        let admin = router.group("admin")
        admin.put("offices/:code") { request, context in
            try await self.run(request) {
                let code = context.parameters.get("code") ?? ""
                let body = try HubRouter.decode(OfficeBody.self, try await HubRouter.body(request).inflated)
                let zone = body.timeZone ?? "Asia/Ulaanbaatar"
                guard !code.isEmpty, !body.name.isEmpty, TimeZone(identifier: zone) != nil else {
                    throw HubRouter.Failure(
                        status: .badRequest, code: .badRequest, message: "code, name and a known time zone are required"
                    )
                }
                try await hub.store.upsertOffice(
                    code: code, name: body.name, adminUnit: body.adminUnit ?? code, timeZone: zone)
                return HubRouter.json(Count(accepted: 1), gzip: false)
            }
        }
        admin.post("enrolment-codes") { request, _ in
            try await self.run(request) {
                let body = try HubRouter.decode(CodeRequest.self, try await HubRouter.body(request).inflated)
                let hours = body.validHours ?? 72
                guard (1...24 * 30).contains(hours) else {
                    throw HubRouter.Failure(status: .badRequest, code: .badRequest, message: "validHours must be 1–720")
                }
                do {
                    let issued = try await hub.store.issueEnrolmentCode(office: body.officeCode, validFor: hours)
                    hub.logger.notice("enrolment code issued", metadata: ["hub.office": "\(body.officeCode)"])
                    return HubRouter.json(
                        CodeResponse(
                            code: issued.code, officeCode: body.officeCode, expiresAt: LMISTime.format(issued.expires)),
                        gzip: false)
                } catch let error as HubStoreError {
                    throw HubRouter.Failure(status: .notFound, code: .notFound, message: error.description)
                }
            }
        }
        admin.get("devices") { request, _ in
            try await self.run(request) {
                HubRouter.json(
                    FleetRules.assess(try await hub.store.devices(), now: Date()), gzip: HubRouter.acceptsGzip(request))
            }
        }
        admin.post("devices/:id/revoke") { request, context in
            try await self.run(request) {
                let id = context.parameters.get("id") ?? ""
                guard try await hub.store.revoke(device: id) else {
                    throw HubRouter.Failure(status: .notFound, code: .notFound, message: "no device \(id)")
                }
                hub.logger.notice("device revoked", metadata: ["hub.device": "\(id)"])
                return HubRouter.json(Count(accepted: 1), gzip: false)
            }
        }
        admin.put("vacancies") { request, _ in
            try await self.run(request) {
                let vacancies = try HubRouter.decode([VacancyRecord].self, try await HubRouter.body(request).inflated)
                var problems = vacancies.flatMap { v in v.problems.map { "\(v.reference): \($0)" } }
                let references = vacancies.map(\.reference)
                if Set(references).count != references.count { problems.append("references must be distinct") }
                guard problems.isEmpty else {
                    throw HubRouter.Failure(
                        status: .badRequest, code: .badRequest, message: problems.prefix(20).joined(separator: "; "))
                }
                try await hub.store.upsertVacancies(vacancies)
                return HubRouter.json(Count(accepted: vacancies.count), gzip: false)
            }
        }
        admin.delete("vacancies/:reference") { request, context in
            try await self.run(request) {
                let reference = context.parameters.get("reference") ?? ""
                guard try await hub.store.closeVacancy(reference: reference) else {
                    throw HubRouter.Failure(status: .notFound, code: .notFound, message: "no open vacancy \(reference)")
                }
                return HubRouter.json(Count(accepted: 1), gzip: false)
            }
        }
        admin.put("reference/:kind") { request, context in
            try await self.run(request) {
                guard let kind = ReferenceKind(rawValue: context.parameters.get("kind") ?? "") else {
                    throw HubRouter.Failure(status: .notFound, code: .notFound, message: "unknown reference kind")
                }
                let items = try HubRouter.decode([JSONValue].self, try await HubRouter.body(request).inflated)
                var keyed: [(key: String, data: JSONValue)] = []
                for item in items {
                    // A questionnaire is keyed by its version; every other item by its code.
                    let field = kind == .profiling ? "version" : "code"
                    guard let code = item[field]?.string, !code.isEmpty else {
                        throw HubRouter.Failure(
                            status: .badRequest, code: .badRequest, message: "every item needs a `\(field)`")
                    }
                    keyed.append((code, item))
                }
                if kind == .profiling, keyed.count != 1 {
                    throw HubRouter.Failure(
                        status: .badRequest, code: .badRequest,
                        message: "send exactly one questionnaire: the one every kiosk asks from now on")
                }
                if kind == .adminUnits {
                    // Parents before their children: a kiosk never receives a unit whose parent it lacks.
                    let rank = ["aimag": 0, "district": 0, "soum": 1, "khoroo": 1]
                    keyed = keyed.enumerated().sorted {
                        let left = rank[$0.element.data["kind"]?.string ?? ""] ?? 2
                        let right = rank[$1.element.data["kind"]?.string ?? ""] ?? 2
                        return left != right ? left < right : $0.offset < $1.offset
                    }.map(\.element)
                }
                guard Set(keyed.map(\.key)).count == keyed.count else {
                    throw HubRouter.Failure(status: .badRequest, code: .badRequest, message: "codes must be distinct")
                }
                try await hub.store.replaceReference(kind, items: keyed)
                return HubRouter.json(Count(accepted: keyed.count), gzip: false)
            }
        }
        admin.put("simulated-civil-registry") { request, _ in
            try await self.run(request) {
                let people = try HubRouter.decode([SimulatedPerson].self, try await HubRouter.body(request).inflated)
                var templates: [String: [UInt8]] = [:]
                for person in people {
                    if let text = person.template {
                        templates[person.registryNumber] = Data(base64Encoded: text).map(Array.init)
                    }
                }
                try await hub.store.loadSimulatedRegistry(
                    people.map {
                        CivilPerson(
                            registryNumber: $0.registryNumber, familyName: $0.familyName, givenName: $0.givenName,
                            birthDate: $0.birthDate, sex: $0.sex)
                    }, templates: templates)
                return HubRouter.json(Count(accepted: people.count), gzip: false)
            }
        }
        // The newest update bundle per channel (issue 24): kiosks following the channel learn it
        // from their heartbeat's answer; a technician installs it (`kiosk update --latest`).
        admin.put("update-channels/:channel") { request, context in
            try await self.run(request) {
                let body = try HubRouter.decode(UpdateBody.self, try await HubRouter.body(request).inflated)
                let offer = UpdateOffer(
                    channel: context.parameters.get("channel") ?? "", version: body.version, url: body.url,
                    sizeBytes: body.sizeBytes, sha256: body.sha256.lowercased(), publishedAt: nil)
                guard offer.problems.isEmpty else {
                    throw HubRouter.Failure(
                        status: .badRequest, code: .badRequest, message: offer.problems.joined(separator: "; "))
                }
                // A channel moves forward unless the operator says it rolls back: a typing slip
                // (0.6.0 for 0.8.0) would otherwise offer every office an older version.
                if body.allowDowngrade != true,
                    let current = try await hub.store.updateOffers(channel: offer.channel).first,
                    UpdateOffer.compareVersions(offer.version, current.version) < 0
                {
                    throw HubRouter.Failure(
                        status: .conflict, code: .conflict,
                        message:
                            "channel \(offer.channel) offers \(current.version); \(offer.version) is older. "
                            + "Send allowDowngrade: true to roll the channel back")
                }
                try await hub.store.publishUpdate(offer)
                hub.logger.notice(
                    "update published",
                    metadata: [
                        "hub.channel": "\(offer.channel)", "hub.version": "\(offer.version)",
                        "hub.allow_downgrade": "\(body.allowDowngrade == true)",
                    ])
                return HubRouter.json(Count(accepted: 1), gzip: false)
            }
        }
        admin.get("update-channels") { request, _ in
            try await self.run(request) { HubRouter.json(try await hub.store.updateOffers(), gzip: false) }
        }
        admin.delete("update-channels/:channel") { request, context in
            try await self.run(request) {
                let channel = context.parameters.get("channel") ?? ""
                guard try await hub.store.withdrawUpdate(channel: channel) else {
                    throw HubRouter.Failure(
                        status: .notFound, code: .notFound, message: "nothing is published for channel \(channel)")
                }
                hub.logger.notice("update withdrawn", metadata: ["hub.channel": "\(channel)"])
                return HubRouter.json(Count(accepted: 1), gzip: false)
            }
        }
        admin.get("quarantine") { request, _ in
            try await self.run(request) {
                let office = request.uri.queryParameters.get("office")
                return HubRouter.json(
                    try await hub.store.quarantine(office: office), gzip: HubRouter.acceptsGzip(request))
            }
        }
        admin.get("offices/:code/indicators") { request, context in
            try await self.run(request) {
                let month = request.uri.queryParameters.get("month") ?? HubCalendar.thisMonth()
                do {
                    return HubRouter.json(
                        try await hub.store.indicators(office: context.parameters.get("code") ?? "", month: month),
                        gzip: false)
                } catch let error as HubStoreError {
                    throw HubRouter.Failure(status: .badRequest, code: .badRequest, message: error.description)
                }
            }
        }
        // Employer services across offices by sector and employer (issue 27); this month by default:
        // as JSON, as CSV and as the operators' page.
        admin.get("employer-breakdown") { request, _ in
            try await self.run(request) {
                HubRouter.json(try await employerBreakdown(request), gzip: HubRouter.acceptsGzip(request))
            }
        }
        admin.get("employer-breakdown.csv") { request, _ in
            try await self.run(request) {
                let breakdown = try await employerBreakdown(request)
                return Self.csv(breakdown.csv, filename: "employer-breakdown-\(breakdown.from)-\(breakdown.to).csv")
            }
        }
        admin.get("employers") { request, _ in
            try await self.run(request) {
                do {
                    return Self.page(try await employerBreakdown(request).page, status: .ok)
                } catch let failure as HubRouter.Failure where failure.status == .badRequest {
                    return Self.page(EmployerBreakdown.badPeriodPage(failure.message), status: .badRequest)
                }
            }
        }
        admin.get("offices/:code/indicators/breakdown") { request, context in
            try await self.run(request) {
                let month = request.uri.queryParameters.get("month") ?? HubCalendar.thisMonth()
                do {
                    let office = context.parameters.get("code") ?? ""
                    return HubRouter.json(
                        try await hub.store.indicatorBreakdown(office: office, month: month),
                        gzip: HubRouter.acceptsGzip(request))
                } catch let error as HubStoreError {
                    throw HubRouter.Failure(status: .badRequest, code: .badRequest, message: error.description)
                }
            }
        }
        // The breakdowns of one office or the whole country as the operators' page and as CSV (issue 23).
        admin.get("indicators") { request, _ in
            try await self.run(request) {
                do {
                    let (breakdown, offices) = try await indicatorBreakdown(request)
                    return Self.page(breakdown.page(offices: offices), status: .ok)
                } catch let failure as HubRouter.Failure where failure.status == .badRequest {
                    return Self.page(IndicatorBreakdown.badRequestPage(failure.message), status: .badRequest)
                }
            }
        }
        admin.get("indicators.csv") { request, _ in
            try await self.run(request) {
                let breakdown = try await indicatorBreakdown(request).0
                return Self.csv(breakdown.csv, filename: "indicators-\(breakdown.officeCode)-\(breakdown.month).csv")
            }
        }
        admin.post("epoch/rotate") { request, _ in
            try await self.run(request) {
                try await hub.store.rotateEpoch()
                await hub.epoch.forget()
                return HubRouter.json(["epoch": try await hub.epoch.value()], gzip: false)
            }
        }
    }

    /// The breakdown the query asks for (`from`, `to`, `office`; this month by default); a bad period is a 400.
    func employerBreakdown(_ request: Request) async throws -> EmployerBreakdown {
        let query = request.uri.queryParameters
        let today = HubCalendar.today()
        let from = query.get("from").flatMap { $0.isEmpty ? nil : $0 } ?? String(today.prefix(7)) + "-01"
        let to = query.get("to").flatMap { $0.isEmpty ? nil : $0 } ?? today
        let office = query.get("office").flatMap { $0.isEmpty ? nil : $0 }
        do {
            return try await hub.store.employerBreakdown(from: from, to: to, office: office)
        } catch let error as HubStoreError {
            throw HubRouter.Failure(status: .badRequest, code: .badRequest, message: error.description)
        }
    }

    /// The breakdown the query asks for (`month`, this month by default; `office`, the whole country
    /// by default) and the offices to choose from; a bad month or an unknown office is a 400.
    func indicatorBreakdown(_ request: Request) async throws -> (IndicatorBreakdown, [String]) {
        let query = request.uri.queryParameters
        let month =
            query.get("month").flatMap { $0.isEmpty ? nil : $0 } ?? HubCalendar.thisMonth()
        let office = query.get("office").flatMap { $0.isEmpty ? nil : $0 }
        do {
            let breakdown = try await hub.store.indicatorBreakdown(office: office, month: month)
            return (breakdown, try await hub.store.officeCodes())
        } catch let error as HubStoreError {
            throw HubRouter.Failure(status: .badRequest, code: .badRequest, message: error.description)
        }
    }

    /// A CSV download (the admin pages' figures): named, never cached.
    static func csv(_ text: String, filename: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8; header=present", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(filename)\"",
            ], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func page(_ html: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Checks the admin token (constant time), then runs the handler like any hub request.
    func run(_ request: Request, _ handler: () async throws -> Response) async throws -> Response {
        guard let token = hub.configuration.adminToken else {
            return hub.problem(.forbidden, .unsigned, "admin endpoints are closed: set admin_token")
        }
        let given =
            request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
        let expected = SHA256.hash(data: Data(token.utf8))
        guard SHA256.hash(data: Data(given.utf8)) == expected else {
            return hub.problem(.unauthorized, .unsigned, "a valid admin token is required")
        }
        do {
            return try await handler()
        } catch let failure as HubRouter.Failure {
            return hub.problem(failure.status, failure.code, failure.message)
        } catch let error as DecodingError {
            return hub.problem(
                .badRequest, .badRequest, "the body is not what the endpoint expects: \(HubRouter.describe(error))")
        } catch {
            hub.logger.error("admin request failed", metadata: ["hub.error": "\(String(reflecting: error))"])
            return hub.problem(.internalServerError, .internalError, "the hub could not complete the request")
        }
    }
}
