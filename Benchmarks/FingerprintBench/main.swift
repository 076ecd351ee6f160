// Fingerprint accuracy and speed (issue 8), beside the NBIS peer (../shared/tools/fingerprints).
//
// 1. Each FVC-style set: the FVC protocol through `FVCEvaluation` (the figures
//    `kiosk fingerprint evaluate` prints: EER, FMR100, FMR1000, ZeroFMR, extraction mean/p95,
//    comparisons per second, closed-set identification).
// 2. With --gallery DIR (distinct generated fingers, four impressions each): 1:N accuracy as the
//    kiosk enrols and searches, at the gallery sizes asked for (--accuracy-sizes, default
//    1000,10000; --probes caps the searches per size, default 2000): rank-1 rate, the highest
//    impostor score per search, and what the kiosk's threshold makes of it.
// 3. Identification time through the kiosk's own path (`FingerprintIdentity.identify`) among
//    N enrolled people (two fingers, three templates each), for --people N,...: the gallery is
//    filled with copies of real templates moved, turned and thinned at random (timing only).
//
// Also, each ending the program: --explain DIR (why a set is hard: the EER with and without each
// global check of the matcher), --holdout DIR (the calibration set on half the fingers, the
// false-match rates wanted against seen on the other half), --tail DIR (the impostor tail down to
// 10^-8 per comparison beside the calibration table), --verify DIR, --index-check DIR.
// The harder sets: Benchmarks/fingerprint-hard-sets.sh; the NBIS peer beside them: its header.
//
// Usage: .build-release/release/fingerprint-bench [--set DIR]... [--gallery DIR]
//        [--accuracy-sizes 1000,10000] [--probes 2000] [--shortlist-minimum N] [--shortlist-share S]
//        [--people 10000,100000] [--searches 20]
import Fingerprint
import Foundation
import KioskCore

let arguments = CommandLine.arguments
func values(_ name: String) -> [String] {
    arguments.indices.filter { arguments[$0] == name && $0 + 1 < arguments.count }.map { arguments[$0 + 1] }
}
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}
func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let fixtures =
    ProcessInfo.processInfo.environment["KIOSK_FIXTURES"].map { URL(fileURLWithPath: $0) }
    ?? root.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
var sets = values("--set")
if sets.isEmpty {
    sets = ["synthetic-180x256-seed23", "synthetic-300x300-seed11"].map {
        fixtures.appendingPathComponent("fingerprints/\($0)").path
    }
}

// 1. The FVC protocol on each set (not with --verify, which measures only the 1:1 proof).
var allTemplates: [FingerprintTemplate] = []
for set in values("--verify").isEmpty && values("--explain").isEmpty && values("--holdout").isEmpty
    && values("--tail").isEmpty ? sets : []
{
    do {
        let evaluation = try FVCEvaluation(directory: set, identification: true)
        say(evaluation.report)
    } catch {
        say("\(set): \(error)")
    }
}

/// `<finger>_<impression>.png` of a folder, as templates by finger and impression, extracted on
/// both cores. With `cache`, templates extracted before are read from `DIR/.fingerprint-bench-cache`
/// and the new ones added to it, so a gallery of tens of thousands of images is extracted once,
/// however often its figures are run. The cache is used only when 16 of its templates, spread
/// over the folder, are extracted again and come out the same: a changed extractor starts afresh.
func load(_ directory: String, cache: Bool = false) -> [Int: [Int: FingerprintTemplate]] {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
        $0.hasSuffix(".png")
    }.sorted()
    let cachePath = directory + "/.fingerprint-bench-cache"
    var cached: [String: FingerprintTemplate] = [:]
    let header = Array("fingerprint-bench templates\n".utf8)
    let extractor = FeatureExtractor()
    func extract(_ name: String) -> FingerprintTemplate? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + name),
            let image = try? GreyImage(png: [UInt8](data))
        else { return nil }
        return extractor.extract(image)
    }
    if cache, let data = FileManager.default.contents(atPath: cachePath), data.starts(with: header) {
        let bytes = [UInt8](data)
        var at = header.count
        while at + 2 <= bytes.count {
            let nameLength = Int(bytes[at]) << 8 | Int(bytes[at + 1])
            let templateAt = at + 2 + nameLength
            guard templateAt + 2 <= bytes.count else { break }
            let templateLength = Int(bytes[templateAt]) << 8 | Int(bytes[templateAt + 1])
            let end = templateAt + 2 + templateLength
            guard end <= bytes.count,
                let template = try? FingerprintTemplate(bytes: Array(bytes[(templateAt + 2)..<end]))
            else { break }
            cached[String(decoding: bytes[(at + 2)..<templateAt], as: UTF8.self)] = template
            at = end
        }
    }
    let known = cached.keys.sorted()
    let samples = (0..<min(16, known.count)).map { known[$0 * known.count / min(16, known.count)] }
    if Parallel.map(count: samples.count, workers: 2, { extract(samples[$0]) }) != samples.map({ cached[$0] }) {
        if !cached.isEmpty { say("\(cachePath): made by another extractor, extracting afresh") }
        cached = [:]
    }
    let missing = names.filter { cached[$0] == nil }
    let extracted = Parallel.map(count: missing.count, workers: 2) { extract(missing[$0]) }
    for (name, template) in zip(missing, extracted) { cached[name] = template }
    if cache, !missing.isEmpty {
        var out = header
        for (name, template) in cached.sorted(by: { $0.key < $1.key }) {
            let nameBytes = Array(name.utf8)
            let templateBytes = template.bytes
            out += [UInt8(nameBytes.count >> 8), UInt8(nameBytes.count & 0xFF)] + nameBytes
            out += [UInt8(templateBytes.count >> 8), UInt8(templateBytes.count & 0xFF)] + templateBytes
        }
        _ = FileManager.default.createFile(atPath: cachePath, contents: Data(out))
    }
    var found: [Int: [Int: FingerprintTemplate]] = [:]
    for name in names {
        let parts = name.dropLast(4).split(separator: "_")
        guard parts.count == 2, let finger = Int(parts[0]), let impression = Int(parts[1]),
            let template = cached[name]
        else { continue }
        found[finger, default: [:]][impression] = template
    }
    return found
}

