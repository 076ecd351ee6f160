public import Foundation

/// The payload of a `vacancy.recorded` outbox record: a vacancy an office took in, edited,
/// closed or filled a post of. Every change carries the whole vacancy and a revision; the hub
/// keeps the newest revision and serves it (or, closed or filled, its removal) in the vacancy
/// feed every office downloads.
public struct VacancyRecorded: Codable, Sendable, Hashable {
    public var vacancy: VacancyRecord
    public var employerID: String
    /// `open`, `closed` or `filled`.
    public var status: String
    public var filledPosts: Int
    public var revision: Int
    /// `YYYY-MM-DD`: the office day it was taken in, and closed or filled.
    public var registeredOn: String
    public var endedOn: String?
    public var staffID: String
    public var recordedAt: Date

    public init(
        vacancy: VacancyRecord, employerID: String, status: String, filledPosts: Int, revision: Int,
        registeredOn: String, endedOn: String?, staffID: String, recordedAt: Date
    ) {
        self.vacancy = vacancy
        self.employerID = employerID
        self.status = status
        self.filledPosts = filledPosts
        self.revision = revision
        self.registeredOn = registeredOn
        self.endedOn = endedOn
        self.staffID = staffID
        self.recordedAt = recordedAt
    }
}
