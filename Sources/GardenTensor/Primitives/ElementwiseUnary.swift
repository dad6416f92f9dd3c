import Foundation

/// What the elementwise Float32 unary primitives share: shape rule (same shape), kernel (a map),
/// and a lowering to one TensorFlow op with attr `T`.
protocol ElementwiseUnary: Primitive, UnaryElementFunction {
    var tfOp: String { get }
    /// The output arg name in TensorFlow's op definition (`y`, `activations`, ...).
    var tfOutput: String { get }
}

extension ElementwiseUnary {
    var tfOutput: String { "y" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(t[0].dtype == .float32, "\(name): expects float32, got \(t[0].dtype)")
        return t[0]
    }

    func forward(_ x: [Tensor]) -> Tensor { x[0].mapElements(Self.self) }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode(tfOp, inputs: x, attrs: ["T": .type(.float32)])
        return .output(node: id, outputArg: tfOutput, index: 0)
    }
}

/// Negation. TF: `Neg`.
struct Neg: ElementwiseUnary {
    var name: String { "neg" }
    var tfOp: String { "Neg" }
    static func f(_ x: Float) -> Float { -x }
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [-g] }
}

extension Tensor {
    public static prefix func - (a: Tensor) -> Tensor { apply(Neg(), [a]) }
}
