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

    func forward(_ x: [Tensor]) -> Tensor {
        let a = x[0].floats, gamma = x[1].floats, beta = x[2].floats
        let h = x[0].shape.last ?? 1
        precondition(
            gamma.count == h && beta.count == h,
            "layer_norm: gamma and beta need \(h) values, got \(gamma.count), \(beta.count)")
        let rows = h == 0 ? 0 : a.count / h
        let out = [Float](unsafeUninitializedCapacity: a.count) { buf, count in
            a.withUnsafeBufferPointer { p in
                gamma.withUnsafeBufferPointer { pg in
                    beta.withUnsafeBufferPointer { pb in
                        // Only an empty tensor has no base address, and it has no rows either.
                        guard let input = p.baseAddress, let output = buf.baseAddress else {
                            return
                        }
                        for row in 0..<rows {
                            let base = row * h
                            let o = output + base
                            let r = LayerNorm.normalizeRow(input + base, h, epsilon, o)
                            for j in 0..<h { o[j] = o[j] * r * pg[j] + pb[j] }
                        }
                    }
                }
            }
            count = a.count
        }
        return Tensor(out, shape: x[0].shape)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        let a = x[0].floats, gamma = x[1].floats, gs = g.floats
        let h = x[0].shape.last ?? 1
        let rows = h == 0 ? 0 : a.count / h
        // Parameter gradients accumulate row by row in Double, in increasing row order (the order
        // `reduceSum` adds a leading-axes sum in), so they are bitwise repeatable.
        var dGamma = [Double](repeating: 0, count: h), dBeta = [Double](repeating: 0, count: h)
        var xhat = [Float](repeating: 0, count: h), dxhat = [Float](repeating: 0, count: h)
        let inv = 1 / Double(max(h, 1))
        let dx = [Float](unsafeUninitializedCapacity: a.count) { buf, count in
            a.withUnsafeBufferPointer { p in
                gs.withUnsafeBufferPointer { q in
                    // Only an empty tensor (or row) has no base address, and then there are no rows.
                    guard let input = p.baseAddress else { return }
                    for row in 0..<rows {
                        let base = row * h
                        let r = xhat.withUnsafeMutableBufferPointer { centered in
                            centered.baseAddress.map {
                                LayerNorm.normalizeRow(input + base, h, epsilon, $0)
                            } ?? 0
                        }
                        var sumD = 0.0, sumDX = 0.0
                        for j in 0..<h {
                            let xh = xhat[j] * r
                            xhat[j] = xh
                            let gj = q[base + j]
                            dGamma[j] += Double(gj * xh)
                            dBeta[j] += Double(gj)
                            let d = gj * gamma[j]
                            dxhat[j] = d
                            sumD += Double(d)
                            sumDX += Double(d * xh)
                        }
                        let meanD = Float(sumD * inv), meanDX = Float(sumDX * inv)
                        for j in 0..<h { buf[base + j] = r * (dxhat[j] - meanD - xhat[j] * meanDX) }
                    }
                }
            }
            count = a.count
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
