/// A fast first look at a capture, good enough to tell the person at the reader what to do
/// ("press a little harder", "place the centre of your finger") before any matching work.
///
/// The image is cut into 16×16 blocks; a block belongs to the finger when its grey levels vary
/// at all (standard deviation at least `presence`). The finger area is the share of such
/// blocks; inside it, the mean grey level tells pressure (dark: too hard or wet; light: too
/// soft or dry) and the median deviation tells ridge contrast (faint ridges: press harder).
/// Ridge clarity is the median coherence of the blocks' grey-level gradients (how much they
/// agree on one direction, 0 none … 1 parallel ridges): low when the finger moved, the print is
/// smudged or the image is noise.
///
/// The verdict also tells how to place the finger again (issue 26). Dark blocks whose ridges
/// also run together (low contrast) are a wet finger, dark ones with distinct ridges a finger
/// pressed too hard; light blocks with broken ridges (low clarity as well) are a dry finger,
/// light ones with whole ridges a finger pressed too lightly. Too little of the finger on the
/// sensor is `offCentre` when the ridges' centre lies more than `offCentreShare` of the half
/// width or height from the image's centre (move the finger to the middle), else `partial`
/// (press the whole flat of the fingertip). A finger lifted or moved too quickly is the
/// sensor's own refusal (`CaptureProblem.rejected`), not an image problem.
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
        /// No clear ridge direction: the finger moved, or the print is smudged.
        case smudged
        /// Dark and ridges running together: a wet finger ("dry your finger").
        case tooWet
        /// Light and broken ridges: a dry finger ("breathe on your finger").
        case tooDry
        /// Too little of the finger, away from the sensor's middle: "move your finger to the middle".
        case offCentre
    }

    /// Share of the image covered by ridges, 0…1.
    public var coverage: Double
    /// Mean grey level inside the finger area (0 black … 255 white).
    public var fingerMean: Double
    /// Median standard deviation of the finger's blocks: how distinct the ridges are.
    public var ridgeContrast: Double
    /// Median gradient coherence of the finger's blocks, 0…1.
    public var ridgeClarity: Double
    /// Where the finger's blocks are centred, from the image's centre, in shares of the half
    /// width (positive: right) and half height (positive: down), −1…1.
    public var centreOffsetX: Double
    public var centreOffsetY: Double
    public var problem: Problem?

    public var isAcceptable: Bool { problem == nil }

    public static let blockSize = 16
    /// A block with less variation than this is empty sensor.
    public static let presence = 6.0
    /// Ridges fainter than this (median block deviation) are too light to use.
    public static let minimumContrast = 18.0
    public static let minimumCoverage = 0.40
    public static let noFingerCoverage = 0.08
    /// Clearer than this (median block coherence) for the ridges to be followed. Real captures
    /// in the fixtures measure 0.32 (NB-1010, ELAN) to 0.78 (AES3500), synthetic prints above 0.5,
    /// grey noise under 0.1.
    public static let minimumClarity = 0.2
    /// Below this clarity a light print's ridges are broken (dry skin) rather than faint.
    public static let dryClarity = 0.2
    /// How far (in shares of the half width or height) the finger's centre may lie from the
    /// image's centre before a too small print is called off-centre rather than partial.
    public static let offCentreShare = 0.3

    public init(_ image: GreyImage) {
        let size = Self.blockSize
        var ridgeBlocks = 0
        var blocks = 0
        var ridgeSum = 0.0
        var deviations: [Double] = []
        var coherences: [Double] = []
        var centreX = 0.0
        var centreY = 0.0
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
                    centreX += Double(x + size / 2)
                    centreY += Double(y + size / 2)
                    deviations.append(deviation)
                    coherences.append(Self.coherence(image, x: x, y: y))
                }
                x += size
            }
            y += size
        }
        coverage = blocks == 0 ? 0 : Double(ridgeBlocks) / Double(blocks)
        fingerMean = ridgeBlocks == 0 ? 255 : ridgeSum / Double(ridgeBlocks)
        deviations.sort()
        ridgeContrast = deviations.isEmpty ? 0 : deviations[deviations.count / 2]
        coherences.sort()
        ridgeClarity = coherences.isEmpty ? 0 : coherences[coherences.count / 2]
        let halfWidth = max(1, Double(image.width) / 2)
        let halfHeight = max(1, Double(image.height) / 2)
        centreOffsetX = ridgeBlocks == 0 ? 0 : (centreX / Double(ridgeBlocks) - halfWidth) / halfWidth
        centreOffsetY = ridgeBlocks == 0 ? 0 : (centreY / Double(ridgeBlocks) - halfHeight) / halfHeight
        let faint = ridgeContrast < Self.minimumContrast
        if coverage < Self.noFingerCoverage {
            problem = .noFinger
        } else if fingerMean < 60 {
            problem = faint ? .tooWet : .tooDark
        } else if fingerMean > 215 || faint {
            problem = ridgeClarity < Self.dryClarity ? .tooDry : .tooLight
        } else if ridgeClarity < Self.minimumClarity {
            problem = .smudged
        } else if coverage < Self.minimumCoverage {
            let offCentre = max(abs(centreOffsetX), abs(centreOffsetY)) > Self.offCentreShare
            problem = offCentre ? .offCentre : .partial
        } else {
            problem = nil
        }
    }

    /// Coherence of the block at (`x`, `y`): from the sums of the squared central-difference
    /// gradients (gxx, gyy, gxy), √((gxx − gyy)² + 4gxy²) / (gxx + gyy).
    static func coherence(_ image: GreyImage, x: Int, y: Int) -> Double {
        var gxx = 0
        var gyy = 0
        var gxy = 0
        for row in (y + 1)..<(y + blockSize - 1) {
            let base = row * image.width
            for column in (x + 1)..<(x + blockSize - 1) {
                let gx = Int(image.pixels[base + column + 1]) - Int(image.pixels[base + column - 1])
                let gy = Int(image.pixels[base + image.width + column]) - Int(image.pixels[base - image.width + column])
                gxx += gx * gx
                gyy += gy * gy
                gxy += gx * gy
            }
        }
        let total = Double(gxx + gyy)
        guard total > 0 else { return 0 }
        let difference = Double(gxx - gyy)
        return (difference * difference + 4 * Double(gxy) * Double(gxy)).squareRoot() / total
    }
}
