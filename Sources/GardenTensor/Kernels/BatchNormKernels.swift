import CVectorMath
import Foundation

/// Per-channel statistics, normalization and the training gradient of NHWC (channels-last)
/// tensors.
///
/// Every reduction sums the rows (`n·h·w`) in fixed blocks of `blockRows` rows, each block's
/// rows in increasing order into Double accumulators of its own, then the blocks' sums in block
/// order (`blockSums`); the blocks do not depend on the thread count, so neither do the results.
/// Whole blocks (rows, for the element-wise passes) go to `ParallelFor`'s threads. With
/// `wideLanes` (AVX2 or AVX-512 hosts) each pass runs as `CVectorMath`'s eight-channel vectors,
/// with the same operations per channel in the same order: the same bits.
enum BatchNormKernels {
    /// A batch's per-channel statistics, from one pair of passes over it in the forward pass,
    /// for the output and for the gradient.
    struct Moments {
        /// The biased mean and variance the output is normalized with, in Double arithmetic
        /// (no `E[x²] - E[x]²` cancellation).
        var mean: [Float]
        var variance: [Float]
        /// The mean and biased variance as the gradient's closed form computes them in Float:
        /// `Float(Σx) / m` and `Float(Σ Double((x - thatMean)²)) / m` (see `trainingGradient`).
        /// The backward pass would otherwise read the batch twice more for them.
        var gradientMean: [Float]
        var gradientVariance: [Float]
    }

    /// The statistics of each of the `channels` trailing-axis channels, over every other axis.
    /// Two passes with Double accumulators in a fixed order, so the results are repeatable.
    static func moments(
        _ x: [Float], channels c: Int, wideLanes: Bool = VectorMath.hasWideLanes
    ) -> Moments {
        let rows = c == 0 ? 0 : x.count / c
        let n = Double(max(rows, 1))
        let count = Float(max(rows, 1))
        return x.withUnsafeBufferPointer { p in
            guard let x = p.baseAddress, rows > 0 else {
                let zeros = [Float](repeating: 0, count: c)
                return Moments(
                    mean: zeros, variance: zeros, gradientMean: zeros, gradientVariance: zeros)
            }
            let sums = blockSums(rows: rows, channels: c, sums: 1) { block, s in
                let xs = x + block.lowerBound * c
                if wideLanes {
                    cvectormath_column_sums(xs, nil, block.count, c, c, s, nil)
                    return
                }
                for r in 0..<block.count {
                    for j in 0..<c { s[j] += Double(xs[r * c + j]) }
                }
            }
            let mean = sums.map { $0 / n }
            let floatMean = sums.map { Float($0) / count }
            // Σ (x - mean)² in Double, and in Float from the Float mean, in one pass.
            let squares = blockSums(rows: rows, channels: c, sums: 2) { block, s in
                let xs = x + block.lowerBound * c
                if wideLanes {
                    cvectormath_bn_squared_deviations(
                        xs, block.count, c, c, mean, s, floatMean, s + c)
                    return
                }
                for r in 0..<block.count {
                    for j in 0..<c {
                        let d = Double(xs[r * c + j]) - mean[j]
                        s[j] += d * d
                        let f = xs[r * c + j] - floatMean[j]
                        s[c + j] += Double(f * f)
                    }
                }
            }
            return Moments(
                mean: mean.map { Float($0) }, variance: squares[..<c].map { Float($0 / n) },
                gradientMean: floatMean, gradientVariance: squares[c...].map { Float($0) / count })
        }
    }

    /// Normalization folded into one multiply-add per element, `y = x · a + b` per channel:
    /// `a = scale / sqrt(variance + epsilon)`, `b = offset - mean · a`.
    struct Affine {
        var a: [Float]
        var b: [Float]

        init(mean: [Float], variance: [Float], scale: [Float], offset: [Float], epsilon: Float) {
            let c = mean.count
            a = [Float](repeating: 0, count: c)
            b = [Float](repeating: 0, count: c)
            for j in 0..<c {
                a[j] = scale[j] / (variance[j] + epsilon).squareRoot()
                b[j] = offset[j] - mean[j] * a[j]
            }
        }
    }

