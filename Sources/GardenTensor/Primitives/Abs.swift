/// Absolute value, for L1 regularization. TF: `Abs`.
struct Abs: ElementwiseUnary {
    var name: String { "abs" }
    var tfOp: String { "Abs" }
    static func f(_ x: Float) -> Float { Swift.abs(x) }
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [g * x[0].sign()] }
}

extension Tensor {
    public func abs() -> Tensor { apply(Abs(), [self]) }
}
