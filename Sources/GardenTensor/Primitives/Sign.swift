/// `-1`, `0` or `1` by the sign of x. TF: `Sign`. Its derivative is zero almost everywhere.
struct Sign: ElementwiseUnary {
    var name: String { "sign" }
    var tfOp: String { "Sign" }
    static func f(_ x: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) }
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [Tensor.zeros(x[0].shape)] }
}

extension Tensor {
    public func sign() -> Tensor { apply(Sign(), [self]) }
}
