import Foundation
import KioskCore
import KioskTestSupport
import LMISHub
import Testing

@testable import LMISProtocol
@testable import LMISSync

/// Right on the wire for slow links (issue 25): the dictionary coding of upload bodies, the
/// hub's acceptance of it beside gzip, and batches sized to the link.
@Suite struct SlowLinkTests {
    /// Upload bodies as the kiosk writes them, of `count` records of a day's mix.
    static func body(records count: Int) -> Data {
        let at = Date(timeIntervalSince1970: 1_796_000_000)
        let batch = (0..<count).map { index in
            let registration = SyntheticOutbox.registration(
                reference: "UB-SB-\(index)", officeCode: "UB-SB", registryNumber: Fixtures.registryNumber(index),
                at: at.addingTimeInterval(Double(index) * 37))
            let payload = String(decoding: try! LMISCoding.encoder.encode(registration), as: UTF8.self)
            return WaitingRecord(
                id: UUID().uuidString.lowercased(), sequence: Int64(index + 1), type: "registration.created",
                createdAt: LMISTime.format(at), payload: payload)
        }
        return SyncEngine.body(stream: "registration", batch)
    }

    @Test func theDictionaryIsFrozenAndRoundTrips() throws {
        // A changed dictionary would be a new coding name: kiosks and hubs must hold the same bytes.
        #expect(UploadEncoding.dictionary.count == 4161)
        #expect(Adler32.of(UploadEncoding.dictionary) == 778_428_277)
        for count in [1, 5, 50, 500] {
            let body = Self.body(records: count)
            let packed = UploadEncoding.compress(body)
            #expect(try UploadEncoding.decompress(packed, limit: LMISLimits.inflatedBody) == body)
            // Smaller than gzip, most of all for the few records a queue event brings.
            #expect(packed.count < Gzip.compress(body).count)
        }
        let few = Self.body(records: 5)
        #expect(Double(UploadEncoding.compress(few).count) < 0.8 * Double(Gzip.compress(few).count))
        // Not the dictionary coding (gzip, or zlib without the dictionary) is refused, not misread.
        #expect(throws: Gzip.Failure.self) {
            try UploadEncoding.decompress(Gzip.compress(few), limit: LMISLimits.inflatedBody)
        }
        #expect(throws: Gzip.Failure.tooLarge(limit: 100)) {
            try UploadEncoding.decompress(UploadEncoding.compress(few), limit: 100)
        }
        #expect(UploadEncoding.accepted(by: "gzip, lmis-zdict-1"))
        #expect(UploadEncoding.accepted(by: "lmis-zdict-1;q=1"))
        #expect(!UploadEncoding.accepted(by: "gzip"))
        #expect(!UploadEncoding.accepted(by: nil))
    }

    @Test func theHubTakesTheDictionaryCodingOnceItSaysSoAndStillTakesGzip() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        let code = try await hub.enrolmentCode()
        _ = try await kiosk.engine.enrol(hubURL: hub.url, code: code, deviceName: "k", force: false)
        for index in 0..<40 { try await kiosk.register(index) }
        #expect(await kiosk.engine.round().error == nil)
        for index in 40..<80 { try await kiosk.register(index) }
        #expect(await kiosk.engine.round().error == nil)
        #expect(try hub.count("SELECT count(*) FROM person") == 80)
        // The first answer named the coding; the later upload used it; the hub counted both codings.
        let metrics = try await hub.admin.send(
            "GET", "/metrics", signer: nil, extraHeaders: ["Authorization": "Bearer \(adminToken)"])
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(text.contains("coding=\"lmis-zdict-1\""), "\(text)")
        await hub.stop()
    }

    @Test func theAnswerInBriefNamesPlainlyAppliedRecordsBySequence() {
        let full = [
            RecordResult(id: "a", sequence: 7, status: .applied),
            RecordResult(id: "b", sequence: 9, status: .applied, personID: "p"),
            RecordResult(id: "c", sequence: 12, status: .rejected, reason: "bad"),
            RecordResult(id: "d", sequence: 15, status: .duplicate),
        ]
        let brief = CompactUploadResponse(full)
        #expect(brief.applied == [7])
        #expect(brief.results.map(\.id) == ["b", "c", "d"])
        let ids: [Int64: String] = [7: "a", 9: "b", 12: "c", 15: "d"]
        #expect(Set(brief.expanded(ids: ids) ?? []) == Set(full))
        #expect(brief.expanded(ids: [9: "b"]) == nil)
    }

    @Test func batchesSettleAtTheTargetTimeOnASlowLinkAndGrowToTheLargestOnAFastOne() {
        // 64 kbit/s, 300 ms round trip, 150 bytes a record: (8 s − 0.3 s) × 8,000 B/s ÷ 150 B.
        var slow = BatchSizer(maxRecords: 500)
        for _ in 0..<12 {
            let count = slow.records
            slow.answered(count: count, bytes: count * 150, seconds: 0.3 + Double(count) * 150 / 8000)
        }
        #expect(abs(slow.records - 411) <= 3, "\(slow.records)")
        var fast = BatchSizer(maxRecords: 500)
        for _ in 0..<4 {
            let count = fast.records
            fast.answered(count: count, bytes: count * 100, seconds: 0.002 + Double(count) * 100 / 50_000_000)
        }
        #expect(fast.records == 500)
        // A cut halves what was in flight; growth is bounded, so is shrinking.
        slow.cut(count: 410)
        #expect(slow.records == 205)
        slow.answered(count: 205, bytes: 30_750, seconds: 60)
        #expect(slow.records == 51)
        slow.answered(count: 51, bytes: 7_650, seconds: 0.01)
        #expect(slow.records == 204)
        var refused = BatchSizer(maxRecords: 500, initial: 9)
        refused.refused(count: 9)
        #expect(refused.records == 4)
    }
}

/// zlib's Adler-32 (RFC 1950), the id a zlib stream gives its preset dictionary.
enum Adler32 {
    static func of(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}
