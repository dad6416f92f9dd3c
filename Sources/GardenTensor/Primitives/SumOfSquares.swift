/// `sum(x · x)` over every element, fused: the L2 penalty of every kernel (Keras' `L2`,
/// `l2 · reduce_sum(square(w))`). The composite ran five passes over the kernel each step
/// (the square, the sum, the sum's broadcast back, the two products of `Mul`'s vjp, their sum)
/// and its sum was one long chain of dependent additions; this is one pass each way.
///
/// Shapes: `[...]` → `[]`, float32. Kernel: `blockedSum` of the squares in Double (fixed blocks
/// and lanes: the same bits at every thread count; within rounding of the composite's). vjp:
/// `g·x + g·x`, as the tape summed `Mul`'s two operand gradients. TF: the composite's ops
/// (`Mul(x, x)`, `Sum` over all axes), so exports are unchanged.
struct SumOfSquares: Primitive {
    var name: String { "sum_of_squares" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(t[0].dtype == .float32, "sum_of_squares: expects float32, got \(t[0].dtype)")
        return TensorType(.float32, Shape([]))
    }

    func forward(_ x: [Tensor]) -> Tensor { Tensor(Float(x[0].squaredL2Norm)) }

    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        let scale = g.floats[0]
        let dx: [Float] = x[0].floats.withUnsafeBufferPointer { p in
            parallelArray(count: p.count) { out, r in
                for i in r {
                    let t = scale * p[i]
                    out[i] = t + t
                }
            }
        }
        return [Tensor(dx, shape: x[0].shape)]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        tr.lowerAsComposite(x, t) { $0[0].sumOfSquaresComposite() }
    }
}

extension Tensor {
    /// `sum(self · self)` over every element, as a scalar (the L2 penalty's sum).
    public func sumOfSquares() -> Tensor { apply(SumOfSquares(), [self]) }

    /// `sumOfSquares` as the primitives it fuses, `(self · self).sum()`: its TF lowering, and the
    /// reference of its test.
    public func sumOfSquaresComposite() -> Tensor { (self * self).sum() }
}
