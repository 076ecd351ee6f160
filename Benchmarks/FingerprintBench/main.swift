// Fingerprint accuracy and speed (issue 8), beside the NBIS peer (../shared/tools/fingerprints).
//
// 1. Each FVC-style set: the FVC protocol through `FVCEvaluation` (the figures
//    `kiosk fingerprint evaluate` prints: EER, FMR100, FMR1000, ZeroFMR, extraction mean/p95,
//    comparisons per second, closed-set identification).
// 2. With --gallery DIR (fingers with two impressions each): 1:N accuracy with distinct generated
//    fingers, first impressions enrolled, second impressions searched: rank-1 rate and the highest
//    impostor score per search, at the gallery sizes asked for (--accuracy-sizes).
// 3. Identification time through the kiosk's own path (`FingerprintIdentity.identify`) among
//    N enrolled people (two fingers, three templates each), for --people N,...: the gallery is
//    filled with copies of real templates moved, turned and thinned at random (timing only).
//
// Usage: .build-release/release/fingerprint-bench [--set DIR]... [--gallery DIR]
//        [--accuracy-sizes 1000] [--people 10000,100000]
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

// 1. The FVC protocol on each set.
var allTemplates: [FingerprintTemplate] = []
for set in sets {
    do {
        let evaluation = try FVCEvaluation(directory: set, identification: true)
        say(evaluation.report)
    } catch {
        say("\(set): \(error)")
    }
}

/// `<finger>_<impression>.png` of a folder, as templates by finger and impression.
func load(_ directory: String) -> [Int: [Int: FingerprintTemplate]] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    let extractor = FeatureExtractor()
    var found: [Int: [Int: FingerprintTemplate]] = [:]
    for name in names where name.hasSuffix(".png") {
        let parts = name.dropLast(4).split(separator: "_")
        guard parts.count == 2, let finger = Int(parts[0]), let impression = Int(parts[1]),
            let data = FileManager.default.contents(atPath: directory + "/" + name),
            let image = try? GreyImage(png: [UInt8](data))
        else { continue }
        found[finger, default: [:]][impression] = extractor.extract(image)
    }
    return found
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

// 2. 1:N accuracy with distinct fingers.
if let gallery = values("--gallery").first {
    let prints = load(gallery)
    let pairs = prints.keys.sorted().compactMap { finger -> (Int, FingerprintTemplate, FingerprintTemplate)? in
        guard let first = prints[finger]?[1], let second = prints[finger]?[2] else { return nil }
        return (finger, first, second)
    }
    let sizes = values("--accuracy-sizes").first.map { $0.split(separator: ",").compactMap { Int($0) } } ?? [1000]
    for size in sizes {
        let used = Array(pairs.prefix(size))
        let prepared = used.map { FingerprintMatcher.prepare($0.1) }
        var rank1 = 0
        var highestImpostor: [Double] = []
        var times: [Double] = []
        for (index, probe) in used.enumerated() {
            let started = ContinuousClock.now
            let searched = FingerprintMatcher.prepare(probe.2)
            var best = (score: -1.0, index: -1)
            var impostor = 0.0
            for (candidate, entry) in prepared.enumerated() {
                let score = FingerprintMatcher.score(searched, entry)
                if score > best.score { best = (score, candidate) }
                if candidate != index { impostor = max(impostor, score) }
            }
            times.append(Double((ContinuousClock.now - started).components.attoseconds) / 1e15)
            if best.index == index { rank1 += 1 }
            highestImpostor.append(impostor)
        }
        let threshold = FingerprintMatcher.identificationThreshold(gallerySize: used.count, falseMatchRate: 1e-4)
        say(
            "1:N accuracy, \(used.count) distinct fingers (\(gallery)): rank-1 \(format(100 * Double(rank1) / Double(max(1, used.count)), 2)) %;"
                + " highest impostor score per search median \(format(percentile(highestImpostor, 0.5)))"
                + " p99 \(format(percentile(highestImpostor, 0.99))) max \(format(highestImpostor.max() ?? 0))"
                + " (threshold for this size at 0.01 % \(format(threshold))); search \(format(percentile(times, 0.5))) ms median, one core"
        )
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
    let loadStarted = ContinuousClock.now
    try await identity.load()
    let loaded = ContinuousClock.now - loadStarted
    var times: [Double] = []
    var found = 0
    for index in 0..<20 {
        let probe = variant(base[(index * 7919) % base.count])
        let started = ContinuousClock.now
        if try await identity.identify(probe) != nil { found += 1 }
        let took = ContinuousClock.now - started
        times.append(Double(took.components.seconds) * 1000 + Double(took.components.attoseconds) / 1e15)
    }
    say(
        "identification among \(count) people (\(count * 2) fingers, \(count * 6) templates): median"
            + " \(format(percentile(times, 0.5))) ms, p95 \(format(percentile(times, 0.95))) ms, max"
            + " \(format(times.max() ?? 0)) ms over 20 searches (target < 500 ms for 10 000); gallery loaded in"
            + " \(loaded); \(found) of 20 filler probes matched something")
}
