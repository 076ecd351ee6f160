import Foundation

/// Turns a fingerprint image into a `FingerprintTemplate` (minutiae at 500 dpi).
///
/// The pipeline, all in `Float` over flat arrays:
/// 1. resolution: an image whose `dpi` is not 500 (sensors range about 360–510 dpi) is resampled
///    bilinearly to 500 dpi; a `dpi` outside 200…1200 is taken to be 500;
/// 2. gradients (Sobel) summed in 8×8 blocks; orientation from the structure tensor over 24×24
///    pixels, then smoothed in the doubled-angle domain with a Gaussian over the blocks;
/// 3. segmentation: blocks whose grey-level deviation and gradient coherence are high enough,
///    cleaned by a majority filter, hole filling and removal of small islands;
/// 4. ridge period per block from the grey-level profile across the ridges (peak spacing),
///    filled in and smoothed;
/// 5. enhancement with a bank of even Gabor filters (16 orientations × 12 periods, 17×17, zero
///    mean), chosen per pixel from the interpolated orientation and the block's period;
/// 6. binarisation (ridges where the filter response is negative: ridges are dark) and thinning
///    to a minimal 8-connected skeleton (directional passes deleting simple points);
/// 7. minutiae by crossing number (1: ending, 3: bifurcation), direction from tracing the
///    skeleton and snapping to the orientation field;
/// 8. removal of false minutiae: near the mask or image border, in incoherent areas, the two ends
///    of short spurs, islands and bridges, facing pairs of endings across a break, and any pair
///    closer than 5 pixels.
///
/// Angle convention (as stored in `Minutia.angle`, ISO units of 360/256°, counter-clockwise from
/// +x with y pointing down in the image, i.e. the angle of the vector (dx, −dy)): a ridge ending
/// points along its ridge, into the ridge; a bifurcation points into the valley between its two
/// branches (away from the stem). The two agree when pressure turns one kind into the other.
public struct FeatureExtractor: Sendable {
    /// A stateless extractor; the filter bank is shared by all instances.
    public init() {}

    /// The minutiae of `image`, at most 255, best quality first, in the 500-dpi frame.
    public func extract(_ image: GreyImage) -> FingerprintTemplate {
        let (width, height, pixels) = Resolution.to500(image)
        guard width >= 48, height >= 48 else {
            return FingerprintTemplate(width: max(1, width), height: max(1, height), quality: 0, minutiae: [])
        }
        var work = ExtractionWork(width: width, height: height, pixels: pixels)
        return work.run()
    }
}

/// Resampling to the template resolution.
enum Resolution {
    /// The image as floats at 500 dpi (width, height, pixels).
    static func to500(_ image: GreyImage) -> (Int, Int, [Float]) {
        let dpi = (200...1200).contains(image.dpi) ? image.dpi : 500
        let w = image.width
        let h = image.height
        guard w > 0, h > 0, image.pixels.count == w * h else { return (0, 0, []) }
        if abs(dpi - 500) <= 2 {
            return (w, h, image.pixels.map { Float($0) })
        }
        let scale = 500.0 / Double(dpi)
        let nw = max(1, Int((Double(w) * scale).rounded()))
        let nh = max(1, Int((Double(h) * scale).rounded()))
        var out = [Float](repeating: 0, count: nw * nh)
        let sx = Double(w) / Double(nw)
        let sy = Double(h) / Double(nh)
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<nh {
                let fy = max(0, min(Double(h - 1), (Double(y) + 0.5) * sy - 0.5))
                let y0 = Int(fy)
                let y1 = min(h - 1, y0 + 1)
                let ty = Float(fy - Double(y0))
                for x in 0..<nw {
                    let fx = max(0, min(Double(w - 1), (Double(x) + 0.5) * sx - 0.5))
                    let x0 = Int(fx)
                    let x1 = min(w - 1, x0 + 1)
                    let tx = Float(fx - Double(x0))
                    let a = Float(src[y0 * w + x0]) * (1 - tx) + Float(src[y0 * w + x1]) * tx
                    let b = Float(src[y1 * w + x0]) * (1 - tx) + Float(src[y1 * w + x1]) * tx
                    out[y * nw + x] = a * (1 - ty) + b * ty
                }
            }
        }
        return (nw, nh, out)
    }
}

