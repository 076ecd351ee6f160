import Foundation
import Hummingbird
import KioskCore

/// Counsellors' leave days on the console: anyone who reads cases sees them and the next free
/// days; the head enters and takes back anyone's, an officer their own (`writeCases`). Adding a
/// day answers the appointments booked on it, for rebooking.
extension AppointmentAPI {
    struct LeaveRequest: Decodable {
        let staffId: String
        let date: String
    }

    struct LeaveView: Encodable {
        let staffId: String
        let staffName: String?
        let date: String
        let enteredBy: String
    }

    struct LeaveAdded: Encodable {
        let leave: LeaveView
        /// Appointments still booked with the counsellor that day: to be rebooked.
        let toRebook: [AppointmentView]
        /// The counsellor's next free days, to rebook them on.
        let nextFreeDays: [String]
    }

    func leaveView(_ day: LeaveDay, names: [String: String]) -> LeaveView {
        LeaveView(
            staffId: day.staffID, staffName: names[day.staffID], date: day.date.description, enteredBy: day.enteredBy)
    }

    func leaveBody(_ request: Request) async throws -> (String, CivilDate) {
        let body = try await strict.decode(LeaveRequest.self, from: request, allowedKeys: ["staffId", "date"])
        guard let date = CivilDate(iso8601: body.date) else { throw invalid("date") }
        guard !body.staffId.isEmpty else { throw AppointmentError.unknownCounsellor }
        return (body.staffId, date)
    }

    /// Leave days from today on; one counsellor's with `staffId`.
    func leaveDays(_ request: Request) async throws -> Response {
        let appointments = try use()
        _ = try await authentication.require(.readCases, request)
        let staffID = request.uri.queryParameters.get("staffId").flatMap { $0.isEmpty ? nil : String($0) }
        let names = try await names(appointments)
        return try JSON.response([
            "leave": try await appointments.upcomingLeave(staffID: staffID).map { leaveView($0, names: names) }
        ])
    }

    func addLeave(_ request: Request) async throws -> Response {
        let appointments = try use()
        let staff = try await authentication.require(.writeCases, request)
        let (staffID, date) = try await leaveBody(request)
        let booked = try await appointments.addLeave(staffID: staffID, date: date, by: staff)
        let names = try await names(appointments)
        var views: [AppointmentView] = []
        for a in booked {
            views.append(view(a, names: names, person: try await registrations.registration(id: a.registrationID)))
        }
        let free = try await appointments.freeDays(
            staffID: staffID, after: office.today(at: appointments.now()).adding(days: -1))
        return try JSON.response(
            LeaveAdded(
                leave: leaveView(
                    LeaveDay(staffID: staffID, date: date, enteredBy: staff.staffID, enteredAt: appointments.now()),
                    names: names),
                toRebook: views, nextFreeDays: free.map(\.description)), status: .created)
    }

    func removeLeave(_ request: Request) async throws -> Response {
        let appointments = try use()
        let staff = try await authentication.require(.writeCases, request)
        let (staffID, date) = try await leaveBody(request)
        try await appointments.removeLeave(staffID: staffID, date: date, by: staff)
        return Response(status: .noContent)
    }

    /// The next open days (five) on which `staffId`, when given, is not away.
    func freeDays(_ request: Request) async throws -> Response {
        let appointments = try use()
        _ = try await authentication.require(.readCases, request)
        let staffID = request.uri.queryParameters.get("staffId").flatMap { $0.isEmpty ? nil : String($0) }
        let today = office.today(at: appointments.now())
        let days = try await appointments.freeDays(staffID: staffID, after: today.adding(days: -1))
        return try JSON.response(["days": days.map(\.description)])
    }
}
