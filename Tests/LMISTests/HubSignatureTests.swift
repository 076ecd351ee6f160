import Crypto
import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import LMISProtocol
import Testing

@testable import LMISSync

/// The hub refuses what is not signed by an enrolled, unrevoked device, now.
@Suite(.serialized) struct HubSignatureTests {
    @Test func tamperedReplayedUnknownAndRevokedRequestsAreRefused() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        try await kiosk.register(1)
        let enrolment = try #require(try await kiosk.engine.store.enrolment())
        let key = try #require(try DeviceKey.load(from: DeviceKey.file(in: kiosk.temp.directory)))
        let batch = try await kiosk.engine.store.batch(stream: "registration", maxRecords: 10, maxBytes: 1 << 20)
        let body = SyncEngine.body(stream: "registration", batch)
        let client = try HubClient(baseURL: hub.url)
        defer { Task { await client.shutdown() } }
        let timestamp = Int64(Date().timeIntervalSince1970)

        func headers(
            _ body: Data, keyID: String = enrolment.deviceID,
            signingKey: Curve25519.Signing.PrivateKey = key.privateKey, at time: Int64 = timestamp
        ) throws -> [String: String] {
            Dictionary(
                uniqueKeysWithValues: try RequestSigning.headers(
                    method: "POST", target: LMISPath.upload, body: body, keyID: keyID, timestamp: time, key: signingKey
                ).map { ($0.name, $0.value) })
        }
        func problem(_ answer: HubClient.Answer) -> ProblemCode? { answer.problem?.error }

        // Tampered: the body changed after signing.
        var tampered = body
        tampered[tampered.count - 3] = UInt8(ascii: " ")
        var sent = try headers(body)
        let tamperedAnswer = try await client.send(
            "POST", LMISPath.upload, body: tampered, signer: nil, extraHeaders: sent)
        #expect(tamperedAnswer.status == 401 && problem(tamperedAnswer) == .badSignature)

        // Signed properly: applied. The very same request again: a replay.
        sent = try headers(body)
        let good = try await client.send("POST", LMISPath.upload, body: body, signer: nil, extraHeaders: sent)
        #expect(good.status == 200)
        let replay = try await client.send("POST", LMISPath.upload, body: body, signer: nil, extraHeaders: sent)
        #expect(replay.status == 401 && problem(replay) == .replayed)

        // An old request (signed ten minutes ago).
        let old = try await client.send(
            "POST", LMISPath.upload, body: body, signer: nil, extraHeaders: try headers(body, at: timestamp - 600))
        #expect(old.status == 401 && problem(old) == .staleTimestamp)

        // A key the hub never enrolled.
        let stranger = Curve25519.Signing.PrivateKey()
        let unknown = try await client.send(
            "POST", LMISPath.upload, body: body, signer: nil,
            extraHeaders: try headers(
                body, keyID: RequestSigning.keyID(publicKey: stranger.publicKey), signingKey: stranger))
        #expect(unknown.status == 401 && problem(unknown) == .unknownDevice)

        // The right key id signed by another key.
        let forged = try await client.send(
            "POST", LMISPath.upload, body: body, signer: nil, extraHeaders: try headers(body, signingKey: stranger))
        #expect(forged.status == 401 && problem(forged) == .badSignature)

        // Unsigned.
        let unsigned = try await client.send("POST", LMISPath.upload, body: body, signer: nil)
        #expect(unsigned.status == 401 && problem(unsigned) == .unsigned)

