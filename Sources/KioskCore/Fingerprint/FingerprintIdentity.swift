public import Fingerprint
public import Foundation

/// Who a finger belongs to, among the office's enrolled jobseekers: 1:N identification for a
/// returning visitor who touches the reader, 1:1 verification of a claimed identity, and the
/// enrolments and deletions that keep the in-memory gallery and the database in step.
///
/// Thresholds follow the matcher's calibration (score s ↔ false-match rate 10^(−s/10)):
/// verification accepts at the 1:1 rate `verificationFMR`; identification over N enrolled
/// fingers needs each comparison N times stricter, so the office-wide chance of greeting the
/// wrong person stays at `identificationFMR` however many people enrol.
public actor FingerprintIdentity {
    public static let verificationFMR = 1e-4
    public static let identificationFMR = 1e-4

    public struct Match: Sendable, Equatable {
        public var registrationID: UUID
        public var score: Double
    }

    public let repository: any FingerprintRepository
    /// Keyed by registration id (lower-case), each person with their enrolled fingers.
    private var gallery = FingerprintGallery()
    private var loaded = false
    private var loading: Task<FingerprintGallery, any Error>?

    public init(repository: any FingerprintRepository) {
        self.repository = repository
    }

    /// Reads every enrolled finger into memory, once: callers arriving meanwhile wait for the
    /// same read, so an enrolment made after it is never overwritten by it.
    public func load() async throws {
        if loaded { return }
        let reading: Task<FingerprintGallery, any Error>
        if let running = loading {
            reading = running
        } else {
            let repository = repository
            // Unstructured: one read shared by every caller arriving while it runs; a caller
            // that goes away must not cancel the others' read.
            reading = Task {
                var fresh = FingerprintGallery()
                for (id, fingers) in Dictionary(grouping: try await repository.all(), by: \.registrationID) {
                    fresh.add(id: Self.key(id), fingers: fingers.map { EnrolledFinger(templates: $0.templates) })
                }
                return fresh
            }
            loading = reading
        }
        do {
            let fresh = try await reading.value
            if !loaded {
                gallery = fresh
                loaded = true
            }
        } catch {
            loading = nil
            throw error
        }
    }

    /// Number of enrolled people in the gallery.
    public var enrolledPeople: Int { gallery.count }

    /// The enrolled person whose finger best matches `probe`, when the match is strong enough
    /// for a gallery of this size (`FingerprintGallery`); nil for someone not enrolled.
    public func identify(_ probe: FingerprintTemplate) async throws -> Match? {
        try await load()
        guard let best = gallery.identify(probe, falseMatchRate: Self.identificationFMR).first,
            let id = UUID(uuidString: best.id)
        else { return nil }
        return Match(registrationID: id, score: best.score)
    }

    /// Whether `probe` is a finger enrolled for `registrationID`: the match, or nil. This 1:1
    /// check is the proof by finger at the kiosk (`IdentityProofs.proveByFinger`).
    public func verify(_ probe: FingerprintTemplate, registrationID: UUID) async throws -> Match? {
        try await load()
        guard let fingers = gallery.fingers(of: Self.key(registrationID)) else { return nil }
        let score = Self.verificationScore(FingerprintMatcher.prepare(probe), against: fingers)
        let threshold = Self.verificationThreshold(templates: fingers.reduce(0) { $0 + $1.templates.count })
        return score >= threshold ? Match(registrationID: registrationID, score: score) : nil
    }

    /// A probe's score against one person: the best over every template of their fingers.
    public static func verificationScore(_ probe: FingerprintMatcher.Prepared, against fingers: [EnrolledFinger])
        -> Double
    {
        fingers.map { $0.score(probe) }.max() ?? 0
    }

    /// The 1:1 threshold for a person with `templates` enrolled templates: every template compared
    /// is a chance of a false match, so each comparison must pass at `verificationFMR / templates`,
    /// and stricter again by `verificationTailAllowance`, because the impostor tail above the
    /// calibration's measured range is heavier than its line (README). A person with two fingers of
    /// three templates each: a calibrated score of 50.8; one finger of three templates: 47.8.
    ///
    /// Chosen and measured as the kiosk checks a claim (`fingerprint-bench --verify DIR
    /// --verify-fingers A-B`, 2026-12-07, release build; generated fingers, 180×256,
    /// `Benchmarks/fingerprint-gallery.py --seed 2027`, none used for the calibration; fingers paired
    /// into people, each enrolled from impressions 1–3, impression 4 of every other person's fingers
    /// claiming to be them). Chosen on fingers 0–999 (899 fingers), checked on 1000–1999 (360):
    /// - two fingers a person, 50.8: 20 false matches in 402 304 impostor claims (0.50 × 10^−4) and
    ///   6 in 64 440 held out (0.93 × 10^−4); 896 of 898 and 360 of 360 genuine claims accepted;
    /// - one finger a person, 47.8: 43 in 807 302 (0.53 × 10^−4) and 9 in 129 240 held out
    ///   (0.70 × 10^−4); 897 of 899 and 360 of 360 accepted.
    /// At the earlier thresholds (47.8 and 44.8, without the allowance) the same sets gave 1.07 and
    /// 1.40 × 10^−4 (two fingers), 1.00 and 1.39 × 10^−4 (one finger), with 898 of 899 one-finger
    /// claims accepted. Synthetic prints; real skin distorts more.
    public static func verificationThreshold(templates: Int) -> Double {
        FingerprintMatcher.identificationThreshold(
            gallerySize: max(1, templates), falseMatchRate: verificationFMR / verificationTailAllowance)
    }

    /// How much stricter than the calibration's line the 1:1 proof compares (see `verificationThreshold`).
    public static let verificationTailAllowance = 2.0

    public func isEnrolled(_ registrationID: UUID) async throws -> Bool {
        try await load()
        return gallery.fingers(of: Self.key(registrationID)) != nil
    }

    /// Stores the person's fingers (see `FingerprintRepository.enrol`) and puts them in the gallery.
    public func enrol(
        registrationID: UUID, fingers: [FingerPosition: [FingerprintTemplate]], by actor: StaffActor?, at instant: Date
    ) async throws {
        try await load()
        let stored = try await repository.enrol(
            registrationID: registrationID, fingers: fingers, by: actor, at: instant)
        _ = gallery.remove(id: Self.key(registrationID))
        gallery.add(id: Self.key(registrationID), fingers: stored.map { EnrolledFinger(templates: $0.templates) })
    }

    /// Deletes the person's fingers from the database and the gallery.
    public func delete(registrationID: UUID, by actor: StaffActor, at instant: Date) async throws -> Int {
        try await load()
        let removed = try await repository.delete(registrationID: registrationID, by: actor, at: instant)
        _ = gallery.remove(id: Self.key(registrationID))
        return removed
    }

    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }
}