// Why a set is hard: --explain DIR. The FVC protocol's pairs (as in 1.), each compared once, and
// the EER of the raw score with and without each global check of the matcher (the rigid fit's
// aligned pairs, the minutiae kinds' agreement), beside what genuine and impostor pairs look
// like: pairs found, the share of them aligned and of the same kind, the overlap. Then the
// program ends.
if let explainSet = values("--explain").first {
    let prints = load(explainSet)
    let fingers = prints.keys.sorted()
    let prepared = fingers.map { finger in
        prints[finger]!.sorted { $0.key < $1.key }.map { FingerprintMatcher.prepare($0.value) }
    }
    // The kiosk's quality gate on each image (`CaptureAssessment`): would it have asked for the
    // finger again instead of matching this capture?
    let assessed = fingers.map { finger in
        prints[finger]!.keys.sorted().map { impression -> CaptureAssessment? in
            guard let data = FileManager.default.contents(atPath: "\(explainSet)/\(finger)_\(impression).png"),
                let image = try? GreyImage(png: [UInt8](data))
            else { return nil }
            return CaptureAssessment(image)
        }
    }
    var genuine: [FingerprintMatcher.MatchDetails] = []
    var impostor: [FingerprintMatcher.MatchDetails] = []
    var genuineGated: [Double] = []
    var impostorGated: [Double] = []
    func passes(_ f: Int, _ i: Int) -> Bool { assessed[f][i]?.isAcceptable ?? false }
    for (f, impressions) in prepared.enumerated() {
        for a in 0..<impressions.count {
            for b in (a + 1)..<impressions.count {
                genuine.append(FingerprintMatcher.details(impressions[a], impressions[b]))
                if passes(f, a), passes(f, b) { genuineGated.append(genuine.last!.raw) }
            }
        }
    }
    for a in 0..<prepared.count {
        for b in (a + 1)..<prepared.count {
            impostor.append(FingerprintMatcher.details(prepared[a][0], prepared[b][0]))
            if passes(a, 0), passes(b, 0) { impostorGated.append(impostor.last!.raw) }
        }
    }
    let all = assessed.flatMap { $0 }
    var problems: [String: Int] = [:]
    for assessment in all {
        problems[assessment.map { $0.problem?.rawValue ?? "accepted" } ?? "unreadable", default: 0] += 1
    }
    let gated = VerificationRates(genuine: genuineGated, impostor: impostorGated)
    /// The raw score with the global checks chosen (local evidence × overlap share × checks).
    func raw(_ d: FingerprintMatcher.MatchDetails, aligned: Bool, kind: Bool) -> Double {
        guard d.pairs >= 3 else { return d.raw }
        let k = Double(d.pairs)
        let share = 0.5 * (k / Double(max(d.probeOverlap, d.pairs)) + k / Double(max(d.candidateOverlap, d.pairs)))
        let kindShare = Double(d.sameKindPairs) / k
        let kindWeight = kind ? min(1, max(0, (kindShare - 0.3) / 0.45)) : 1
        let alignedWeight = aligned ? Double(d.alignedPairs) / k : 1
        return (k + Double(d.consistentEdges)) * share * kindWeight * alignedWeight
    }
    say(
        "explain \(explainSet): \(fingers.count) fingers, \(genuine.count) genuine and \(impostor.count) impostor pairs"
    )
    for (name, aligned, kind) in [
        ("as the matcher scores (both checks)", true, true), ("without the aligned check", false, true),
        ("without the kind check", true, false), ("local evidence only", false, false),
    ] {
        let rates = VerificationRates(
            genuine: genuine.map { raw($0, aligned: aligned, kind: kind) },
            impostor: impostor.map { raw($0, aligned: aligned, kind: kind) })
        say(
            "  \(name): EER \(format(100 * rates.equalErrorRate, 2)) % FMR100 \(format(100 * rates.fmr100, 2)) %"
                + " FMR1000 \(format(100 * rates.fmr1000, 2)) %")
    }
    for (name, list) in [("genuine", genuine), ("impostor", impostor)] {
        let paired = list.filter { $0.pairs >= 3 }
        let alignedShare = paired.map { Double($0.alignedPairs) / Double($0.pairs) }
        let kindShare = paired.map { Double($0.sameKindPairs) / Double($0.pairs) }
        say(
            "  \(name): fewer than 3 pairs \(list.count - paired.count) of \(list.count); pairs median"
                + " \(format(percentile(paired.map { Double($0.pairs) }, 0.5), 0)); aligned share p10/p50"
                + " \(format(percentile(alignedShare, 0.1), 2))/\(format(percentile(alignedShare, 0.5), 2)); same kind p10/p50"
                + " \(format(percentile(kindShare, 0.1), 2))/\(format(percentile(kindShare, 0.5), 2)); overlap median"
                + " \(format(percentile(paired.map { Double($0.probeOverlap) }, 0.5), 0))/\(format(percentile(paired.map { Double($0.candidateOverlap) }, 0.5), 0))"
        )
    }
    say(
        "  the quality gate: "
            + problems.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            + " of \(all.count) images; on the pairs of accepted images (\(genuineGated.count) genuine,"
            + " \(impostorGated.count) impostor): EER \(format(100 * gated.equalErrorRate, 2)) % FMR100"
            + " \(format(100 * gated.fmr100, 2)) % FMR1000 \(format(100 * gated.fmr1000, 2)) %")
    exit(0)
}

