/// The error function (for exact GELU; TF 2.21 has no `Gelu` op), in `VectorMath`'s four-lane
/// form. TF: `Erf`.
struct Erf: ElementwiseUnary {
    var name: String { "erf" }
    var tfOp: String { "Erf" }
    static func f(_ x: Float) -> Float { VectorMath.erf(x) }
    @inline(__always)
    static func lanes(_ x: SIMD4<Float>) -> SIMD4<Float> { VectorMath.erf(x) }

    var vjpReadsOutput: Bool { false }

    // d erf(x)/dx = 2/√π · exp(-x²), fused: `g · exp(-(x·x)) · 2/√π` in that order, the
    // operations `Gelu`'s vjp repeats for its erf path.
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [x[0].mapElements(with: g, Gradient.self)]
    }

    enum Gradient: BinaryElementFunction {
        static func apply(_ x: Float, _ g: Float) -> Float {
            applyLanes(SIMD4(repeating: x), SIMD4(repeating: g))[0]
        }
        @inline(__always)
        static func applyLanes(_ x: SIMD4<Float>, _ g: SIMD4<Float>) -> SIMD4<Float> {
            (g * VectorMath.expOfNonPositive(-(x * x))) * Gelu.twoOverSqrtPi
        }
    }
}

extension Tensor {
    /// The error function, elementwise.
    public func erf() -> Tensor { apply(Erf(), [self]) }
}
