public import Foundation

/// A recorded clip as the kiosk plays it: a RIFF/WAVE file of 16-bit PCM, one channel, read
/// for the checks an office's recorded set must pass before it is used.
public struct WAVClip: Sendable, Equatable {
    public var sampleRate: Int
    public var channels: Int
    public var bitsPerSample: Int
    /// 1 for PCM; anything else (3 float, 6/7 a-law/µ-law, 0xFFFE extensible) is refused.
    public var format: Int
    public var frames: Int
    /// Largest absolute sample, 0…32768.
    public var peak: Int
    /// Root mean square of the samples, 0…32768.
    public var rms: Double

    public var seconds: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }

    /// Parses the header and measures the samples; nil when `data` is not a RIFF/WAVE file with
    /// a `fmt ` and a `data` chunk.
    public init?(_ data: Data) {
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> Int {
            Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8)
        else { return nil }
        var at = 12
        var format: (format: Int, channels: Int, rate: Int, bits: Int)?
        var samples: Range<Int>?
        while at + 8 <= bytes.count {
            let size = u32(at + 4)
            let body = at + 8
            if bytes[at..<(at + 4)].elementsEqual("fmt ".utf8), size >= 16, body + 16 <= bytes.count {
                format = (u16(body), u16(body + 2), u32(body + 4), u16(body + 14))
            } else if bytes[at..<(at + 4)].elementsEqual("data".utf8) {
                // espeak-ng writes 0x7FFFFFFF as the size of a stream it could not seek back into.
                samples = body..<min(bytes.count, body + size)
                break
            }
            at = body + size + size % 2
        }
        guard let format, let samples else { return nil }
        self.format = format.format
        channels = format.channels
        sampleRate = format.rate
        bitsPerSample = format.bits
        let frameBytes = max(1, format.channels * format.bits / 8)
        frames = samples.count / frameBytes
        var peak = 0
        var sum = 0.0
        var count = 0
        if format.format == 1, format.bits == 16 {
            var i = samples.lowerBound
            while i + 1 < samples.upperBound {
                let value = Int(Int16(bitPattern: UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8))
                peak = max(peak, abs(value))
                sum += Double(value * value)
                count += 1
                i += 2
            }
        }
        self.peak = peak
        rms = count > 0 ? (sum / Double(count)).squareRoot() : 0
    }

    /// What is wrong with this clip as a recording of a phrase, in words for the technician; empty
    /// when it is usable.
    public func problems(_ rules: Rules = Rules()) -> [String] {
        var problems: [String] = []
        if format != 1 { problems.append("not PCM (format \(format))") }
        if bitsPerSample != 16 { problems.append("\(bitsPerSample)-bit samples, not 16-bit") }
        if channels != 1 { problems.append("\(channels) channels, not mono") }
        if !rules.sampleRates.contains(sampleRate) {
            problems.append(
                "sample rate \(sampleRate) Hz, not one of \(rules.sampleRates.map(String.init).joined(separator: ", "))"
            )
        }
        guard problems.isEmpty else { return problems }
        if seconds < rules.shortest { problems.append(String(format: "too short (%.2f s)", seconds)) }
        if seconds > rules.longest { problems.append(String(format: "too long (%.1f s)", seconds)) }
        if peak < rules.quietestPeak || rms < rules.quietestRMS { problems.append("silent (peak \(peak))") }
        return problems
    }

    /// What a usable clip is.
    public struct Rules: Sendable {
        public var sampleRates: [Int] = [16000, 22050, 24000, 32000, 44100, 48000]
        public var shortest: Double = 0.15
        public var longest: Double = 90
        /// About −40 dBFS: below it a clip holds nothing a visitor could hear.
        public var quietestPeak: Int = 330
        public var quietestRMS: Double = 30

        public init() {}
    }
}