/// Enrolled fingers held in memory: the benchmark's own store (the kiosk's is SQLite).
actor MemoryFingerprints: FingerprintRepository {
    var rows: [EnrolledFingerprint] = []
    init(_ rows: [EnrolledFingerprint]) { self.rows = rows }
    func enrol(
        registrationID: UUID, fingers: [FingerPosition: [FingerprintTemplate]], by actor: StaffActor?, at instant: Date
    ) -> [EnrolledFingerprint] {
        let added = fingers.map {
            EnrolledFingerprint(
                registrationID: registrationID, finger: $0.key, templates: $0.value, enrolledAt: instant)
        }
        rows += added
        return added
    }
    func delete(registrationID: UUID, by actor: StaffActor, at instant: Date) -> Int {
        let before = rows.count
        rows.removeAll { $0.registrationID == registrationID }
        return before - rows.count
    }
    func fingers(registrationID: UUID) -> [EnrolledFingerprint] { rows.filter { $0.registrationID == registrationID } }
    func all() -> [EnrolledFingerprint] { rows }
}

// The 1:1 proof at the kiosk (issue 20): --verify DIR (distinct generated fingers with impressions
// 1-4, none used for the calibration). Fingers are paired into people (fingers 2k and 2k+1: right
// and left index), each finger enrolled from impressions 1-3 as the gallery figures enrol; then, as
// `FingerprintIdentity.verify` checks a claimed person, impression 4 of a finger is scored against
// the claimed person's fingers (the best over their templates) and accepted at
// `FingerprintIdentity.verificationThreshold`. Genuine: each person's own fingers; impostors:
// every finger of every other person. Also people with one finger enrolled (each finger alone).
// Then the program ends.
if let verifySet = values("--verify").first {
    let prints = load(verifySet, cache: true)
    // --verify-fingers A-B: only the fingers numbered A to B (a tuning part and a held-out part).
    let range = values("--verify-fingers").first.flatMap { text -> ClosedRange<Int>? in
        let ends = text.split(separator: "-").compactMap { Int($0) }
        return ends.count == 2 && ends[0] <= ends[1] ? ends[0]...ends[1] : nil
    }
    let fingers = prints.keys.sorted().filter { finger in
        (range?.contains(finger) ?? true) && (1...4).allSatisfy { prints[finger]?[$0] != nil }
    }
    var enrolled: [Int: EnrolledFinger] = [:]
    for finger in fingers {
        enrolled[finger] =
            (try? EnrolledFinger.enrolment((1...3).map { prints[finger]![$0]! }))
            ?? EnrolledFinger(templates: (1...3).map { prints[finger]![$0]! })
    }
    let probes = fingers.map { FingerprintMatcher.prepare(prints[$0]![4]!) }
    let pairs = fingers.count / 2
    let started = ContinuousClock.now
    // Per probe: its finger's own score, its person's score, and every other person's and finger's
    // (a tuple: a type declared here would be isolated to the main actor, and the workers are not).
    let allFingers = fingers.map { enrolled[$0]! }
    let found = Parallel.map(count: fingers.count, workers: 2) {
        index -> (ownFinger: Double, ownPerson: Double, otherPeople: [Double], otherFingers: [Double]) in
        let probe = probes[index]
        // A loop, not a closure: a closure here would be isolated to the main actor too.
        var perFinger: [Double] = []
        perFinger.reserveCapacity(allFingers.count)
        for finger in allFingers { perFinger.append(finger.score(probe)) }
        let person = index / 2
        var ownPerson = 0.0
        var otherPeople: [Double] = []
        for other in 0..<pairs {
            let best = max(perFinger[2 * other], perFinger[2 * other + 1])
            if other == person { ownPerson = best } else { otherPeople.append(best) }
        }
        var otherFingers = perFinger
        otherFingers.remove(at: index)
        return (perFinger[index], ownPerson, otherPeople, otherFingers)
    }
    say(
        "1:1 proof on \(verifySet): \(fingers.count) fingers, \(pairs) people of two fingers; scored in"
            + " \(ContinuousClock.now - started)")
    let templatesPerFinger = allFingers.map(\.templates.count)
    let two = FingerprintIdentity.verificationThreshold(templates: 2 * (templatesPerFinger.max() ?? 3))
    let one = FingerprintIdentity.verificationThreshold(templates: templatesPerFinger.max() ?? 3)
    func report(_ name: String, threshold: Double, genuine: [Double], impostors: [Double]) {
        let falseMatches = impostors.filter { $0 >= threshold }.count
        let accepted = genuine.filter { $0 >= threshold }.count
        let rate = Double(falseMatches) / Double(max(1, impostors.count))
        // With no false match seen, the rule of three: at 95 % the rate is below 3 / n.
        let bound =
            falseMatches == 0 ? " (none seen: below \(format(300.0 / Double(impostors.count), 4)) % at 95 %)" : ""
        say(
            "  \(name): threshold \(format(threshold, 1)) (wanted \(FingerprintIdentity.verificationFMR) a claim);"
                + " false matches \(falseMatches) of \(impostors.count) impostor claims ="
                + " \(format(100 * rate, 4)) %\(bound); genuine accepted \(accepted) of \(genuine.count)"
                + " (\(format(100 * Double(accepted) / Double(max(1, genuine.count)), 2)) %);"
                + " highest impostor \(format(impostors.max() ?? 0, 1)), median genuine \(format(percentile(genuine, 0.5), 1))"
        )
        // The sweep a threshold is chosen from: false matches and false non-matches at each level.
        for level in stride(from: 44.0, through: 56.0, by: 0.5) {
            let above = impostors.filter { $0 >= level }.count
            let rejected = genuine.filter { $0 < level }.count
            say(
                "    at \(format(level, 1)): FMR \(above) of \(impostors.count) = \(format(Double(above) / Double(max(1, impostors.count)) * 1e4, 2)) × 10^-4;"
                    + " FNMR \(rejected) of \(genuine.count) = \(format(100 * Double(rejected) / Double(max(1, genuine.count)), 2)) %"
            )
        }
    }
    let inPairs = Array(found.prefix(2 * pairs))
    report(
        "two fingers a person", threshold: two, genuine: inPairs.map(\.ownPerson),
        impostors: inPairs.flatMap(\.otherPeople))
    report(
        "one finger a person", threshold: one, genuine: found.map(\.ownFinger), impostors: found.flatMap(\.otherFingers)
    )
    exit(0)
}

