/// Enrolled people for 1:N identification, each under an opaque `String` id with one or more
/// enrolled fingers.
///
/// `identify` compares the probe with every finger on both cores. Per finger, the first (best)
/// template is compared first; the finger's other templates are compared only when that score
/// reaches `screeningScore` (a false-match rate of about 10 %, which genuine comparisons of these
/// prints pass more than 99.9 % of the time), which cuts the work about threefold. A person's
/// score is the best over their fingers' templates. Only people scoring at least
/// `FingerprintMatcher.identificationThreshold(gallerySize: templateCount, falseMatchRate:)`
/// are returned, best first: every template compared is one chance of a false match, so the
/// per-comparison rate is the gallery-wide rate divided by the number of templates.
public struct FingerprintGallery: Sendable {
    /// One identification hit.
    public struct Candidate: Sendable, Equatable {
        public var id: String
        /// Calibrated score (see `FingerprintMatcher`).
        public var score: Double

        public init(id: String, score: Double) {
            self.id = id
            self.score = score
        }
    }

    /// Calibrated score a finger's first template must reach before its other templates are
    /// compared.
    public static let screeningScore = 10.0

    private var people: [String: [EnrolledFinger]] = [:]
    /// Flat search arrays: per enrolled finger, its owner's id and its prepared templates.
    private var fingerOwner: [String] = []
    private var fingerTemplates: [[FingerprintMatcher.Prepared]] = []

    /// An empty gallery.
    public init() {}

    /// Number of people.
    public var count: Int { people.count }
    /// Number of templates over all fingers (the `gallerySize` of the identification threshold).
    public private(set) var templateCount = 0
    /// The enrolled ids, in no particular order.
    public var ids: [String] { Array(people.keys) }

    /// The fingers enrolled under `id`.
    public func fingers(of id: String) -> [EnrolledFinger]? { people[id] }

    /// Enrols `fingers` under `id`, replacing whatever `id` had.
    public mutating func add(id: String, fingers: [EnrolledFinger]) {
        if people[id] != nil { remove(id: id) }
        let kept = fingers.filter { !$0.prepared.isEmpty }
        guard !kept.isEmpty else { return }
        people[id] = kept
        for finger in kept {
            fingerOwner.append(id)
            fingerTemplates.append(finger.prepared)
            templateCount += finger.prepared.count
        }
    }

    /// Adds one finger to `id` (creating the entry when needed).
    public mutating func add(id: String, finger: EnrolledFinger) {
        add(id: id, fingers: (people[id] ?? []) + [finger])
    }

    /// Removes `id`; returns whether it was there.
    @discardableResult
    public mutating func remove(id: String) -> Bool {
        guard people.removeValue(forKey: id) != nil else { return false }
        var owners: [String] = []
        var templates: [[FingerprintMatcher.Prepared]] = []
        owners.reserveCapacity(fingerOwner.count)
        templates.reserveCapacity(fingerTemplates.count)
        var total = 0
        for (owner, set) in zip(fingerOwner, fingerTemplates) where owner != id {
            owners.append(owner)
            templates.append(set)
            total += set.count
        }
        fingerOwner = owners
        fingerTemplates = templates
        templateCount = total
        return true
    }

    /// The people whose score for `probe` passes the gallery-size threshold for
    /// `falseMatchRate`, best first.
    public func identify(_ probe: FingerprintTemplate, falseMatchRate: Double = 1e-4) -> [Candidate] {
        identify(prepared: FingerprintMatcher.prepare(probe), falseMatchRate: falseMatchRate)
    }

    /// As `identify(_:falseMatchRate:)` with an already prepared probe.
    public func identify(prepared probe: FingerprintMatcher.Prepared, falseMatchRate: Double = 1e-4) -> [Candidate] {
        let threshold = FingerprintMatcher.identificationThreshold(
            gallerySize: templateCount, falseMatchRate: falseMatchRate)
        let scores = fingerScores(probe, floor: threshold)
        var best: [String: Double] = [:]
        for (finger, score) in scores {
            let owner = fingerOwner[finger]
            best[owner] = max(best[owner] ?? 0, score)
        }
        return best.map { Candidate(id: $0.key, score: $0.value) }.sorted {
            $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id
        }
    }

    /// (finger index, best score) of the fingers scoring at least `floor`, using both cores.
    func fingerScores(_ probe: FingerprintMatcher.Prepared, floor: Double) -> [(Int, Double)] {
        let total = fingerTemplates.count
        guard total > 0 else { return [] }
        let chunks = total < 64 ? 1 : 16
        let templates = fingerTemplates
        let parts = Parallel.map(count: chunks, workers: 2) { chunk -> [(Int, Double)] in
            var found: [(Int, Double)] = []
            var finger = chunk * total / chunks
            let end = (chunk + 1) * total / chunks
            while finger < end {
                let set = templates[finger]
                var best = FingerprintMatcher.score(probe, set[0])
                if best >= Self.screeningScore {
                    for other in set.dropFirst() { best = max(best, FingerprintMatcher.score(probe, other)) }
                }
                if best >= floor { found.append((finger, best)) }
                finger += 1
            }
            return found
        }
        return parts.flatMap { $0 }
    }
}
