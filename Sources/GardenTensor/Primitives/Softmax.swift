/// Softmax over the last axis.
///
/// Shapes: `[..., c]` → `[..., c]`. Kernel: per row, subtract the maximum before `exp` so large
/// logits do not overflow. vjp: `y · (g - Σ_c g·y)`. TF: `Softmax` (output `softmax`).
struct Softmax: Primitive {
    var name: String { "softmax" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(t[0].dtype == .float32, "softmax: expects float32, got \(t[0].dtype)")
        precondition(
            t[0].shape.rank.map { $0 >= 1 } ?? true, "softmax: needs rank >= 1, got \(t[0].shape)")
        return t[0]
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let c = x[0].shape.last ?? 1
        let a = x[0].floats
        let out: [Float] = a.withUnsafeBufferPointer { z in
            parallelRows(count: a.count, length: c) { out, part in
                for r in part {
                    let base = r * c
                    let (_, s) = softmaxRowExponentials(z, base: base, count: c, into: out)
                    let inv = 1 / s
                    for j in 0..<c { out[base + j] *= inv }
                }
            }
        }
        return Tensor(out, shape: x[0].shape)
    }

    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }

    // One pass per row instead of four ops and three full-size temporaries (attention
    // probabilities are the largest tensors of a BERT step). Same Float operations in the same
    // order as `y * (g - (g * y).sum(axes: [-1], keepDims: true))`, row sum in Double as
    // `reduceSum`, so the gradient is bitwise the composite's (`SoftmaxTests`).
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        let c = y.shape.last ?? 1
        let ys = y.floats, gs = g.floats
        let out: [Float] = ys.withUnsafeBufferPointer { py in
            gs.withUnsafeBufferPointer { pg in
                parallelRows(count: ys.count, length: c) { buf, part in
                    for r in part {
                        let base = r * c
                        var s = 0.0
                        for j in 0..<c { s += Double(pg[base + j] * py[base + j]) }
                        let dot = Float(s)
                        for j in 0..<c { buf[base + j] = py[base + j] * (pg[base + j] - dot) }
                    }
                }
            }
        }
        return [Tensor(out, shape: y.shape)]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode("Softmax", inputs: x, attrs: ["T": .type(.float32)])
        return .output(node: id, outputArg: "softmax", index: 0)
    }
}

extension Tensor {
    /// Softmax over the last axis.
    public func softmax() -> Tensor { apply(Softmax(), [self]) }
}
