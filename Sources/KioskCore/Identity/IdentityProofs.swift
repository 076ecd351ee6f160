public import Fingerprint
public import Foundation

/// A way a returning visitor can prove who they are at the kiosk.
public enum ProofMethod: String, Sendable, CaseIterable, Codable {
    /// A finger on the reader, matched 1:1 against the person's enrolled fingers (or found 1:N).
    case finger
    /// A one-time code sent to the phone on file (offered only where a `OneTimeCodeSender` is).
    case code
    /// An officer who has seen the person's ID card confirms them from the staff console.
    case staff
    /// The person registered at this screen just now (never offered as a way of proving).
    case registered
}

/// What a registry-number lookup without proof may say: nothing about the person.
public enum LookupAnswer: Sendable, Equatable {
    /// Nobody here has this number (the number itself tells birth date and sex).
    case new(RegistryNumber)
    /// Somebody has it; these are the ways they can prove it is them.
    case known(methods: [ProofMethod])
}

/// A proof just given: the token (handed out once, kept only as its digest), for one person and
/// one screen session.
public struct Proof: Sendable, Equatable {
    public var token: String
    public var registrationID: UUID
    public var method: ProofMethod
    public var expiresAt: Date
}

/// A screen session just started: its id (a secret the page keeps in memory) and the short code
/// the screen shows for an officer to confirm the visitor.
public struct ScreenSessionStart: Sendable, Equatable {
    public var id: String
    public var code: String
}

/// Why a proof, or an action that needs one, was refused.
public struct ProofError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: String {
        case required, expired, invalid, otherPerson, sessionRequired, unknownSessionCode, notEnrolled
        case codeUnavailable, wrongCode, noCodeSent
    }
    private let code: Code
    /// No proof was shown.
    public static let required = Self(code: .required)
    /// The proof's time is over.
    public static let expired = Self(code: .expired)
    /// No such proof: never given, or its screen session was finished or reset.
    public static let invalid = Self(code: .invalid)
    /// The proof is another person's.
    public static let otherPerson = Self(code: .otherPerson)
    /// The request names no live screen session.
    public static let sessionRequired = Self(code: .sessionRequired)
    /// No live screen session shows this code.
    public static let unknownSessionCode = Self(code: .unknownSessionCode)
    /// The person has no fingers enrolled, or the kiosk keeps none.
    public static let notEnrolled = Self(code: .notEnrolled)
    /// The office cannot send one-time codes.
    public static let codeUnavailable = Self(code: .codeUnavailable)
    /// The code typed is not the one sent (or its tries are used up).
    public static let wrongCode = Self(code: .wrongCode)
    /// No code was sent to this session for this person, or it expired.
    public static let noCodeSent = Self(code: .noCodeSent)

    public var identifier: String { code.rawValue }
    public var description: String { "proof refused: \(code.rawValue)" }
}