/// The even Gabor filter bank used for ridge enhancement, built once.
enum GaborBank {
    static let radius = 8
    static let side = 2 * radius + 1
    static let orientations = 16
    static let minimumPeriod: Float = 4
    static let periods = 12
    /// Kernels for (orientation o, period p) at `(p * orientations + o) * side * side`.
    /// Orientation o is the ridge direction o·π/16 in image coordinates (y down).
    static let kernels: [Float] = {
        var all = [Float](repeating: 0, count: orientations * periods * side * side)
        for p in 0..<periods {
            let period = minimumPeriod + Float(p)
            let sigmaAcross = min(0.45 * period, 4.2)
            let sigmaAlong = min(0.55 * period, 5.0)
            for o in 0..<orientations {
                let theta = Float(o) * Float.pi / Float(orientations)
                let c = cos(theta)
                let s = sin(theta)
                var kernel = [Float](repeating: 0, count: side * side)
                var envelope = [Float](repeating: 0, count: side * side)
                var wave = [Float](repeating: 0, count: side * side)
                var sumEnvelope: Float = 0
                var sumProduct: Float = 0
                for dy in -radius...radius {
                    for dx in -radius...radius {
                        let along = Float(dx) * c + Float(dy) * s
                        let across = -Float(dx) * s + Float(dy) * c
                        let e = exp(
                            -0.5
                                * (across * across / (sigmaAcross * sigmaAcross) + along * along
                                    / (sigmaAlong * sigmaAlong)))
                        let i = (dy + radius) * side + dx + radius
                        envelope[i] = e
                        wave[i] = cos(2 * Float.pi * across / period)
                        sumEnvelope += e
                        sumProduct += e * wave[i]
                    }
                }
                let dc = sumProduct / sumEnvelope
                var norm: Float = 0
                for i in 0..<(side * side) {
                    kernel[i] = envelope[i] * (wave[i] - dc)
                    norm += abs(kernel[i])
                }
                let base = (p * orientations + o) * side * side
                for i in 0..<(side * side) { all[base + i] = kernel[i] / max(norm, 1e-6) }
            }
        }
        return all
    }()
}

/// Lookup tables for the skeleton: neighbour ring order E, NE, N, NW, W, SW, S, SE.
enum SkeletonTables {
    static let dx = [1, 1, 0, -1, -1, -1, 0, 1]
    static let dy = [0, -1, -1, -1, 0, 1, 1, 1]

    /// For each 8-bit ring pattern (bit k = neighbour k), the crossing number (transitions / 2).
    static let crossing: [UInt8] = (0..<256).map { pattern in
        var transitions = 0
        for k in 0..<8 {
            let a = (pattern >> k) & 1
            let b = (pattern >> ((k + 1) & 7)) & 1
            if a != b { transitions += 1 }
        }
        return UInt8(transitions / 2)
    }

    /// Whether the centre pixel is simple (Yokoi 8-connectivity number 1) for each ring pattern.
    static let simple: [Bool] = (0..<256).map { pattern in
        func bg(_ k: Int) -> Int { 1 - ((pattern >> (k & 7)) & 1) }
        var n = 0
        for k in [0, 2, 4, 6] {
            n += bg(k) - bg(k) * bg(k + 1) * bg(k + 2)
        }
        return n == 1
    }

    static let count: [UInt8] = (0..<256).map { UInt8($0.nonzeroBitCount) }
}

/// One extraction's buffers and steps.
struct ExtractionWork {
    static let block = 8

    let width: Int
    let height: Int
    let pixels: [Float]
    let bw: Int
    let bh: Int
    /// Smoothed doubled-angle orientation vectors per block (cos 2θ, sin 2θ of the ridge direction).
    var orientCos: [Float] = []
    var orientSin: [Float] = []
    var coherence: [Float] = []
    var deviation: [Float] = []
    var blockMask: [Bool] = []
    var period: [Float] = []
    var pixelMask: [Bool] = []
    var skeleton: [UInt8] = []

    init(width: Int, height: Int, pixels: [Float]) {
        self.width = width
        self.height = height
        self.pixels = pixels
        bw = (width + Self.block - 1) / Self.block
        bh = (height + Self.block - 1) / Self.block
    }

