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
        public var finger: FingerPosition
        public var score: Double
    }

    public let repository: any FingerprintRepository
    private var gallery = IdentityGallery()
    private var loaded = false

    public init(repository: any FingerprintRepository) {
        self.repository = repository
    }

    /// Reads every enrolled finger into memory (once; later calls do nothing).
    public func load() async throws {
        guard !loaded else { return }
        var fresh = IdentityGallery()
        for finger in try await repository.all() {
            fresh.add(Self.key(finger.registrationID, finger.finger), finger.templates)
        }
        gallery = fresh
        loaded = true
    }

    /// Number of enrolled fingers in the gallery.
    public var enrolledFingers: Int { gallery.count }

    /// The enrolled person whose finger best matches `probe`, when the match is strong enough
    /// for a gallery of this size; nil for someone not enrolled.
    public func identify(_ probe: FingerprintTemplate) async throws -> Match? {
        try await load()
        let threshold = FingerprintMatcher.identificationThreshold(
            gallerySize: max(1, gallery.count), falseMatchRate: Self.identificationFMR)
        guard let best = gallery.identify(probe, threshold: threshold).first,
            let (id, finger) = Self.parse(best.id)
        else { return nil }
        return Match(registrationID: id, finger: finger, score: best.score)
    }

    /// Whether `probe` is a finger enrolled for `registrationID` (nil: the person has none).
    public func verify(_ probe: FingerprintTemplate, registrationID: UUID) async throws -> Match? {
        try await load()
        let threshold = FingerprintMatcher.threshold(falseMatchRate: Self.verificationFMR)
        let prefix = registrationID.uuidString.lowercased() + "/"
        return gallery.identify(probe, threshold: threshold, among: { $0.hasPrefix(prefix) }).first.flatMap { best in
            Self.parse(best.id).map { Match(registrationID: $0.0, finger: $0.1, score: best.score) }
        }
    }

    public func isEnrolled(_ registrationID: UUID) async throws -> Bool {
        try await load()
        let prefix = registrationID.uuidString.lowercased() + "/"
        return gallery.contains { $0.hasPrefix(prefix) }
    }

    /// Stores the person's fingers (see `FingerprintRepository.enrol`) and puts them in the gallery.
    public func enrol(
        registrationID: UUID, fingers: [FingerPosition: [FingerprintTemplate]], by actor: StaffActor?, at instant: Date
    ) async throws {
        try await load()
        let stored = try await repository.enrol(
            registrationID: registrationID, fingers: fingers, by: actor, at: instant)
        removeAll(of: registrationID)
        for finger in stored { gallery.add(Self.key(registrationID, finger.finger), finger.templates) }
    }

    /// Deletes the person's fingers from the database and the gallery.
    public func delete(registrationID: UUID, by actor: StaffActor, at instant: Date) async throws -> Int {
        try await load()
        let removed = try await repository.delete(registrationID: registrationID, by: actor, at: instant)
        removeAll(of: registrationID)
        return removed
    }

    private func removeAll(of registrationID: UUID) {
        for finger in FingerPosition.allCases { gallery.remove(Self.key(registrationID, finger)) }
    }

    static func key(_ id: UUID, _ finger: FingerPosition) -> String {
        "\(id.uuidString.lowercased())/\(finger.rawValue)"
    }

    static func parse(_ key: String) -> (UUID, FingerPosition)? {
        let parts = key.split(separator: "/")
        guard parts.count == 2, let id = UUID(uuidString: String(parts[0])),
            let finger = FingerPosition(rawValue: String(parts[1]))
        else { return nil }
        return (id, finger)
    }
}

/// The enrolled fingers in memory, prepared for comparison, keyed `registration/finger`.
struct IdentityGallery: Sendable {
    struct Candidate: Sendable {
        var id: String
        var score: Double
    }

    private var entries: [String: [FingerprintMatcher.Prepared]] = [:]

    var count: Int { entries.count }

    mutating func add(_ id: String, _ templates: [FingerprintTemplate]) {
        entries[id] = templates.map(FingerprintMatcher.prepare)
    }

    mutating func remove(_ id: String) { entries[id] = nil }

    func contains(where test: (String) -> Bool) -> Bool { entries.keys.contains(where: test) }

    /// Entries scoring at least `threshold` against `probe` (an entry's score is its best
    /// template's), best first.
    func identify(_ probe: FingerprintTemplate, threshold: Double, among include: ((String) -> Bool)? = nil)
        -> [Candidate]
    {
        let prepared = FingerprintMatcher.prepare(probe)
        var found: [Candidate] = []
        for (id, templates) in entries where include?(id) ?? true {
            let score = templates.map { FingerprintMatcher.score(prepared, $0) }.max() ?? 0
            if score >= threshold { found.append(Candidate(id: id, score: score)) }
        }
        return found.sorted { $0.score > $1.score }
    }
}