    /// `(x - mean) * scale / sqrt(variance + epsilon) + offset` per channel, as `affine`, then
    /// with `relu` `Relu`'s `y > 0 ? y : 0` (a ReLU after it fused: one pass, one array).
    static func normalize(
        _ x: [Float], _ affine: Affine, relu: Bool = false,
        wideLanes: Bool = VectorMath.hasWideLanes
    ) -> [Float] {
        let c = affine.a.count
        return [Float](unsafeUninitializedCapacity: x.count) { out, count in
            x.withUnsafeBufferPointer { p in
                affine.a.withUnsafeBufferPointer { a in
                    affine.b.withUnsafeBufferPointer { b in
                        guard let x = p.baseAddress, let y = out.baseAddress, c > 0 else { return }
                        ParallelFor.forEach(
                            p.count / c, grain: max(1, ParallelFor.defaultGrain / c)
                        ) {
                            rows in
                            if wideLanes, let a = a.baseAddress, let b = b.baseAddress {
                                let first = rows.lowerBound * c
                                cvectormath_bn_affine(
                                    x + first, y + first, rows.count, c, a, b, relu ? 1 : 0)
                                return
                            }
                            for r in rows {
                                let (src, dst) = (x + r * c, y + r * c)
                                for j in 0..<c {
                                    let v = src[j] * a[j] + b[j]
                                    dst[j] = relu ? Relu.f(v) : v
                                }
                            }
                        }
                    }
                }
            }
            count = x.count
        }
    }