        // Revoked: the device's own, correct signature no longer opens the door.
        #expect(try await hub.call("POST", "/admin/devices/\(enrolment.deviceID)/revoke").0 == 200)
        let revoked = try await client.send(
            "POST", LMISPath.upload, body: body, signer: nil, extraHeaders: try headers(body))
        #expect(revoked.status == 403 && problem(revoked) == .revokedDevice)
        let report = await kiosk.engine.round()
        #expect(
            report.error
                == .hub(status: 403, code: "revoked_device", message: "this device has been revoked; enrol it again"))

        // Admin endpoints want the token.
        var request = try HubClient(baseURL: hub.url)
        let noToken = try await request.send("GET", "/admin/devices", signer: nil)
        #expect(noToken.status == 401)
        await request.shutdown()
        request = client
        #expect(try hub.count("SELECT count(*) FROM person") == 1)
        await kiosk.engine.shutdown()
        await hub.stop()
    }

    @Test func referenceSnapshotsAnswerIfNoneMatch() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        try await kiosk.enrol(hub)
        let units: [[String: String]] = [
            ["code": "UB-SB", "kind": "district", "nameMn": "Сүхбаатар", "nameEn": "Sükhbaatar"],
            ["code": "HOVD", "kind": "aimag", "nameMn": "Ховд", "nameEn": "Khovd", "timeZone": "Asia/Hovd"],
        ]
        #expect(try await hub.call("PUT", "/admin/reference/admin-units", units).0 == 200)
        let enrolment = try #require(try await kiosk.engine.store.enrolment())
        let key = try #require(try DeviceKey.load(from: DeviceKey.file(in: kiosk.temp.directory)))
        let client = try HubClient(baseURL: hub.url)
        let signer = HubClient.Signer(key: key, keyID: enrolment.deviceID, now: { Date() })
        let full = try await client.send("GET", LMISPath.reference(.adminUnits), signer: signer)
        #expect(full.status == 200)
        let snapshot = try full.decode(ReferenceSnapshot.self)
        #expect(snapshot.items.count == 2)
        let tag = try #require(full.headers["etag"])
        let same = try await client.send(
            "GET", LMISPath.reference(.adminUnits), signer: signer, extraHeaders: ["If-None-Match": tag])
        #expect(same.status == 304)
        // Unchanged items keep their position; a removed one becomes a tombstone and changes the tag.
        #expect(try await hub.call("PUT", "/admin/reference/admin-units", [units[0]]).0 == 200)
        let changed = try await client.send(
            "GET", LMISPath.reference(.adminUnits), signer: signer, extraHeaders: ["If-None-Match": tag])
        #expect(changed.status == 200)
        #expect(try changed.decode(ReferenceSnapshot.self).items.count == 1)
        #expect(try hub.count("SELECT count(*) FROM reference_item WHERE deleted") == 1)
        await client.shutdown()
        await kiosk.engine.shutdown()
        await hub.stop()
    }

    @Test func malformedRecordsAreQuarantinedOneByOneAndForeignRegistrationsRefused() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        let other = try KioskHarness(officeCode: "HOVD")
        defer {
            kiosk.temp.remove()
            other.temp.remove()
        }
        try await kiosk.enrol(hub)
        try await other.enrol(hub)
        let registration = try await kiosk.register(1)
        #expect(await kiosk.engine.round().error == nil)

        // Records no kiosk of ours writes, as another client might: each is refused alone.
        let enrolment = try #require(try await other.engine.store.enrolment())
        let key = try #require(try DeviceKey.load(from: DeviceKey.file(in: other.temp.directory)))
        let signer = HubClient.Signer(key: key, keyID: enrolment.deviceID, now: { Date() })
        let client = try HubClient(baseURL: hub.url)
        let now = LMISTime.format(Date())
        // Office UB-SB's registration, presented by a device of office HOVD as its own.
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Outbox.utcTimestamp(date))
        }
        let snapshot = String(
            decoding: try encoder.encode(RegistrationSnapshot(registration)).replacingOfficeCode("UB-SB", with: "HOVD"),
            as: UTF8.self)
        let body = """
            {"stream":"registration","records":[
            {"id":"\(UUID().uuidString.lowercased())","sequence":3.0,"type":"registration.created","createdAt":"\(now)","payload":{}},
            {"id":"\(UUID().uuidString.lowercased())","sequence":4,"type":"registration.created","createdAt":"\(now)"},
            {"id":"\(UUID().uuidString.lowercased())","sequence":5,"type":"registration.updated","createdAt":"\(now)","payload":{"registration":\(snapshot.replacingOccurrences(of: "\"revision\":1", with: "\"revision\":9"))}}
            ]}
            """
        let answer = try await client.send("POST", LMISPath.upload, body: Data(body.utf8), signer: signer)
        #expect(answer.status == 200)
        let results = try answer.decode(UploadResponse.self).results
        #expect(results.map(\.status) == [.rejected, .rejected, .rejected])
        #expect(results[1].reason?.contains("payload must be a JSON object") == true)
        #expect(results[2].reason?.contains("belongs to office UB-SB") == true)
        #expect(try hub.count("SELECT count(*) FROM quarantine") == 3)
        #expect(try hub.count("SELECT max(revision) FROM registration") == 1)
        // The operators' list without an office filter.
        let (status, list) = try await hub.call("GET", "/admin/quarantine")
        #expect(status == 200 && String(decoding: list, as: UTF8.self).contains("belongs to office"))
        await client.shutdown()
        await kiosk.engine.shutdown()
        await other.engine.shutdown()
        await hub.stop()
    }
}