// Calibration of the score's tail: --calibrate DIR (distinct fingers with impressions 1-4, not the
// gallery whose figures are reported): impression 4 of every finger against impressions 1-3 of
// every other, as raw scores. For each calibrated level the impostors resolve (at least 10 above
// it), the raw score whose false-match rate is 10^(-level/10), beside what the current mapping
// makes of that raw score; then a straight line through the measured levels from 40 up (the tail
// of these scores is log-linear) and the knots it gives to 100.
if let calibrationSet = values("--calibrate").first {
    let prints = load(calibrationSet, cache: true)
    let fingers = prints.keys.sorted().filter { finger in (1...4).allSatisfy { prints[finger]?[$0] != nil } }
    let probes = fingers.map { FingerprintMatcher.prepare(prints[$0]![4]!) }
    let templates = fingers.map { finger in (1...3).map { FingerprintMatcher.prepare(prints[finger]![$0]!) } }
    let floor = 4.0  // about a 1 % false-match rate: only the tail is kept
    let started = ContinuousClock.now
    let found = Parallel.map(count: fingers.count, workers: 2) { probe -> [Double] in
        var high: [Double] = []
        for (candidate, set) in templates.enumerated() where candidate != probe {
            for template in set {
                let raw = FingerprintMatcher.details(probes[probe], template).raw
                if raw >= floor { high.append(raw) }
            }
        }
        return high
    }
    let tail = found.flatMap { $0 }.sorted(by: >)
    let total = fingers.count * (fingers.count - 1) * 3
    say(
        "calibration on \(calibrationSet): \(fingers.count) fingers, \(total) impostor comparisons in"
            + " \(ContinuousClock.now - started); highest raw \(format(tail.first ?? 0, 3))")
    var measured: [(level: Double, raw: Double, above: Int)] = []
    for level in stride(from: 20.0, through: 100, by: 2.5) {
        let above = Int((Double(total) * pow(10, -level / 10)).rounded(.down))
        guard above >= 10 else { break }
        if above > tail.count { continue }  // below the floor kept
        let raw = tail[above - 1]
        measured.append((level, raw, above))
        say(
            "  false-match rate 1e-\(format(level / 10, 2)): raw \(format(raw, 3)) (\(above) impostors at or above);"
                + " the current mapping calls it \(format(FingerprintMatcher.calibrated(raw: raw), 1))")
    }
    let fit = measured.filter { $0.level >= 40 }
    if fit.count >= 2 {
        let n = Double(fit.count)
        let mx = fit.map(\.raw).reduce(0, +) / n
        let my = fit.map(\.level).reduce(0, +) / n
        let slope =
            fit.map { ($0.raw - mx) * ($0.level - my) }.reduce(0, +)
            / fit.map { ($0.raw - mx) * ($0.raw - mx) }.reduce(0, +)
        // Knots: the measured levels with at least 50 impostors above them, then the line.
        let kept = measured.filter { $0.above >= 50 }
        let last = kept.last ?? (level: 20, raw: 0, above: 0)
        var knots = kept.map { "(\(format($0.raw, 3)), \(format($0.level, 1)))" }
        for level in stride(from: last.level + 5, through: 100, by: 5) {
            knots.append("(\(format(max(last.raw + 0.001, mx + (level - my) / slope), 3)), \(format(level, 1)))")
        }
        say("  tail line through the \(fit.count) levels from 40: \(format(slope, 3)) points per raw unit")
        say("  knots from 20: " + knots.joined(separator: ", "))
    }
}

