import Foundation

/// The error function (for exact GELU; TF 2.21 has no `Gelu` op). TF: `Erf`.
struct Erf: ElementwiseUnary {
    var name: String { "erf" }
    var tfOp: String { "Erf" }
    static func f(_ x: Float) -> Float { Foundation.erf(x) }
    // d erf(x)/dx = 2/√π · exp(-x²).
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [g * (-(x[0] * x[0])).exp() * Float(1.1283791670955126)]
    }
}

extension Tensor {
    /// The error function, elementwise.
    public func erf() -> Tensor { apply(Erf(), [self]) }
}