/// The identity use case: a returning visitor proves who they are before their details open.
///
/// A registry-number lookup says only `new` or `known` with the ways of proving. A proof
/// (a finger matched 1:1 or found 1:N, an officer's confirmation, a one-time code) gives a
/// short-lived token bound to one registration and one screen session; the screen sends it with
/// every request about that person, and it is gone when the session is finished or reset, when
/// the session proves someone else, or when unused for `ProofSettings.tokenLifetime`.
/// Sessions and tokens are held under the SHA-256 of their secret, in memory and, with a
/// `ProofStateStore`, written there after each change (touches at most once a minute), so a
/// restart of the service keeps a visitor's proof for its remaining minutes (`restore()`).
public actor IdentityProofs {
    struct Session {
        var code: String
        var touchedAt: Date
        /// The person an officer confirmed for this session; the screen collects the proof.
        var released: Released?
        /// A one-time code sent to a phone, as its digest (not kept across a restart).
        var pendingCode: PendingCode?
    }

    struct Released {
        var registrationID: UUID
        var at: Date
    }

    struct PendingCode {
        var registrationID: UUID
        var digest: String
        var expiresAt: Date
        var attemptsLeft: Int
    }

    struct Token {
        var registrationID: UUID
        var session: String
        var method: ProofMethod
        var issuedAt: Date
        var expiresAt: Date
    }

    let registrations: Registrations
    let fingerprints: FingerprintIdentity?
    let codeSender: (any OneTimeCodeSender)?
    let readerPresent: @Sendable () async -> Bool
    public let settings: ProofSettings
    let now: @Sendable () -> Date
    let stateStore: (any ProofStateStore)?
    /// Called with what went wrong when the state could not be written (it stays in memory).
    let saveFailed: @Sendable (any Error) -> Void
    private var saving = false
    private var dirty = false
    private var savedAt = Date.distantPast

    /// Keyed by the digest of the session id.
    private var sessions: [String: Session] = [:]
    /// Keyed by the digest of the token.
    private var tokens: [String: Token] = [:]

    public init(
        registrations: Registrations, fingerprints: FingerprintIdentity?, codeSender: (any OneTimeCodeSender)? = nil,
        readerPresent: @escaping @Sendable () async -> Bool, settings: ProofSettings = ProofSettings(),
        stateStore: (any ProofStateStore)? = nil, saveFailed: @escaping @Sendable (any Error) -> Void = { _ in },
        now: @escaping @Sendable () -> Date
    ) {
        self.registrations = registrations
        self.fingerprints = fingerprints
        self.codeSender = codeSender
        self.readerPresent = readerPresent
        self.settings = settings
        self.stateStore = stateStore
        self.saveFailed = saveFailed
        self.now = now
    }

    // MARK: - Kept across a restart

    /// Takes back the sessions and tokens the store kept (those still within their time); the
    /// service calls it once before it serves.
    public func restore() async throws {
        guard let stateStore, let state = try await stateStore.load() else { return }
        let instant = now()
        for kept in state.sessions where instant.timeIntervalSince(kept.touchedAt) < settings.sessionLifetime {
            sessions[kept.key] = Session(
                code: kept.code, touchedAt: kept.touchedAt,
                released: kept.releasedRegistrationID.map {
                    Released(registrationID: $0, at: kept.releasedAt ?? instant)
                })
        }
        for kept in state.tokens where kept.expiresAt > instant && sessions[kept.session] != nil {
            tokens[kept.key] = Token(
                registrationID: kept.registrationID, session: kept.session, method: kept.method,
                issuedAt: kept.issuedAt, expiresAt: kept.expiresAt)
        }
    }

    /// The state as the store keeps it.
    var state: ProofState {
        ProofState(
            sessions: sessions.map { key, session in
                ProofState.Session(
                    key: key, code: session.code, touchedAt: session.touchedAt,
                    releasedRegistrationID: session.released?.registrationID, releasedAt: session.released?.at)
            },
            tokens: tokens.map { key, token in
                ProofState.Token(
                    key: key, registrationID: token.registrationID, session: token.session, method: token.method,
                    issuedAt: token.issuedAt, expiresAt: token.expiresAt)
            })
    }

    /// Something changed: the state is written in the background, the latest state each time,
    /// one write at a time. `touchOnly` changes (a session or token used again) are written at
    /// most once a minute: after a restart such a time is at most a minute behind.
    func changed(touchOnly: Bool = false) {
        guard stateStore != nil else { return }
        if touchOnly && now().timeIntervalSince(savedAt) < 60 { return }
        dirty = true
        guard !saving else { return }
        saving = true
        Task { await self.save() }
    }

    /// Writes the state until no change is left unwritten.
    public func save() async {
        guard let stateStore else { return }
        while dirty {
            dirty = false
            savedAt = now()
            do { try await stateStore.save(state) } catch { saveFailed(error) }
        }
        saving = false
    }

    // MARK: - Screen sessions

    /// A new screen session (the kiosk page asks for one when it loads and after each reset).
    public func startSession() -> ScreenSessionStart {
        sweep()
        if sessions.count >= settings.maximumSessions,
            let oldest = sessions.min(by: { $0.value.touchedAt < $1.value.touchedAt })
        {
            end(key: oldest.key)
        }
        let id = Secret.token()
        var code: String
        repeat {
            code = Secret.code(6, from: Array("0123456789"))
        } while sessions.values.contains { $0.code == code }
        sessions[Secret.digest(id)] = Session(code: code, touchedAt: now())
        changed()
        return ScreenSessionStart(id: id, code: code)
    }

    /// Ends a screen session ("Finish", an idle reset) and every proof given to it.
    public func endSession(_ id: String) {
        end(key: Secret.digest(id))
    }

    /// Whether `id` names a live session (and keeps it alive).
    public func isLive(_ id: String) -> Bool {
        (try? liveSession(id)) != nil
    }

    /// The proof an officer released to this session, handed over once; nil while there is none
    /// or when the screen did not collect it within `tokenLifetime`.
    public func collectReleased(_ id: String) throws(ProofError) -> Proof? {
        let key = try liveSession(id)
        guard let released = sessions[key]?.released else { return nil }
        sessions[key]?.released = nil
        changed()
        guard now().timeIntervalSince(released.at) < settings.tokenLifetime else { return nil }
        return issue(released.registrationID, session: key, method: .staff)
    }

    // MARK: - Lookup

    /// `new` or `known` with the ways this person can prove it is them; nothing else.
    /// Throws `ValidationFailure` for a malformed registry number.
    public func lookup(_ typed: String) async throws -> LookupAnswer {
        let number = try registrations.registryNumber(typed)
        guard let registration = try await registrations.registration(registryNumber: number) else {
            return .new(number)
        }
        return .known(methods: await methods(for: registration.id))
    }

    /// The ways `registrationID` can prove it is them here.
    public func methods(for registrationID: UUID) async -> [ProofMethod] {
        var methods: [ProofMethod] = []
        if await hasFingers(registrationID), await readerPresent() { methods.append(.finger) }
        if codeSender != nil { methods.append(.code) }
        methods.append(.staff)
        return methods
    }

    func hasFingers(_ registrationID: UUID) async -> Bool {
        (try? await fingerprints?.isEnrolled(registrationID)) ?? false
    }

    // MARK: - Proving

    /// The person a finger is to be checked against (before the reader is asked for a capture):
    /// throws `ProofError.sessionRequired`, `.notEnrolled`, or `ValidationFailure`.
    public func fingerCandidate(session: String, registryNumber typed: String) async throws -> UUID {
        _ = try liveSession(session)
        let number = try registrations.registryNumber(typed)
        guard let registration = try await registrations.registration(registryNumber: number),
            await hasFingers(registration.id)
        else { throw ProofError.notEnrolled }
        return registration.id
    }

    /// A 1:1 check of a live capture against the person's enrolled fingers
    /// (`FingerprintIdentity.verify`, at its measured threshold): the proof, or nil when the
    /// finger is not theirs.
    public func proveByFinger(session: String, registrationID: UUID, probe: FingerprintTemplate) async throws
        -> Proof?
    {
        let key = try liveSession(session)
        guard let fingerprints, try await fingerprints.verify(probe, registrationID: registrationID) != nil else {
            return nil
        }
        return issue(registrationID, session: key, method: .finger)
    }

    /// 1:N: the enrolled person the finger on the reader belongs to, with their proof; nil for
    /// someone not enrolled here. Being found by finger is the proof.
    public func proveByIdentification(session: String, probe: FingerprintTemplate) async throws -> (
        Proof, Registration
    )? {
        let key = try liveSession(session)
        guard let fingerprints, let match = try await fingerprints.identify(probe),
            let registration = try await registrations.registration(id: match.registrationID)
        else { return nil }
        return (issue(registration.id, session: key, method: .finger), registration)
    }

    /// The person just registered at this screen: they typed their details, so the proof is theirs.
    public func proveNewRegistration(session: String, registrationID: UUID) throws(ProofError) -> Proof {
        let key = try liveSession(session)
        return issue(registrationID, session: key, method: .registered)
    }

    /// An officer (signed in; the caller checks the role) has seen the person's ID card and
    /// confirms them for the screen showing `sessionCode`: the proof waits there for the screen.
    /// Answers the person. Throws `ProofError.unknownSessionCode`, `ValidationFailure`, or
    /// `RegistrationStoreError.notFound`.
    public func release(sessionCode: String, registryNumber typed: String) async throws -> Registration {
        sweep()
        let digits = sessionCode.filter(\.isNumber)
        guard let key = sessions.first(where: { $0.value.code == digits })?.key else {
            throw ProofError.unknownSessionCode
        }
        let number = try registrations.registryNumber(typed)
        guard let registration = try await registrations.registration(registryNumber: number) else {
            throw RegistrationStoreError.notFound
        }
        guard sessions[key] != nil else { throw ProofError.unknownSessionCode }
        // The screen's earlier proof ends now; the new one is made when the screen collects it.
        tokens = tokens.filter { $0.value.session != key }
        sessions[key]?.released = Released(registrationID: registration.id, at: now())
        changed()
        return registration
    }

    /// Sends a one-time code to the phone on file of the person with this number, for this
    /// session. Throws `ProofError.codeUnavailable` (no sender, or no such person: the screen
    /// cannot tell which), `.sessionRequired`, or what the sender throws.
    public func sendCode(session: String, registryNumber typed: String, language: Language) async throws {
        let key = try liveSession(session)
        guard let codeSender else { throw ProofError.codeUnavailable }
        let number = try registrations.registryNumber(typed)
        guard let registration = try await registrations.registration(registryNumber: number) else {
            throw ProofError.codeUnavailable
        }
        let code = Secret.code(6, from: Array("0123456789"))
        sessions[key]?.pendingCode = PendingCode(
            registrationID: registration.id, digest: Secret.digest(code),
            expiresAt: now().addingTimeInterval(settings.codeLifetime), attemptsLeft: settings.codeAttempts)
        try await codeSender.send(code: code, to: registration.details.phone, language: language)
    }

    /// The proof for the code typed, when it is the one sent to this session's person.
    /// Throws `ProofError.noCodeSent`, `.wrongCode`, `.sessionRequired`.
    public func proveByCode(session: String, code typed: String) throws(ProofError) -> Proof {
        let key = try liveSession(session)
        guard var pending = sessions[key]?.pendingCode, pending.expiresAt > now(), pending.attemptsLeft > 0 else {
            sessions[key]?.pendingCode = nil
            throw .noCodeSent
        }
        guard Secret.digest(typed.filter(\.isNumber)) == pending.digest else {
            pending.attemptsLeft -= 1
            sessions[key]?.pendingCode = pending.attemptsLeft > 0 ? pending : nil
            throw .wrongCode
        }
        sessions[key]?.pendingCode = nil
        return issue(pending.registrationID, session: key, method: .code)
    }

    // MARK: - Checking

    /// Checks a token shown for `registrationID` and gives it `tokenLifetime` again (up to its
    /// maximum). Throws `ProofError.required` (empty), `.invalid`, `.expired`, `.otherPerson`.
    public func authorize(_ token: String, for registrationID: UUID) throws(ProofError) {
        let found = try check(token)
        guard found.token.registrationID == registrationID else { throw .otherPerson }
        extend(found.key)
    }

    /// Gives a token `tokenLifetime` again while the visitor works through their details (the
    /// screen's steps); answers whether it is still good.
    @discardableResult
    public func keepAlive(_ token: String) -> Bool {
        guard let found = try? check(token) else { return false }
        extend(found.key)
        return true
    }

    func check(_ token: String) throws(ProofError) -> (key: String, token: Token) {
        guard !token.isEmpty else { throw .required }
        let key = Secret.digest(token)
        guard let found = tokens[key] else { throw .invalid }
        let instant = now()
        guard found.expiresAt > instant else {
            tokens[key] = nil
            throw .expired
        }
        guard let session = sessions[found.session],
            instant.timeIntervalSince(session.touchedAt) < settings.sessionLifetime
        else {
            tokens[key] = nil
            throw .invalid
        }
        return (key, found)
    }

    func extend(_ key: String) {
        guard var token = tokens[key] else { return }
        let instant = now()
        token.expiresAt = min(
            instant.addingTimeInterval(settings.tokenLifetime),
            token.issuedAt.addingTimeInterval(settings.tokenMaximumLifetime))
        tokens[key] = token
        sessions[token.session]?.touchedAt = instant
        changed(touchOnly: true)
    }

    // MARK: - State

    /// The key of a live session, touched; `ProofError.sessionRequired` otherwise.
    func liveSession(_ id: String) throws(ProofError) -> String {
        let key = Secret.digest(id)
        let instant = now()
        guard !id.isEmpty, let session = sessions[key] else { throw .sessionRequired }
        guard instant.timeIntervalSince(session.touchedAt) < settings.sessionLifetime else {
            end(key: key)
            throw .sessionRequired
        }
        sessions[key]?.touchedAt = instant
        changed(touchOnly: true)
        return key
    }

    /// A new token for `registrationID` in session `key`; the session's earlier tokens end (one
    /// person at a time on a screen).
    func issue(_ registrationID: UUID, session key: String, method: ProofMethod) -> Proof {
        tokens = tokens.filter { $0.value.session != key }
        sessions[key]?.released = nil
        let token = Secret.token()
        let instant = now()
        let expires = instant.addingTimeInterval(settings.tokenLifetime)
        tokens[Secret.digest(token)] = Token(
            registrationID: registrationID, session: key, method: method, issuedAt: instant, expiresAt: expires)
        changed()
        return Proof(token: token, registrationID: registrationID, method: method, expiresAt: expires)
    }

    func end(key: String) {
        sessions[key] = nil
        tokens = tokens.filter { $0.value.session != key }
        changed()
    }

    /// Forgets sessions past their lifetime and tokens past their time.
    func sweep() {
        let instant = now()
        for (key, session) in sessions where instant.timeIntervalSince(session.touchedAt) >= settings.sessionLifetime {
            end(key: key)
        }
        tokens = tokens.filter { $0.value.expiresAt > instant }
    }

    /// Live sessions and tokens, for tests.
    public var counts: (sessions: Int, tokens: Int) { (sessions.count, tokens.count) }
}
