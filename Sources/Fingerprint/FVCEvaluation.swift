import Foundation

/// Verification error rates from genuine and impostor score lists, defined exactly as the NBIS
/// peer script (`eval_peer.py`) defines them.
///
/// Thresholds are the distinct scores of both lists plus +∞. At threshold t,
/// FMR(t) = share of impostor scores ≥ t and FNMR(t) = share of genuine scores < t.
/// The EER is (FMR + FNMR) / 2 at the first (lowest) threshold minimising |FMR − FNMR|;
/// FMR100, FMR1000 and ZeroFMR are the lowest FNMR over thresholds whose FMR is at most
/// 1 %, 0.1 % and 0 (1 when there is none).
public struct VerificationRates: Sendable, Equatable {
    /// Equal error rate, 0…1.
    public var equalErrorRate: Double
    /// FNMR at FMR ≤ 1 %.
    public var fmr100: Double
    /// FNMR at FMR ≤ 0.1 %.
    public var fmr1000: Double
    /// FNMR at FMR = 0.
    public var zeroFMR: Double
    /// The threshold where the EER was taken.
    public var thresholdAtEER: Double

    /// Computes the rates; empty lists give all-ones rates (nothing can be told apart).
    public init(genuine: [Double], impostor: [Double]) {
        let gen = genuine.sorted()
        let imp = impostor.sorted()
        guard !gen.isEmpty, !imp.isEmpty else {
            self.init(equalErrorRate: 1, fmr100: 1, fmr1000: 1, zeroFMR: 1, thresholdAtEER: .infinity)
            return
        }
        var thresholds = Array(Set(gen + imp)).sorted()
        thresholds.append(.infinity)
        /// Number of elements of the sorted `list` below `t`.
        func below(_ list: [Double], _ t: Double) -> Int {
            var lo = 0
            var hi = list.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if list[mid] < t { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        var bestIndex = 0
        var bestGap = Double.infinity
        var eer = 1.0
        var at100 = 1.0
        var at1000 = 1.0
        var atZero = 1.0
        for (index, t) in thresholds.enumerated() {
            let fmr = Double(imp.count - below(imp, t)) / Double(imp.count)
            let fnmr = Double(below(gen, t)) / Double(gen.count)
            let gap = abs(fmr - fnmr)
            if gap < bestGap {
                bestGap = gap
                bestIndex = index
                eer = (fmr + fnmr) / 2
            }
            if fmr <= 0.01 { at100 = min(at100, fnmr) }
            if fmr <= 0.001 { at1000 = min(at1000, fnmr) }
            if fmr <= 0 { atZero = min(atZero, fnmr) }
        }
        self.init(
            equalErrorRate: eer, fmr100: at100, fmr1000: at1000, zeroFMR: atZero,
            thresholdAtEER: thresholds[bestIndex])
    }

    /// The rates as given.
    public init(equalErrorRate: Double, fmr100: Double, fmr1000: Double, zeroFMR: Double, thresholdAtEER: Double) {
        self.equalErrorRate = equalErrorRate
        self.fmr100 = fmr100
        self.fmr1000 = fmr1000
        self.zeroFMR = zeroFMR
        self.thresholdAtEER = thresholdAtEER
    }

    /// The `p`-th percentile (0…100) with linear interpolation between closest ranks (NumPy's
    /// default); 0 for an empty list.
    public static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = max(0, min(1, p / 100)) * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = min(sorted.count - 1, lower + 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - Double(lower))
    }
}

/// An FVC-style evaluation of this library's extractor and matcher over a folder of
/// `<finger>_<impression>.png` images, following `eval_peer.py`'s protocol:
/// genuine = every pair (i < j) of impressions of the same finger; impostor = the first
/// impressions of every pair of different fingers; optional closed-set identification with
/// the first impressions as the gallery and every other impression as a probe.
public struct FVCEvaluation: Sendable {
    /// Why a folder could not be evaluated.
    public enum EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
        case unreadableFolder(String)
        case noImages(String)
        case unreadableImage(String)

