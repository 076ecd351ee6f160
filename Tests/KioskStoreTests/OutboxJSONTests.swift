import Foundation
import KioskCore
import KioskTestSupport
import LMISProtocol
import Testing

@testable import KioskStore

/// The fast payload writer must give the bytes Foundation's encoder gives (the LMIS reads them,
/// and a record's bytes are what its signature covers).
@Suite("Outbox payload JSON")
struct OutboxJSONTests {
    func foundation(_ value: some Encodable) throws -> String {
        String(decoding: try Outbox.encoder.encode(value), as: UTF8.self)
    }

    func expectSame(_ value: some Encodable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fast = try OutboxJSON.encode(value)
        let reference = try foundation(value)
        #expect(fast == reference, sourceLocation: sourceLocation)
    }

    /// A registration and three events of its ticket (issued, called, finished), written by the
    /// repositories.
    func written(_ temp: TemporaryDatabase) async throws -> (Registration, [(Ticket, TicketEvent)]) {
        let registrations = SQLiteRegistrationRepository(database: temp.database, officeCode: Fixtures.office.code)
        var form = Fixtures.form()
        form.givenName = "Өлзийбаяр"
        let registration = try await registrations.register(try Fixtures.details(form), at: Fixtures.now)
        let queue = SQLiteQueueRepository(
            database: temp.database, office: Fixtures.office, services: QueueService.demo, policy: QueuePolicy())
        let issued = try await queue.issue(
            service: QueueService.demo[0], priority: .elderly, registrationID: registration.id, language: .mn,
            at: Fixtures.now)
        let called = try #require(
            try await queue.callNext(counter: 3, staffID: "saraa", services: ["А"], at: Fixtures.now + 60))
        let finished = try await queue.act(
            ticketID: issued.ticket.id, .finish(.counselled), by: 3, at: Fixtures.now + 90)
        return (
            registration,
            [
                (issued.ticket, TicketEvent(kind: .issued, at: Fixtures.now)),
                (called, TicketEvent(kind: .called, at: Fixtures.now + 60.123, counter: 3, staffID: "saraa")),
                (finished, TicketEvent(kind: .finished, at: Fixtures.now + 90, outcome: .counselled)),
            ]
        )
    }

    @Test("Every payload the kiosk writes, from real registrations, tickets, referrals and fingerprints")
    func realPayloads() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let (registration, events) = try await written(temp)
        try expectSame(RegistrationChanged(registration))
        for (ticket, event) in events {
            try expectSame(QueueEventRecorded(sequence: 42, event: event, ticket: ticket))
        }
        try expectSame(
            ReferralRecorded(
                referral: .init(
                    id: "r1", officeCode: "UB-SBD", registrationID: registration.id.uuidString.lowercased(),
                    vacancyReference: "V-1/2", staffID: "saraa", counter: 2, note: "утас: 99\n", createdAt: Fixtures.now
                )))
        try expectSame(
            FingerprintsEnrolled(
                fingerprints: .init(
                    registrationID: "x", officeCode: "UB-SBD", fingers: ["rightIndex", "leftIndex"],
                    isoRecord: "Rk1SACAyMAA=", enrolledAt: Fixtures.now, staffID: nil)))
        try expectSame(
            FingerprintsDeleted(
                fingerprints: .init(registrationID: "x", officeCode: "UB-SBD", deletedAt: Fixtures.now, staffID: "a")))
    }

    /// The payloads as they were written before they had wire types of their own: the domain
    /// types' synthesized encoding.
    struct DomainRegistration: Encodable { let registration: RegistrationSnapshot }
    struct DomainQueueEvent: Encodable {
        let sequence: Int64
        let event: TicketEvent
        let ticket: Ticket
    }

    @Test("The wire payloads give the bytes the domain types gave")
    func wireTypesKeepTheBytes() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let (registration, events) = try await written(temp)
        #expect(
            try Outbox.json(RegistrationChanged(registration))
                == (try foundation(DomainRegistration(registration: RegistrationSnapshot(registration)))))
        var transferred = events[2].0
        transferred.serviceCode = "Б"
        for (ticket, event) in events + [
            (transferred, TicketEvent(kind: .transferred, at: Fixtures.now + 95, fromService: "А"))
        ] {
            #expect(
                try Outbox.json(QueueEventRecorded(sequence: 7, event: event, ticket: ticket))
                    == (try foundation(DomainQueueEvent(sequence: 7, event: event, ticket: ticket))))
        }
    }

    struct Shapes: Encodable {
        struct Inner: Encodable {
            let b: Bool
            let none: String?
            let list: [Int?]
        }
        let zeta: Int64
        let Alpha: String
        let alpha: UInt8
        let a10: Int
        let a9: Int
        let nested: [Inner]
        let map: [String: [String]]
        let empty: [String]
        let emptyMap: [String: Int]
        let when: Date
        let optionalWhen: Date?
        let extremes: [Int64]
    }

    @Test("Key order, escapes, Cyrillic, empty and nested containers, integers at their limits")
    func shapes() throws {
        let control = (0..<32).map { String(UnicodeScalar(UInt8($0))) }.joined()
        try expectSame(
            Shapes(
                zeta: -1, Alpha: "Өө Үү ё й — «» 😀 \u{2028} " + control + "\"\\/", alpha: 255, a10: 10, a9: 9,
                nested: [
                    Shapes.Inner(b: true, none: nil, list: [1, nil, -3]), Shapes.Inner(b: false, none: "x", list: []),
                ],
                map: ["Б": ["1"], "a": [], "B": ["x/y"]], empty: [], emptyMap: [:], when: Fixtures.now + 0.5,
                optionalWhen: nil, extremes: [Int64.min, Int64.max, 0]))
        try expectSame(["plain"])
        try expectSame("top-level string")
        try expectSame(7)
    }

    struct Inherited: Encodable {
        let base = 1
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(base, forKey: .own)
            var inner = container.superEncoder().container(keyedBy: Key.self)
            try inner.encode("parent", forKey: .own)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode(true)
            var item = list.nestedContainer(keyedBy: Key.self)
            try item.encode(2, forKey: .own)
        }
        enum Key: String, CodingKey { case own, list }
    }

    @Test("Super-encoders and hand-written containers")
    func superEncoders() throws {
        try expectSame(Inherited())
    }

    @Test("Floating point and data are left to Foundation, and Outbox.append still writes them")
    func fallBack() async throws {
        struct Measured: Encodable {
            let offset: Double
            let blob: Data
        }
        #expect(throws: OutboxJSON.Unsupported.self) { try OutboxJSON.encode(Measured(offset: 1.5, blob: Data())) }
        #expect(throws: OutboxJSON.Unsupported.self) { try OutboxJSON.encode([0.1]) }
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        let record = try await temp.database.write { db in
            try Outbox.append(
                db, officeCode: "UB-SBD", type: OutboxRecordType(rawValue: "test.measured"),
                payload: Measured(offset: 1.5, blob: Data([1, 2])), at: Fixtures.now)
        }
        #expect(record.payload == (try foundation(Measured(offset: 1.5, blob: Data([1, 2])))))
    }
}