// The impostor tail where the kiosk's 1:N thresholds sit (issue 26): --tail DIR (distinct
// generated fingers, every impression used; --tail-fingers N keeps the first N fingers with all
// --tail-impressions K, default the most any finger has). Every impression of each finger is a
// probe against every impression of every earlier finger as an enrolled template (one comparison
// per probe and template, as the kiosk compares: `FingerprintMatcher.details(probe, template)`),
// so F fingers of K impressions make F(F-1)/2 distinct finger pairs and K² comparisons each.
// Streamed: only raw scores at or above --tail-floor (default 6, about 10^-2.5) are kept, the
// fingers in blocks of 64, so progress is printed and --tail-seconds S stops after the block that
// passes S seconds (the fingers done so far have then met every other: the figures are theirs).
// Then, side by side with the shipped table, for
// 10^-4 … 10^-8 per comparison: the measured raw score (the k-th highest of N) and what the
// table calls it, and at the table's own threshold for that rate how many impostors reached it
// with a 95 % upper bound; the same at the kiosk's thresholds (scores 60 … 90); and a held-out
// check (fingers alternate between two halves: the score measured on one half at each rate, the
// rate seen on the other). Then the program ends.
if let tailSet = values("--tail").first {
    let loadStarted = ContinuousClock.now
    let prints = load(tailSet, cache: true)
    let impressionCount =
        values("--tail-impressions").first.flatMap { Int($0) } ?? (prints.values.map(\.count).max() ?? 0)
    var fingers = prints.keys.sorted().filter { finger in
        (1...max(1, impressionCount)).allSatisfy { prints[finger]?[$0] != nil }
    }
    if let limit = values("--tail-fingers").first.flatMap({ Int($0) }) { fingers = Array(fingers.prefix(limit)) }
    let prepared = fingers.map { finger in
        (1...impressionCount).map { FingerprintMatcher.prepare(prints[finger]![$0]!) }
    }
    let floor = values("--tail-floor").first.flatMap { Double($0) } ?? 6
    let budget = values("--tail-seconds").first.flatMap { Double($0) }
    let perPair = impressionCount * impressionCount
    say(
        "impostor tail on \(tailSet): \(fingers.count) fingers × \(impressionCount) impressions"
            + " (templates ready in \(ContinuousClock.now - loadStarted)); raw scores from \(format(floor, 1)) kept")
    // Per kept comparison: raw score, the probe's finger index (the later) and the template's.
    var kept: [(raw: Double, probe: Int32, template: Int32)] = []
    let started = ContinuousClock.now
    let block = 64
    var done = 0
    var used = 0
    for blockStart in stride(from: 0, to: fingers.count, by: block) {
        let blockEnd = min(fingers.count, blockStart + block)
        let found = Parallel.map(count: blockEnd - blockStart, workers: 2) {
            index -> [(raw: Double, probe: Int32, template: Int32)] in
            let probe = blockStart + index
            var high: [(raw: Double, probe: Int32, template: Int32)] = []
            for other in 0..<probe {
                for probeImpression in prepared[probe] {
                    for template in prepared[other] {
                        let raw = FingerprintMatcher.details(probeImpression, template).raw
                        if raw >= floor { high.append((raw, Int32(probe), Int32(other))) }
                    }
                }
            }
            return high
        }
        for list in found { kept += list }
        done += (blockStart..<blockEnd).reduce(0) { $0 + $1 } * perPair
        used = blockEnd
        let elapsed = ContinuousClock.now - started
        say("  \(used) fingers, \(done) comparisons in \(elapsed); \(kept.count) at or above the floor")
        if let budget, elapsed > .seconds(budget) { break }
    }
    let fingerPairs = used * (used - 1) / 2
    let comparisons = fingerPairs * perPair
    say(
        "  \(used) fingers × \(impressionCount) impressions: \(fingerPairs) distinct finger pairs, \(comparisons)"
            + " impostor comparisons (\(impressionCount * impressionCount) a pair)")
    kept.sort { $0.raw > $1.raw }
    let tail = kept.map(\.raw)
    func pairsAbove(_ raw: Double) -> Int {
        Set(kept.prefix { $0.raw >= raw }.map { Int($0.probe) << 32 | Int($0.template) }).count
    }
    func rate(_ count: Int, _ of: Int) -> String { String(format: "%.2g", Double(count) / Double(max(1, of))) }
    if let top = kept.first {
        say(
            "  highest impostor raw \(format(top.raw, 3)) (the table's score \(format(FingerprintMatcher.calibrated(raw: top.raw)))),"
                + " fingers \(fingers[Int(top.probe)]) and \(fingers[Int(top.template)]); measured in \(ContinuousClock.now - started)"
        )
    }
    say(
        "  per comparison: the measured raw score at each rate beside the table (`ImpostorTailTests.measured` holds these)"
    )
    for exponent in 4...8 {
        let wanted = pow(10, -Double(exponent))
        let score = FingerprintMatcher.threshold(falseMatchRate: wanted)
        let tableRaw = ImpostorTail.tableRaw(score: score)
        let seen = tail.prefix { $0 >= tableRaw }.count
        let bound = ImpostorTail.upperRate(seen: seen, comparisons: comparisons)
        let atTable =
            "the table's score \(format(score)) (raw \(format(tableRaw, 3))): \(seen) of \(comparisons) reached it"
            + " (\(pairsAbove(tableRaw)) finger pairs), \(rate(seen, comparisons)), at most"
            + " \(String(format: "%.2g", bound)) at 95 % (\(String(format: "%.2g", bound / wanted)) × the promise)"
        if let point = ImpostorTail.point(rate: wanted, tail: tail, comparisons: comparisons) {
            say(
                "    1e-\(exponent): measured raw \(format(point.raw, 3)) (\(point.above) at or above,"
                    + " \(pairsAbove(point.raw)) finger pairs), the table calls it"
                    + " \(format(FingerprintMatcher.calibrated(raw: point.raw))); " + atTable)
        } else {
            say("    1e-\(exponent): not resolved (fewer than one expected above, or below the floor); " + atTable)
        }
    }
    say("  at the kiosk's thresholds (the table's score, its promise, impostors that reached it, 95 % upper bound):")
    for score in stride(from: 60.0, through: 90, by: 5) {
        let tableRaw = ImpostorTail.tableRaw(score: score)
        let seen = tail.prefix { $0 >= tableRaw }.count
        say(
            "    score \(format(score, 0)) (raw \(format(tableRaw, 3))): promise \(String(format: "%.2g", pow(10, -score / 10))),"
                + " seen \(seen) of \(comparisons) = \(rate(seen, comparisons)),"
                + " at most \(String(format: "%.2g", ImpostorTail.upperRate(seen: seen, comparisons: comparisons))) at 95 %"
        )
    }
    // Held out: the halves are the even and the odd fingers; a comparison belongs to a half when
    // both its fingers do.
    let halves = [0, 1].map { parity in
        kept.filter { Int($0.probe) % 2 == parity && Int($0.template) % 2 == parity }.map(\.raw)
    }
    let halfFingers = [0, 1].map { parity in (used - parity + 1) / 2 }
    let halfComparisons = halfFingers.map { $0 * ($0 - 1) / 2 * perPair }
    say(
        "  held out: even fingers (\(halfComparisons[0]) comparisons) and odd fingers (\(halfComparisons[1])):"
            + " the score measured on one half at each rate, the rate seen on the other")
    for exponent in 4...7 {
        let wanted = pow(10, -Double(exponent))
        var parts: [String] = []
        for (from, to) in [(0, 1), (1, 0)] {
            guard let point = ImpostorTail.point(rate: wanted, tail: halves[from], comparisons: halfComparisons[from])
            else {
                parts.append("not resolved on the \(from == 0 ? "even" : "odd") half")
                continue
            }
            let seen = halves[to].prefix { $0 >= point.raw }.count
            parts.append(
                "raw \(format(point.raw, 3)) from the \(from == 0 ? "even" : "odd") half: \(seen) of"
                    + " \(halfComparisons[to]) = \(rate(seen, halfComparisons[to])) on the other")
        }
        let tableRaw = ImpostorTail.tableRaw(score: FingerprintMatcher.threshold(falseMatchRate: wanted))
        let tableSeen = halves.map { half in half.prefix { $0 >= tableRaw }.count }
        say(
            "    1e-\(exponent): " + parts.joined(separator: "; ") + "; the table's raw \(format(tableRaw, 3)):"
                + " \(tableSeen[0]) / \(tableSeen[1]) on the even / odd half")
    }
    exit(0)
}