        public var description: String {
            switch self {
            case .unreadableFolder(let path): "cannot list \(path)"
            case .noImages(let path): "no <finger>_<impression>.png images in \(path)"
            case .unreadableImage(let path): "cannot decode \(path)"
            }
        }
    }

    /// Closed-set identification results.
    public struct Identification: Sendable {
        /// Share of probes whose best-scoring gallery finger is their own, 0…1.
        public var rank1: Double
        public var probes: Int
        public var gallerySize: Int
        /// Comparisons per second of the search loop (one thread).
        public var comparisonsPerSecond: Double
        /// Per search, the highest score of a wrong gallery finger.
        public var highestImpostor: [Double]
    }

    public let directory: String
    public let fingers: Int
    public let images: Int
    public let genuine: [Double]
    public let impostor: [Double]
    public let rates: VerificationRates
    /// Per image, the extraction time (PNG decoding excluded), in CPU milliseconds of the
    /// extracting thread (so that other work on the machine does not inflate it). Comparison
    /// and search rates are measured the same way.
    public let extractionMilliseconds: [Double]
    /// Per image, the number of minutiae.
    public let minutiaeCounts: [Int]
    /// Mean time of one comparison of prepared templates, microseconds.
    public let comparisonMicroseconds: Double
    /// Comparisons of prepared templates per second on one core.
    public var comparisonsPerSecond: Double { comparisonMicroseconds > 0 ? 1e6 / comparisonMicroseconds : 0 }
    public let identification: Identification?