    /// The gradients of training-mode batch normalization with respect to `x`, `scale` and
    /// `offset`, given the output gradient `g` (both `[rows, c]` row-major) and the forward
    /// pass's `moments` of `x`.
    ///
    /// It evaluates the closed form of `BatchNorm.vjp` with the same Float operations, in the
    /// same order, as the primitives it was once written with (`Mean`, `Sub`, `Mul`, `Add`,
    /// `Log`, `Exp`, `Sum`), so up to `blockRows` rows, where their Double row-order sums are
    /// the blocks', the result is bitwise theirs (beyond, the sums go by blocks), without their
    /// ten full-size temporaries: `m = rows`, `mean = Float(Σx) / m`,
    /// `v = Float(Σ(x - mean)²) / m` (both `moments.gradient…`), `inv = exp(log(v + eps) · -0.5)`,
    /// `x̂ = (x - mean) · inv`, `dscale = Σ g·x̂`, `doffset = Σ g`,
    /// `dx = (scale · inv / m) · (g·m - doffset - x̂·dscale)`. Two passes over `x` and `g`: the
    /// sums, then `dx`, by rows (a part writing a few channels of every row would share each
    /// cache line of `dx` with the other parts). With `relu` (the forward's `Affine`), a ReLU
    /// after the normalization is fused: `g` is its output's gradient, masked on the fly by
    /// `Relu`'s vjp at the normalized output `x · a + b`, the same bits as that vjp first.
    static func trainingGradient(
        _ x: [Float], _ g: [Float], scale: [Float], epsilon: Float, moments: Moments,
        relu: Affine? = nil, wideLanes: Bool = VectorMath.hasWideLanes
    ) -> (dx: [Float], dScale: [Float], dOffset: [Float]) {
        let c = scale.count
        let rows = c == 0 ? 0 : x.count / c
        let m = Float(rows)
        // Per channel, in one allocation: mean, 1/σ, the dx coefficient, the parameter
        // gradients, and the fused ReLU's affine map (zero and unused without one).
        let perChannel = UnsafeMutablePointer<Float>.allocate(capacity: 7 * max(c, 1))
        defer { perChannel.deallocate() }
        perChannel.initialize(repeating: 0, count: 7 * max(c, 1))
        let (mean, inv, coefficient) = (perChannel, perChannel + c, perChannel + 2 * c)
        let (dScale, dOffset) = (perChannel + 3 * c, perChannel + 4 * c)
        let (reluA, reluB) = (perChannel + 5 * c, perChannel + 6 * c)
        for j in 0..<c {
            mean[j] = moments.gradientMean[j]
            inv[j] = Foundation.exp(Foundation.log(moments.gradientVariance[j] + epsilon) * -0.5)
            coefficient[j] = scale[j] * inv[j] / m
            if let relu { (reluA[j], reluB[j]) = (relu.a[j], relu.b[j]) }
        }
        let (ra, rb) = relu == nil ? (nil, nil) : (Optional(reluA), Optional(reluB))
        @inline(__always) func masked(_ x: Float, _ g: Float, _ j: Int) -> Float {
            relu == nil ? g : Relu.Backward.apply(x * reluA[j] + reluB[j], g)
        }
        let dx = [Float](unsafeUninitializedCapacity: x.count) { out, initialized in
            initialized = x.count
            x.withUnsafeBufferPointer { px in
                g.withUnsafeBufferPointer { pg in
                    guard rows > 0, let px = px.baseAddress, let pg = pg.baseAddress,
                        let pdx = out.baseAddress
                    else { return }
                    // Σ g·x̂ and Σ g.
                    let sums = blockSums(rows: rows, channels: c, sums: 2) { block, s in
                        let (xs, gs) = (px + block.lowerBound * c, pg + block.lowerBound * c)
                        if wideLanes {
                            cvectormath_bn_normalized_products(
                                xs, gs, block.count, c, c, mean, inv, ra, rb, s, s + c)
                            return
                        }
                        for r in 0..<block.count {
                            let (xr, gr) = (xs + r * c, gs + r * c)
                            for j in 0..<c {
                                let gj = masked(xr[j], gr[j], j)
                                let xhat = (xr[j] - mean[j]) * inv[j]
                                s[j] += Double(gj * xhat)
                                s[c + j] += Double(gj)
                            }
                        }
                    }
                    for j in 0..<c {
                        dScale[j] = Float(sums[j])
                        dOffset[j] = Float(sums[c + j])
                    }
                    // dx, by rows.
                    ParallelFor.forEach(rows, grain: max(1, ParallelFor.defaultGrain / c)) {
                        part in
                        let first = part.lowerBound * c
                        if wideLanes {
                            cvectormath_bn_input_gradient(
                                px + first, pg + first, pdx + first, part.count, c, c, mean,
                                inv, coefficient, m, dOffset, dScale, ra, rb)
                            return
                        }
                        for r in part {
                            let (xr, gr, dr) = (px + r * c, pg + r * c, pdx + r * c)
                            for j in 0..<c {
                                let gj = masked(xr[j], gr[j], j)
                                let xhat = (xr[j] - mean[j]) * inv[j]
                                dr[j] = coefficient[j] * (gj * m - dOffset[j] - xhat * dScale[j])
                            }
                        }
                    }
                }
            }
        }
        return (
            dx, Array(UnsafeBufferPointer(start: dScale, count: c)),
            Array(UnsafeBufferPointer(start: dOffset, count: c))
        )
    }

    /// The rows of one block of a reduction: fixed, so that sums do not depend on the threads.
    /// Parts take whole blocks and so stream their own rows (splitting the channels instead
    /// made each part read every cache line of the batch at 16 channels).
    static let blockRows = 1024

    /// `sums · c` per-channel sums over `rows` rows: `body(block, accumulators)` adds block
    /// `block`'s rows, in order, into its own `sums · c` zeroed Doubles; the blocks' sums are
    /// then added in block order (a batch of one block gets exactly that block's sums).
    private static func blockSums(
        rows: Int, channels c: Int, sums: Int,
        _ body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void
    ) -> [Double] {
        let width = sums * c
        let blocks = (rows + blockRows - 1) / blockRows
        let partial = UnsafeMutablePointer<Double>.allocate(capacity: max(blocks * width, 1))
        defer { partial.deallocate() }
        partial.initialize(repeating: 0, count: max(blocks * width, 1))
        ParallelFor.forEach(blocks, grain: max(1, ParallelFor.defaultGrain / (blockRows * c))) {
            part in
            for b in part {
                let first = b * blockRows
                body(first..<min(first + blockRows, rows), partial + b * width)
            }
        }
        var total = [Double](repeating: 0, count: width)
        for b in 0..<blocks {
            for k in 0..<width { total[k] += partial[b * width + k] }
        }
        return total
    }
}