// A held-out check of the calibration: --holdout DIR (distinct fingers with impressions 1-4). The
// fingers are split in two, alternately. Calibration part: impression 4 of each finger against
// impressions 1-3 of every other finger of the part, as raw scores (as --calibrate measures).
// Check part: each finger enrolled from impressions 1-3 (three templates), impression 4 of each
// searched among the others; per search its best wrong raw score. For an office-wide false-match
// rate of 10 %, 1 % and 0.1 % in the check part's gallery, the raw threshold the calibration part
// gives (`HeldOutCalibration`) and the share of the check part's searches that reach it; beside
// it, what the kiosk's shipped table gives for the same gallery (`identificationThreshold`).
// --holdout-fingers N keeps the first N fingers. Then the program ends.
if let holdoutSet = values("--holdout").first {
    let prints = load(holdoutSet, cache: true)
    var fingers = prints.keys.sorted().filter { finger in (1...4).allSatisfy { prints[finger]?[$0] != nil } }
    if let limit = values("--holdout-fingers").first.flatMap({ Int($0) }) { fingers = Array(fingers.prefix(limit)) }
    let started = ContinuousClock.now
    let probes = fingers.map { FingerprintMatcher.prepare(prints[$0]![4]!) }
    let templates = fingers.map { finger in (1...3).map { FingerprintMatcher.prepare(prints[finger]![$0]!) } }
    let calibrationPart = Array(stride(from: 0, to: fingers.count, by: 2))
    let checkPart = Array(stride(from: 1, to: fingers.count, by: 2))
    let floor = 4.0  // about a 1 % false-match rate per comparison: only the tail is kept
    // Per probe of either part: the raw scores at or above the floor against the other fingers of
    // its part, one per template, and the best of them per finger.
    let found = Parallel.map(count: fingers.count, workers: 2) { probe -> (tail: [Double], highest: Double) in
        var tail: [Double] = []
        var highest = 0.0
        var candidate = probe % 2
        while candidate < templates.count {
            if candidate != probe {
                for template in templates[candidate] {
                    let raw = FingerprintMatcher.details(probes[probe], template).raw
                    if raw >= floor { tail.append(raw) }
                    highest = max(highest, raw)
                }
            }
            candidate += 2
        }
        return (tail, highest)
    }
    let comparisons = calibrationPart.count * (calibrationPart.count - 1) * 3
    let galleryTemplates = (checkPart.count - 1) * 3
    let checkHighest = checkPart.map { found[$0].highest }
    let levels = HeldOutCalibration.levels(
        calibrationScores: calibrationPart.flatMap { found[$0].tail }, calibrationComparisons: comparisons,
        galleryTemplates: galleryTemplates, checkHighest: checkHighest, wanted: [0.1, 0.01, 0.001])
    say(
        "held-out calibration on \(holdoutSet): \(calibrationPart.count) fingers calibrate"
            + " (\(comparisons) impostor comparisons), \(checkPart.count) fingers check (\(checkPart.count) searches among"
            + " \(checkPart.count - 1) fingers, \(galleryTemplates) templates); \(ContinuousClock.now - started)")
    for level in levels {
        let shipped = FingerprintMatcher.identificationThreshold(
            gallerySize: galleryTemplates, falseMatchRate: level.wanted)
        let shippedSeen = checkHighest.filter { FingerprintMatcher.calibrated(raw: $0) >= shipped }.count
        let calibrated: String
        if let threshold = level.threshold {
            calibrated =
                "calibration part's raw threshold \(format(threshold, 3)) (\(level.calibrationAbove) of its impostors at"
                + " or above), seen \(level.seen) of \(level.searches) = \(format(100 * level.seenRate, 2)) %"
        } else {
            calibrated = "the calibration part is too small to set a threshold for this rate"
        }
        say(
            "  wanted \(format(100 * level.wanted, 1)) % (\(String(format: "%.2g", level.perComparison)) a comparison): "
                + calibrated + "; the shipped table's score \(format(shipped)) seen \(shippedSeen) of"
                + " \(checkHighest.count) = \(format(100 * Double(shippedSeen) / Double(max(1, checkHighest.count)), 2)) %"
        )
    }
    exit(0)
}

// The shortlist's recall: --index-check DIR (distinct fingers with impressions 1-4): every finger
// enrolled from impressions 1-3, impression 4 of each placed among all fingers by signature
// similarity (`FingerprintGallery.shortlistPosition`): the share of mates the shortlist keeps at
// each length. Then the program ends.
if let indexSet = values("--index-check").first {
    let prints = load(indexSet, cache: true)
    let fingers = prints.keys.sorted().filter { finger in (1...4).allSatisfy { prints[finger]?[$0] != nil } }
    var people = FingerprintGallery()
    for finger in fingers {
        if let enrolled = try? EnrolledFinger.enrolment((1...3).map { prints[finger]![$0]! }) {
            people.add(id: String(finger), finger: enrolled)
        }
    }
    let enrolledFingers = fingers.filter { people.fingers(of: String($0)) != nil }
    let started = ContinuousClock.now
    let positions = enrolledFingers.map { finger in
        people.shortlistPosition(of: String(finger), probe: FingerprintMatcher.prepare(prints[finger]![4]!)) ?? 0
    }
    let share = positions.map { Double($0) / Double(max(1, people.fingerCount)) }
    say(
        "shortlist recall on \(indexSet): \(enrolledFingers.count) fingers enrolled, ranked in \(ContinuousClock.now - started);"
            + " mate position median \(format(100 * percentile(share, 0.5), 2)) % p99 \(format(100 * percentile(share, 0.99), 2)) %"
            + " max \(format(100 * (share.max() ?? 0), 2)) % of the fingers")
    for keep in [0.01, 0.02, 0.05, 0.1, 0.2] {
        let kept = share.filter { $0 < keep }.count
        say("  shortlist of \(format(100 * keep, 0)) %: \(kept) of \(share.count) mates kept")
    }
    exit(0)
}