    /// Loads, extracts, compares and (when `identification`) searches; `limitFingers` keeps the
    /// first fingers only.
    public init(directory: String, identification: Bool = false, limitFingers: Int? = nil) throws(EvaluationError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .unreadableFolder(directory)
        }
        var database: [Int: [Int: String]] = [:]
        for name in names {
            let lower = name.lowercased()
            guard lower.hasSuffix(".png") else { continue }
            let parts = name.dropLast(4).split(separator: "_")
            guard parts.count == 2, let finger = Int(parts[0]), let impression = Int(parts[1]),
                parts[0].allSatisfy(\.isNumber), parts[1].allSatisfy(\.isNumber)
            else { continue }
            database[finger, default: [:]][impression] = (directory as NSString).appendingPathComponent(name)
        }
        var fingerIDs = database.keys.sorted()
        if let limit = limitFingers { fingerIDs = Array(fingerIDs.prefix(limit)) }
        guard !fingerIDs.isEmpty else { throw .noImages(directory) }
        let extractor = FeatureExtractor()
        var prepared: [Int: [Int: FingerprintMatcher.Prepared]] = [:]
        var times: [Double] = []
        var counts: [Int] = []
        for finger in fingerIDs {
            for (impression, path) in database[finger, default: [:]].sorted(by: { $0.key < $1.key }) {
                guard let data = FileManager.default.contents(atPath: path),
                    let image = try? GreyImage(png: [UInt8](data))
                else { throw .unreadableImage(path) }
                let start = ThreadClock.seconds()
                let template = extractor.extract(image)
                times.append((ThreadClock.seconds() - start) * 1000)
                counts.append(template.minutiae.count)
                prepared[finger, default: [:]][impression] = FingerprintMatcher.prepare(template)
            }
        }
        var genuine: [Double] = []
        var impostor: [Double] = []
        let compareStart = ThreadClock.seconds()
        for finger in fingerIDs {
            let impressions = prepared[finger, default: [:]].sorted { $0.key < $1.key }.map(\.value)
            for a in 0..<impressions.count {
                for b in (a + 1)..<impressions.count {
                    genuine.append(FingerprintMatcher.score(impressions[a], impressions[b]))
                }
            }
        }
        let firsts = fingerIDs.compactMap { finger in
            prepared[finger, default: [:]].min { $0.key < $1.key }?.value
        }
        for a in 0..<firsts.count {
            for b in (a + 1)..<firsts.count {
                impostor.append(FingerprintMatcher.score(firsts[a], firsts[b]))
            }
        }
        let compareNanos = (ThreadClock.seconds() - compareStart) * 1e9
        let comparisons = genuine.count + impostor.count
        self.directory = directory
        self.fingers = fingerIDs.count
        self.images = times.count
        self.genuine = genuine
        self.impostor = impostor
        self.rates = VerificationRates(genuine: genuine, impostor: impostor)
        self.extractionMilliseconds = times
        self.minutiaeCounts = counts
        self.comparisonMicroseconds = comparisons > 0 ? compareNanos / 1000 / Double(comparisons) : 0
        if identification {
            var hits = 0
            var total = 0
            var highest: [Double] = []
            var searched = 0
            let start = ThreadClock.seconds()
            for (index, finger) in fingerIDs.enumerated() {
                let probes = prepared[finger, default: [:]].sorted { $0.key < $1.key }.dropFirst().map(\.value)
                for probe in probes {
                    var best = -Double.infinity
                    var bestIndex = -1
                    var bestWrong = -Double.infinity
                    for (g, entry) in firsts.enumerated() {
                        let s = FingerprintMatcher.score(probe, entry)
                        if s > best {
                            best = s
                            bestIndex = g
                        }
                        if g != index { bestWrong = max(bestWrong, s) }
                    }
                    searched += firsts.count
                    total += 1
                    if bestIndex == index { hits += 1 }
                    highest.append(bestWrong)
                }
            }
            let seconds = ThreadClock.seconds() - start
            self.identification = Identification(
                rank1: total > 0 ? Double(hits) / Double(total) : 0, probes: total, gallerySize: firsts.count,
                comparisonsPerSecond: seconds > 0 ? Double(searched) / seconds : 0, highestImpostor: highest)
        } else {
            self.identification = nil
        }
    }

    /// The results in `eval_peer.py`'s layout (peer name `lswo`), plus a line with the
    /// comparison rate of prepared templates.
    public var report: String {
        func pct(_ v: Double) -> String { String(format: "%.2f%%", v * 100) }
        let meanMs = extractionMilliseconds.reduce(0, +) / Double(max(1, extractionMilliseconds.count))
        let p95 = VerificationRates.percentile(extractionMilliseconds, 95)
        let minutiae = Double(minutiaeCounts.reduce(0, +)) / Double(max(1, minutiaeCounts.count))
        var lines = [
            "dataset=\(directory) peer=lswo fingers=\(fingers) images=\(images) genuine=\(genuine.count) "
                + "impostor=\(impostor.count)",
            "EER=\(pct(rates.equalErrorRate)) FMR100=\(pct(rates.fmr100)) FMR1000=\(pct(rates.fmr1000)) "
                + "ZeroFMR=\(pct(rates.zeroFMR)) thr@EER=\(String(format: "%.1f", rates.thresholdAtEER))",
            String(
                format: "extract_ms mean=%.1f p95=%.1f  compare_us mean=%.0f  minutiae mean=%.1f", meanMs, p95,
                comparisonMicroseconds, minutiae),
            String(format: "comparisons/s (prepared templates, one core)=%.0f", comparisonsPerSecond),
        ]
        if let ident = identification {
            lines.append(
                String(
                    format:
                        "1:N closed-set rank-1=%.2f%% over %d probes, gallery N=%d; %.0f comparisons/s single-thread",
                    ident.rank1 * 100, ident.probes, ident.gallerySize, ident.comparisonsPerSecond))
            let h = ident.highestImpostor
            lines.append(
                String(
                    format: "highest impostor score per search: p50=%.0f p99=%.0f max=%.0f",
                    VerificationRates.percentile(h, 50), VerificationRates.percentile(h, 99), h.max() ?? 0))
        }
        return lines.joined(separator: "\n")
    }
}
