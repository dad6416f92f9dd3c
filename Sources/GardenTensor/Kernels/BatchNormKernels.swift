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
    /// The biased mean and variance of each of the `channels` trailing-axis channels, over every
    /// other axis. Two passes with Double accumulators in a fixed order, so the result is
    /// repeatable and does not suffer `E[x²] - E[x]²` cancellation.
    static func moments(
        _ x: [Float], channels c: Int, wideLanes: Bool = VectorMath.hasWideLanes
    ) -> (mean: [Float], variance: [Float]) {
        let rows = c == 0 ? 0 : x.count / c
        let n = Double(max(rows, 1))
        var squares = [Double](repeating: 0, count: c)
        var mean = [Double](repeating: 0, count: c)
        x.withUnsafeBufferPointer { p in
            squares.withUnsafeMutableBufferPointer { q in
                mean.withUnsafeMutableBufferPointer { m in
                    guard let x = p.baseAddress, rows > 0 else { return }
                    // By channel ranges, both passes per part: the split changes no bit.
                    forEachChannelRange(c, rows: rows, sums: 2) { channels, acc in
                        let (lo, width) = (channels.lowerBound, channels.count)
                        let (ls, lq) = (acc, acc + width)
                        if wideLanes {
                            cvectormath_column_sums(x + lo, nil, rows, c, width, ls, nil)
                        } else {
                            for r in 0..<rows {
                                let row = x + r * c + lo
                                for j in 0..<width { ls[j] += Double(row[j]) }
                            }
                        }
                        for j in 0..<width { m[lo + j] = ls[j] / n }
                        if wideLanes, let mean = m.baseAddress {
                            cvectormath_bn_squared_deviations_double(
                                x + lo, rows, c, width, mean + lo, lq)
                        } else {
                            for r in 0..<rows {
                                let row = x + r * c + lo
                                for j in 0..<width {
                                    let d = Double(row[j]) - m[lo + j]
                                    lq[j] += d * d
                                }
                            }
                        }
                        for j in 0..<width { q[lo + j] = lq[j] }
                    }
                }
            }
        }
        return (mean.map { Float($0) }, squares.map { Float($0 / n) })
    }

    /// `(x - mean) * scale / sqrt(variance + epsilon) + offset`, per channel.
    static func normalize(
        _ x: [Float], mean: [Float], variance: [Float], scale: [Float],
        offset: [Float], epsilon: Float, wideLanes: Bool = VectorMath.hasWideLanes
    ) -> [Float] {
        let c = mean.count
        // Fold the per-channel affine map into one multiply-add per element.
        var a = [Float](repeating: 0, count: c), b = [Float](repeating: 0, count: c)
        for j in 0..<c {
            a[j] = scale[j] / (variance[j] + epsilon).squareRoot()
            b[j] = offset[j] - mean[j] * a[j]
        }
        return [Float](unsafeUninitializedCapacity: x.count) { out, count in
            x.withUnsafeBufferPointer { p in
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        guard let x = p.baseAddress, let y = out.baseAddress, c > 0 else { return }
                        ParallelFor.forEach(
                            p.count / c, grain: max(1, ParallelFor.defaultGrain / c)
                        ) {
                            rows in
                            if wideLanes, let a = a.baseAddress, let b = b.baseAddress {
                                let first = rows.lowerBound * c
                                cvectormath_bn_affine(x + first, y + first, rows.count, c, a, b)
                                return
                            }
                            for r in rows {
                                let (src, dst) = (x + r * c, y + r * c)
                                for j in 0..<c { dst[j] = src[j] * a[j] + b[j] }
                            }
                        }
                    }
                }
            }
            count = x.count
        }
    }

    /// The gradients of training-mode batch normalization with respect to `x`, `scale` and
    /// `offset`, given the output gradient `g` (both `[rows, c]` row-major).
    ///
    /// It evaluates the closed form of `BatchNorm.vjp` with the same Float operations, in the
    /// same order, with the same Double row-order sums as the primitives it was once written
    /// with (`Mean`, `Sub`, `Mul`, `Add`, `Log`, `Exp`, `Sum`), so the result is bitwise theirs,
    /// in four passes over `x` and `g` and without their ten full-size temporaries:
    /// `m = rows`, `mean = Float(Σx) / m`, `v = Float(Σ(x - mean)²) / m`,
    /// `inv = exp(log(v + eps) · -0.5)`, `x̂ = (x - mean) · inv`,
    /// `dscale = Σ g·x̂`, `doffset = Σ g`, `dx = (scale · inv / m) · (g·m - doffset - x̂·dscale)`.
    static func trainingGradient(
        _ x: [Float], _ g: [Float], scale: [Float], epsilon: Float,
        wideLanes: Bool = VectorMath.hasWideLanes
    ) -> (dx: [Float], dScale: [Float], dOffset: [Float]) {
        let c = scale.count
        let rows = c == 0 ? 0 : x.count / c
        let m = Float(rows)
        let count = Float(max(rows, 1))
        var dScale = [Float](repeating: 0, count: c), dOffset = [Float](repeating: 0, count: c)
        // Per channel: mean, inv, the dx coefficient (the Double sums are each part's own).
        let perChannel = UnsafeMutablePointer<Float>.allocate(capacity: 3 * max(c, 1))
        defer { perChannel.deallocate() }
        perChannel.initialize(repeating: 0, count: 3 * max(c, 1))
        let (mean, inv, coefficient) = (perChannel, perChannel + c, perChannel + 2 * c)
        let dx = [Float](unsafeUninitializedCapacity: x.count) { out, initialized in
            initialized = x.count
            x.withUnsafeBufferPointer { px in
                g.withUnsafeBufferPointer { pg in
                    dScale.withUnsafeMutableBufferPointer { dScale in
                        dOffset.withUnsafeMutableBufferPointer { dOffset in
                            guard rows > 0, let px = px.baseAddress, let pg = pg.baseAddress,
                                let pdx = out.baseAddress
                            else { return }
                            // Each part takes a range of channels through all four passes:
                            // a channel's sums and values do not depend on the split.
                            forEachChannelRange(c, rows: rows, sums: 4) { channels, local in
                                let (lo, w) = (channels.lowerBound, channels.count)
                                let (sx, sg, sq, sgx) = (
                                    local, local + w, local + 2 * w, local + 3 * w
                                )
                                let (mu, iv, co) = (mean + lo, inv + lo, coefficient + lo)
                                let (xs, gs) = (px + lo, pg + lo)
                                // Pass 1: Σx and Σg per channel.
                                if wideLanes {
                                    cvectormath_column_sums(xs, gs, rows, c, w, sx, sg)
                                } else {
                                    for r in 0..<rows {
                                        let (xr, gr) = (xs + r * c, gs + r * c)
                                        for j in 0..<w {
                                            sx[j] += Double(xr[j])
                                            sg[j] += Double(gr[j])
                                        }
                                    }
                                }
                                for j in 0..<w {
                                    mu[j] = Float(sx[j]) / count
                                    dOffset[lo + j] = Float(sg[j])
                                }
                                // Pass 2: Σ(x - mean)², then 1/σ as `BatchNorm.inverseStd` builds it.
                                if wideLanes {
                                    cvectormath_bn_squared_deviations(xs, rows, c, w, mu, sq)
                                } else {
                                    for r in 0..<rows {
                                        let xr = xs + r * c
                                        for j in 0..<w {
                                            let d = xr[j] - mu[j]
                                            sq[j] += Double(d * d)
                                        }
                                    }
                                }
                                for j in 0..<w {
                                    let variance = Float(sq[j]) / count
                                    iv[j] = Foundation.exp(
                                        Foundation.log(variance + epsilon) * -0.5)
                                }
                                // Pass 3: Σ g·x̂.
                                if wideLanes {
                                    cvectormath_bn_normalized_products(
                                        xs, gs, rows, c, w, mu, iv, sgx)
                                } else {
                                    for r in 0..<rows {
                                        let (xr, gr) = (xs + r * c, gs + r * c)
                                        for j in 0..<w {
                                            sgx[j] += Double(gr[j] * ((xr[j] - mu[j]) * iv[j]))
                                        }
                                    }
                                }
                                for j in 0..<w {
                                    dScale[lo + j] = Float(sgx[j])
                                    co[j] = scale[lo + j] * iv[j] / m
                                }
                                // Pass 4: dx.
                                guard let ds = dScale.baseAddress.map({ $0 + lo }),
                                    let doff = dOffset.baseAddress.map({ $0 + lo })
                                else { return }
                                if wideLanes {
                                    cvectormath_bn_input_gradient(
                                        xs, gs, pdx + lo, rows, c, w, mu, iv, co, m, doff, ds)
                                    return
                                }
                                for r in 0..<rows {
                                    let (xr, gr, dr) = (xs + r * c, gs + r * c, pdx + r * c + lo)
                                    for j in 0..<w {
                                        let xhat = (xr[j] - mu[j]) * iv[j]
                                        dr[j] = co[j] * (gr[j] * m - doff[j] - xhat * ds[j])
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dx, dScale, dOffset)
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
