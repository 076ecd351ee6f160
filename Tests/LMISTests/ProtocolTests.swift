import Crypto
import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISProtocol
import Testing

@testable import LMISSync

@Suite struct GzipTests {
    @Test func roundTripsAndShrinksJSON() throws {
        let text = Data(
            String(repeating: "{\"registryNumber\":\"УБ90051223\",\"name\":\"Өлзий Үүрцайх\"},", count: 500).utf8)
        let packed = Gzip.compress(text)
        #expect(Gzip.isCompressed(packed))
        #expect(packed.count * 10 < text.count)
        #expect(try Gzip.decompress(packed, limit: 1 << 20) == text)
    }

    @Test func refusesABombBeyondTheCap() {
        let bomb = Gzip.compress(Data(count: 20 << 20))
        #expect(bomb.count < 100_000)
        #expect(throws: Gzip.Failure.tooLarge(limit: LMISLimits.inflatedBody)) {
            try Gzip.decompress(bomb, limit: LMISLimits.inflatedBody)
        }
    }

    @Test func refusesTruncatedAndCorruptBodies() {
        let packed = Gzip.compress(Data("hello hello hello hello".utf8))
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(packed.prefix(packed.count - 6), limit: 1000) }
        var corrupt = packed
        corrupt[12] ^= 0xFF
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(corrupt, limit: 1000) }
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(Data("not gzip".utf8), limit: 1000) }
    }
}

@Suite struct SigningTests {
    let key = Curve25519.Signing.PrivateKey()

    func signed(_ body: Data, timestamp: Int64) throws -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: try RequestSigning.headers(
                method: "POST", target: "/v1/upload", body: body, keyID: RequestSigning.keyID(publicKey: key.publicKey),
                timestamp: timestamp, key: key
            ).map { ($0.name, $0.value) })
    }

    @Test func acceptsTheSignedRequestAndRefusesEveryTampering() throws {
        let body = Data("{\"stream\":\"registration\"}".utf8)
        let headers = try signed(body, timestamp: 1_000_000)
        try RequestSigning.verify(
            method: "POST", target: "/v1/upload", body: body, headers: headers, publicKey: key.publicKey, now: 1_000_100
        )
        #expect(throws: RequestSigning.Failure.digestMismatch) {
            try RequestSigning.verify(
                method: "POST", target: "/v1/upload", body: Data("{\"stream\":\"queue\"}".utf8), headers: headers,
                publicKey: key.publicKey, now: 1_000_000)
        }
        var forged = headers
        forged[RequestSigning.digestHeader] = RequestSigning.bodyDigest(Data("x".utf8))
        #expect(throws: RequestSigning.Failure.badSignature) {
            try RequestSigning.verify(
                method: "POST", target: "/v1/upload", body: Data("x".utf8), headers: forged, publicKey: key.publicKey,
                now: 1_000_000)
        }
        #expect(throws: RequestSigning.Failure.badSignature) {
            try RequestSigning.verify(
                method: "POST", target: "/v1/changes", body: body, headers: headers, publicKey: key.publicKey,
                now: 1_000_000)
        }
        #expect(throws: RequestSigning.Failure.badSignature) {
            try RequestSigning.verify(
                method: "POST", target: "/v1/upload", body: body, headers: headers,
                publicKey: Curve25519.Signing.PrivateKey().publicKey, now: 1_000_000)
        }
        #expect(throws: RequestSigning.Failure.stale(skewSeconds: -301)) {
            try RequestSigning.verify(
                method: "POST", target: "/v1/upload", body: body, headers: headers, publicKey: key.publicKey,
                now: 1_000_301)
        }
        // A timestamp at the far end of the range is stale, not a crash.
        let extreme = try signed(body, timestamp: Int64.min)
        #expect(throws: RequestSigning.Failure.stale(skewSeconds: Int64.min)) {
            try RequestSigning.verify(
                method: "POST", target: "/v1/upload", body: body, headers: extreme, publicKey: key.publicKey,
                now: 1_000_000)
        }
        #expect(throws: RequestSigning.Failure.missingHeaders) {
            try RequestSigning.verify(
                method: "POST", target: "/v1/upload", body: body, headers: [:], publicKey: key.publicKey, now: 1_000_000
            )
        }
    }
}

@Suite struct CursorAndBackoffTests {
    @Test func cursorsParseOnlyTheirOwnShape() {
        #expect(ChangeCursor("a1b2c3:42") == ChangeCursor(epoch: "a1b2c3", position: 42))
        #expect(ChangeCursor("a1b2c3:42")?.description == "a1b2c3:42")
        for bad in ["", "42", "a1:", ":5", "a1:-3", "a 1:3", "a1:3:4", "a1:x"] {
            #expect(ChangeCursor(bad) == nil, "\(bad)")
        }
    }

