/// A fixed-size bit vector of a template's local edges, for shortlisting a 1:N search before the
/// matcher runs (`FingerprintGallery`).
///
/// Every minutia's edges to its `edgesPerMinutia` nearest neighbours (the matcher's own local
/// structure: length, direction relative to the minutia, direction relative to the neighbour)
/// are quantised into cells of `lengthStep` pixels and `angleBins` sectors per angle (18 432
/// cells), each cell hashed to one of `bitCount` bits (multiplicative hashing, the top 13 bits);
/// a template sets the bits of the cells its edges fall in. A probe sets, besides its edge's
/// cell, the neighbouring cell along each dimension whose border lies within the matcher's
/// tolerance (3 px or 6 % of the length, 12°), so an edge the matcher would pair still meets its
/// partner's bit. The similarity of a probe and a candidate is the share of the candidate's bits
/// that the probe also has (`score`): 128 ANDs and popcounts, under 0.1 µs a template, against
/// the matcher's 15–40 µs.
///
/// A gallery stores each template's candidate form as its set bits' positions (`setBits`, about
/// 270 of 2 bytes) and its probe form as words, so a search also scores the reverse direction
/// (the probe's candidate form against the template's probe form) with one AND and popcount per
/// word; `FingerprintGallery` ranks by the sum of both shares.
///
/// Chosen on 1 300 generated fingers (seed 2027, impressions 1–3 against 4): the mate's finger
/// ranks in the best 1 / 5 / 10 / 20 % of all fingers for 92.2 / 98.7 / 99.3 / 99.9 % of probes
/// (a 2 304-cell vector of 30° and 6 px cells and the three nearest edges: 13 / 30 / 45 / 70 %).
public struct FingerprintSignature: Sendable, Equatable {
    /// Nearest neighbours per minutia whose edges are hashed.
    public static let edgesPerMinutia = FingerprintMatcher.neighbours
    /// Pixels per length cell; edges longer than `lengthCells × lengthStep` share the last cell.
    public static let lengthStep: Float = 4
    public static let lengthCells = 32
    /// Sectors per angle (15° each).
    public static let angleBins = 24
    /// Bits of the vector (a power of two), and its 64-bit words.
    public static let bitCount = 8192
    public static let words = bitCount / 64
    static let hashShift = UInt32(32 - bitCount.trailingZeroBitCount)

    /// The bits, `words` of them.
    public var bits: [UInt64]
    /// Bits set.
    public var population: Int { bits.reduce(0) { $0 + $1.nonzeroBitCount } }
    /// The set bits' positions, ascending: the candidate form as a gallery stores it (about
    /// 300 positions of 2 bytes, against 1 024 bytes of words), scored by `score(probe:setBits:)`.
    public var setBits: [UInt16] {
        var positions: [UInt16] = []
        positions.reserveCapacity(population)
        for (w, word) in bits.enumerated() {
            var rest = word
            while rest != 0 {
                positions.append(UInt16(w * 64 + rest.trailingZeroBitCount))
                rest &= rest &- 1
            }
        }
        return positions
    }

    /// The candidate form: one bit per edge.
    public init(_ prepared: FingerprintMatcher.Prepared) {
        self.init(prepared, probe: false)
    }

    /// The probe form: each edge also sets the neighbouring cells within the matcher's tolerance.
    public init(probe prepared: FingerprintMatcher.Prepared) {
        self.init(prepared, probe: true)
    }

    init(_ prepared: FingerprintMatcher.Prepared, probe: Bool) {
        var bits = [UInt64](repeating: 0, count: Self.words)
        let store = prepared.store
        let sector = 2 * Float.pi / Float(Self.angleBins)
        let angleTolerance = FingerprintMatcher.angleTolerance
        for i in 0..<store.count {
            let start = Int(store.edgeStart[i])
            let end = min(Int(store.edgeStart[i + 1]), start + Self.edgesPerMinutia)
            for e in store.edges[start..<end] {
                let lengths = Self.cellsAround(
                    e.length / Self.lengthStep,
                    spread: probe ? FingerprintMatcher.lengthTolerance(e.length) / Self.lengthStep : 0,
                    count: Self.lengthCells, wraps: false)
                let references = Self.cellsAround(
                    e.reference / sector, spread: probe ? angleTolerance / sector : 0, count: Self.angleBins,
                    wraps: true)
                let neighbours = Self.cellsAround(
                    e.neighbour / sector, spread: probe ? angleTolerance / sector : 0, count: Self.angleBins,
                    wraps: true)
                // The candidate form needs only the centre cells; the probe's repeat a cell at times.
                let spread = probe ? 3 : 1
                for a in 0..<spread {
                    for b in 0..<spread {
                        for c in 0..<spread {
                            let cell = UInt32(
                                (Self.pick(lengths, a) * Self.angleBins + Self.pick(references, b)) * Self.angleBins
                                    + Self.pick(neighbours, c))
                            let bit = Int((cell &* 2_654_435_761) >> Self.hashShift)
                            bits[bit >> 6] |= 1 << UInt64(bit & 63)
                        }
                    }
                }
            }
        }
        self.bits = bits
    }

    /// The cells of `position`, `position − spread` and `position + spread` (in cell units).
    static func cellsAround(_ position: Float, spread: Float, count: Int, wraps: Bool) -> (Int, Int, Int) {
        func cell(_ p: Float) -> Int {
            let c = Int(p.rounded(.down))
            return wraps ? ((c % count) + count) % count : min(max(c, 0), count - 1)
        }
        return (cell(position), cell(position - spread), cell(position + spread))
    }

    @inline(__always) static func pick(_ cells: (Int, Int, Int), _ index: Int) -> Int {
        index == 0 ? cells.0 : index == 1 ? cells.1 : cells.2
    }

    /// The share of `candidate`'s bits (a candidate form, `population` bits) that `probe` (a
    /// probe form) also has: larger is likelier the same finger.
    @inline(__always)
    static func score(probe: UnsafeBufferPointer<UInt64>, candidate: UnsafeBufferPointer<UInt64>, population: Int)
        -> Float
    {
        var shared = 0
        for w in 0..<words { shared &+= (probe[w] & candidate[w]).nonzeroBitCount }
        return Float(shared) / Float(population + 1)
    }

    /// `score(probe:candidate:population:)` of a candidate given by its set bits' positions: the
    /// same value from about 540 bytes instead of 1 024 (the probe's words stay in the first-level cache).
    @inline(__always)
    static func score(probe: UnsafeBufferPointer<UInt64>, setBits: UnsafeBufferPointer<UInt16>) -> Float {
        var shared: UInt64 = 0
        for position in setBits { shared &+= (probe[Int(position &>> 6)] &>> UInt64(position & 63)) & 1 }
        return Float(shared) / Float(setBits.count + 1)
    }

    /// The similarity of this probe form with a candidate form (see `score(probe:candidate:population:)`).
    public func similarity(toCandidate candidate: FingerprintSignature) -> Float {
        bits.withUnsafeBufferPointer { probe in
            candidate.bits.withUnsafeBufferPointer { other in
                Self.score(probe: probe, candidate: other, population: candidate.population)
            }
        }
    }
}