// 2. 1:N accuracy with distinct fingers, as the kiosk enrols and searches them: each person's
//    finger enrolled from impressions 1-3 (`EnrolledFinger.enrolment`, best three of the agreeing
//    captures), impression 4 searched through `FingerprintGallery` among the first N people
//    enrolled; fingers beyond the gallery are searched as visitors who never enrolled. A search
//    asks for every person's score, so rank-1 and the highest impostor score are exact; the kiosk's
//    verdict is its own threshold for a gallery of this many templates.
if let gallery = values("--gallery").first {
    let loadStarted = ContinuousClock.now
    let prints = load(gallery, cache: true)
    say("gallery \(gallery): \(prints.count) fingers' templates ready in \(ContinuousClock.now - loadStarted)")
    let fingers = prints.keys.sorted().filter { finger in (1...4).allSatisfy { prints[finger]?[$0] != nil } }
    let sizes =
        values("--accuracy-sizes").first.map { $0.split(separator: ",").compactMap { Int($0) } } ?? [1000, 10_000]
    let probeLimit = values("--probes").first.flatMap { Int($0) } ?? 2000
    for size in sizes {
        var enrolled: [(finger: Int, enrolled: EnrolledFinger)] = []
        var refused = 0
        var next = 0
        while enrolled.count < size, next < fingers.count {
            let finger = fingers[next]
            next += 1
            do throws(EnrolledFinger.EnrolmentError) {
                enrolled.append((finger, try EnrolledFinger.enrolment((1...3).map { prints[finger]![$0]! })))
            } catch {
                refused += 1
            }
        }
        guard enrolled.count == size else {
            say("1:N accuracy: \(size) people asked for, only \(enrolled.count) could be enrolled from \(gallery)")
            continue
        }
        var people = FingerprintGallery()
        // --shortlist-minimum N: shortlist from N fingers up (the kiosk's: 2 000), to measure it here.
        if let minimum = values("--shortlist-minimum").first.flatMap({ Int($0) }) { people.shortlistMinimum = minimum }
        if let share = values("--shortlist-share").first.flatMap({ Double($0) }) { people.shortlistShare = share }
        for entry in enrolled { people.add(id: String(entry.finger), finger: entry.enrolled) }
        let threshold = FingerprintMatcher.identificationThreshold(
            gallerySize: people.templateCount, falseMatchRate: FingerprintIdentity.identificationFMR)
        let everyone = Double(people.templateCount)  // a false-match rate that lets every score through
        // Probes: evenly spread over the gallery, and as many fingers that were never enrolled.
        let mated = (0..<min(size, probeLimit)).map { enrolled[$0 * size / min(size, probeLimit)].finger }
        let strangers = Array(fingers[next...].prefix(mated.count))
        var rank1 = 0
        var greetedRight = 0
        var greetedWrong = 0
        var strangersGreeted = 0
        var mateScores: [Double] = []
        var highestImpostor: [Double] = []
        var times: [Double] = []
        var strongestWrong: [(probe: Int, candidate: Int, score: Double)] = []
        var differs = 0
        var wholeRank1 = 0
        var wholeStrangers = 0
        for (probe, isMated) in mated.map({ ($0, true) }) + strangers.map({ ($0, false) }) {
            let started = ContinuousClock.now
            let ranked = people.identify(
                prepared: FingerprintMatcher.prepare(prints[probe]![4]!), falseMatchRate: everyone)
            let took = ContinuousClock.now - started
            times.append(Double(took.components.seconds) * 1000 + Double(took.components.attoseconds) / 1e15)
            let mine = String(probe)
            // The same search over every finger: does the shortlist change the answer?
            let whole = people.identify(
                prepared: FingerprintMatcher.prepare(prints[probe]![4]!), falseMatchRate: everyone, exhaustive: true)
            // The verdict at the kiosk's threshold: whom (if anyone) each search greets.
            let greets = ranked.first.flatMap { $0.score >= threshold ? $0.id : nil }
            if whole.first.flatMap({ $0.score >= threshold ? $0.id : nil }) != greets { differs += 1 }
            if isMated, whole.first?.id == mine { wholeRank1 += 1 }
            if !isMated, let top = whole.first, top.score >= threshold { wholeStrangers += 1 }
            let wrong = ranked.first { $0.id != mine }
            highestImpostor.append(wrong?.score ?? 0)
            if let wrong { strongestWrong.append((probe, Int(wrong.id) ?? 0, wrong.score)) }
            guard let top = ranked.first else { continue }
            if isMated {
                mateScores.append(ranked.first { $0.id == mine }?.score ?? 0)
                if top.id == mine { rank1 += 1 }
                if top.score >= threshold { if top.id == mine { greetedRight += 1 } else { greetedWrong += 1 } }
            } else if top.score >= threshold {
                strangersGreeted += 1
            }
        }
        func rate(_ count: Int, _ of: Int) -> String {
            "\(count)/\(of) (\(format(100 * Double(count) / Double(max(1, of)), 2)) %)"
        }
        let impostorTail = highestImpostor.sorted()
        say(
            "1:N accuracy, \(size) people (one finger, \(people.templateCount) templates; \(refused) refused at enrolment),"
                + " \(mated.count) enrolled and \(strangers.count) never-enrolled fingers searched:\n"
                + "  rank-1 \(rate(rank1, mated.count)); genuine score median \(format(percentile(mateScores, 0.5)))"
                + " p5 \(format(percentile(mateScores, 0.05)))\n"
                + "  highest impostor score per search: median \(format(percentile(impostorTail, 0.5)))"
                + " p99 \(format(percentile(impostorTail, 0.99))) max \(format(impostorTail.last ?? 0))\n"
                + "  at the kiosk's threshold for this gallery (\(format(threshold)), office-wide false-match rate"
                + " \(FingerprintIdentity.identificationFMR)): greeted as themselves \(rate(greetedRight, mated.count)),"
                + " as someone else \(rate(greetedWrong, mated.count)); never-enrolled visitors greeted as someone"
                + " \(rate(strangersGreeted, strangers.count))\n"
                + "  search median \(format(percentile(times, 0.5))) ms, p95 \(format(percentile(times, 0.95))) ms (both cores)"
        )
        // The gallery threshold's promise, checked where these searches can: the share of searches
        // whose best wrong person reaches the threshold for an office-wide rate of 10 %, 1 %, 0.1 %.
        let checks = [0.1, 0.01, 0.001].map { wanted in
            let bar = FingerprintMatcher.identificationThreshold(
                gallerySize: people.templateCount, falseMatchRate: wanted)
            let over = impostorTail.filter { $0 >= bar }.count
            return "\(format(100 * wanted, 1)) % (score \(format(bar))): \(rate(over, impostorTail.count))"
        }
        say("  office-wide false-match rate wanted / seen over these searches: " + checks.joined(separator: "; "))
        say(
            "  shortlist (\(format(100 * people.shortlistShare, 0)) % of fingers, from \(people.shortlistMinimum) fingers):"
                + " the person greeted at the kiosk's threshold differs from the search of every finger in \(rate(differs, mated.count + strangers.count));"
                + " every finger: rank-1 \(rate(wholeRank1, mated.count)), never-enrolled greeted"
                + " \(rate(wholeStrangers, strangers.count))")
        // The strongest wrong matches, to look at (finger ids; the probe is impression 4).
        let worst = strongestWrong.sorted { $0.score > $1.score }.prefix(5).map { entry in
            let details = FingerprintMatcher.details(
                FingerprintMatcher.prepare(prints[entry.probe]![4]!),
                FingerprintMatcher.prepare(prints[entry.candidate]![1]!))
            return "\(entry.probe)_4 as \(entry.candidate) \(format(entry.score)) (against \(entry.candidate)_1:"
                + " \(details.pairs) pairs, \(details.consistentEdges) edges, overlap \(details.probeOverlap)/\(details.candidateOverlap),"
                + " minutiae \(prints[entry.probe]![4]!.minutiae.count)/\(prints[entry.candidate]![1]!.minutiae.count))"
        }
        say("  strongest wrong matches: " + worst.joined(separator: "; "))
    }
}

