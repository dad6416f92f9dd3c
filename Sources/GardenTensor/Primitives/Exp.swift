import Foundation

/// Natural exponential. TF: `Exp`.
struct Exp: ElementwiseUnary {
    var name: String { "exp" }
    var tfOp: String { "Exp" }
    static func f(_ x: Float) -> Float { Foundation.exp(x) }
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [g * y] }
}

extension Tensor {
    public func exp() -> Tensor { apply(Exp(), [self]) }
}
