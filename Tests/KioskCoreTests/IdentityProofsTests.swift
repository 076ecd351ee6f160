import Fingerprint
import Foundation
import KioskCore
import KioskTestSupport
import Synchronization
import Testing

/// Proving who one is at the kiosk, over in-memory stores, the demo prints and a hand-moved
/// clock: a lookup reveals nothing; a finger (1:1 or 1:N), an officer or a one-time code gives a
/// token for one person and one screen session, which ends with the session and with time.
@Suite struct IdentityProofsTests {
    let clock = TestClock()
    let store = InMemoryRegistrationRepository()
    let fingers = FingerprintIdentity(repository: InMemoryFingerprintRepository())
    static var prints: [FingerprintTemplate] { FingerprintEnrolmentTests.prints }

    /// A fake SMS link that keeps what it was asked to send.
    final class RecordingSender: OneTimeCodeSender {
        let sent = Mutex<[(code: String, phone: String)]>([])
        func send(code: String, to phone: PhoneNumber, language: Language) async throws {
            sent.withLock { $0.append((code, phone.digits)) }
        }
        var last: String? { sent.withLock { $0.last?.code } }
    }

    func desk() throws -> Registrations {
        Registrations(
            repository: store,
            validator: RegistrationValidator(catalog: try Fixtures.catalog(), consentTextVersion: "2026-1"),
            office: Fixtures.office, now: clock.now)
    }

    func proofs(reader: Bool = true, sender: (any OneTimeCodeSender)? = nil) throws -> IdentityProofs {
        IdentityProofs(
            registrations: try desk(), fingerprints: fingers, codeSender: sender, readerPresent: { reader },
            settings: ProofSettings(tokenLifetime: 300, tokenMaximumLifetime: 1800, sessionLifetime: 1800),
            now: clock.now)
    }

    /// Sarangerel (УБ90051223) with the right index finger of the demo prints 01–03; Bold
    /// (ТА85061512) without fingers.
    func people() async throws -> (withFingers: Registration, without: Registration) {
        let desk = try desk()
        let a = try await desk.register(Fixtures.form(), by: .kiosk)
        let b = try await desk.register(Fixtures.form(registryNumber: "ТА85061512"), by: .kiosk)
        try await fingers.enrol(
            registrationID: a.id, fingers: [.rightIndex: Array(Self.prints[0..<3])], by: nil, at: clock.now())
        return (a, b)
    }

