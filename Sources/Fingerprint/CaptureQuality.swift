/// A fast first look at a capture, good enough to tell the person at the reader what to do
/// ("press a little harder", "place the centre of your finger") before any matching work.
///
/// The image is cut into 16×16 blocks; a block belongs to the finger when its grey levels vary
/// at all (standard deviation at least `presence`). The finger area is the share of such
/// blocks; inside it, the mean grey level tells pressure (dark: too hard or wet; light: too
/// soft or dry) and the median deviation tells ridge contrast (faint ridges: press harder).
public struct CaptureAssessment: Sendable, Equatable {
    public enum Problem: String, Sendable, Codable {
        /// Almost nothing on the sensor.
        case noFinger
        /// Too little of the finger: "place the centre of your finger flat on the reader".
        case partial
        /// Ridges run together: pressed too hard or a wet finger.
        case tooDark
        /// Ridges faint: pressed too lightly or a dry finger.
        case tooLight
    }

    /// Share of the image covered by ridges, 0…1.
    public var coverage: Double
    /// Mean grey level inside the finger area (0 black … 255 white).
    public var fingerMean: Double
    /// Median standard deviation of the finger's blocks: how distinct the ridges are.
    public var ridgeContrast: Double
    public var problem: Problem?

    public var isAcceptable: Bool { problem == nil }

    public static let blockSize = 16
    /// A block with less variation than this is empty sensor.
    public static let presence = 6.0
    /// Ridges fainter than this (median block deviation) are too light to use.
    public static let minimumContrast = 18.0
    public static let minimumCoverage = 0.40
    public static let noFingerCoverage = 0.08

    public init(_ image: GreyImage) {
        let size = Self.blockSize
        var ridgeBlocks = 0
        var blocks = 0
        var ridgeSum = 0.0
        var deviations: [Double] = []
        var y = 0
        while y + size <= image.height {
            var x = 0
            while x + size <= image.width {
                var sum = 0
                var squares = 0
                for row in y..<(y + size) {
                    let start = row * image.width + x
                    for value in image.pixels[start..<(start + size)] {
                        sum += Int(value)
                        squares += Int(value) * Int(value)
                    }
                }
                let count = Double(size * size)
                let mean = Double(sum) / count
                let deviation = (Double(squares) / count - mean * mean).squareRoot()
                blocks += 1
                if deviation >= Self.presence {
                    ridgeBlocks += 1
                    ridgeSum += mean
                    deviations.append(deviation)
                }
                x += size
            }
            y += size
        }
        coverage = blocks == 0 ? 0 : Double(ridgeBlocks) / Double(blocks)
        fingerMean = ridgeBlocks == 0 ? 255 : ridgeSum / Double(ridgeBlocks)
        deviations.sort()
        ridgeContrast = deviations.isEmpty ? 0 : deviations[deviations.count / 2]
        if coverage < Self.noFingerCoverage {
            problem = .noFinger
        } else if fingerMean < 60 {
            problem = .tooDark
        } else if fingerMean > 215 || ridgeContrast < Self.minimumContrast {
            problem = .tooLight
        } else if coverage < Self.minimumCoverage {
            problem = .partial
        } else {
            problem = nil
        }
    }
}
