public import Foundation
import KioskCore
public import KioskStore
public import LMISProtocol

/// Outbox records shaped like the kiosk's own (registrations, then queue events of tickets), as
/// the sync contract's payload types, written directly for sync tests and the sync benchmark
/// that need thousands of them.
public enum SyntheticOutbox {
    /// `offset` shifts the registry numbers so that several kiosks register different people.
    public static func fill(
        _ database: AppDatabase, officeCode: String = "UB-SB", registrations: Int, queueEvents: Int, offset: Int = 0
    ) async throws {
        let now = Date()
        let chunk = 5000
        for start in stride(from: 0, to: registrations + queueEvents, by: chunk) {
            var records: [(type: OutboxRecordType, payload: OutboxPayload)] = []
            for index in start..<min(start + chunk, registrations + queueEvents) {
                if index < registrations {
                    records.append(
                        (
                            .registrationCreated,
                            .registration(
                                registration(
                                    reference: "\(officeCode)-\(index)", officeCode: officeCode,
                                    registryNumber: Fixtures.registryNumber(index + offset), at: now))
                        ))
                } else {
                    let kind = ["issued", "called", "started", "finished"][index % 4]
                    records.append(
                        (
                            OutboxRecordType(rawValue: "queue.\(kind)"),
                            .queueEvent(queueEvent(kind, sequence: Int64(index), officeCode: officeCode, at: now))
                        ))
                }
            }
            try await database.appendToOutbox(officeCode: officeCode, records, at: now)
        }
    }

    /// A registration as the kiosk writes it, new at `instant`.
    public static func registration(reference: String, officeCode: String, registryNumber: String, at instant: Date)
        -> RegistrationChanged
    {
        RegistrationChanged(
            registration: .init(
                id: UUIDv7.make(at: instant).uuidString.lowercased(), reference: reference, officeCode: officeCode,
                revision: 1, createdAt: instant, updatedAt: instant, registryNumber: registryNumber,
                familyName: "Болд", givenName: "Өлзий", birthDate: "1990-05-12", sex: "female", phone: "99112233",
                aimagCode: "UB-SB", soumCode: "UB-SB-05", educationCode: "vocational", occupationCode: "83",
                skills: ["жолоо барих"], licences: [], experienceYears: 3, desiredOccupationCode: "83",
                desiredJob: nil, hasDisability: false, disabilityDetail: nil, status: "unemployed",
                consentTextVersion: "2026-1", consentAcceptedAt: instant, language: "mn"))
    }

    /// Whole tickets of earlier office days, each issued, called, started and finished in that
    /// order (four queue records a ticket, a day after another): an office's queue backlog.
    public static func queueBacklog(
        _ database: AppDatabase, officeCode: String = "UB-SB", days: [String], ticketsPerDay: Int
    ) async throws {
        let now = Date()
        for day in days {
            var records: [(type: OutboxRecordType, payload: OutboxPayload)] = []
            for number in 0..<ticketsPerDay {
                let ticket = UUID().uuidString
                for kind in ["issued", "called", "started", "finished"] {
                    records.append(
                        (
                            OutboxRecordType(rawValue: "queue.\(kind)"),
                            .queueEvent(
                                queueEvent(
                                    kind, sequence: Int64(records.count + 1), officeCode: officeCode, at: now,
                                    officeDay: day, ticketID: ticket, number: number + 1))
                        ))
                }
            }
            try await database.appendToOutbox(officeCode: officeCode, records, at: now)
        }
    }

    /// One event of a service-Б ticket served at counter 2.
    static func queueEvent(
        _ kind: String, sequence: Int64, officeCode: String, at instant: Date, officeDay: String = "2026-11-22",
        ticketID: String = UUID().uuidString, number: Int? = nil
    ) -> QueueEventRecorded {
        QueueEventRecorded(
            sequence: sequence,
            event: .init(kind: kind, at: instant, counter: 2, staffID: nil, fromService: nil, outcome: "counselled"),
            ticket: .init(
                id: ticketID, officeCode: officeCode, officeDay: officeDay, serviceCode: "Б",
                printedCode: "Б", number: number ?? Int(sequence % 1000) + 1, priority: nil, registrationID: nil,
                language: "mn",
                state: "finished", issuedAt: instant, queuedAt: instant, calledAt: instant, servingStartedAt: instant,
                finishedAt: instant, counter: 2, staffID: nil, recalls: 0, requeued: false, outcome: "counselled"))
    }
}
