import Foundation

/// Reciprocal square root `1/√x` (layer normalization). TF: `Rsqrt`.
struct Rsqrt: ElementwiseUnary {
    var name: String { "rsqrt" }
    var tfOp: String { "Rsqrt" }
    static func f(_ x: Float) -> Float { 1 / Foundation.sqrt(x) }
    // d x^(-1/2)/dx = -1/2 · x^(-3/2) = -1/2 · y³.
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [g * (y * y * y) * Float(-0.5)]
    }
}

extension Tensor {
    /// `1/√x`, elementwise.
    public func rsqrt() -> Tensor { apply(Rsqrt(), [self]) }
}
