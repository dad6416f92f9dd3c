import CVectorMath
import Foundation

/// Layer normalization over the last axis, fused: `(x - mean) · rsqrt(variance + epsilon) · gamma
/// + beta` with the biased variance, one row at a time, instead of the composite's nine ops and
/// their full-size temporaries and broadcast-undoing sums (bert_tiny profile, issue 6).
///
/// Shapes: `x [..., h]`, `gamma [h]`, `beta [h]` → `[..., h]`, float32. Forward: the composite's
/// Float operations in its order (row sums in Double, as `reduceSum`), so values equal
/// `Tensor.layerNormComposite`'s bit for bit. vjp: the closed form
/// `dx = r · (dx̂ - mean(dx̂) - x̂ · mean(dx̂ · x̂))` with `x̂ = (x - mean) · r`, `dx̂ = g · gamma`;
/// `dgamma = Σ_rows g · x̂`, `dbeta = Σ_rows g`. It sums in another order than the composite's
/// tape, so gradients agree to rounding, not bitwise (`NNCompositeTests`). TF: the composite's
/// ops (`Mean`, `Sub`, `Mul`, `AddV2`, `Rsqrt`), as before the fusion.
struct LayerNorm: Primitive {
    var epsilon: Float
    var name: String { "layer_norm" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(t.allSatisfy { $0.dtype == .float32 }, "layer_norm: expects float32 inputs")
        return t[0]
    }

    /// Per row: the centered values into `centered` and `r = rsqrt(variance + epsilon)`, computed
    /// exactly as the composite's `Mean`, `Sub`, `Mul`, `Mean`, `AddV2`, `Rsqrt` kernels do.
    @inline(__always)
    static func normalizeRow(
        _ x: UnsafePointer<Float>, _ h: Int, _ epsilon: Float,
        _ centered: UnsafeMutablePointer<Float>
    ) -> Float {
        let n = Float(h)
        var s = 0.0
        for j in 0..<h { s += Double(x[j]) }
        let mean = Float(s) / n
        var v = 0.0
        for j in 0..<h {
            let c = x[j] - mean
            centered[j] = c
            v += Double(c * c)
        }
        return 1 / Foundation.sqrt(Float(v) / n + epsilon)
    }

    /// `normalizeRow` for the four rows at `x`, `x + h`, `x + 2h`, `x + 3h`: each lane does one
    /// row's operations in its order, so every row gets `normalizeRow`'s bits, but the four
    /// chains of dependent Double additions overlap (one chain waits out each addition's
    /// latency: the sums were most of LayerNorm's time, 7 % of a bert_tiny step).
    @inline(__always)
    static func normalizeFourRows(
        _ x: UnsafePointer<Float>, _ h: Int, _ epsilon: Float,
        _ centered: UnsafeMutablePointer<Float>
    ) -> SIMD4<Float> {
        let n = SIMD4<Float>(repeating: Float(h))
        @inline(__always) func column(_ j: Int) -> SIMD4<Float> {
            SIMD4(x[j], x[h + j], x[2 * h + j], x[3 * h + j])
        }
        var s = SIMD4<Double>()
        for j in 0..<h { s += SIMD4<Double>(column(j)) }
        let mean = SIMD4<Float>(s) / n
        var v = SIMD4<Double>()
        for j in 0..<h {
            let c = column(j) - mean
            centered[j] = c[0]
            centered[h + j] = c[1]
            centered[2 * h + j] = c[2]
            centered[3 * h + j] = c[3]
            v += SIMD4<Double>(c * c)
        }
        let variance = SIMD4<Float>(v) / n + epsilon
        return SIMD4(
            1 / Foundation.sqrt(variance[0]), 1 / Foundation.sqrt(variance[1]),
            1 / Foundation.sqrt(variance[2]), 1 / Foundation.sqrt(variance[3]))
    }