// 3. Identification time among many enrolled people, through FingerprintIdentity.
var base: [FingerprintTemplate] = []
for set in sets { base += load(set).values.flatMap { $0.values } }
guard !base.isEmpty else {
    say("no templates to fill a gallery with")
    exit(1)
}
var random = SystemRandomNumberGenerator()
/// A real template turned, moved and thinned: another "finger" for timing.
func variant(_ template: FingerprintTemplate) -> FingerprintTemplate {
    var random = SystemRandomNumberGenerator()
    let turn = Double.random(in: -0.5...0.5, using: &random)
    let dx = Double.random(in: -30...30, using: &random)
    let dy = Double.random(in: -30...30, using: &random)
    let cx = Double(template.width) / 2
    let cy = Double(template.height) / 2
    let minutiae = template.minutiae.compactMap { m -> Minutia? in
        if Double.random(in: 0..<1, using: &random) < 0.15 { return nil }
        let x = cx + cos(turn) * (Double(m.x) - cx) - sin(turn) * (Double(m.y) - cy) + dx
        let y = cy + sin(turn) * (Double(m.x) - cx) + cos(turn) * (Double(m.y) - cy) + dy
        guard x >= 0, y >= 0, x < Double(template.width), y < Double(template.height) else { return nil }
        let angle = UInt8(truncatingIfNeeded: Int(m.angle) - Int((turn * 128 / .pi).rounded()))
        return Minutia(kind: m.kind, x: Int(x), y: Int(y), angle: angle, quality: m.quality)
    }
    return FingerprintTemplate(
        width: template.width, height: template.height, quality: template.quality, minutiae: minutiae)
}
/// The process's resident memory in bytes (Linux).
func residentBytes() -> Int {
    let fields = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8))?.split(separator: " ") ?? []
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}
let searches = values("--searches").first.flatMap { Int($0) } ?? 20
let people = values("--people").first.map { $0.split(separator: ",").compactMap { Int($0) } } ?? [10_000, 100_000]
for count in people {
    var rows: [EnrolledFingerprint] = []
    rows.reserveCapacity(count * 2)
    for _ in 0..<count {
        let id = UUID()
        for finger in FingerPosition.enrolled {
            let source = base[Int.random(in: 0..<base.count, using: &random)]
            rows.append(
                EnrolledFingerprint(
                    registrationID: id, finger: finger, templates: (0..<3).map { _ in variant(source) },
                    enrolledAt: Date()))
        }
    }
    let identity = FingerprintIdentity(repository: MemoryFingerprints(rows))
    let residentBefore = residentBytes()
    let loadStarted = ContinuousClock.now
    try await identity.load()
    let loaded = ContinuousClock.now - loadStarted
    let galleryBytes = residentBytes() - residentBefore
    var times: [Double] = []
    var found = 0
    for index in 0..<searches {
        let probe = variant(base[(index * 7919) % base.count])
        let started = ContinuousClock.now
        if try await identity.identify(probe) != nil { found += 1 }
        let took = ContinuousClock.now - started
        times.append(Double(took.components.seconds) * 1000 + Double(took.components.attoseconds) / 1e15)
    }
    say(
        "identification among \(count) people (\(count * 2) fingers, \(count * 6) templates): median"
            + " \(format(percentile(times, 0.5))) ms, p95 \(format(percentile(times, 0.95))) ms, max"
            + " \(format(times.max() ?? 0)) ms over \(searches) searches (target < 1 s p95 for 100 000); gallery loaded in"
            + " \(loaded), \(format(Double(galleryBytes) / 1_048_576, 0)) MB resident"
            + " (\(format(Double(galleryBytes) / Double(count) / 1024, 1)) KB a person); \(found) of \(searches) filler probes matched something"
    )
}
