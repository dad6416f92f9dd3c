/// Rectified linear unit, `max(x, 0)`. TF: `Relu` (output arg `activations`).
///
/// vjp: a fused kernel, `g · sign(y)` in one pass (`sign(relu(x))` is the step function: 1 where
/// x > 0, else 0, TF's convention at 0); bitwise `g * y.sign()`, without the sign array.
struct Relu: ElementwiseUnary {
    var name: String { "relu" }
    var tfOp: String { "Relu" }
    var tfOutput: String { "activations" }
    static func f(_ x: Float) -> Float { x > 0 ? x : 0 }

    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        let (ys, gs) = (y.floats, g.floats)
        precondition(ys.count == gs.count, "relu: gradient \(g.shape) for output \(y.shape)")
        let dx = [Float](unsafeUninitializedCapacity: ys.count) { out, count in
            ys.withUnsafeBufferPointer { py in
                gs.withUnsafeBufferPointer { pg in
                    // y = relu(x) is never negative or NaN, so sign(y) is 1 or 0; multiplying
                    // (rather than selecting) keeps -0 and NaN gradients as `Mul` has them.
                    for i in 0..<py.count { out[i] = pg[i] * (py[i] > 0 ? 1 : 0) }
                }
            }
            count = ys.count
        }
        return [Tensor(dx, shape: y.shape)]
    }
}

extension Tensor {
    public func relu() -> Tensor { apply(Relu(), [self]) }
}
