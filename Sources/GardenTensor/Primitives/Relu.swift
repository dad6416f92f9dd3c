/// Rectified linear unit, `max(x, 0)`. TF: `Relu` (output arg `activations`).
struct Relu: ElementwiseUnary {
    var name: String { "relu" }
    var tfOp: String { "Relu" }
    var tfOutput: String { "activations" }
    func f(_ x: Float) -> Float { x > 0 ? x : 0 }
    // sign(relu(x)) is the step function: 1 where x > 0, else 0 (TF's convention at 0).
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [g * y.sign()] }
}

extension Tensor {
    public func relu() -> Tensor { apply(Relu(), [self]) }
}