    /// Centers `rows` of `x` (rows of `h` values) into the same rows of `centered` and calls
    /// `body(row, r)` for each row in order once its centered values are there: four rows at a
    /// time where four remain (`normalizeFourRows`), the rest one by one (`normalizeRow`), the
    /// same bits either way. The forward pass and the gradient's row pass both walk rows so.
    @inline(__always)
    static func normalizeRows(
        _ rows: Range<Int>, of x: UnsafePointer<Float>, _ h: Int, _ epsilon: Float,
        into centered: UnsafeMutablePointer<Float>, _ body: (_ row: Int, _ r: Float) -> Void
    ) {
        var row = rows.lowerBound
        while row + 4 <= rows.upperBound {
            let base = row * h
            let r = normalizeFourRows(x + base, h, epsilon, centered + base)
            for k in 0..<4 { body(row + k, r[k]) }
            row += 4
        }
        for row in row..<rows.upperBound {
            let base = row * h
            body(row, normalizeRow(x + base, h, epsilon, centered + base))
        }
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let a = x[0].floats, gamma = x[1].floats, beta = x[2].floats
        let h = x[0].shape.last ?? 1
        precondition(
            gamma.count == h && beta.count == h,
            "layer_norm: gamma and beta need \(h) values, got \(gamma.count), \(beta.count)")
        let out: [Float] = a.withUnsafeBufferPointer { p in
            gamma.withUnsafeBufferPointer { pg in
                beta.withUnsafeBufferPointer { pb in
                    parallelRows(count: a.count, length: h) { output, part in
                        // Only an empty tensor has no base address, and it has no rows either.
                        guard let input = p.baseAddress else { return }
                        LayerNorm.normalizeRows(part, of: input, h, epsilon, into: output) {
                            row, r in
                            let o = output + row * h
                            for j in 0..<h { o[j] = o[j] * r * pg[j] + pb[j] }
                        }
                    }
                }
            }
        }
        return Tensor(out, shape: x[0].shape)
    }

    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        vjp(x, g, wideLanes: VectorMath.hasWideLanes)
    }

    /// The gradients; with `wideLanes`, the parameter gradients' column sums run as
    /// `CVectorMath`'s eight-column vectors (the same bits as the Swift loop).
    func vjp(_ x: [Tensor], _ g: Tensor, wideLanes: Bool) -> [Tensor?] {
        let a = x[0].floats, gamma = x[1].floats, gs = g.floats
        let h = x[0].shape.last ?? 1
        let rows = h == 0 ? 0 : a.count / h
        let inv = 1 / Double(max(h, 1))
        // Two passes, each split over the threads: `dx` and the normalized rows `x̂` by rows, then
        // the parameter gradients by columns, each summed over the rows in increasing order in
        // Double (the order `reduceSum` adds a leading-axes sum in): bitwise repeatable, and the
        // same at every thread count.
        var xhatAll = [Float](repeating: 0, count: a.count)
        let dx: [Float] = a.withUnsafeBufferPointer { p in
            gs.withUnsafeBufferPointer { q in
                gamma.withUnsafeBufferPointer { pgamma in
                    xhatAll.withUnsafeMutableBufferPointer { xhats in
                        parallelRows(count: a.count, length: h) { buf, part in
                            // Only an empty tensor has no base address, and then there are no rows.
                            guard let input = p.baseAddress, let xhatBase = xhats.baseAddress
                            else { return }
                            // Per part, on the stack: no allocation on a worker thread.
                            withUnsafeTemporaryAllocation(of: Float.self, capacity: h) { dxhat in
                                LayerNorm.normalizeRows(
                                    part, of: input, h, epsilon, into: xhatBase
                                ) { row, r in
                                    let base = row * h
                                    let xhat = xhatBase + base
                                    var sumD = 0.0, sumDX = 0.0
                                    for j in 0..<h {
                                        let xh = xhat[j] * r
                                        xhat[j] = xh
                                        let d = q[base + j] * pgamma[j]
                                        dxhat[j] = d
                                        sumD += Double(d)
                                        sumDX += Double(d * xh)
                                    }
                                    let meanD = Float(sumD * inv), meanDX = Float(sumDX * inv)
                                    for j in 0..<h {
                                        buf[base + j] = r * (dxhat[j] - meanD - xhat[j] * meanDX)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var dGamma = [Double](repeating: 0, count: h), dBeta = [Double](repeating: 0, count: h)
        gs.withUnsafeBufferPointer { q in
            xhatAll.withUnsafeBufferPointer { xhat in
                dGamma.withUnsafeMutableBufferPointer { dg in
                    dBeta.withUnsafeMutableBufferPointer { db in
                        ParallelFor.forEach(
                            h, grain: max(1, ParallelFor.defaultGrain / max(rows, 1))
                        ) {
                            columns in
                            if wideLanes, let q = q.baseAddress, let xhat = xhat.baseAddress,
                                let dg = dg.baseAddress, let db = db.baseAddress
                            {
                                let first = columns.lowerBound
                                cvectormath_column_product_sums(
                                    xhat + first, q + first, rows, h, columns.count, dg + first,
                                    db + first)
                                return
                            }
                            for row in 0..<rows {
                                let base = row * h
                                for j in columns {
                                    let gj = q[base + j]
                                    dg[j] += Double(gj * xhat[base + j])
                                    db[j] += Double(gj)
                                }
                            }
                        }
                    }
                }
            }
        }
        return [
            Tensor(dx, shape: x[0].shape),
            Tensor(dGamma.map { Float($0) }, shape: x[1].shape),
            Tensor(dBeta.map { Float($0) }, shape: x[2].shape),
        ]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        tr.lowerAsComposite(x, t) {
            $0[0].layerNormComposite(gamma: $0[1], beta: $0[2], epsilon: epsilon)
        }
    }
}

extension Tensor {
    /// Layer normalization over the last axis (fused kernel; see `LayerNorm`), as Keras and BERT:
    /// `(x - mean) · rsqrt(variance + epsilon) · gamma + beta`, biased variance.
    ///
    /// Shapes: `self [..., h]`, `gamma [h]`, `beta [h]` → `[..., h]`.
    public func layerNorm(gamma: Tensor, beta: Tensor, epsilon: Float) -> Tensor {
        apply(LayerNorm(epsilon: epsilon), [self, gamma, beta])
    }
}
