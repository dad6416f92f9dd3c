import Foundation

/// GELU's tanh approximation, `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))`: Model
/// Garden's `gelu` (`tf_utils.get_activation("gelu")` is `tf.nn.gelu(x, approximate=True)`),
/// and BERT's original activation.
///
/// Shapes: `[...]` → `[...]`, float32. The kernel does TensorFlow's Float operations in its
/// order (`x³` as `x·x·x` where TF runs `Pow`: within an ulp of it). TF: the ops
/// `tf.nn.gelu(approximate=True)` traces to, with its constants, under the scope `Gelu`:
/// `Mul(0.5, x)`, `Pow(x, 3)`, `Mul(0.044715, ·)`, `AddV2(x, ·)`, `Mul(√(2/π), ·)`, `Tanh`,
/// `AddV2(1, ·)`, `Mul`; TFLite's converter fuses them into one `GELU` op, as it does TF's own.
struct TanhGelu: Primitive {
    static let coefficient = Float(0.044715)
    /// √(2/π), as TF's Python literal 0.7978845608028654 rounds to float32.
    static let sqrtTwoOverPi = Float(0.7978845608028654)

    var name: String { "tanh_gelu" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(t[0].dtype == .float32, "tanh_gelu: expects float32, got \(t[0].dtype)")
        return t[0]
    }

    /// `tanh(√(2/π) · (x + 0.044715 · x³))`, the gate both directions need.
    @inline(__always)
    static func gate(_ v: Float) -> Float {
        Foundation.tanh(sqrtTwoOverPi * (v + coefficient * (v * v * v)))
    }

    func forward(_ x: [Tensor]) -> Tensor { x[0].mapElements(Forward.self, grain: 4096) }

    enum Forward: UnaryElementFunction {
        static func f(_ v: Float) -> Float { (0.5 * v) * (1 + TanhGelu.gate(v)) }
    }

    var vjpReadsOutput: Bool { false }
    // Its vjp keeps the input, so the product after it need not keep the output too (a
    // quarter of a BERT layer's activations at 4× intermediate size).
    var recomputesOutput: Bool { true }

    // d/dx [½x·(1 + t)] = ½(1 + t) + ½x·(1 - t²)·√(2/π)·(1 + 3·0.044715·x²), t the gate.
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [x[0].mapElements(with: g, Backward.self, grain: 4096)]
    }

    enum Backward: BinaryElementFunction {
        static func apply(_ v: Float, _ gi: Float) -> Float {
            let t = TanhGelu.gate(v)
            let slope = TanhGelu.sqrtTwoOverPi * (1 + 3 * TanhGelu.coefficient * (v * v))
            return gi * (0.5 * (1 + t) + (0.5 * v) * (1 - t * t) * slope)
        }
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        tr.withScope("Gelu") {
            func binary(_ op: String, _ a: GraphRef, _ b: GraphRef) -> GraphRef {
                let id = tr.addNode(op, inputs: [a, b], attrs: ["T": .type(.float32)])
                return .output(node: id, outputArg: "z", index: 0)
            }
            let input = x[0]
            let half = binary("Mul", tr.floatConstant([0.5]), input)
            let cube = binary("Pow", input, tr.floatConstant([3]))
            let inner = binary(
                "AddV2", input, binary("Mul", tr.floatConstant([TanhGelu.coefficient]), cube))
            let scaled = binary("Mul", tr.floatConstant([TanhGelu.sqrtTwoOverPi]), inner)
            let tanh = tr.addNode("Tanh", inputs: [scaled], attrs: ["T": .type(.float32)])
            let onePlus = binary(
                "AddV2", tr.floatConstant([1]), .output(node: tanh, outputArg: "y", index: 0))
            return binary("Mul", half, onePlus)
        }
    }
}

extension Tensor {
    /// GELU's tanh approximation (Model Garden's `gelu`, Keras' `gelu(approximate=True)`);
    /// `gelu()` is the exact erf form.
    public func tanhGelu() -> Tensor { apply(TanhGelu(), [self]) }
}