    @Test func secretsAreRandomAndKeptAsSHA256() {
        #expect(Secret.digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Secret.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Secret.digest(String(repeating: "a", count: 1000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        let token = Secret.token()
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit) && token != Secret.token())
    }

    @Test func aLookupSaysOnlyNewOrKnownAndTheWaysOfProving() async throws {
        let (a, b) = try await people()
        _ = (a, b)
        let proofs = try proofs()
        #expect(try await proofs.lookup("УБ90051223") == .known(methods: [.finger, .staff]))
        #expect(try await proofs.lookup("ТА85061512") == .known(methods: [.staff]))
        guard case .new(let number) = try await proofs.lookup("ЧЕ05231414") else {
            Issue.record("an unregistered number is new")
            return
        }
        #expect(number.value == "ЧЕ05231414")
        // Without a reader no finger is offered; with an SMS link the code is.
        #expect(try await self.proofs(reader: false).lookup("УБ90051223") == .known(methods: [.staff]))
        #expect(
            try await self.proofs(sender: RecordingSender()).lookup("ТА85061512") == .known(methods: [.code, .staff]))
    }

    @Test func aFingerOnTheReaderProvesThePersonForOneSessionOnly() async throws {
        let (a, b) = try await people()
        let proofs = try proofs()
        let session = await proofs.startSession()
        #expect(session.code.count == 6 && session.id.count == 64)
        // Nobody without fingers can be confirmed by finger, and no session means no proof.
        await #expect(throws: ProofError.notEnrolled) {
            try await proofs.fingerCandidate(session: session.id, registryNumber: "ТА85061512")
        }
        await #expect(throws: ProofError.sessionRequired) {
            try await proofs.fingerCandidate(session: "nope", registryNumber: "УБ90051223")
        }
        let candidate = try await proofs.fingerCandidate(session: session.id, registryNumber: "УБ90051223")
        #expect(candidate == a.id)
        // Print 04 is another finger: not theirs.
        #expect(try await proofs.proveByFinger(session: session.id, registrationID: a.id, probe: Self.prints[3]) == nil)
        let proof = try #require(
            try await proofs.proveByFinger(session: session.id, registrationID: a.id, probe: Self.prints[6]))
        #expect(proof.registrationID == a.id && proof.method == .finger)
        #expect(proof.expiresAt == clock.now().addingTimeInterval(300))
        try await proofs.authorize(proof.token, for: a.id)
        // A's token never opens B.
        await #expect(throws: ProofError.otherPerson) { try await proofs.authorize(proof.token, for: b.id) }
        await #expect(throws: ProofError.required) { try await proofs.authorize("", for: a.id) }
        await #expect(throws: ProofError.invalid) { try await proofs.authorize(Secret.token(), for: a.id) }
        // Finish ends the session and its proof.
        await proofs.endSession(session.id)
        await #expect(throws: ProofError.invalid) { try await proofs.authorize(proof.token, for: a.id) }
        #expect(await proofs.counts == (0, 0))
    }

    @Test func aProofLastsMinutesUnusedAndAtMostHalfAnHour() async throws {
        let (a, _) = try await people()
        let proofs = try proofs()
        let session = await proofs.startSession()
        let proof = try #require(
            try await proofs.proveByFinger(session: session.id, registrationID: a.id, probe: Self.prints[6]))
        // Each use gives it five minutes again...
        for _ in 0..<5 {
            clock.advance(by: 240)
            try await proofs.authorize(proof.token, for: a.id)
        }
        clock.advance(by: 240)
        #expect(await proofs.keepAlive(proof.token))
        // ...up to thirty minutes after it was given (5 × 4 + 4 = 24 minutes so far).
        clock.advance(by: 299)
        try await proofs.authorize(proof.token, for: a.id)
        clock.advance(by: 299)
        await #expect(throws: ProofError.expired) { try await proofs.authorize(proof.token, for: a.id) }

        // Unused for five minutes, a fresh proof is gone.
        let again = try #require(
            try await proofs.proveByFinger(session: session.id, registrationID: a.id, probe: Self.prints[6]))
        clock.advance(by: 300)
        await #expect(throws: ProofError.expired) { try await proofs.authorize(again.token, for: a.id) }
    }

    @Test func identificationByFingerIsProofAndANewProofEndsTheSessionsEarlierOne() async throws {
        let (a, b) = try await people()
        let proofs = try proofs()
        let session = await proofs.startSession()
        let (proof, person) = try #require(
            try await proofs.proveByIdentification(session: session.id, probe: Self.prints[6]))
        #expect(person.id == a.id && proof.registrationID == a.id)
        #expect(
            try await proofs.proveByIdentification(session: session.id, probe: FingerprintEnrolmentTests.noise(7))
                == nil)
        // The same screen registers someone else: the first person's proof ends.
        let second = try await proofs.proveNewRegistration(session: session.id, registrationID: b.id)
        #expect(second.method == .registered)
        await #expect(throws: ProofError.invalid) { try await proofs.authorize(proof.token, for: a.id) }
        try await proofs.authorize(second.token, for: b.id)
    }

    @Test func anOfficerReleasesTheProofToTheScreenShowingTheCode() async throws {
        let (_, b) = try await people()
        let proofs = try proofs()
        let screen = await proofs.startSession()
        let other = await proofs.startSession()
        #expect(try await proofs.collectReleased(screen.id) == nil)
        await #expect(throws: ProofError.unknownSessionCode) {
            try await proofs.release(
                sessionCode: "000000" == screen.code ? "999999" : "000000", registryNumber: "ТА85061512")
        }
        await #expect(throws: RegistrationStoreError.notFound) {
            try await proofs.release(sessionCode: screen.code, registryNumber: "ЧЕ05231414")
        }
        let person = try await proofs.release(
            sessionCode: String(screen.code.prefix(3)) + " " + String(screen.code.suffix(3)),
            registryNumber: "та85061512")
        #expect(person.id == b.id)
        // Only that screen receives it, once.
        #expect(try await proofs.collectReleased(other.id) == nil)
        let proof = try #require(try await proofs.collectReleased(screen.id))
        #expect(proof.registrationID == b.id && proof.method == .staff)
        #expect(try await proofs.collectReleased(screen.id) == nil)
        try await proofs.authorize(proof.token, for: b.id)
        // A finished screen's code no longer takes a release.
        await proofs.endSession(screen.id)
        await #expect(throws: ProofError.unknownSessionCode) {
            try await proofs.release(sessionCode: screen.code, registryNumber: "ТА85061512")
        }
    }

    @Test func aOneTimeCodeToThePhoneOnFileProvesThePerson() async throws {
        let (a, _) = try await people()
        let none = try proofs()
        let screen = await none.startSession()
        await #expect(throws: ProofError.codeUnavailable) {
            try await none.sendCode(session: screen.id, registryNumber: "УБ90051223", language: .mn)
        }
        let sender = RecordingSender()
        let proofs = try proofs(sender: sender)
        let session = await proofs.startSession()
        await #expect(throws: ProofError.noCodeSent) {
            try await proofs.proveByCode(session: session.id, code: "123456")
        }
        try await proofs.sendCode(session: session.id, registryNumber: "УБ90051223", language: .mn)
        let code = try #require(sender.last)
        #expect(sender.sent.withLock { $0.last?.phone } == "99112233")
        let wrong = code == "000000" ? "111111" : "000000"
        await #expect(throws: ProofError.wrongCode) { try await proofs.proveByCode(session: session.id, code: wrong) }
        let proof = try await proofs.proveByCode(session: session.id, code: code)
        #expect(proof.registrationID == a.id && proof.method == .code)
        // Used once; three wrong tries end a code; an old code is gone.
        await #expect(throws: ProofError.noCodeSent) { try await proofs.proveByCode(session: session.id, code: code) }
        try await proofs.sendCode(session: session.id, registryNumber: "УБ90051223", language: .en)
        for _ in 0..<2 {
            await #expect(throws: ProofError.wrongCode) {
                try await proofs.proveByCode(session: session.id, code: wrong)
            }
        }
        await #expect(throws: ProofError.wrongCode) { try await proofs.proveByCode(session: session.id, code: wrong) }
        await #expect(throws: ProofError.noCodeSent) {
            try await proofs.proveByCode(session: session.id, code: sender.last ?? "")
        }
        try await proofs.sendCode(session: session.id, registryNumber: "УБ90051223", language: .mn)
        clock.advance(by: 301)
        await #expect(throws: ProofError.noCodeSent) {
            try await proofs.proveByCode(session: session.id, code: sender.last ?? "")
        }
    }

    @Test func idleSessionsEndAndTheOldestGiveWayWhenTooMany() async throws {
        let proofs = IdentityProofs(
            registrations: try desk(), fingerprints: nil, readerPresent: { false },
            settings: ProofSettings(sessionLifetime: 600, maximumSessions: 3), now: clock.now)
        let first = await proofs.startSession()
        clock.advance(by: 1)
        let second = await proofs.startSession()
        clock.advance(by: 1)
        _ = await proofs.startSession()
        clock.advance(by: 1)
        _ = await proofs.startSession()
        #expect(await proofs.isLive(first.id) == false)
        #expect(await proofs.isLive(second.id))
        clock.advance(by: 600)
        #expect(await proofs.isLive(second.id) == false)
    }

    @Test func aThrottleAllowsABurstThenOneTryAtTheRefillRate() {
        let throttle = Throttle(ThrottleRate(burst: 3, perMinute: 6), now: clock.now)
        for _ in 0..<3 { #expect(throttle.take("kiosk") == nil) }
        #expect(throttle.take("kiosk") == 10)
        #expect(throttle.take("phone") == nil)
        clock.advance(by: 9)
        #expect(throttle.take("kiosk") == 1)
        clock.advance(by: 1)
        #expect(throttle.take("kiosk") == nil)
        #expect(throttle.take("kiosk") == 10)
        clock.advance(by: 600)
        for _ in 0..<3 { #expect(throttle.take("kiosk") == nil) }
        #expect(throttle.take("kiosk") != nil)
    }
}