    mutating func run() -> FingerprintTemplate {
        orientationAndMask()
        let maskArea = blockMask.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard maskArea >= 12 else {
            return FingerprintTemplate(width: width, height: height, quality: 0, minutiae: [])
        }
        ridgePeriod()
        let ridges = enhanceAndBinarise()
        skeleton = Self.thin(ridges, width: width, height: height)
        var found = detectMinutiae()
        found = filterMinutiae(found)
        let minutiae = found.sorted { $0.quality > $1.quality }.prefix(FingerprintTemplate.maximumMinutiae)
        let quality = templateQuality(maskArea: maskArea)
        return FingerprintTemplate(
            width: width, height: height, quality: quality,
            minutiae: minutiae.map {
                Minutia(
                    kind: $0.kind, x: $0.x, y: $0.y, angle: Self.isoAngle($0.direction),
                    quality: UInt8(max(1, min(100, $0.quality))))
            })
    }

    /// ISO angle units from an image-space direction (radians, y down).
    static func isoAngle(_ direction: Float) -> UInt8 {
        var a = -direction
        let twoPi = 2 * Float.pi
        a = a.truncatingRemainder(dividingBy: twoPi)
        if a < 0 { a += twoPi }
        return UInt8(Int((a * 256 / twoPi).rounded()) & 255)
    }

    // MARK: orientation and segmentation

