import Foundation

/// Hyperbolic tangent. TF: `Tanh`.
struct Tanh: ElementwiseUnary {
    var name: String { "tanh" }
    var tfOp: String { "Tanh" }
    static func f(_ x: Float) -> Float { Foundation.tanh(x) }
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [g * (1 - y * y)] }
}

extension Tensor {
    public func tanh() -> Tensor { apply(Tanh(), [self]) }
}
