public import Foundation
import KioskCore
public import KioskStore
import LMISProtocol

/// Outbox records shaped like the kiosk's own (registrations, then queue events of tickets),
/// written directly, for sync tests and the sync benchmark that need thousands of them.
public enum SyntheticOutbox {
    /// `offset` shifts the registry numbers so that several kiosks register different people.
    public static func fill(
        _ database: AppDatabase, officeCode: String = "UB-SB", registrations: Int, queueEvents: Int, offset: Int = 0
    ) async throws {
        let now = Date()
        let chunk = 5000
        for start in stride(from: 0, to: registrations + queueEvents, by: chunk) {
            var records: [(type: OutboxRecordType, payload: [String: [String: String]])] = []
            for index in start..<min(start + chunk, registrations + queueEvents) {
                if index < registrations {
                    let payload: [String: [String: String]] = [
                        "registration": [
                            "id": UUIDv7.make(at: now).uuidString.lowercased(),
                            "reference": "\(officeCode)-\(index)",
                            "officeCode": officeCode, "revision": "1", "createdAt": Outbox.utcTimestamp(now),
                            "updatedAt": Outbox.utcTimestamp(now),
                            "registryNumber": Fixtures.registryNumber(index + offset), "familyName": "Болд",
                            "givenName": "Өлзий", "birthDate": "1990-05-12", "sex": "female", "phone": "99112233",
                            "aimagCode": "UB-SB", "soumCode": "UB-SB-05", "status": "unemployed",
                        ]
                    ]
                    records.append((.registrationCreated, payload))
                } else {
                    let kind = ["issued", "called", "started", "finished"][index % 4]
                    let payload: [String: [String: String]] = [
                        "event": [
                            "kind": kind, "at": Outbox.utcTimestamp(now), "counter": "2", "outcome": "counselled",
                        ],
                        "ticket": [
                            "id": UUID().uuidString.lowercased(), "serviceCode": "Б", "officeCode": officeCode,
                        ],
                    ]
                    records.append((OutboxRecordType(rawValue: "queue.\(kind)"), payload))
                }
            }
            try await database.appendToOutbox(officeCode: officeCode, records, at: now)
        }
    }
}
