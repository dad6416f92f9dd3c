import CVectorMath
import Foundation

/// Per-channel statistics, normalization and the training gradient of NHWC (channels-last)
/// tensors.
///
/// Every reduction walks the rows (`n·h·w`) in increasing order and, within a row, the channels;
/// each channel has its own Double accumulator, so results are repeatable; ranges of channels
/// (rows, for the element-wise normalization) go to `ParallelFor`'s threads without changing a bit.
/// With `wideLanes` (AVX2 or AVX-512 hosts) each pass runs as `CVectorMath`'s eight-channel
/// vectors, with the same operations per channel in the same order: the same bits.
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
        var squares = [Double](repeating: 0, count: c)
        var mean = [Double](repeating: 0, count: c)
        var floatSquares = [Double](repeating: 0, count: c)
        var floatMean = [Float](repeating: 0, count: c)
        x.withUnsafeBufferPointer { p in
            squares.withUnsafeMutableBufferPointer { q in
                mean.withUnsafeMutableBufferPointer { m in
                    floatSquares.withUnsafeMutableBufferPointer { fq in
                        floatMean.withUnsafeMutableBufferPointer { fm in
                            guard let x = p.baseAddress, rows > 0 else { return }
                            // By channel ranges, both passes per part: the split changes no bit.
                            forEachChannelRange(c, rows: rows, sums: 3) { channels, acc in
                                let (lo, width) = (channels.lowerBound, channels.count)
                                let (ls, lq, lf) = (acc, acc + width, acc + 2 * width)
                                if wideLanes {
                                    cvectormath_column_sums(x + lo, nil, rows, c, width, ls, nil)
                                } else {
                                    for r in 0..<rows {
                                        let row = x + r * c + lo
                                        for j in 0..<width { ls[j] += Double(row[j]) }
                                    }
                                }
                                for j in 0..<width {
                                    m[lo + j] = ls[j] / n
                                    fm[lo + j] = Float(ls[j]) / count
                                }
                                if wideLanes, let mean = m.baseAddress,
                                    let floatMean = fm.baseAddress
                                {
                                    cvectormath_bn_squared_deviations(
                                        x + lo, rows, c, width, mean + lo, lq, floatMean + lo, lf)
                                } else {
                                    for r in 0..<rows {
                                        let row = x + r * c + lo
                                        for j in 0..<width {
                                            let d = Double(row[j]) - m[lo + j]
                                            lq[j] += d * d
                                            let f = row[j] - fm[lo + j]
                                            lf[j] += Double(f * f)
                                        }
                                    }
                                }
                                for j in 0..<width {
                                    q[lo + j] = lq[j]
                                    fq[lo + j] = lf[j]
                                }
                            }
                        }
                    }
                }
            }
        }
        return Moments(
            mean: mean.map { Float($0) }, variance: squares.map { Float($0 / n) },
            gradientMean: floatMean, gradientVariance: floatSquares.map { Float($0) / count })
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

    /// `g` times ReLU's derivative at the normalized output `x · a + b`: the gradient a fused
    /// ReLU passes back to the normalization, bitwise `Relu`'s vjp at that output.
    static func reluGradient(_ x: [Float], _ g: [Float], _ affine: Affine) -> [Float] {
        let c = affine.a.count
        precondition(x.count == g.count, "batch_norm: gradient of \(g.count) for \(x.count)")
        return x.withUnsafeBufferPointer { x in
            g.withUnsafeBufferPointer { g in
                parallelArray(count: c == 0 ? 0 : x.count, grain: ParallelFor.defaultGrain) {
                    out, range in
                    for i in range {
                        let j = i % c
                        out[i] = Relu.Backward.apply(x[i] * affine.a[j] + affine.b[j], g[i])
                    }
                }
            }
        }
    }

    /// The gradients of training-mode batch normalization with respect to `x`, `scale` and
    /// `offset`, given the output gradient `g` (both `[rows, c]` row-major) and the forward
    /// pass's `moments` of `x`.
    ///
    /// It evaluates the closed form of `BatchNorm.vjp` with the same Float operations, in the
    /// same order, with the same Double row-order sums as the primitives it was once written
    /// with (`Mean`, `Sub`, `Mul`, `Add`, `Log`, `Exp`, `Sum`), so the result is bitwise theirs,
    /// without their ten full-size temporaries: `m = rows`, `mean = Float(Σx) / m`,
    /// `v = Float(Σ(x - mean)²) / m` (both `moments.gradient…`), `inv = exp(log(v + eps) · -0.5)`,
    /// `x̂ = (x - mean) · inv`, `dscale = Σ g·x̂`, `doffset = Σ g`,
    /// `dx = (scale · inv / m) · (g·m - doffset - x̂·dscale)`. Two passes over `x` and `g`: the
    /// sums by ranges of channels, then `dx` by ranges of rows (a part writing a few channels of
    /// every row would share each cache line of `dx` with the other parts). With `relu` (the
    /// forward's `Affine`), a ReLU after the normalization is fused: `g` is its output's
    /// gradient, masked on the fly as in `reluGradient`, with the same bits as ReLU's vjp first.
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
                    // Σ g·x̂ and Σ g: each part's channels' sums, independent of the split.
                    forEachChannelRange(c, rows: rows, sums: 2) { channels, local in
                        let (lo, w) = (channels.lowerBound, channels.count)
                        let (sgx, sg) = (local, local + w)
                        let (xs, gs) = (px + lo, pg + lo)
                        if wideLanes {
                            cvectormath_bn_normalized_products(
                                xs, gs, rows, c, w, mean + lo, inv + lo, ra.map { $0 + lo },
                                rb.map { $0 + lo }, sgx, sg)
                        } else {
                            for r in 0..<rows {
                                let (xr, gr) = (xs + r * c, gs + r * c)
                                for j in 0..<w {
                                    let gj = masked(xr[j], gr[j], lo + j)
                                    let xhat = (xr[j] - mean[lo + j]) * inv[lo + j]
                                    sgx[j] += Double(gj * xhat)
                                    sg[j] += Double(gj)
                                }
                            }
                        }
                        for j in 0..<w {
                            dScale[lo + j] = Float(sgx[j])
                            dOffset[lo + j] = Float(sg[j])
                        }
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

    /// Splits `c` channels over `ParallelFor` (a part is worth `defaultGrain` elements of `rows`
    /// rows): `body(channels, accumulators)` with `sums · channels.count` zeroed Doubles of the
    /// part's own. Parts summing into neighbouring channels of one shared array would share its
    /// cache lines at every row.
    private static func forEachChannelRange(
        _ c: Int, rows: Int, sums: Int,
        _ body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void
    ) {
        ParallelFor.forEach(c, grain: max(1, ParallelFor.defaultGrain / max(rows, 1))) { channels in
            let count = max(sums * channels.count, 1)
            let accumulators = UnsafeMutablePointer<Double>.allocate(capacity: count)
            defer { accumulators.deallocate() }
            accumulators.initialize(repeating: 0, count: count)
            body(channels, accumulators)
        }
    }
}