extension HubSignatureTests {
    /// Each payload is decoded as its LMISProtocol type by the hub: one that does not decode is
    /// refused alone with a reason naming the field, kept (a resend gets the same answer) and
    /// quarantined; the rest of the batch is applied.
    @Test func payloadsThatDoNotDecodeAsTheirTypeAreRefusedOneByOne() async throws {
        let hub = try await HubHarness.start()
        let kiosk = try KioskHarness()
        defer { kiosk.temp.remove() }
        let signer = try await kiosk.enrolledSigner(hub)
        let client = try HubClient(baseURL: hub.url)
        let now = LMISTime.format(Date())
        let good = SyntheticOutbox.registration(
            reference: "UB-SB-1", officeCode: "UB-SB", registryNumber: Fixtures.registryNumber(1), at: Date())
        let full = String(decoding: try OutboxPayload.encoder.encode(good), as: UTF8.self)
        let noName = full.replacingOccurrences(of: #""familyName":"Болд","#, with: "")
        let textRevision = full.replacingOccurrences(of: #""revision":1"#, with: #""revision":"1""#)
        func record(_ sequence: Int, _ payload: String) -> String {
            """
            {"id":"\(UUID().uuidString.lowercased())","sequence":\(sequence),"type":"registration.created",\
            "createdAt":"\(now)","payload":\(payload)}
            """
        }
        let body = """
            {"stream":"registration","records":[\(record(1, noName)),\(record(2, textRevision)),\(record(3, full)),\
            \(record(4, "[1]"))]}
            """
        let first = try await client.send("POST", LMISPath.upload, body: Data(body.utf8), signer: signer)
        #expect(first.status == 200)
        let results = try first.decode(UploadResponse.self).results
        #expect(results.map(\.status) == [.rejected, .rejected, .applied, .rejected])
        #expect(
            results[0].reason
                == "payload of registration.created does not decode: registration.familyName is missing")
        #expect(
            results[1].reason
                == "payload of registration.created does not decode: registration.revision is not a number")
        #expect(results[3].reason == "payload must be a JSON object")
        #expect(try hub.count("SELECT count(*) FROM quarantine") == 3)
        #expect(try hub.count("SELECT count(*) FROM person") == 1)
        // The operators see the payload as it was sent beside the reason.
        let (_, list) = try await hub.call("GET", "/admin/quarantine")
        #expect(String(decoding: list, as: UTF8.self).contains("familyName is missing"))
        #expect(try hub.scalar("SELECT payload::text FROM quarantine WHERE seq = 2").contains(#""revision": "1""#))
        let again = try await client.send("POST", LMISPath.upload, body: Data(body.utf8), signer: signer)
        #expect(
            try again.decode(UploadResponse.self).results.map(\.status) == [
                .rejected, .rejected, .duplicate, .rejected,
            ])
        await client.shutdown()
        await kiosk.engine.shutdown()
        await hub.stop()
    }
}

extension Data {
    fileprivate func replacingOfficeCode(_ old: String, with new: String) -> Data {
        Data(
            String(decoding: self, as: UTF8.self).replacingOccurrences(
                of: "\"officeCode\":\"\(old)\"", with: "\"officeCode\":\"\(new)\""
            ).utf8)
    }
}