    @Test func backoffIsFullJitterUpToTheCapAndHonoursRetryAfter() {
        var backoff = SyncBackoff(base: .seconds(2), cap: .seconds(60))
        // The ceiling doubles per failure: 2, 4, 8, 16, 32, then the cap.
        let ceilings = (0..<8).map { _ in backoff.failed(unit: 0.999_999) }
        #expect(ceilings.map { Int($0.components.seconds) } == [1, 3, 7, 15, 31, 59, 59, 59])
        var fresh = SyncBackoff(base: .seconds(2), cap: .seconds(60))
        #expect(fresh.failed(unit: 0) == .zero)
        #expect(fresh.failed(unit: 0.5) == .seconds(2))
        // Retry-After wins over a shorter jitter, but never beyond an hour.
        #expect(fresh.failed(retryAfter: .seconds(30), unit: 0) == .seconds(30))
        #expect(fresh.failed(retryAfter: .seconds(90_000), unit: 0) == .seconds(3600))
        fresh.succeeded()
        #expect(fresh.failures == 0)
        #expect(fresh.failed(unit: 0.999_999) < .seconds(2))
    }

    @Test func uploadBodiesAreTheProtocolsJSON() throws {
        let records = [
            WaitingRecord(
                id: "0190a1b2-0000-7000-8000-000000000001", sequence: 7, type: "registration.created",
                createdAt: "2026-11-22T14:03:05.123Z", payload: "{\"registration\":{\"givenName\":\"Өлзий \\\"Ү\\\"\"}}"
            )
        ]
        let batch = try LMISCoding.decoder.decode(
            UploadBatch.self, from: SyncEngine.body(stream: "registration", records))
        #expect(batch.stream == "registration")
        #expect(batch.records[0].sequence == 7)
        #expect(batch.records[0].payload["registration"]?["givenName"]?.string == "Өлзий \"Ү\"")
        #expect(LMISCoding.quoted("a\"b\\c\n") == "\"a\\\"b\\\\c\\u000a\"")
    }

    @Test func storedVacancyJSONReadsBackAsTheSameVacancy() throws {
        let vacancy = VacancyRecord(
            reference: "V-1", title: "Жолооч \"Ачаа\"\n", titleEn: nil, iscoCode: "8332", employer: "Өргөө\\ХХК",
            aimagCode: "UB", soumCode: nil, wageMin: 1_000_000, wageMax: nil, hours: "shift", skills: ["а", "б"],
            postedOn: "2026-11-01", closesOn: "2026-12-01", howToApply: "Ажилтан 3", newlyCreated: true)
        let back = try LMISCoding.decoder.decode(VacancyRecord.self, from: Data(vacancy.storedJSON.utf8))
        #expect(back == vacancy)
    }

    @Test func vacanciesWithProblemsAreNamed() {
        var bad = VacancyRecord(
            reference: "", title: " ", iscoCode: "93", employer: "E", aimagCode: "UB", hours: "sometimes",
            postedOn: "2026-13-01", closesOn: "2026-12-01", howToApply: "")
        bad.wageMin = 5
        bad.wageMax = 1
        #expect(bad.problems.count == 6)
    }
}

@Suite struct OutboxPayloadTests {
    /// What the hub hands on to the database is what the kiosk wrote: the same keys and values,
    /// and every time on its own millisecond (a time read back may lie a hair below it).
    @Test func theHubHandsOnAKioskPayloadByteForByte() throws {
        let kiosk = LMISCoding.encoder(time: Outbox.utcTimestamp)
        for millis in stride(from: 0, to: 20_000, by: 7) {
            let instant = Date(timeIntervalSince1970: 1_795_327_200 + Double(millis) / 1000)
            let payload = SyntheticOutbox.registration(
                reference: "UB-SB-1", officeCode: "UB-SB", registryNumber: "УБ90051223", at: instant)
            let sent = String(decoding: try kiosk.encode(payload), as: UTF8.self)
            let record = """
                {"id":"\(UUID().uuidString.lowercased())","sequence":1,"type":"registration.created",\
                "createdAt":"\(Outbox.utcTimestamp(instant))","payload":\(sent)}
                """
            let header = try OutboxPayload.decoder.decode(UploadEnvelope.Header.self, from: Data(record.utf8))
            let decoded = try header.payload.get()
            #expect(String(decoding: try OutboxPayload.encoder.encode(decoded), as: UTF8.self) == sent)
        }
    }
}
