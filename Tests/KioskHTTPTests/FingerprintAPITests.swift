import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTP
import KioskHTTPTestSupport
import KioskStore
import KioskTestSupport
import NIOCore
import Testing

@testable import FingerprintUSB

/// Enrolment, recognition (1:N), confirmation (1:1) and staff actions through the API, with the
/// virtual reader "capturing" the demo prints: one visitor's right (01–03, 07) and left (04–06,
/// 08) index fingers.
@Suite struct FingerprintAPITests {
    static func reader() -> VirtualFingerprintReader {
        VirtualFingerprintReader(
            directory: Fixtures.kioskDirectory.appendingPathComponent("fingerprints/demo"),
            touchDelay: .milliseconds(1), liftDelay: .milliseconds(1))
    }

    /// Captures `finger` into enrolment `id` until the finger is complete; answers the captures taken.
    static func enrol(_ finger: String, into id: String, _ client: RouterTestClient) async throws -> Int {
        for taken in 1...5 {
            let (response, body) = try await client.json(
                .post, "/api/v1/fingerprint/enrolments/\(id)/capture", #"{"finger": "\#(finger)"}"#)
            #expect(response.status == .ok)
            #expect(body["accepted"] as? Bool == true, "\(body)")
            let progress = try #require(body["progress"] as? [String: Any])
            if progress["complete"] as? Bool == true {
                #expect(((body["message"] as? [String: String])?["mn"] ?? "").contains("бүртгэгдлээ"))
                return taken
            }
        }
        Issue.record("\(finger) was not complete after five captures")
        return 5
    }

    @Test("a visitor enrols two fingers with the registration and is recognised and confirmed by finger")
    func enrolRecogniseConfirm() async throws {
        let app = try await TestApp(fingerprintReader: Self.reader())
        try await app.test { client in
            let (started, enrolment) = try await client.json(.post, "/api/v1/fingerprint/enrolments")
            #expect(started.status == .created)
            let id = try #require(enrolment["id"] as? String)
            #expect(id.count == 32)
            #expect(try await Self.enrol("rightIndex", into: id, client) == 3)
            #expect(try await Self.enrol("leftIndex", into: id, client) == 3)
            // A third finger is refused.
            let (third, thirdBody) = try await client.json(
                .post, "/api/v1/fingerprint/enrolments/\(id)/capture", #"{"finger": "rightThumb"}"#)
            #expect(third.status == .conflict && thirdBody.error["code"] as? String == "tooManyFingers")

            let (created, person) = try await client.json(
                .post, "/api/v1/registrations?fingerprints=\(id)", encoded(Fixtures.form()))
            #expect(created.status == .created)
            #expect(person["fingerprints"] as? Int == 2)
            let registrationID = try #require(person["id"] as? String)
            // The enrolment is used up.
            let (reused, _) = try await client.json(
                .post, "/api/v1/fingerprint/enrolments/\(id)/capture", #"{"finger": "rightIndex"}"#)
            #expect(reused.status == .notFound)

            // Touching the reader (print 07, the right finger) greets the person, masked, and is the
            // proof for this screen session; without a session nothing is captured.
            let (noSession, noSessionBody) = try await client.json(.post, "/api/v1/fingerprint/identify")
            #expect(noSession.status == .unauthorized)
            #expect(noSessionBody.error["code"] as? String == "proof.sessionRequired")
            let screen = try await client.kioskSession()
            let (identified, found) = try await client.json(
                .post, "/api/v1/fingerprint/identify", headers: .session(screen.id))
            #expect(identified.status == .ok)
            #expect(found["status"] as? String == "known", "\(found)")
            let greeting = try #require(found["person"] as? [String: Any])
            #expect(greeting["id"] as? String == registrationID)
            #expect(greeting["displayName"] as? String == "Б. Сарангэрэл")
            #expect(greeting["maskedPhone"] as? String == "•••• 2233")
            #expect(greeting["fingerprintsEnrolled"] as? Bool == true)
            let identifiedProof = try #require((found["proof"] as? [String: Any])?["token"] as? String)
            let (opened, _) = try await client.json(
                .get, "/api/v1/registrations/\(registrationID)", headers: .proof(identifiedProof))
            #expect(opened.status == .ok)

            // Looking the person up by number says a finger can confirm them; print 08 (left) does.
            let (_, lookup) = try await client.json(
                .post, "/api/v1/registrations/lookup", #"{"registryNumber": "УБ90051223"}"#)
            #expect(lookup["proofs"] as? [String] == ["finger", "staff"])
            let (verified, verdict) = try await client.json(
                .post, "/api/v1/fingerprint/verify", #"{"registryNumber": "УБ90051223"}"#,
                headers: .session(screen.id))
            #expect(verified.status == .ok && verdict["status"] as? String == "verified", "\(verdict)")
            #expect((verdict["person"] as? [String: Any])?["id"] as? String == registrationID)
            let verifiedProof = try #require((verdict["proof"] as? [String: Any])?["token"] as? String)
            #expect(verifiedProof != identifiedProof)
            // Nobody by that number has fingers here: said before the reader is asked.
            let (unknownPerson, unknownBody) = try await client.json(
                .post, "/api/v1/fingerprint/verify", #"{"registryNumber": "ЧЕ05231414"}"#,
                headers: .session(screen.id))
            #expect(unknownPerson.status == .notFound)
            #expect(unknownBody.error["code"] as? String == "proof.notEnrolled")

            // The person cannot replace their own fingers at the kiosk: the update stands, the fingers stay.
            let (again, againID) = try await client.json(.post, "/api/v1/fingerprint/enrolments")
            #expect(again.status == .created)
            let second = try #require(againID["id"] as? String)
            _ = try await Self.enrol("rightIndex", into: second, client)
            var form = Fixtures.form()
            form.phone = "88112233"
            let (updated, updateBody) = try await client.json(
                .put, "/api/v1/registrations/\(registrationID)?fingerprints=\(second)", encoded(form),
                headers: .proof(verifiedProof))
            #expect(updated.status == .ok)
            #expect(updateBody["fingerprints"] as? Int == 0)
            #expect(updateBody["fingerprintProblem"] as? String == "alreadyEnrolled")
        }
    }

    @Test("staff see, delete and re-enrol a person's fingers, each action recorded; others may not")
    func staffActions() async throws {
        let app = try await TestApp(fingerprintReader: Self.reader())
        try await app.test { client in
            let (_, enrolment) = try await client.json(.post, "/api/v1/fingerprint/enrolments")
            let id = try #require(enrolment["id"] as? String)
            _ = try await Self.enrol("rightIndex", into: id, client)
            let (_, person) = try await client.json(
                .post, "/api/v1/registrations?fingerprints=\(id)", encoded(Fixtures.form()))
            let registrationID = try #require(person["id"] as? String)
            #expect(person["fingerprints"] as? Int == 1)
            let path = "/api/v1/staff/registrations/\(registrationID)/fingerprints"

            let (anonymous, _) = try await client.json(.get, path)
            #expect(anonymous.status == .unauthorized)
            let (anonymousDelete, _) = try await client.json(.delete, path)
            #expect(anonymousDelete.status == .unauthorized)

            let cookie = try await client.staffCookie(app)
            let (listed, fingers) = try await client.staffGet(path, cookie: cookie)
            #expect(listed.status == .ok)
            let list = try #require(fingers["fingers"] as? [[String: Any]])
            #expect(
                list.count == 1 && list[0]["finger"] as? String == "rightIndex" && list[0]["templates"] as? Int == 3)

            // Re-enrolling at the office's reader: the left finger (prints 04–06) replaces the right.
            let (_, desk) = try await client.json(.post, "/api/v1/fingerprint/enrolments")
            let deskID = try #require(desk["id"] as? String)
            _ = try await Self.enrol("leftIndex", into: deskID, client)
            let replaced = try await client.execute(
                uri: path, method: .put,
                headers: [.cookie: cookie, .origin: TestApp.origin, .contentType: "application/json"],
                body: ByteBuffer(string: #"{"enrolment": "\#(deskID)"}"#)
            ) { $0 }
            #expect(replaced.status == .ok)
            let (_, afterReenrol) = try await client.staffGet(path, cookie: cookie)
            #expect((afterReenrol["fingers"] as? [[String: Any]])?.map { $0["finger"] as? String } == ["leftIndex"])
            #expect((afterReenrol["fingers"] as? [[String: Any]])?.first?["enrolledBy"] as? String == "tester")

            let deleted = try await client.execute(
                uri: path, method: .delete, headers: [.cookie: cookie, .origin: TestApp.origin]
            ) { $0 }
            #expect(deleted.status == .ok)
            #expect(String(buffer: deleted.body).contains(#""deleted":1"#))
            // Print 07 (right) then 08 (left): nobody is recognised any more.
            let screen = try await client.kioskSession()
            for _ in 0..<2 {
                let (_, unknown) = try await client.json(
                    .post, "/api/v1/fingerprint/identify", headers: .session(screen.id))
                #expect(unknown["status"] as? String == "unknown", "\(unknown)")
            }
            let audit = try await app.temp.database.testSQL(
                "SELECT action FROM staff_audit WHERE staff_id = 'tester' ORDER BY rowid"
            ).map { $0[0] ?? "" }
            #expect(audit.suffix(2) == ["fingerprintsReenrolled", "fingerprintsDeleted"])
        }
    }

    @Test("bad requests get specific answers: unknown finger and enrolment, no reader, no fingers kept")
    func refusals() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let (_, enrolment) = try await client.json(.post, "/api/v1/fingerprint/enrolments")
            let id = try #require(enrolment["id"] as? String)
            let (badFinger, badBody) = try await client.json(
                .post, "/api/v1/fingerprint/enrolments/\(id)/capture", #"{"finger": "nose"}"#)
            #expect(badFinger.status == .unprocessableContent && badBody.error["field"] as? String == "finger")
            // Without a reader, a capture says so instead of failing.
            let (absent, absentBody) = try await client.json(
                .post, "/api/v1/fingerprint/enrolments/\(id)/capture", #"{"finger": "rightIndex"}"#)
            #expect(absent.status == .ok && absentBody["problem"] as? String == "absent")
            let screen = try await client.kioskSession()
            let (identify, identifyBody) = try await client.json(
                .post, "/api/v1/fingerprint/identify", headers: .session(screen.id))
            #expect(identify.status == .ok && identifyBody["status"] as? String == "retry")
            let (unknown, unknownBody) = try await client.json(
                .post, "/api/v1/fingerprint/enrolments/ffff/capture", #"{"finger": "rightIndex"}"#)
            #expect(unknown.status == .ok && unknownBody["problem"] as? String == "absent")
            // A registration naming an unknown enrolment is saved; the answer says why no finger was kept.
            let (created, person) = try await client.json(
                .post, "/api/v1/registrations?fingerprints=nope", encoded(Fixtures.form()))
            #expect(created.status == .created)
            #expect(
                person["fingerprints"] as? Int == 0 && person["fingerprintProblem"] as? String == "unknownEnrolment")
        }
    }
}
