import Foundation
import Hummingbird
import KioskCore

/// Appointments: officers book and list them on the console (`readCases`, `writeCases`); the
/// person checks in at the kiosk with the proof of who they are (finger or code) or a typed
/// registry number, and gets a ticket that waits for the booked counsellor.
struct AppointmentAPI: Sendable {
    /// Nil where the kiosk keeps no appointments.
    let appointments: Appointments?
    let registrations: Registrations
    let tickets: TicketAPI
    let authentication: StaffAuthentication
    let access: PersonAccess
    let strict: StrictJSON
    let office: Office
    /// The office's text messages, where it sends any: a booking may record the person's consent
    /// to reminders (told to the officer), which the booking then queues.
    var messages: (any MessagesOverviewSource)? = nil
    var now: @Sendable () -> Date = Date.init

    var locales: Locales { strict.locales }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.post("appointments/check-in") { request, _ in try await checkIn(request) }
        group.post("staff/appointments") { request, _ in try await book(request) }
        group.get("staff/appointments") { request, _ in try await day(request) }
        group.get("staff/appointments/find") { request, _ in try await find(request) }
        group.get("staff/appointments/reminders") { request, _ in try await reminders(request) }
        group.get("staff/appointments/figures") { request, _ in try await figures(request) }
        group.get("staff/appointments/person/:id") { request, context in
            try await person(request, id: context.parameters.require("id"))
        }
        group.post("staff/appointments/:id/cancel") { request, context in
            try await cancel(request, id: context.parameters.require("id"))
        }
        group.get("staff/appointments/leave") { request, _ in try await leaveDays(request) }
        group.post("staff/appointments/leave") { request, _ in try await addLeave(request) }
        group.post("staff/appointments/leave/remove") { request, _ in try await removeLeave(request) }
        group.get("staff/appointments/free-days") { request, _ in try await freeDays(request) }
    }

    func use() throws -> Appointments {
        guard let appointments else { throw APIError.notFound(locales) }
        return appointments
    }

    // MARK: - Views

    struct AppointmentView: Encodable {
        let id: String
        let registrationId: String
        /// The person's name and reference, for staff only.
        let displayName: String?
        let reference: String?
        let serviceCode: String
        let date: String
        /// Office-local `HH:MM`.
        let time: String
        let at: Date
        let staffId: String?
        let staffName: String?
        let counter: Int?
        let state: String
        let ticketId: String?
        let bookedBy: String
    }

    func view(_ a: Appointment, names: [String: String], person: Registration? = nil) -> AppointmentView {
        let parts = office.calendar.dateComponents([.hour, .minute], from: a.at)
        return AppointmentView(
            id: a.id.uuidString.lowercased(), registrationId: a.registrationID.uuidString.lowercased(),
            displayName: person?.details.displayName, reference: person?.reference, serviceCode: a.serviceCode,
            date: a.officeDay.description,
            time: OpeningHours.clock((parts.hour ?? 0) * 60 + (parts.minute ?? 0)), at: a.at, staffId: a.staffID,
            staffName: a.staffID.flatMap { names[$0] }, counter: a.counter, state: a.state.rawValue,
            ticketId: a.ticketID?.uuidString.lowercased(), bookedBy: a.bookedBy)
    }

    func names(_ appointments: Appointments) async throws -> [String: String] {
        Dictionary(
            try await appointments.counsellors.counsellors().map { ($0.staffID, $0.displayName) },
            uniquingKeysWith: { a, _ in a })
    }

    // MARK: - Kiosk

    struct CheckInRequest: Decodable {
        let registrationId: String?
        let registryNumber: String?
        let language: String?
        let print: Bool?
    }

    struct CheckedInView: Encodable {
        let ticket: TicketAPI.TicketView
        /// Office-local `HH:MM` of the booked time.
        let time: String
        let staffName: String?
        let counter: Int?
    }

    /// With `registrationId` the screen must hold the person's proof; with `registryNumber`
    /// nothing about the person is shown, only the ticket.
    func checkIn(_ request: Request) async throws -> Response {
        let appointments = try use()
        let body = try await strict.decode(
            CheckInRequest.self, from: request, allowedKeys: ["registrationId", "registryNumber", "language", "print"])
        let language = body.language.flatMap(Language.init(code:)) ?? tickets.defaultLanguage
        let checkedIn: (Appointment, IssuedTicket)
        if let raw = body.registrationId {
            let id = try APIError.uuid(raw, locales)
            _ = try await access.require(.writeCases, for: id, request)
            checkedIn = try await appointments.checkIn(
                registrationID: id, language: language, requestKey: request.requestKey)
        } else if let typed = body.registryNumber {
            checkedIn = try await appointments.checkIn(
                registryNumber: typed, language: language, requestKey: request.requestKey)
        } else {
            throw APIError.invalidFields([FieldError(field: "registryNumber", code: "required")], locales)
        }
        let (appointment, issued) = checkedIn
        var ticket = tickets.view(issued.ticket, issued.estimate, ratingCode: issued.ratingCode)
        if body.print == true { ticket.print = await tickets.print(issued) }
        let shown = view(appointment, names: try await names(appointments))
        return try JSON.response(
            CheckedInView(ticket: ticket, time: shown.time, staffName: shown.staffName, counter: appointment.counter),
            status: .created)
    }

    // MARK: - Console

    struct BookRequest: Decodable {
        let registrationId: String
        let serviceCode: String
        let date: String
        let time: String
        let staffId: String?
        let counter: Int?
        /// The person agrees, told to the officer, to reminders by SMS to their phone on file.
        let remindBySMS: Bool?
    }

    func book(_ request: Request) async throws -> Response {
        let appointments = try use()
        let staff = try await authentication.require(.writeCases, request)
        let body = try await strict.decode(
            BookRequest.self, from: request,
            allowedKeys: ["registrationId", "serviceCode", "date", "time", "staffId", "counter", "remindBySMS"])
        let id = try APIError.uuid(body.registrationId, locales)
        guard let date = CivilDate(iso8601: body.date) else { throw invalid("date") }
        guard let minute = Self.minute(body.time) else { throw invalid("time") }
        if body.remindBySMS == true {
            guard let messages else { throw invalid("remindBySMS") }
            if let phone = try await registrations.registration(id: id)?.details.phone {
                try await messages.setConsent(phone: phone, kind: .appointmentReminder, granted: true, at: now())
            }
        }
        let booked = try await appointments.book(
            AppointmentBooking(
                registrationID: id, serviceCode: body.serviceCode, date: date, minute: minute,
                staffID: body.staffId.flatMap { $0.isEmpty ? nil : $0 }, counter: body.counter),
            by: staff)
        let person = try await registrations.registration(id: id)
        return try JSON.response(view(booked, names: try await names(appointments), person: person), status: .created)
    }

    func invalid(_ field: String) -> APIError {
        APIError(
            status: .unprocessableContent, code: "appointment.\(field)",
            message: locales.both("appointment.error.\(field)"),
            field: field)
    }

    /// `HH:MM` as minutes after midnight.
    static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]), let m = Int(parts[1]),
            (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        return h * 60 + m
    }

    struct DayView: Encodable {
        let date: String
        let open: Bool
        let publicHoliday: Bool
        let hours: String
        let nextOpenDay: String
        let counsellors: [Counsellor]
        let appointments: [AppointmentView]
        /// The counsellors away on the day.
        let onLeave: [String]
    }

    /// A day's appointments (`date`, today by default) of one counsellor (`staffId`) or everyone,
    /// with the calendar's word on the day; missed ones are marked first.
    func day(_ request: Request) async throws -> Response {
        let appointments = try use()
        _ = try await authentication.require(.readCases, request)
        let query = request.uri.queryParameters
        let today = office.today(at: appointments.now())
        var date = today
        if let raw = query.get("date"), !raw.isEmpty {
            guard let parsed = CivilDate(iso8601: raw) else {
                throw APIError(
                    status: .badRequest, code: "invalidQuery", message: locales.both("api.invalidQuery"), field: "date")
            }
            date = parsed
        }
        let staffID = query.get("staffId").flatMap { $0.isEmpty ? nil : $0 }
        let list = try await appointments.day(date, staffID: staffID)
        let names = try await names(appointments)
        var views: [AppointmentView] = []
        for a in list {
            views.append(view(a, names: names, person: try await registrations.registration(id: a.registrationID)))
        }
        let calendar = appointments.calendar
        return try JSON.response(
            DayView(
                date: date.description, open: calendar.isOpen(date), publicHoliday: calendar.isPublicHoliday(date),
                hours: "\(OpeningHours.clock(calendar.hours.opens))–\(OpeningHours.clock(calendar.hours.closes))",
                nextOpenDay: calendar.nextOpenDay(after: today).description,
                counsellors: try await appointments.counsellors.counsellors(), appointments: views,
                onLeave: try await appointments.onLeave(date).map(\.staffID)))
    }

    struct PersonFound: Encodable {
        let id: String
        let reference: String
        let displayName: String
    }

    /// The person a registry number names, for booking and referring.
    func find(_ request: Request) async throws -> Response {
        _ = try await authentication.require(.readCases, request)
        let raw = request.uri.queryParameters.get("registryNumber").map { String($0) } ?? ""
        let number: RegistryNumber
        do {
            number = try registrations.registryNumber(raw)
        } catch {
            throw APIError(
                status: .badRequest, code: "invalidRegistryNumber",
                message: locales.both("errors.\(error.errors[0].code)"), field: "registryNumber")
        }
        guard let person = try await registrations.registration(registryNumber: number) else {
            throw APIError.notFound(locales)
        }
        return try JSON.response(
            PersonFound(
                id: person.id.uuidString.lowercased(), reference: person.reference,
                displayName: person.details.displayName))
    }

    func person(_ request: Request, id raw: String) async throws -> Response {
        let appointments = try use()
        _ = try await authentication.require(.readCases, request)
        let id = try APIError.uuid(raw, locales)
        let names = try await names(appointments)
        return try JSON.response([
            "appointments": try await appointments.appointments(registrationID: id).map { view($0, names: names) }
        ])
    }

    func cancel(_ request: Request, id raw: String) async throws -> Response {
        let appointments = try use()
        _ = try await authentication.require(.writeCases, request)
        let cancelled = try await appointments.cancel(id: try APIError.uuid(raw, locales))
        return try JSON.response(view(cancelled, names: try await names(appointments)))
    }

    struct RemindersView: Encodable {
        let today: [AppointmentView]
        let nextOpenDay: [AppointmentView]
    }

    /// Today's and the next office day's booked appointments: what reminder texts are sent for.
    func reminders(_ request: Request) async throws -> Response {
        let appointments = try use()
        _ = try await authentication.require(.readCases, request)
        let (today, next) = try await appointments.reminders()
        let names = try await names(appointments)
        return try JSON.response(
            RemindersView(today: today.map { view($0, names: names) }, nextOpenDay: next.map { view($0, names: names) })
        )
    }

    /// Kept and missed appointments over the last `days` office days (30 by default), today included.
    func figures(_ request: Request) async throws -> Response {
        let appointments = try use()
        _ = try await authentication.require(.readDashboard, request)
        let days = request.uri.queryParameters.get("days").flatMap(Int.init) ?? 30
        guard (1...366).contains(days) else {
            throw APIError(
                status: .badRequest, code: "invalidQuery", message: locales.both("api.invalidQuery"), field: "days")
        }
        let today = office.today(at: appointments.now())
        return try JSON.response(try await appointments.figures(from: today.adding(days: 1 - days), through: today))
    }
}
