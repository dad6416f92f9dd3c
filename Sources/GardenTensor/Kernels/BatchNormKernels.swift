import Foundation

/// Per-channel statistics, normalization and the training gradient of NHWC (channels-last)
/// tensors.
///
/// Every reduction walks the rows (`n·h·w`) in increasing order and, within a row, the channels;
/// each channel has its own Double accumulator, so results are repeatable, and a range of
/// channels could go to another thread without changing a bit.
enum BatchNormKernels {
    /// The biased mean and variance of each of the `channels` trailing-axis channels, over every
    /// other axis. Two passes with Double accumulators in a fixed order, so the result is
    /// repeatable and does not suffer `E[x²] - E[x]²` cancellation.
    static func moments(_ x: [Float], channels c: Int) -> (mean: [Float], variance: [Float]) {
        let rows = c == 0 ? 0 : x.count / c
        let n = Double(max(rows, 1))
        var sum = [Double](repeating: 0, count: c)
        var squares = [Double](repeating: 0, count: c)
        var mean = [Double](repeating: 0, count: c)
        x.withUnsafeBufferPointer { p in
            sum.withUnsafeMutableBufferPointer { s in
                squares.withUnsafeMutableBufferPointer { q in
                    mean.withUnsafeMutableBufferPointer { m in
                        guard let x = p.baseAddress, rows > 0 else { return }
                        for r in 0..<rows {
                            let row = x + r * c
                            for j in 0..<c { s[j] += Double(row[j]) }
                        }
                        for j in 0..<c { m[j] = s[j] / n }
                        for r in 0..<rows {
                            let row = x + r * c
                            for j in 0..<c {
                                let d = Double(row[j]) - m[j]
                                q[j] += d * d
                            }
                        }
                    }
                }
            }
        }
        return (sum.map { Float($0 / n) }, squares.map { Float($0 / n) })
    }

    /// `(x - mean) * scale / sqrt(variance + epsilon) + offset`, per channel.
    static func normalize(
        _ x: [Float], mean: [Float], variance: [Float], scale: [Float],
        offset: [Float], epsilon: Float
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
                        for r in 0..<(p.count / c) {
                            let (src, dst) = (x + r * c, y + r * c)
                            for j in 0..<c { dst[j] = src[j] * a[j] + b[j] }
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
        _ x: [Float], _ g: [Float], scale: [Float], epsilon: Float
    ) -> (dx: [Float], dScale: [Float], dOffset: [Float]) {
        let c = scale.count
        let rows = c == 0 ? 0 : x.count / c
        let m = Float(rows)
        let count = Float(max(rows, 1))
        var dScale = [Float](repeating: 0, count: c), dOffset = [Float](repeating: 0, count: c)
        // Per channel: Σx, Σg, Σ(x - mean)², Σg·x̂ (Double); mean, inv, the dx coefficient.
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: 4 * max(c, 1))
        let perChannel = UnsafeMutablePointer<Float>.allocate(capacity: 3 * max(c, 1))
        defer { sums.deallocate(); perChannel.deallocate() }
        sums.initialize(repeating: 0, count: 4 * max(c, 1))
        perChannel.initialize(repeating: 0, count: 3 * max(c, 1))
        let (sumX, sumG, squares, sumGX) = (sums, sums + c, sums + 2 * c, sums + 3 * c)
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
                            // Pass 1: Σx and Σg per channel.
                            for r in 0..<rows {
                                let (xr, gr) = (px + r * c, pg + r * c)
                                for j in 0..<c {
                                    sumX[j] += Double(xr[j])
                                    sumG[j] += Double(gr[j])
                                }
                            }
                            for j in 0..<c {
                                mean[j] = Float(sumX[j]) / count
                                dOffset[j] = Float(sumG[j])
                            }
                            // Pass 2: Σ(x - mean)², then 1/σ as `BatchNorm.inverseStd` builds it.
                            for r in 0..<rows {
                                let xr = px + r * c
                                for j in 0..<c {
                                    let d = xr[j] - mean[j]
                                    squares[j] += Double(d * d)
                                }
                            }
                            for j in 0..<c {
                                let variance = Float(squares[j]) / count
                                inv[j] = Foundation.exp(Foundation.log(variance + epsilon) * -0.5)
                            }
                            // Pass 3: Σ g·x̂.
                            for r in 0..<rows {
                                let (xr, gr) = (px + r * c, pg + r * c)
                                for j in 0..<c {
                                    sumGX[j] += Double(gr[j] * ((xr[j] - mean[j]) * inv[j]))
                                }
                            }
                            for j in 0..<c {
                                dScale[j] = Float(sumGX[j])
                                coefficient[j] = scale[j] * inv[j] / m
                            }
                            // Pass 4: dx.
                            for r in 0..<rows {
                                let (xr, gr, dr) = (px + r * c, pg + r * c, pdx + r * c)
                                for j in 0..<c {
                                    let xhat = (xr[j] - mean[j]) * inv[j]
                                    dr[j] =
                                        coefficient[j]
                                        * (gr[j] * m - dOffset[j] - xhat * dScale[j])
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dx, dScale, dOffset)
    }
}