    mutating func orientationAndMask() {
        let n = bw * bh
        var gxx = [Float](repeating: 0, count: n)
        var gyy = [Float](repeating: 0, count: n)
        var gxy = [Float](repeating: 0, count: n)
        var sum = [Float](repeating: 0, count: n)
        var sumSq = [Float](repeating: 0, count: n)
        var counts = [Float](repeating: 0, count: n)
        let w = width
        let b = Self.block
        pixels.withUnsafeBufferPointer { f in
            for y in 0..<height {
                let by = y / b
                for x in 0..<w {
                    let bi = by * bw + x / b
                    let v = f[y * w + x]
                    sum[bi] += v
                    sumSq[bi] += v * v
                    counts[bi] += 1
                    guard x > 0, y > 0, x < w - 1, y < height - 1 else { continue }
                    let i = y * w + x
                    let gx =
                        (f[i - w + 1] + 2 * f[i + 1] + f[i + w + 1]) - (f[i - w - 1] + 2 * f[i - 1] + f[i + w - 1])
                    let gy =
                        (f[i + w - 1] + 2 * f[i + w] + f[i + w + 1]) - (f[i - w - 1] + 2 * f[i - w] + f[i - w + 1])
                    gxx[bi] += gx * gx
                    gyy[bi] += gy * gy
                    gxy[bi] += gx * gy
                }
            }
        }
        // 3×3 block windows (24×24 pixels).
        func box(_ a: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: n)
            for by in 0..<bh {
                for bx in 0..<bw {
                    var s: Float = 0
                    for yy in max(0, by - 1)...min(bh - 1, by + 1) {
                        for xx in max(0, bx - 1)...min(bw - 1, bx + 1) { s += a[yy * bw + xx] }
                    }
                    out[by * bw + bx] = s
                }
            }
            return out
        }
        let sxx = box(gxx)
        let syy = box(gyy)
        let sxy = box(gxy)
        let ssum = box(sum)
        let ssq = box(sumSq)
        let scount = box(counts)
        var vx = [Float](repeating: 0, count: n)
        var vy = [Float](repeating: 0, count: n)
        coherence = [Float](repeating: 0, count: n)
        deviation = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let total = sxx[i] + syy[i]
            // Doubled angle of the gradient; the ridge direction is perpendicular (negated vector).
            let a = sxx[i] - syy[i]
            let c = 2 * sxy[i]
            let mag = (a * a + c * c).squareRoot()
            coherence[i] = total > 0 ? mag / total : 0
            vx[i] = total > 0 ? -a / total : 0
            vy[i] = total > 0 ? -c / total : 0
            let mean = ssum[i] / max(scount[i], 1)
            deviation[i] = max(0, ssq[i] / max(scount[i], 1) - mean * mean).squareRoot()
        }
        // Segmentation.
        let sortedDev = deviation.sorted()
        let p90 = sortedDev[min(n - 1, n * 9 / 10)]
        let threshold = max(9, 0.3 * p90)
        var mask = (0..<n).map { deviation[$0] >= threshold && coherence[$0] >= 0.15 }
        for _ in 0..<2 {
            var next = mask
            for by in 0..<bh {
                for bx in 0..<bw {
                    var on = 0
                    var all = 0
                    for yy in max(0, by - 1)...min(bh - 1, by + 1) {
                        for xx in max(0, bx - 1)...min(bw - 1, bx + 1) {
                            all += 1
                            if mask[yy * bw + xx] { on += 1 }
                        }
                    }
                    next[by * bw + bx] = on * 2 > all
                }
            }
            mask = next
        }
        mask = Self.fillHoles(mask, bw: bw, bh: bh)
        mask = Self.removeSmallIslands(mask, bw: bw, bh: bh, minimum: 16)
        blockMask = mask
        // Orientation smoothing in the doubled-angle domain (Gaussian 5×5 blocks, σ = 1.2),
        // weighted by coherence, over the mask.
        var weights = [Float](repeating: 0, count: 25)
        for k in 0..<25 {
            let dx = Float(k % 5 - 2)
            let dy = Float(k / 5 - 2)
            weights[k] = exp(-(dx * dx + dy * dy) / (2 * 1.2 * 1.2))
        }
        orientCos = [Float](repeating: 1, count: n)
        orientSin = [Float](repeating: 0, count: n)
        for by in 0..<bh {
            for bx in 0..<bw {
                var sx: Float = 0
                var sy: Float = 0
                for k in 0..<25 {
                    let xx = bx + k % 5 - 2
                    let yy = by + k / 5 - 2
                    guard xx >= 0, yy >= 0, xx < bw, yy < bh else { continue }
                    let j = yy * bw + xx
                    let wgt = weights[k] * (mask[j] ? 1 : 0.1)
                    sx += vx[j] * wgt
                    sy += vy[j] * wgt
                }
                let m = (sx * sx + sy * sy).squareRoot()
                if m > 1e-9 {
                    orientCos[by * bw + bx] = sx / m
                    orientSin[by * bw + bx] = sy / m
                }
            }
        }
        // Pixel mask.
        pixelMask = [Bool](repeating: false, count: width * height)
        for y in 0..<height {
            for x in 0..<width where mask[(y / b) * bw + x / b] {
                pixelMask[y * width + x] = true
            }
        }
    }

    static func fillHoles(_ mask: [Bool], bw: Int, bh: Int) -> [Bool] {
        var outside = [Bool](repeating: false, count: bw * bh)
        var stack: [Int] = []
        for bx in 0..<bw {
            stack.append(bx)
            stack.append((bh - 1) * bw + bx)
        }
        for by in 0..<bh {
            stack.append(by * bw)
            stack.append(by * bw + bw - 1)
        }
        while let i = stack.popLast() {
            guard !mask[i], !outside[i] else { continue }
            outside[i] = true
            let x = i % bw
            let y = i / bw
            if x > 0 { stack.append(i - 1) }
            if x < bw - 1 { stack.append(i + 1) }
            if y > 0 { stack.append(i - bw) }
            if y < bh - 1 { stack.append(i + bw) }
        }
        return outside.map { !$0 }
    }

    static func removeSmallIslands(_ mask: [Bool], bw: Int, bh: Int, minimum: Int) -> [Bool] {
        var label = [Int](repeating: -1, count: bw * bh)
        var out = mask
        var largest = 0
        var components: [[Int]] = []
        for start in 0..<(bw * bh) where mask[start] && label[start] < 0 {
            var members: [Int] = []
            var stack = [start]
            label[start] = components.count
            while let i = stack.popLast() {
                members.append(i)
                let x = i % bw
                let y = i / bw
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] {
                    guard nx >= 0, ny >= 0, nx < bw, ny < bh else { continue }
                    let j = ny * bw + nx
                    if mask[j] && label[j] < 0 {
                        label[j] = components.count
                        stack.append(j)
                    }
                }
            }
            largest = max(largest, members.count)
            components.append(members)
        }
        for members in components where members.count < minimum && members.count < largest {
            for i in members { out[i] = false }
        }
        return out
    }

    /// The ridge direction (radians, image coordinates, 0..<π) at a pixel, bilinear over blocks.
    func direction(x: Float, y: Float) -> Float {
        let (c, s) = doubledAngle(x: x, y: y)
        var a = 0.5 * atan2(s, c)
        if a < 0 { a += Float.pi }
        return a
    }

    func doubledAngle(x: Float, y: Float) -> (Float, Float) {
        let b = Float(Self.block)
        let fx = max(0, min(Float(bw - 1), x / b - 0.5))
        let fy = max(0, min(Float(bh - 1), y / b - 0.5))
        let x0 = Int(fx)
        let y0 = Int(fy)
        let x1 = min(bw - 1, x0 + 1)
        let y1 = min(bh - 1, y0 + 1)
        let tx = fx - Float(x0)
        let ty = fy - Float(y0)
        func lerp(_ a: [Float]) -> Float {
            let top = a[y0 * bw + x0] * (1 - tx) + a[y0 * bw + x1] * tx
            let bottom = a[y1 * bw + x0] * (1 - tx) + a[y1 * bw + x1] * tx
            return top * (1 - ty) + bottom * ty
        }
        return (lerp(orientCos), lerp(orientSin))
    }

    // MARK: ridge period

    mutating func ridgePeriod() {
        let n = bw * bh
        var raw = [Float](repeating: 0, count: n)
        var valid = [Bool](repeating: false, count: n)
        let length = 32
        var signature = [Float](repeating: 0, count: length)
        let b = Float(Self.block)
        pixels.withUnsafeBufferPointer { f in
            for by in 0..<bh {
                for bx in 0..<bw where blockMask[by * bw + bx] {
                    let i = by * bw + bx
                    let cx = (Float(bx) + 0.5) * b
                    let cy = (Float(by) + 0.5) * b
                    var theta = 0.5 * atan2(orientSin[i], orientCos[i])
                    if theta < 0 { theta += Float.pi }
                    let tx = cos(theta)
                    let ty = sin(theta)
                    let nx = -ty
                    let ny = tx
                    for k in 0..<length {
                        let s = Float(k - length / 2)
                        var acc: Float = 0
                        var cnt: Float = 0
                        for u in stride(from: -6, through: 6, by: 2) {
                            let px = Int((cx + s * nx + Float(u) * tx).rounded())
                            let py = Int((cy + s * ny + Float(u) * ty).rounded())
                            guard px >= 0, py >= 0, px < width, py < height else { continue }
                            acc += f[py * width + px]
                            cnt += 1
                        }
                        signature[k] = cnt > 0 ? acc / cnt : .nan
                    }
                    // Smooth and count peaks (local maxima = valleys, the light lines).
                    var smooth = signature
                    var lo = Float.greatestFiniteMagnitude
                    var hi = -Float.greatestFiniteMagnitude
                    var ok = true
                    for k in 0..<length {
                        if signature[k].isNaN {
                            ok = false
                            break
                        }
                        let a = signature[max(0, k - 1)]
                        let c = signature[min(length - 1, k + 1)]
                        smooth[k] = 0.25 * a + 0.5 * signature[k] + 0.25 * c
                        lo = min(lo, smooth[k])
                        hi = max(hi, smooth[k])
                    }
                    guard ok, hi - lo > 8 else { continue }
                    let mid = 0.5 * (hi + lo)
                    var peaks: [Float] = []
                    for k in 1..<(length - 1)
                    where smooth[k] > smooth[k - 1] && smooth[k] >= smooth[k + 1] && smooth[k] > mid {
                        peaks.append(Float(k))
                    }
                    var valleys: [Float] = []
                    for k in 1..<(length - 1)
                    where smooth[k] < smooth[k - 1] && smooth[k] <= smooth[k + 1] && smooth[k] < mid {
                        valleys.append(Float(k))
                    }
                    var estimates: [Float] = []
                    if peaks.count >= 2 {
                        estimates.append((peaks[peaks.count - 1] - peaks[0]) / Float(peaks.count - 1))
                    }
                    if valleys.count >= 2 {
                        estimates.append((valleys[valleys.count - 1] - valleys[0]) / Float(valleys.count - 1))
                    }
                    guard !estimates.isEmpty else { continue }
                    let p = estimates.reduce(0, +) / Float(estimates.count)
                    if p >= 4 && p <= 16 {
                        raw[i] = p
                        valid[i] = true
                    }
                }
            }
        }
        let validValues = (0..<n).filter { valid[$0] }.map { raw[$0] }.sorted()
        let median = validValues.isEmpty ? 9 : validValues[validValues.count / 2]
        // Smooth valid estimates with a 5×5 window; fill the rest with the median.
        period = [Float](repeating: median, count: n)
        for by in 0..<bh {
            for bx in 0..<bw {
                var s: Float = 0
                var c: Float = 0
                for yy in max(0, by - 2)...min(bh - 1, by + 2) {
                    for xx in max(0, bx - 2)...min(bw - 1, bx + 2) where valid[yy * bw + xx] {
                        s += raw[yy * bw + xx]
                        c += 1
                    }
                }
                if c >= 3 {
                    period[by * bw + bx] = s / c
                } else if c > 0 {
                    period[by * bw + bx] = (s + median * (3 - c)) / 3
                }
            }
        }
    }

    // MARK: enhancement

    /// Ridge pixels (1) after Gabor filtering, inside the mask.
    func enhanceAndBinarise() -> [UInt8] {
        let r = GaborBank.radius
        let side = GaborBank.side
        let pw = width + 2 * r
        let ph = height + 2 * r
        var padded = [Float](repeating: 0, count: pw * ph)
        for y in 0..<ph {
            let sy = max(0, min(height - 1, y - r))
            for x in 0..<pw {
                let sx = max(0, min(width - 1, x - r))
                padded[y * pw + x] = pixels[sy * width + sx]
            }
        }
        var ridges = [UInt8](repeating: 0, count: width * height)
        let orientations = GaborBank.orientations
        let b = Self.block
        GaborBank.kernels.withUnsafeBufferPointer { bank in
            padded.withUnsafeBufferPointer { src in
                for y in 0..<height {
                    for x in 0..<width where pixelMask[y * width + x] {
                        let theta = direction(x: Float(x) + 0.5, y: Float(y) + 0.5)
                        let o = Int((theta / Float.pi * Float(orientations)).rounded()) % orientations
                        let per = period[(y / b) * bw + x / b]
                        let p = max(0, min(GaborBank.periods - 1, Int((per - GaborBank.minimumPeriod).rounded())))
                        let kbase = (p * orientations + o) * side * side
                        var acc: Float = 0
                        for ky in 0..<side {
                            let srow = (y + ky) * pw + x
                            let krow = kbase + ky * side
                            for kx in 0..<side {
                                acc += src[srow + kx] * bank[krow + kx]
                            }
                        }
                        if acc < 0 { ridges[y * width + x] = 1 }
                    }
                }
            }
        }
        return ridges
    }

    // MARK: thinning

    /// Thins to a minimal 8-connected skeleton: directional passes that delete simple,
    /// non-end border pixels in place, then a pass deleting the remaining redundant corners.
    static func thin(_ input: [UInt8], width: Int, height: Int) -> [UInt8] {
        var img = input
        // Clear the 1-pixel frame so neighbours are always inside.
        for x in 0..<width {
            img[x] = 0
            img[(height - 1) * width + x] = 0
        }
        for y in 0..<height {
            img[y * width] = 0
            img[y * width + width - 1] = 0
        }
        let offsets = (0..<8).map { SkeletonTables.dy[$0] * width + SkeletonTables.dx[$0] }
        let simple = SkeletonTables.simple
        let count = SkeletonTables.count
        // Border directions: E (0), N (2), W (4), S (6).
        img.withUnsafeMutableBufferPointer { p in
            func pattern(_ i: Int) -> Int {
                var v = 0
                for k in 0..<8 where p[i + offsets[k]] != 0 { v |= 1 << k }
                return v
            }
            var changed = true
            var rounds = 0
            while changed && rounds < 30 {
                changed = false
                rounds += 1
                for dir in [2, 6, 0, 4] {
                    var toDelete: [Int] = []
                    for y in 1..<(height - 1) {
                        for x in 1..<(width - 1) {
                            let i = y * width + x
                            guard p[i] != 0, p[i + offsets[dir]] == 0 else { continue }
                            let pat = pattern(i)
                            if count[pat] >= 2 && simple[pat] { toDelete.append(i) }
                        }
                    }
                    // Sequential re-check keeps the topology.
                    for i in toDelete {
                        let pat = pattern(i)
                        if count[pat] >= 2 && simple[pat] {
                            p[i] = 0
                            changed = true
                        }
                    }
                }
            }
            // Remove corners that a diagonal already connects.
            for y in 1..<(height - 1) {
                for x in 1..<(width - 1) {
                    let i = y * width + x
                    guard p[i] != 0 else { continue }
                    let pat = pattern(i)
                    guard simple[pat], count[pat] >= 2 else { continue }
                    let e = pat & 1 != 0
                    let n = pat & 4 != 0
                    let w = pat & 16 != 0
                    let s = pat & 64 != 0
                    if (n && e) || (e && s) || (s && w) || (w && n) { p[i] = 0 }
                }
            }
        }
        return img
    }

    // MARK: minutiae

    struct Candidate {
        var kind: Minutia.Kind
        var x: Int
        var y: Int
        var direction: Float
        var quality: Int
        /// For endings: the minutia the ridge reaches within the spur length, if any.
        var partner: Int = -1
        var removed = false
    }

    func ringPattern(_ i: Int) -> Int {
        var v = 0
        for k in 0..<8 where skeleton[i + SkeletonTables.dy[k] * width + SkeletonTables.dx[k]] != 0 {
            v |= 1 << k
        }
        return v
    }

    /// Follows the skeleton from `start` through `first` for at most `steps` pixels. Returns
    /// the last pixel, the number of steps taken and the pixel where it stopped at another
    /// minutia (a junction or an end), or -1.
    func trace(from start: Int, first: Int, steps: Int) -> (end: Int, taken: Int, stop: Int) {
        var prev = start
        var cur = first
        var taken = 1
        while taken < steps {
            let cx = cur % width
            let cy = cur / width
            guard cx > 0, cy > 0, cx < width - 1, cy < height - 1 else { return (cur, taken, -1) }
            let px = prev % width
            let py = prev / width
            let sx = start % width
            let sy = start / width
            var next = -1
            var n = 0
            for k in 0..<8 {
                let nx = cx + SkeletonTables.dx[k]
                let ny = cy + SkeletonTables.dy[k]
                let j = ny * width + nx
                guard skeleton[j] != 0 else { continue }
                if abs(nx - px) <= 1 && abs(ny - py) <= 1 { continue }
                if taken <= 2 && abs(nx - sx) <= 1 && abs(ny - sy) <= 1 { continue }
                n += 1
                next = j
            }
            if n == 0 { return (cur, taken, cur) }
            if n >= 2 { return (cur, taken, cur) }
            prev = cur
            cur = next
            taken += 1
        }
        return (cur, taken, -1)
    }

    func detectMinutiae() -> [Candidate] {
        var out: [Candidate] = []
        let margin = 10
        guard width > 2 * margin, height > 2 * margin else { return [] }
        let b = Self.block
        for y in margin..<(height - margin) {
            for x in margin..<(width - margin) {
                let i = y * width + x
                guard skeleton[i] != 0 else { continue }
                let pat = ringPattern(i)
                let cn = SkeletonTables.crossing[pat]
                guard cn == 1 || cn == 3 else { continue }
                guard insideMask(x: x, y: y, radius: 12) else { continue }
                let bi = (y / b) * bw + x / b
                guard coherence[bi] >= 0.2 else { continue }
                // First pixels of the branches: one per run in the ring (prefer 4-neighbours).
                var firsts: [Int] = []
                var k = 0
                // Find a start of a run: a set bit whose predecessor is clear.
                var startK = -1
                for s in 0..<8 where (pat >> s) & 1 == 1 && (pat >> ((s + 7) & 7)) & 1 == 0 {
                    startK = s
                    break
                }
                guard startK >= 0 else { continue }
                k = startK
                var visited = 0
                while visited < 8 {
                    if (pat >> k) & 1 == 1 && (pat >> ((k + 7) & 7)) & 1 == 0 {
                        // Run from k; choose a 4-neighbour in it if any.
                        var choice = k
                        var j = k
                        while (pat >> j) & 1 == 1 {
                            if j % 2 == 0 { choice = j }
                            j = (j + 1) & 7
                            if j == k { break }
                        }
                        firsts.append(i + SkeletonTables.dy[choice] * width + SkeletonTables.dx[choice])
                    }
                    k = (k + 1) & 7
                    visited += 1
                }
                let theta = direction(x: Float(x) + 0.5, y: Float(y) + 0.5)
                var dirs: [Float] = []
                var partner = -1
                for f in firsts {
                    let t = trace(from: i, first: f, steps: 10)
                    dirs.append(atan2(Float(t.end / width - y), Float(t.end % width - x)))
                    if t.stop >= 0 && t.taken < 10 { partner = t.stop }
                }
                var raw: Float
                let kind: Minutia.Kind
                if cn == 1 {
                    guard let d = dirs.first else { continue }
                    raw = d
                    kind = .ending
                } else {
                    guard dirs.count == 3 else { continue }
                    // The two branches closest in direction are the fork; point between them.
                    var best = (0, 1)
                    var bestDiff = Float.greatestFiniteMagnitude
                    for (a, c) in [(0, 1), (0, 2), (1, 2)] {
                        let d = Self.angleDiff(dirs[a], dirs[c])
                        if d < bestDiff {
                            bestDiff = d
                            best = (a, c)
                        }
                    }
                    raw = atan2(sin(dirs[best.0]) + sin(dirs[best.1]), cos(dirs[best.0]) + cos(dirs[best.1]))
                    kind = .bifurcation
                }
                // Snap to the orientation field when it agrees.
                let axis = Self.angleDiff(theta, raw) < Self.angleDiff(theta + Float.pi, raw) ? theta : theta + Float.pi
                if Self.angleDiff(axis, raw) < Float.pi / 6 {
                    raw = atan2(sin(axis) + 0.5 * sin(raw), cos(axis) + 0.5 * cos(raw))
                }
                let contrast = min(1, deviation[bi] / 40)
                let q = Int(100 * min(1, coherence[bi] * 1.25) * (0.5 + 0.5 * contrast))
                out.append(
                    Candidate(kind: kind, x: x, y: y, direction: raw, quality: q, partner: partner))
            }
        }
        return out
    }

    func insideMask(x: Int, y: Int, radius: Int) -> Bool {
        let r = radius
        let d = Int(Float(radius) * 0.7071)
        for (ox, oy) in [(r, 0), (-r, 0), (0, r), (0, -r), (d, d), (d, -d), (-d, d), (-d, -d)] {
            let px = x + ox
            let py = y + oy
            guard px >= 0, py >= 0, px < width, py < height, pixelMask[py * width + px] else { return false }
        }
        return true
    }

    static func angleDiff(_ a: Float, _ b: Float) -> Float {
        var d = abs(a - b).truncatingRemainder(dividingBy: 2 * Float.pi)
        if d > Float.pi { d = 2 * Float.pi - d }
        return d
    }

    func filterMinutiae(_ input: [Candidate]) -> [Candidate] {
        var c = input
        let n = c.count
        var index: [Int: Int] = [:]
        for (k, m) in c.enumerated() { index[m.y * width + m.x] = k }
        // Spurs, short islands, bridges: a branch that reaches another minutia within 10 pixels.
        for k in 0..<n where c[k].partner >= 0 {
            c[k].removed = true
            if let j = index[c[k].partner] { c[j].removed = true }
        }
        // Breaks (facing endings) and clusters.
        for a in 0..<n {
            for b in (a + 1)..<n {
                let dx = Float(c[b].x - c[a].x)
                let dy = Float(c[b].y - c[a].y)
                let d = (dx * dx + dy * dy).squareRoot()
                if d < 5 {
                    c[a].removed = true
                    c[b].removed = true
                    continue
                }
                if d < 16 && c[a].kind == .ending && c[b].kind == .ending {
                    // Facing: directions roughly opposite and the joining line along them.
                    let opposite = Self.angleDiff(c[a].direction, c[b].direction + Float.pi) < Float.pi / 4
                    let line = atan2(dy, dx)
                    let along = Self.angleDiff(c[a].direction + Float.pi, line) < Float.pi / 3
                    if opposite && along {
                        c[a].removed = true
                        c[b].removed = true
                    }
                }
            }
        }
        return c.filter { !$0.removed }
    }

    func templateQuality(maskArea: Int) -> UInt8 {
        var sum: Float = 0
        for i in 0..<(bw * bh) where blockMask[i] { sum += min(1, coherence[i] * 1.25) }
        let coverage = Float(maskArea) / Float(bw * bh)
        let clarity = sum / Float(max(1, maskArea))
        return UInt8(max(0, min(100, Int(100 * clarity * min(1, coverage / 0.6)))))
    }
}
