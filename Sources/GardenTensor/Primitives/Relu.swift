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
        [y.mapElements(with: g, Backward.self)]
    }

    /// `g · sign(y)`: y = relu(x) is never negative or NaN, so sign(y) is 1 or 0; multiplying
    /// (rather than selecting) keeps -0 and NaN gradients as `Mul` has them.
    enum Backward: BinaryElementFunction {
        static func apply(_ y: Float, _ g: Float) -> Float { g * (y > 0 ? 1 : 0) }
        @inline(__always)
        static func applyLanes(_ y: SIMD4<Float>, _ g: SIMD4<Float>) -> SIMD4<Float> {
            g * SIMD4(repeating: 0).replacing(with: 1, where: y .> 0)
        }
    }
}

extension Tensor {
    public func relu() -> Tensor { apply(Relu(), [self]) }
}
