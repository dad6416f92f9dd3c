import CVectorMath

/// Exact GELU, `0.5 · x · (1 + erf(x / √2))`, fused: one pass forward and one pass backward
/// instead of the composite's five ops and their temporaries (bert_tiny profile, issue 6).
///
/// On AVX2 and AVX-512 hosts both passes run in C in 8 or 16 lanes (`CVectorMath`: the same
/// operations, so the same bits as the SIMD4 lanes below, `GeluWideLanesTests`).
///
/// Shapes: `[...]` → `[...]`, float32. Kernel and vjp do the composite's Float operations in the
/// composite's order, so values and gradients equal `Tensor.geluComposite()`'s bit for bit
/// (`NNCompositeTests`). TF: the composite's ops (`Mul`, `Erf`, `AddV2`; TF 2.21 has no `Gelu`).
struct Gelu: Primitive {
    static let invSqrt2 = Float(0.7071067811865476)
    /// d erf(t)/dt = 2/√π · exp(-t²).
    static let twoOverSqrtPi = Float(1.1283791670955126)

    var name: String { "gelu" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(t[0].dtype == .float32, "gelu: expects float32, got \(t[0].dtype)")
        return t[0]
    }

    func forward(_ x: [Tensor]) -> Tensor { x[0].mapElements(Forward.self, grain: 4096) }

    enum Forward: UnaryElementFunction {
        static func f(_ v: Float) -> Float { lanes(SIMD4(repeating: v))[0] }
        @inline(__always)
        static func lanes(_ v: SIMD4<Float>) -> SIMD4<Float> {
            (v * 0.5) * (1 + VectorMath.erf(v * Gelu.invSqrt2))
        }
        static let wideKernel: UnaryWideKernel? =
            VectorMath.hasWideLanes ? cvectormath_gelu_forward : nil
    }

    var vjpReadsOutput: Bool { false }
    // Its vjp keeps the input, so the product after it need not keep the output too (a
    // quarter of a BERT layer's activations at 4× intermediate size).
    var recomputesOutput: Bool { true }

    // The composite's backward, element by element: through `(x·½)·(1 + erf(x·c))` the two paths
    // to x give `g·(1 + erf)·½` and `g·(x·½)·exp(-t²)·2/√π·c`, summed as the tape sums them.
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [x[0].mapElements(with: g, Backward.self, grain: 4096)]
    }

    enum Backward: BinaryElementFunction {
        static func apply(_ v: Float, _ gi: Float) -> Float {
            applyLanes(SIMD4(repeating: v), SIMD4(repeating: gi))[0]
        }
        @inline(__always)
        static func applyLanes(_ v: SIMD4<Float>, _ gi: SIMD4<Float>) -> SIMD4<Float> {
            let t = v * Gelu.invSqrt2
            let viaHalf = (gi * (1 + VectorMath.erf(t))) * 0.5
            let viaErf =
                (((gi * (v * 0.5)) * VectorMath.expOfNonPositive(-(t * t))) * Gelu.twoOverSqrtPi)
                * Gelu.invSqrt2
            return viaErf + viaHalf
        }
        static let wideKernel: BinaryWideKernel? =
            VectorMath.hasWideLanes ? cvectormath_gelu_backward : nil
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        tr.lowerAsComposite(x, t) { $0[0].geluComposite() }
    }
}

extension Tensor {
    /// Exact GELU, `0.5 · x · (1 + erf(x / √2))`, as BERT uses (fused kernel; see `Gelu`).
    public func gelu() -> Tensor { apply(Gelu(), [self]) }
}
